package q35.backend;

import org.checkerframework.checker.nullness.qual.Nullable;
import q35.quant.QuantizedMatrix;

/**
 * A compute backend for quantized layers: something that multiplies a stored quantized matrix
 * (spec/format.md) by int8 activation rows exactly as spec/matmul.md says. Backends are found
 * with {@link java.util.ServiceLoader} ({@link Backends}) and chosen by {@link #name()}
 * ({@code --backend NAME}); {@code reference} (the verified kernel) is the oracle every other
 * backend answers to, bit for bit.
 *
 * <p>Errors are the spec's: a backend refuses bad input with an {@link IllegalArgumentException}
 * whose message starts with the error code the kernel gives for it ({@code SHAPE},
 * {@code BAD_SCALE}, {@code PADDING}, {@code ACT_RANGE}, ...).
 */
public interface Backend {

  /** The name {@code --backend} takes: {@code reference}, {@code onnx}, ... */
  String name();

  /** One line: what computes the products, and what it answers to. */
  String description();

  /** Null if the backend runs here; otherwise why not (a missing native library, ...). */
  default @Nullable String unavailableReason() {
    return null;
  }

  /**
   * The backend to use instead where this one cannot run ({@link Backends#named} says so on
   * standard error and switches), or null to refuse.
   */
  default @Nullable String fallback() {
    return null;
  }

  /**
   * This backend with {@code threads} threads per product ({@code --threads}); a backend that
   * runs on the calling thread only ignores it.
   */
  default Backend withThreads(int threads) {
    return this;
  }

  /**
   * A float32 matrix-vector product at this backend's speed, for benchmarks only; null if the
   * backend has none.
   */
  default @Nullable FloatMatvec floatBaseline() {
    return null;
  }

  /**
   * Prepares a matrix once (decodes, lays out or compiles it) for many products; checks its
   * values as the kernel does ({@link QuantizedMatrix#checkValues()}). The caller closes it.
   */
  PreparedMatrix prepare(QuantizedMatrix matrix);

  /**
   * Quantizes m rows of k float activations by spec/quantization.md section 3: codes to
   * {@code xq[r * k ..]}, scales to {@code xScales[r]}.
   */
  void quantizeActivations(int m, int k, float[] x, byte[] xq, float[] xScales);
}
