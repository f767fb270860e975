package q35.cli;

import picocli.CommandLine.Option;
import q35.backend.Backend;
import q35.backend.Backends;

/** The {@code --backend NAME} option of every command that multiplies quantized matrices. */
final class BackendOption {

  @Option(names = "--backend", paramLabel = "NAME", defaultValue = Backends.DEFAULT,
      description = "Backend of the quantized products: reference (the verified kernel, the"
          + " default) or onnx (the exported ONNX graph run by ONNX Runtime)"
          + " (default: ${DEFAULT-VALUE}).")
  String name = Backends.DEFAULT;

  /** The chosen backend; IllegalArgumentException naming the known ones if there is none. */
  Backend backend() {
    return Backends.named(name);
  }
}
