package q35.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Index Checker, run as the build runs it (its processor, the pom's pattern index.classes
 * as -AonlyDefs), reports a planted out-of-bounds access in a kernel class, and accepts an
 * access it can show in bounds. A pattern that matches nothing (as a wrong index.classes once
 * did, silently) fails this test, and so does a checker that no longer runs.
 */
class IndexCheckerNegativeControlTest {

  @TempDir Path out;

  static final Path PLANTED = Path.of(System.getProperty("q35.projectDir", "."),
      "src/test/checker-negative/q35/kernel");

  /** javac with the Index Checker on one file: its exit code and output. */
  record Result(int exit, String output) {}

  Result check(String file) throws IOException, InterruptedException {
    String path = System.getProperty("q35.checker.path", "");
    String pattern = System.getProperty("q35.index.classes", "");
    for (String jar : path.split(java.io.File.pathSeparator)) {
      assertTrue(Files.isRegularFile(Path.of(jar)), "a Checker Framework jar"
          + " (q35.checker.path, set by the pom) is missing: " + jar);
    }
    assertTrue(!pattern.isEmpty(), "q35.index.classes (the pom's index.classes) is not set");
    List<String> cmd = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "javac").toString(),
        "-proc:only", "-d", out.toString(), "-Werror",
        "-processorpath", path, "-classpath", path,
        "-processor", "org.checkerframework.checker.index.IndexChecker",
        "-AonlyDefs=" + pattern));
    for (String p : List.of("api", "code", "file", "main", "model", "parser", "processing",
        "tree", "util")) {
      cmd.add("-J--add-exports=jdk.compiler/com.sun.tools.javac." + p + "=ALL-UNNAMED");
    }
    cmd.add("-J--add-opens=jdk.compiler/com.sun.tools.javac.comp=ALL-UNNAMED");
    cmd.add(PLANTED.resolve(file).toString());
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getOutputStream().close();
    String output;
    try (InputStream in = p.getInputStream()) {
      output = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    assertTrue(p.waitFor(300, TimeUnit.SECONDS), "javac did not finish");
    return new Result(p.exitValue(), output);
  }

  @Test
  void theIndexCheckerReportsAPlantedOutOfBoundsAccess() throws Exception {
    Result r = check("PlantedOutOfBounds.java");
    assertTrue(r.exit() != 0 && r.output().contains("array.access.unsafe.high"),
        "the Index Checker, with index.classes = " + System.getProperty("q35.index.classes")
            + ", did not report a[a.length] in q35.kernel.PlantedOutOfBounds: the pattern may"
            + " match nothing, or the checker did not run. javac said:\n" + r.output());
  }

  @Test
  void theSameSetUpAcceptsAnAccessInBounds() throws Exception {
    Result r = check("PlantedInBounds.java");
    assertEquals(0, r.exit(), r.output());
  }
}
