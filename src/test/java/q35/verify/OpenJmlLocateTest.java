package q35.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two tests that locate OpenJML at once (as surefire's forks do on a fresh clone) must not run
 * ../shared/tools/openjml/unpack.sh over each other: a stand-in unpack.sh that fails when a
 * second copy of it starts before the first has finished shows that they take turns.
 */
class OpenJmlLocateTest {

  private static final String STAND_IN = String.join("\n",
      "#!/usr/bin/env bash",
      "set -euo pipefail",
      "dest=\"$1\"",
      "mkdir -p \"$dest\"",
      "if ! mkdir \"$dest/busy\" 2>/dev/null; then echo 'two unpacks at once' >&2; exit 3; fi",
      "sleep 0.4",
      "mkdir -p \"$dest/openjml\"",
      "printf '#!/bin/sh\\n' > \"$dest/openjml/openjml\"",
      "chmod +x \"$dest/openjml/openjml\"",
      "rmdir \"$dest/busy\"",
      "echo \"$(cd \"$dest/openjml\" && pwd)/openjml\"",
      "");

  @Test
  void concurrentCallersUnpackOneAtATime(@TempDir Path root) throws Exception {
    Assumptions.assumeTrue(System.getenv("OPENJML_HOME") == null,
        "OPENJML_HOME is set, so locate does not run unpack.sh");
    Path project = Files.createDirectories(root.resolve("project"));
    Path tools = Files.createDirectories(root.resolve("shared/tools/openjml"));
    Path unpack = tools.resolve("unpack.sh");
    Files.writeString(unpack, STAND_IN);
    Files.setPosixFilePermissions(unpack, PosixFilePermissions.fromString("rwxr-xr-x"));

    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<Future<String>> calls = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        Callable<String> locate = () -> {
          StringBuilder reason = new StringBuilder();
          Optional<Path> launcher = OpenJmlRunner.locate(project, reason);
          return launcher.map(Path::toString).orElse("failed: " + reason);
        };
        calls.add(pool.submit(locate));
      }
      List<String> launchers = new ArrayList<>();
      for (Future<String> call : calls) {
        launchers.add(call.get());
      }
      String expected = project.resolve("target/openjml-dist/openjml/openjml").toRealPath()
          .toString();
      assertEquals(List.of(expected, expected, expected), launchers);
    } finally {
      pool.shutdownNow();
    }
    assertTrue(Files.notExists(project.resolve("target/openjml-dist/busy")));
  }
}
