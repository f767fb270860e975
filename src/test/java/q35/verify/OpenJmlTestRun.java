package q35.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Assumptions;

/** Runs OpenJML on a test source tree, as the tests that check its verdicts need. */
final class OpenJmlTestRun {

  private OpenJmlTestRun() {}

  /**
   * OpenJML's results on {@code dir} (relative to the project), with the kernel's settings and
   * a 60 s limit. Without OpenJML the calling test is skipped with the reason, or fails when
   * the build requires OpenJML (-Dq35.requireOpenJml=true, as CI does).
   */
  static OpenJmlRunner.Result on(String dir, String what) throws Exception {
    Path project = Path.of(System.getProperty("q35.projectDir", ".")).toAbsolutePath();
    StringBuilder reason = new StringBuilder();
    Optional<Path> launcher = OpenJmlRunner.locate(project, reason);
    if (launcher.isEmpty()) {
      assertFalse(Boolean.getBoolean("q35.requireOpenJml"),
          "OpenJML is required in this build (-Dq35.requireOpenJml=true) but " + reason);
      Assumptions.assumeTrue(false, what + " skipped: " + reason);
    }
    OpenJmlRunner.Result r = OpenJmlRunner.run(new OpenJmlRunner.Options(project,
        project.resolve(dir), launcher, "", 60, 60, 1, List.of()));
    assertEquals("ran", r.status(), r.reason());
    return r;
  }
}
