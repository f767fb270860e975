package q35.llama;

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
}
