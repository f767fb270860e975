package q35.cli;

import org.checkerframework.checker.nullness.qual.Nullable;
import picocli.CommandLine.Option;
import q35.backend.Backend;
import q35.backend.Backends;

/** The {@code --backend NAME} option of every command that multiplies quantized matrices. */
final class BackendOption {

  @Option(names = "--backend", paramLabel = "NAME", defaultValue = Backends.DEFAULT,
      description = "Backend of the quantized products: reference (the verified kernel, the"
          + " default), fast (packed SIMD, bit-exact with reference) or onnx (the exported ONNX"
          + " graph run by ONNX Runtime) (default: ${DEFAULT-VALUE}).")
  String name = Backends.DEFAULT;

  @Option(names = "--threads", paramLabel = "N", description = "Threads per product, for a"
      + " backend that uses several (fast; default: one per core).")
  @Nullable Integer threads;

  /** The chosen backend; IllegalArgumentException naming the known ones if there is none. */
  Backend backend() {
    Backend b = Backends.named(name);
    Integer t = threads;
    if (t != null) {
      if (t < 1) {
        throw new IllegalArgumentException("--threads must be >= 1, got " + t);
      }
      return b.withThreads(t);
    }
    return b;
  }

  /** The chosen backend, or null after printing why there is none ({@code command: ...}). */
  @Nullable Backend backendOrReport(String command) {
    try {
      return backend();
    } catch (IllegalArgumentException e) {
      System.err.println(command + ": " + e.getMessage());
      return null;
    }
  }
}
