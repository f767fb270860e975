package q35.llama;

import java.util.function.BiConsumer;

/**
 * A linear layer without bias: {@code out[i] = sum_j W[i][j] * x[j]} for {@code i <
 * outputs()}, {@code j < inputs()}. The transformer calls every weight matrix through this
 * interface so that quantized implementations can replace the float one.
 */
public interface Linear {
  int inputs();

  int outputs();

  /** Writes {@code outputs()} values to {@code out[0..]} from {@code x[0..inputs())}. */
  void apply(float[] x, float[] out);

  /**
   * The layer on {@code m} rows (prefill, evaluation): row r's inputs at {@code x[r * inputs()
   * ..]}, its outputs to {@code out[r * outputs() ..]}, each exactly as {@link #apply(float[],
   * float[])} computes it. This default runs the rows one by one; a layer that can share the
   * weights' reads between rows overrides it.
   */
  default void apply(int m, float[] x, float[] out) {
    int k = inputs();
    int n = outputs();
    Linear.checkRows(m, n, k, x, out);
    if (m == 1) {
      apply(x, out);
      return;
    }
    float[] row = new float[k];
    float[] y = new float[n];
    for (int r = 0; r < m; r++) {
      System.arraycopy(x, r * k, row, 0, k);
      apply(row, y);
      System.arraycopy(y, 0, out, r * n, n);
    }
  }

  /**
   * A layer of {@code outputs} x {@code inputs} whose one-row product is {@code apply} (wrappers
   * that record or replace a layer); its batched product is the row-by-row default.
   */
  static Linear of(int outputs, int inputs, BiConsumer<float[], float[]> apply) {
    return new Linear() {
      @Override
      public int inputs() {
        return inputs;
      }

      @Override
      public int outputs() {
        return outputs;
      }

      @Override
      public void apply(float[] x, float[] out) {
        apply.accept(x, out);
      }
    };
  }

  /** Checks that m >= 1 rows of an n x k layer fit in {@code x} and {@code out}. */
  static void checkRows(int m, int n, int k, float[] x, float[] out) {
    if (m < 1 || x.length < (long) m * k || out.length < (long) m * n) {
      throw new IllegalArgumentException("SHAPE: " + m + " rows of a " + n + " x " + k
          + " layer got " + x.length + " inputs and room for " + out.length + " outputs");
    }
  }
}
