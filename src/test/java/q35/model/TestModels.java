package q35.model;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Path;
import org.junit.jupiter.api.Assumptions;

/** Shared model files for tests: skipped when absent, failed instead with -Dq35.requireModels=true. */
public final class TestModels {
  private TestModels() {}

  public static Path require(String name) {
    Path p = SharedModels.find(name);
    if (p == null) {
      String msg = SharedModels.howToGet(name);
      if (Boolean.getBoolean("q35.requireModels")) {
        fail(msg + " (q35.requireModels=true)");
      }
      Assumptions.abort(msg);
    }
    return p;
  }

  public static Path storiesBin() {
    return require(SharedModels.STORIES_BIN);
  }

  public static Path storiesGguf() {
    return require(SharedModels.STORIES_GGUF);
  }

  public static Path tok512() {
    return require(SharedModels.TOK512);
  }

  /** The standard evaluation text, beside the shared models in ../shared/eval/. */
  public static Path evalText() {
    Path p = storiesBin().getParent().resolve("../eval/stories260K-sampled-64.txt").normalize();
    if (!java.nio.file.Files.isRegularFile(p)) {
      String msg = "evaluation text not found at " + p
          + " (it sits beside the shared models, in ../shared/eval/)";
      if (Boolean.getBoolean("q35.requireModels")) {
        fail(msg);
      }
      Assumptions.abort(msg);
    }
    return p;
  }
}
