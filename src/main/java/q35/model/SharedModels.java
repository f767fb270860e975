package q35.model;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Where the shared test models live: system property {@code q35.models}, else environment
 * variable {@code Q35_MODELS}, else {@code ../shared/models} relative to the project directory
 * (system property {@code q35.projectDir}, set by surefire; else the directory holding {@code
 * target/} this code runs from; else the working directory).
 */
public final class SharedModels {
  public static final String STORIES_BIN = "stories260K.bin";
  public static final String STORIES_GGUF = "stories260K.gguf";
  public static final String TOK512 = "tok512.bin";

  private SharedModels() {}

  public static Path dir() {
    String prop = System.getProperty("q35.models");
    if (prop != null && !prop.isBlank()) {
      return Paths.get(prop);
    }
    String env = System.getenv("Q35_MODELS");
    if (env != null && !env.isBlank()) {
      return Paths.get(env);
    }
    String project = System.getProperty("q35.projectDir");
    Path base = project != null && !project.isBlank() ? Paths.get(project) : projectFromCodeSource();
    return base.toAbsolutePath().resolve("..").resolve("shared").resolve("models").normalize();
  }

  /**
   * The project directory when running from {@code target/classes} or {@code target/q35.jar} (as
   * the {@code ./q35} launcher does), else the working directory.
   */
  static Path projectFromCodeSource() {
    try {
      java.security.CodeSource cs = SharedModels.class.getProtectionDomain().getCodeSource();
      if (cs != null) {
        Path p = Paths.get(cs.getLocation().toURI()).toAbsolutePath();
        for (Path q = p; q != null; q = q.getParent()) {
          Path name = q.getFileName();
          Path parent = q.getParent();
          if (name != null && name.toString().equals("target") && parent != null) {
            return parent;
          }
        }
      }
    } catch (java.net.URISyntaxException | SecurityException | IllegalArgumentException
        | java.nio.file.FileSystemNotFoundException e) {
      // fall back to the working directory
    }
    return Paths.get("");
  }

  public static Path file(String name) {
    return dir().resolve(name);
  }

  /** The file if it exists, else null. */
  public static @Nullable Path find(String name) {
    Path p = file(name);
    return Files.isRegularFile(p) ? p : null;
  }

  /** How to make the models available, for skip and error messages. */
  public static String howToGet(String name) {
    return "model file " + name + " not found in " + dir() + "; put the shared models (stories260K.bin, "
        + "tok512.bin, stories260K.gguf) there, or point -Dq35.models=DIR or env Q35_MODELS=DIR at them";
  }
}
