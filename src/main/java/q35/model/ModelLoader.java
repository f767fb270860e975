package q35.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.ServiceLoader;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Loads a model by its path: {@code .bin} (llama2.c), {@code .gguf}, a Hugging Face directory
 * with {@code config.json}, or any other {@link ModelFormat} service on the class path (the
 * {@code .q35} container).
 */
public final class ModelLoader {

  private ModelLoader() {}

  /** Every format found, in class-path order. */
  public static List<ModelFormat> formats() {
    List<ModelFormat> list = new ArrayList<>();
    for (ModelFormat f : ServiceLoader.load(ModelFormat.class, ModelLoader.class.getClassLoader())) {
      list.add(f);
    }
    return list;
  }

  /** The format that claims {@code path}, or null. */
  public static @Nullable ModelFormat formatFor(Path path) {
    for (ModelFormat f : formats()) {
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
      List<String> names = new ArrayList<>();
      for (ModelFormat g : formats()) {
        names.add(g.name());
      }
      throw new ModelFormatException(path + ": unknown model format (known: "
          + String.join(", ", names) + "; use .bin, .gguf, .q35 or a directory with config.json)");
    }
    return f.load(path);
  }

  public static boolean hasExtension(Path p, String ext) {
    Path name = p.getFileName();
    return name != null && name.toString().toLowerCase(Locale.ROOT).endsWith(ext) && Files.isRegularFile(p);
  }
}
