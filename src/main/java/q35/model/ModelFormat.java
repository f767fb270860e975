package q35.model;

import java.io.IOException;
import java.nio.file.Path;

/**
 * One model file format that {@link ModelLoader} can dispatch to. Formats are services
 * ({@code META-INF/services/q35.model.ModelFormat}): the readers of this package, and formats
 * of packages above it (the {@code .q35} container), so the loader depends on none of them.
 */
public interface ModelFormat {
  /** Short name for messages, e.g. "gguf". */
  String name();

  /** Whether this format claims the path (usually by extension, or a directory layout). */
  boolean accepts(Path path);

  LoadedModel load(Path path) throws IOException;

  /** llama2.c checkpoints, {@code .bin}. */
  final class Llama2c implements ModelFormat {
    @Override
    public String name() {
      return "llama2.c";
    }

    @Override
    public boolean accepts(Path path) {
      return ModelLoader.hasExtension(path, ".bin");
    }

    @Override
    public LoadedModel load(Path path) throws IOException {
      return new LoadedModel(Llama2cReader.read(path), null);
    }
  }

  /** GGUF files, {@code .gguf}. */
  final class Gguf implements ModelFormat {
    @Override
    public String name() {
      return "gguf";
    }

    @Override
    public boolean accepts(Path path) {
      return ModelLoader.hasExtension(path, ".gguf");
    }

    @Override
    public LoadedModel load(Path path) throws IOException {
      return GgufLlamaReader.read(path);
    }
  }

  /** Hugging Face directories with {@code config.json} and safetensors. */
  final class HuggingFace implements ModelFormat {
    @Override
    public String name() {
      return "huggingface";
    }

    @Override
    public boolean accepts(Path path) {
      return java.nio.file.Files.isDirectory(path)
          && java.nio.file.Files.isRegularFile(path.resolve("config.json"));
    }

    @Override
    public LoadedModel load(Path path) throws IOException {
      return HfLlamaReader.read(path);
    }
  }
}
