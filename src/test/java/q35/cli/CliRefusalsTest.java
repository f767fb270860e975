package q35.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Inputs that commands do not check themselves reach the CLI's handler ({@link Failure}): a
 * missing or wrong kind of file, a bad argument. The user gets one line naming the command and
 * the problem, and status 1 (a file) or 2 (an argument); a stack trace is for bugs only.
 */
class CliRefusalsTest {

  private static void assertOneLineRefusal(GenerateCommandTest.Run r, int status,
      String expected) {
    assertEquals(status, r.code(), r.err());
    assertFalse(r.err().contains("\tat "), r.err());
    assertEquals(1, r.err().strip().lines().count(), r.err());
    assertTrue(r.err().contains(expected), r.err());
  }

  @Test
  void aFileWhereADirectoryIsExpectedIsNamed(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("vectors.json"), "{}");
    assertOneLineRefusal(GenerateCommandTest.run("conformance", "--vectors", file.toString()),
        1, "q35 conformance: not a directory: " + file);
  }

  @Test
  void aMissingFileIsNamed(@TempDir Path dir) {
    Path missing = dir.resolve("absent");
    assertOneLineRefusal(GenerateCommandTest.run("conformance", "--vectors", missing.toString()),
        1, "q35 conformance: no such file: " + missing);
  }

  @Test
  void aThreadCountBelowOneIsRefusedBeforeMeasuring() {
    GenerateCommandTest.Run r = GenerateCommandTest.run("bench", "matvec", "--rows", "8",
        "--cols", "8", "--threads", "1,0");
    assertOneLineRefusal(r, 2, "--threads");
    assertEquals("", r.out());
  }

  @Test
  void anOpenJmlTimeLimitBelowOneSecondIsRefused() {
    GenerateCommandTest.Run r = GenerateCommandTest.run("openjml", "--batch-timeout", "0");
    assertOneLineRefusal(r, 2, "--batch-timeout and --timeout of at least 1 s");
    assertEquals("", r.out());
  }

  @Test
  void theTracePropertyKeepsTheStackTraceForDebugging(@TempDir Path dir) {
    System.setProperty("q35.trace", "true");
    try {
      GenerateCommandTest.Run r = GenerateCommandTest.run("conformance", "--vectors",
          dir.resolve("absent").toString());
      assertTrue(r.err().contains("NoSuchFileException") && r.err().contains("\tat "), r.err());
      assertTrue(r.code() != 0, r.err());
    } finally {
      System.clearProperty("q35.trace");
    }
  }

  @Test
  void describeSaysWhatWentWrongWithAPath() {
    assertEquals("no such file: a/b",
        Failure.describe(new java.nio.file.NoSuchFileException("a/b")));
    assertEquals("permission denied: c",
        Failure.describe(new java.nio.file.AccessDeniedException("c")));
    assertEquals("d: disk full",
        Failure.describe(new java.nio.file.FileSystemException("d", null, "disk full")));
    assertEquals("bad header", Failure.describe(new IOException("bad header")));
    assertEquals("IOException", Failure.describe(new IOException()));
  }
}
