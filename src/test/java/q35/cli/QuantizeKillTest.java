package q35.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import q35.container.Q35Container;
import q35.model.LlamaConfig;
import q35.model.TinyModels;

/**
 * Crash safety shown by killing the process (spec/container.md section 5): {@code quantize} runs
 * as a separate JVM and is killed with SIGKILL at many points of its write; each time the target
 * path must hold the complete previous file (or, once renamed, the complete new one), never a
 * part; a temporary left behind must be removed by the next run; the file mode follows the
 * umask.
 */
class QuantizeKillTest {
  /** 8 layers of 256 x 256 and 768 x 256: a 28 MB checkpoint, about a second of writing. */
  static final LlamaConfig MODEL = new LlamaConfig(256, 768, 8, 8, 8, 512, 32, true);
  static final int KILLS_DURING_WRITE = 12;

  @Test
  void sigkillAnywhereLeavesTheOldOrTheNewFileAndNoLastingTemporary() throws Exception {
    Path dir = Files.createTempDirectory(
        Files.createDirectories(Path.of(System.getProperty("q35.projectDir", "."), "target")),
        "q35-kill");
    Path model = dir.resolve("model.bin");
    SyntheticCheckpoint.write(model, MODEL);
    Path tok = dir.resolve("tok.bin");
    Files.write(tok, TinyModels.tokenizerBytes(MODEL.vocabSize()));
    Path target = dir.resolve("out.q35");

    // The previous file (another format) and the new one, each from a run left alone.
    assertEquals(0, quantize(model, tok, target, "int4").waitFor());
    byte[] previous = Files.readAllBytes(target);
    Path fresh = dir.resolve("fresh.q35");
    assertEquals(0, quantize(model, tok, fresh, "q35-g32").waitFor());
    byte[] next = Files.readAllBytes(fresh);
    assertTrue(!Arrays.equals(previous, next));
    Files.delete(fresh);

    int duringWrite = 0;
    int afterRename = 0;
    int beforeTemp = 0;
    List<Path> staleBefore = List.of();
    List<String> log = new ArrayList<>();
    for (int i = 0; i <= KILLS_DURING_WRITE + 2; i++) {
      Process p = quantize(model, tok, target, "q35-g32");
      String point;
      if (i == 0) {
        Thread.sleep(150); // during JVM start or model load: no temporary yet
        point = "at 150 ms";
      } else if (i <= KILLS_DURING_WRITE) {
        long threshold = (long) next.length * (i - 1) / (KILLS_DURING_WRITE - 1);
        point = waitForTemporary(dir, threshold, staleBefore, p)
            ? "temporary at >= " + threshold + " bytes" : "process ended first";
      } else {
        point = waitForRename(target, previous, p) ? "just after the rename" : "process ended first";
      }
      p.destroyForcibly(); // SIGKILL
      p.waitFor(30, TimeUnit.SECONDS);
      List<Path> temps = temporaries(dir);
      byte[] now = Files.readAllBytes(target);
      boolean isPrevious = Arrays.equals(now, previous);
      boolean isNext = Arrays.equals(now, next);
      log.add("kill " + i + " " + point + ": target " + (isPrevious ? "previous" : isNext ? "new"
          : "OTHER") + ", temporaries " + temps.size());
      if (!isPrevious && !isNext) {
        fail("after kill " + i + " (" + point + ") the target is neither file: " + log);
      }
      Q35Container.read(target); // and it reads
      for (Path s : staleBefore) {
        if (!point.startsWith("at 150") && Files.exists(s)) {
          fail("the run after kill " + (i - 1) + " did not remove its stale " + s + ": " + log);
        }
      }
      assertTrue(temps.size() <= 1, "temporaries pile up: " + temps + " " + log);
      if (point.startsWith("temporary")) {
        duringWrite++;
      } else if (point.startsWith("at 150") && temps.isEmpty()) {
        beforeTemp++;
      } else if (isNext) {
        afterRename++;
      }
      if (isNext) {
        Files.write(target, previous); // the next kill starts from the previous file again
      }
      staleBefore = temps;
    }
    System.out.println("QuantizeKillTest: " + String.join("; ", log));
    assertTrue(duringWrite >= KILLS_DURING_WRITE / 2, "too few kills landed mid-write: " + log);

    // A run left alone cleans up what the last kill left, and writes with the umask's mode.
    assertEquals(0, quantize(model, tok, target, "q35-g32").waitFor());
    assertArrayEquals(next, Files.readAllBytes(target));
    assertEquals(List.of(), temporaries(dir), log.toString());
    Path probe = Files.createFile(dir.resolve("umask-probe"));
    Set<PosixFilePermission> expected = Files.getPosixFilePermissions(probe);
    assertEquals(expected, Files.getPosixFilePermissions(target), "mode follows the umask");
    System.out.println("QuantizeKillTest: " + duringWrite + " kills mid-write, " + afterRename
        + " after the rename, " + beforeTemp + " before the temporary existed");
    // Passed: remove the 28 MB checkpoint and the outputs, which every run used to leave in
    // target/ (a failure above keeps them for inspection). The folder holds files only.
    try (Stream<Path> s = Files.list(dir)) {
      for (Path f : s.toList()) {
        Files.delete(f);
      }
    }
    Files.delete(dir);
  }

  static Process quantize(Path model, Path tok, Path out, String format) throws IOException {
    return new ProcessBuilder(SyntheticCheckpoint.cli("256m", "quantize", "--in",
        model.toString(), "--out", out.toString(), "--format", format, "--tokenizer",
        tok.toString()))
        .redirectOutput(ProcessBuilder.Redirect.DISCARD)
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }

  static List<Path> temporaries(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> p.getFileName().toString().endsWith(".tmp")).toList();
    }
  }

  /**
   * Waits until this run's own temporary holds at least {@code bytes}; false if the process
   * ended. The temporaries of {@code earlier} runs do not count: a stale one already past the
   * threshold would stop the wait before this run reached its clean-up.
   */
  static boolean waitForTemporary(Path dir, long bytes, List<Path> earlier, Process p)
      throws Exception {
    while (p.isAlive()) {
      for (Path t : temporaries(dir)) {
        if (earlier.contains(t)) {
          continue;
        }
        try {
          if (Files.size(t) >= bytes) {
            return true;
          }
        } catch (IOException gone) {
          // renamed or removed between listing and stat
        }
      }
      Thread.sleep(1);
    }
    return false;
  }

  /** Waits until the target no longer holds {@code previous}; false if the process ended. */
  static boolean waitForRename(Path target, byte[] previous, Process p) throws Exception {
    long size = previous.length;
    while (p.isAlive()) {
      if (Files.size(target) != size) {
        return true;
      }
      Thread.sleep(1);
    }
    return false;
  }
}
