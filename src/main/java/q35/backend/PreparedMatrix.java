package q35.backend;

import org.checkerframework.checker.nullness.qual.Nullable;
import q35.quant.QuantizedMatrix;

/**
 * A matrix made ready by a {@link Backend}: n = rows outputs, k = cols inputs, G = groups per
 * row. Batched from the start: every product takes m >= 1 activation rows, row r at
 * {@code [r * k, r * k + k)}. Not thread-safe.
 */
public interface PreparedMatrix extends AutoCloseable {

  /** The stored matrix this was prepared from. */
  QuantizedMatrix matrix();

  /** Output rows, n. */
  default int rows() {
    return matrix().rows();
  }

  /** Inputs, k. */
  default int cols() {
    return matrix().cols();
  }

  /** Groups per row, G. */
  default int groups() {
    return matrix().groups();
  }

  /** The stored input order (spec/format.md section 6), or null for the identity. */
  default int @Nullable [] inputOrder() {
    return matrix().inputOrder();
  }

  /**
   * The int32 accumulators of spec/matmul.md section 1 for m rows of codes:
   * {@code acc[(r * n + j) * G + gi]}, for conformance checks.
   */
  void accumulators(int m, byte[] xq, int[] acc);

  /**
   * The float products of spec/matmul.md sections 3 and 5: {@code out[r * n + j]} from codes
   * {@code xq} and activation scales {@code xScales[r]}.
   */
  void multiply(int m, byte[] xq, float[] xScales, float[] out);

  /**
   * The layer y = W x of spec/matmul.md section 6: quantizes each of the m float rows
   * (spec/quantization.md section 3), then multiplies; {@code out[r * n + j]}.
   */
  void apply(int m, float[] x, float[] out);

  /** The dequantized weights s * q + m (spec/quantization.md section 2.5), row-major n x k. */
  void dequantize(float[] out);

  /** Frees what the backend holds (native sessions, buffers); idempotent. */
  @Override
  void close();
}
