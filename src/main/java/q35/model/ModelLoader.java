package q35.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Loads a model by its path: {@code .bin} (llama2.c), {@code .gguf}, or a Hugging Face directory
 * with {@code config.json}. Further formats (e.g. the {@code .q35} container) plug in with {@link
 * #register}; formats registered later are tried first.
 */
public final class ModelLoader {
  private static final List<ModelFormat> FORMATS = new CopyOnWriteArrayList<>(List.of(
      format("llama2.c", p -> hasExtension(p, ".bin"), p -> new LoadedModel(Llama2cReader.read(p), null)),
      format("gguf", p -> hasExtension(p, ".gguf"), GgufLlamaReader::read),
      format("huggingface", p -> Files.isDirectory(p) && Files.isRegularFile(p.resolve("config.json")),
          HfLlamaReader::read)));

  private ModelLoader() {}

  /** Adds a format; it takes precedence over the built-in ones. */
  public static void register(ModelFormat format) {
    FORMATS.add(0, format);
  }

  /** The format that claims {@code path}, or null. */
  public static @Nullable ModelFormat formatFor(Path path) {
    for (ModelFormat f : FORMATS) {
      if (f.accepts(path)) {
        return f;
      }
    }
    return null;
  }

  public static LoadedModel load(Path path) throws IOException {
    if (!Files.exists(path)) {
      throw new NoSuchFileException(path.toString());
    }
    ModelFormat f = formatFor(path);
    if (f == null) {
      StringBuilder names = new StringBuilder();
      for (ModelFormat g : FORMATS) {
        names.append(names.length() == 0 ? "" : ", ").append(g.name());
      }
      throw new ModelFormatException(path + ": unknown model format (known: " + names
          + "; use .bin, .gguf or a directory with config.json)");
    }
    return f.load(path);
  }

  public static boolean hasExtension(Path p, String ext) {
    Path name = p.getFileName();
    return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(ext) && Files.isRegularFile(p);
  }

  /** Loader function that may throw. */
  public interface Load {
    LoadedModel load(Path p) throws IOException;
  }

  /** A format from a name, a predicate and a loader function. */
  public static ModelFormat format(String name, java.util.function.Predicate<Path> accepts, Load load) {
    return new ModelFormat() {
      @Override
      public String name() {
        return name;
      }

      @Override
      public boolean accepts(Path path) {
        return accepts.test(path);
      }

      @Override
      public LoadedModel load(Path path) throws IOException {
        return load.load(path);
      }
    };
  }
}
