package q35.fast;

import org.checkerframework.checker.nullness.qual.Nullable;
import q35.backend.Backend;
import q35.backend.FloatMatvec;
import q35.backend.PreparedMatrix;
import q35.backend.ReferenceBackend;
import q35.quant.QuantizedMatrix;

/**
 * The {@code fast} backend: packed SIMD products (Java's Vector API) on the stored bits,
 * rearranged in tiles of R rows ({@link TileLayout}), with the tiles shared among threads. Its
 * int32 accumulators and float outputs equal the {@code reference} backend's bit for bit
 * (tested on every vector and in property tests). Needs the incubating module
 * {@code jdk.incubator.vector} ({@code --add-modules jdk.incubator.vector}); without it the
 * backend says so and {@link #fallback()} names {@code reference}.
 */
public final class FastBackend implements Backend {

  /** Its {@code --backend} name. */
  public static final String NAME = "fast";

  /** The module of the Vector API. */
  static final String VECTOR_MODULE = "jdk.incubator.vector";

  /**
   * Below this many multiply-adds (m n k) a product runs on the calling thread alone: handing
   * work to another thread costs some microseconds.
   */
  public static final long PARALLEL_MACS = 1L << 20;

  private final int threads;
  private final long parallelMacs;

  /** With one thread per available core. */
  public FastBackend() {
    this(Runtime.getRuntime().availableProcessors());
  }

  /** With {@code threads} threads per product (1 = the calling thread only). */
  public FastBackend(int threads) {
    this(threads, PARALLEL_MACS);
  }

  /**
   * With {@code threads} threads for each product of at least {@code parallelMacs}
   * multiply-adds.
   */
  public FastBackend(int threads, long parallelMacs) {
    if (threads < 1 || threads > 256) {
      throw new IllegalArgumentException("threads must be in [1, 256], got " + threads);
    }
    this.threads = threads;
    this.parallelMacs = Math.max(0, parallelMacs);
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    String simd = unavailableReason() == null ? vectorDescription() : "Vector API unavailable";
    return "packed SIMD tiles (" + simd + "), " + threads + " thread" + (threads == 1 ? "" : "s")
        + ", bit-exact with reference";
  }

  private static String vectorDescription() {
    return "Java Vector API, " + Simd.S.vectorBitSize() + "-bit registers, " + Simd.LANES
        + " rows per tile";
  }

  /** Threads per product. */
  public int threads() {
    return threads;
  }

  @Override
  public Backend withThreads(int threadCount) {
    return new FastBackend(threadCount, parallelMacs);
  }

  @Override
  public @Nullable String unavailableReason() {
    FastSettings.check(); // a mistyped setting is refused, not taken for a missing Vector API
    return VectorSupport.REASON;
  }

  @Override
  public @Nullable String fallback() {
    return ReferenceBackend.NAME;
  }

  @Override
  public @Nullable FloatMatvec floatBaseline() {
    if (unavailableReason() != null) {
      return null;
    }
    return (w, n, k, x, y) -> {
      int parts = (long) n * k >= parallelMacs ? Math.min(threads, n) : 1;
      Workers.run(parts, part -> Simd.floatRows(w, k, x, y, n * part / parts,
          n * (part + 1) / parts));
    };
  }

  @Override
  public PreparedMatrix prepare(QuantizedMatrix matrix) {
    String why = unavailableReason();
    if (why != null) {
      throw new IllegalStateException("backend fast cannot run here: " + why);
    }
    matrix.checkValues();
    return new FastMatrix(matrix, threads, parallelMacs);
  }

  @Override
  public void quantizeActivations(int m, int k, float[] x, byte[] xq, float[] xScales) {
    // The kernel's quantizer, as reference runs it: the codes the products use.
    new ReferenceBackend().quantizeActivations(m, k, x, xq, xScales);
  }

  /** Whether the Vector API can be used here, decided once without touching its classes. */
  private static final class VectorSupport {
    static final @Nullable String REASON = reason();

    private static @Nullable String reason() {
      if (ModuleLayer.boot().findModule(VECTOR_MODULE).isEmpty()) {
        return "the Java Vector API (module " + VECTOR_MODULE + ") is not loaded; start the"
            + " JVM with --add-modules " + VECTOR_MODULE + " (the q35 launcher and the build do)";
      }
      try {
        int lanes = Simd.LANES;
        if (lanes < 8) {
          return "the CPU's vector registers hold " + lanes + " 16-bit lanes; fast needs 8 or"
              + " more";
        }
        return null;
      } catch (LinkageError | RuntimeException e) {
        // An initializer's failure says nothing itself; its cause does (e.g. a width the CPU
        // does not have).
        Throwable why = e instanceof ExceptionInInitializerError && e.getCause() != null
            ? e.getCause() : e;
        return "the Java Vector API did not start: " + why;
      }
    }
  }
}
