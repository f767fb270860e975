package q35.backend;

import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;
import q35.kernel.InputOrder;
import q35.llama.FloatLinear;
import q35.llama.Linear;
import q35.llama.LinearFactory;
import q35.quant.QuantizedMatrix;
import q35.quant.Quantizer;
import q35.quant.WeightFormat;

/**
 * A linear layer on a quantized matrix, computed by a backend: int8 activations, int32
 * accumulators, float result (spec/matmul.md section 6). Every quantized layer of the
 * transformer is one of these, so every product with q35 weights goes through a backend.
 *
 * <p>A matrix with a stored input order (spec/format.md section 6) gets its activations in that
 * order here, through the kernel's {@link InputOrder#gather}, before any backend sees them, so
 * every backend computes on the stored columns as they are.
 */
public final class BackendLinear implements Linear {
  private final PreparedMatrix prepared;
  private final int @Nullable [] inputOrder;

  public BackendLinear(PreparedMatrix prepared) {
    this.prepared = prepared;
    this.inputOrder = prepared.inputOrder();
  }

  @Override
  public int inputs() {
    return prepared.cols();
  }

  @Override
  public int outputs() {
    return prepared.rows();
  }

  @Override
  public void apply(float[] x, float[] out) {
    apply(1, x, out);
  }

  /** The m rows in one backend call, so that the backend reads the weights once for all. */
  @Override
  public void apply(int m, float[] x, float[] out) {
    int k = prepared.cols();
    int n = prepared.rows();
    Linear.checkRows(m, n, k, x, out);
    float[] in;
    int[] order = inputOrder;
    if (order != null) {
      in = new float[m * k];
      for (int r = 0; r < m; r++) {
        InputOrder.gather(x, r * k, order, k, in, r * k);
      }
    } else {
      in = x.length == m * k ? x : java.util.Arrays.copyOf(x, m * k);
    }
    if (out.length == m * n) {
      prepared.apply(m, in, out);
    } else {
      float[] y = new float[m * n];
      prepared.apply(m, in, y);
      System.arraycopy(y, 0, out, 0, m * n);
    }
  }

  /** The stored matrix. */
  public QuantizedMatrix matrix() {
    return prepared.matrix();
  }

  /**
   * A factory that quantizes every linear layer on the fly with {@code quantizer} and runs it on
   * {@code backend}; the classifier only when {@code quantizeClassifier}. An {@code f32} format
   * gives the float reference.
   */
  public static LinearFactory factory(Backend backend, WeightFormat format,
      boolean quantizeClassifier, Quantizer quantizer) {
    return (name, layer, w, n, k) -> {
      boolean classifier = LinearFactory.WCLS.equals(name);
      if (format.kind() == WeightFormat.Kind.F32 || (classifier && !quantizeClassifier)) {
        return FloatLinear.FACTORY.create(name, layer, w, n, k);
      }
      QuantizedMatrix q = quantizer.quantize(LinearFactory.tensorName(name, layer), w, n, k);
      return new BackendLinear(backend.prepare(q));
    };
  }

  /** As above, round-to-nearest. */
  public static LinearFactory factory(Backend backend, WeightFormat format,
      boolean quantizeClassifier) {
    return factory(backend, format, quantizeClassifier, Quantizer.roundToNearest(format));
  }

  /**
   * A factory serving each matrix from stored quantized matrices (a {@code .q35} container's,
   * by {@link LinearFactory#tensorName}), run on {@code backend}; a matrix not among them stays
   * float.
   */
  public static LinearFactory stored(Backend backend, Map<String, QuantizedMatrix> matrices) {
    return (name, layer, w, n, k) -> {
      QuantizedMatrix q = matrices.get(LinearFactory.tensorName(name, layer));
      if (q == null) {
        return FloatLinear.FACTORY.create(name, layer, w, n, k);
      }
      if (q.rows() != n || q.cols() != k) {
        throw new IllegalArgumentException(name + " is " + q.rows() + " x " + q.cols()
            + ", the model needs " + n + " x " + k);
      }
      return new BackendLinear(backend.prepare(q));
    };
  }
}
