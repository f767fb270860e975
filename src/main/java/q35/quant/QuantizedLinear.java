package q35.quant;

import q35.llama.Linear;
import q35.llama.LinearFactory;

/**
 * A linear layer on quantized weights: int8 activations times 3.5-bit (or INT4, or 8-bit)
 * weights, int32 accumulators, float result (spec/matmul.md).
 */
public final class QuantizedLinear implements Linear {
  private final QuantizedMatrix matrix;
  private final FastMatvec matvec;

  public QuantizedLinear(QuantizedMatrix matrix) {
    this.matrix = matrix;
    this.matvec = new FastMatvec(matrix);
  }

  @Override
  public int inputs() {
    return matrix.cols();
  }

  @Override
  public int outputs() {
    return matrix.rows();
  }

  @Override
  public void apply(float[] x, float[] out) {
    matvec.apply(x, out);
  }

  /** The stored matrix. */
  public QuantizedMatrix matrix() {
    return matrix;
  }

  /** The container name of a transformer matrix: {@code layers.L.name}, or {@code wcls}. */
  public static String tensorName(String name, int layer) {
    return layer < 0 ? name : "layers." + layer + "." + name;
  }

  /**
   * A factory that quantizes every linear layer on the fly; the classifier only when
   * {@code quantizeClassifier}. An {@code f32} format gives the float reference.
   */
  public static LinearFactory factory(WeightFormat format, boolean quantizeClassifier) {
    return factory(format, quantizeClassifier,
        (tensor, w, n, k) -> QuantizedMatrix.quantize(format, w, n, k));
  }

  /** Chooses the codes of one matrix, given its container name ({@link #tensorName}). */
  public interface Quantizer {
    QuantizedMatrix quantize(String tensor, float[] weights, int rows, int cols);
  }

  /** As {@link #factory(WeightFormat, boolean)}, with the codes chosen by {@code quantizer}. */
  public static LinearFactory factory(WeightFormat format, boolean quantizeClassifier,
      Quantizer quantizer) {
    return (name, layer, w, n, k) -> {
      boolean classifier = LinearFactory.WCLS.equals(name);
      if (format.kind() == WeightFormat.Kind.F32 || (classifier && !quantizeClassifier)) {
        return q35.llama.FloatLinear.FACTORY.create(name, layer, w, n, k);
      }
      return new QuantizedLinear(quantizer.quantize(tensorName(name, layer), w, n, k));
    };
  }
}
