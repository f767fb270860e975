package q35.quant;

/**
 * Chooses the codes of one matrix, given its container name ({@code layers.L.wq}, ...):
 * round-to-nearest ({@link #roundToNearest}), GPTQ (q35.gptq), or a test's own.
 */
@FunctionalInterface
public interface Quantizer {
  QuantizedMatrix quantize(String tensor, float[] weights, int rows, int cols);

  /** Every weight to its nearest lattice value, by the kernel's quantizer (q8: Q8Baseline's). */
  static Quantizer roundToNearest(WeightFormat format) {
    return (tensor, w, rows, cols) -> QuantizedMatrix.quantize(format, w, rows, cols);
  }
}
