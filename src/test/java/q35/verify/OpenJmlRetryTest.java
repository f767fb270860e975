package q35.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The runner's second attempts, against a stand-in launcher that prints OpenJML's progress
 * lines (the real tool's timing cannot be arranged): a method that timed out in its class
 * batch, or printed no result there, is proved again on its own, once per method name for all
 * its overloads, with the full time limit instead of the batches' shorter one, and its messages
 * say so.
 */
class OpenJmlRetryTest {

  private static final String LAUNCHER = """
      #!/bin/bash
      if [ "$1" = "--version" ]; then echo "openjml 0.0-stand-in"; exit 0; fi
      while [ $# -gt 0 ]; do
        if [ "$1" = "--method" ]; then M="$2"; fi
        if [ "$1" = "--timeout" ]; then T="$2"; fi
        shift
      done
      echo "$M $T" >> "$(dirname "$0")/calls.txt"
      proof() {
        echo "Starting proof of demo.Demo.$1 with prover z3_4_8"
        if [ -n "$3" ]; then echo "src/demo/Demo.java:4: verify: $3"; fi
        echo "Completed proof of demo.Demo.$1 with prover z3_4_8 - $2"
      }
      case "$M" in
        demo.Demo.\\*)
          proof "m(int)" "with warnings [2.0 secs]" "Validity is unknown (possible timeout)"
          proof "n(int)" "no warnings [0.5 secs]"
          ;;  # m(long): no result line, as when OpenJML stops in a class
        demo.Demo.m)
          proof "m(int)" "no warnings [1.0 secs]"
          proof "m(long)" "no warnings [1.5 secs]"
          ;;
      esac
      """;

  @Test
  void timedOutAndMissingOverloadsShareOneRunAloneAndSaySo(@TempDir Path project)
      throws Exception {
    Path source = Files.createDirectories(project.resolve("src/demo")).getParent();
    Files.writeString(source.resolve("demo/Demo.java"), """
        package demo;
        public final class Demo {
          public static int m(int x) { return x; }
          public static long m(long x) { return x; }
          public static int n(int x) { return x; }
        }
        """);
    Path launcher = Files.writeString(
        Files.createDirectories(project.resolve("tool")).resolve("openjml"),
        LAUNCHER.strip() + "\n");
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> methods = List.of("demo.Demo.m(int)", "demo.Demo.m(long)", "demo.Demo.n(int)");

    OpenJmlRunner.Result r = OpenJmlRunner.run(new OpenJmlRunner.Options(project, source,
        Optional.of(launcher), "", 5, 7, 1, methods));

    // The class batch runs with the batch limit, the second attempt with the full one (ms).
    assertEquals(List.of("demo.Demo.* 5000", "demo.Demo.m 7000"),
        Files.readAllLines(launcher.resolveSibling("calls.txt")));
    Map<String, OpenJmlRunner.MethodResult> by = r.methods().stream()
        .collect(Collectors.toMap(OpenJmlRunner.MethodResult::method, Function.identity()));
    assertEquals(methods.stream().sorted().toList(), by.keySet().stream().sorted().toList());
    assertTrue(r.allValid(), r.toString());
    assertEquals(List.of("first attempt, in its class batch: timeout after 2.0 s; second "
        + "attempt, alone: valid in 1.0 s"), by.get("demo.Demo.m(int)").messages());
    assertEquals(3.0, by.get("demo.Demo.m(int)").seconds(), 1e-9);
    assertEquals(List.of(), by.get("demo.Demo.m(long)").messages());
    assertEquals(1.5, by.get("demo.Demo.m(long)").seconds(), 1e-9);
    assertEquals(List.of(), by.get("demo.Demo.n(int)").messages());
  }

  /**
   * What OpenJML 0.17 did to {@code packStream} in a CI run: a timeout in its class batch, then
   * a crash when named alone (no result line), although its class alone proves it; in a later
   * run, a timeout alone too. A "TIMEOUT" outcome ("Aborted proof") counts as a timeout, and
   * every attempt is named.
   */
  private static final String CRASHING_LAUNCHER = """
      #!/bin/bash
      if [ "$1" = "--version" ]; then echo "openjml 0.0-stand-in"; exit 0; fi
      while [ $# -gt 0 ]; do
        if [ "$1" = "--method" ]; then M="$2"; fi
        if [ "$1" = "--timeout" ]; then T="$2"; fi
        shift
      done
      echo "$M $T" >> "$(dirname "$0")/calls.txt"
      proof() {
        echo "Starting proof of demo.Demo.$1 with prover z3_4_8"
        if [ -n "$3" ]; then echo "src/demo/Demo.java:4: verify: $3"; fi
        echo "Completed proof of demo.Demo.$1 with prover z3_4_8 - $2"
      }
      crash() {
        echo "Starting proof of demo.Demo.$1 with prover z3_4_8"
        echo "An internal JML error occurred, possibly recoverable."
        echo "  Reason: Did not expect an empty argument list"
      }
      case "$M $T" in
        "demo.Demo.* 5000")
          proof "m(int)" "UNKNOWN [62.0 secs]" \
            "Validity is unknown - no model available method demo.Demo.m -  (possible timeout)"
          proof "n(int)" "no warnings [0.5 secs]"
          proof "p(int)" "TIMEOUT [5.0 secs]" \
            'Validity is unknown - time or memory limit reached: : Aborted proof: "timeout"'
          proof "q(int)" "TIMEOUT [5.0 secs]" \
            'Validity is unknown - time or memory limit reached: : Aborted proof: "timeout"'
          proof "r(int)" "UNKNOWN [6.0 secs]" "Validity is unknown (possible timeout)"
          proof "s(int)" "TIMEOUT [5.0 secs]" \
            'Validity is unknown - time or memory limit reached: : Aborted proof: "timeout"'
          ;;
        "demo.Demo.m 7000") crash "m(int)" ;;
        "demo.Demo.p 7000") proof "p(int)" "ERROR [0.2 secs]" ;;
        "demo.Demo.q 7000") proof "q(int)" "no warnings [3.0 secs]" ;;
        "demo.Demo.r 7000") crash "r(int)" ;;
        "demo.Demo.s 7000") proof "s(int)" "UNKNOWN [7.0 secs]" \
            "Validity is unknown - no model available method demo.Demo.s -  (possible timeout)" ;;
        "demo.Demo.* 7000")
          proof "m(int)" "no warnings [15.0 secs]"
          proof "n(int)" "no warnings [0.5 secs]"
          proof "p(int)" "no warnings [4.0 secs]"
          crash "r(int)"
          proof "s(int)" "no warnings [6.0 secs]"
          ;;
      esac
      """;

  @Test
  void aCrashAloneIsProvedAgainInItsClassAloneOnce(@TempDir Path project) throws Exception {
    Path source = Files.createDirectories(project.resolve("src/demo")).getParent();
    Files.writeString(source.resolve("demo/Demo.java"), """
        package demo;
        public final class Demo {
          public static int m(int x) { return x; }
          public static int n(int x) { return x; }
          public static int p(int x) { return x; }
          public static int q(int x) { return x; }
          public static int r(int x) { return x; }
          public static int s(int x) { return x; }
        }
        """);
    Path launcher = Files.writeString(
        Files.createDirectories(project.resolve("tool")).resolve("openjml"),
        CRASHING_LAUNCHER.strip() + "\n");
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    List<String> methods = List.of("demo.Demo.m(int)", "demo.Demo.n(int)", "demo.Demo.p(int)",
        "demo.Demo.q(int)", "demo.Demo.r(int)", "demo.Demo.s(int)");

    OpenJmlRunner.Result r = OpenJmlRunner.run(new OpenJmlRunner.Options(project, source,
        Optional.of(launcher), "", 5, 7, 1, methods));

    // One class run with the full limit serves m, p, r and s; q's second attempt succeeds
    // alone.
    assertEquals(List.of("demo.Demo.* 5000", "demo.Demo.m 7000", "demo.Demo.* 7000",
        "demo.Demo.p 7000", "demo.Demo.q 7000", "demo.Demo.r 7000", "demo.Demo.s 7000"),
        Files.readAllLines(launcher.resolveSibling("calls.txt")));
    Map<String, OpenJmlRunner.MethodResult> by = r.methods().stream()
        .collect(Collectors.toMap(OpenJmlRunner.MethodResult::method, Function.identity()));
    assertEquals(OpenJmlRunner.VALID, by.get("demo.Demo.m(int)").status());
    assertEquals(List.of("first attempt, in its class batch: timeout after 62.0 s; second "
        + "attempt, alone: no result (Reason: Did not expect an empty argument list); third "
        + "attempt, in its class alone: valid in 15.0 s"), by.get("demo.Demo.m(int)").messages());
    assertEquals(77.0, by.get("demo.Demo.m(int)").seconds(), 1e-9);
    assertEquals(OpenJmlRunner.VALID, by.get("demo.Demo.p(int)").status());
    assertEquals(List.of("first attempt, in its class batch: timeout after 5.0 s; second "
        + "attempt, alone: error in 0.2 s; third attempt, in its class alone: valid in 4.0 s"),
        by.get("demo.Demo.p(int)").messages());
    assertEquals(9.2, by.get("demo.Demo.p(int)").seconds(), 1e-9);
    assertEquals(List.of("first attempt, in its class batch: timeout after 5.0 s; second "
        + "attempt, alone: valid in 3.0 s"), by.get("demo.Demo.q(int)").messages());
    // Three attempts without a result: an error that names them, the batch's message kept.
    OpenJmlRunner.MethodResult lost = by.get("demo.Demo.r(int)");
    assertEquals(OpenJmlRunner.ERROR, lost.status());
    assertEquals(List.of("first attempt, in its class batch: timeout after 6.0 s; second "
        + "attempt, alone: no result (Reason: Did not expect an empty argument list); third "
        + "attempt, in its class alone: no result (Reason: Did not expect an empty argument "
        + "list)", "src/demo/Demo.java:4: verify: Validity is unknown (possible timeout)"),
        lost.messages());
    // A timeout alone too (packStream in a CI run): its class alone is the third attempt.
    assertEquals(OpenJmlRunner.VALID, by.get("demo.Demo.s(int)").status());
    assertEquals(List.of("first attempt, in its class batch: timeout after 5.0 s; second "
        + "attempt, alone: timeout in 7.0 s; third attempt, in its class alone: valid in 6.0 s"),
        by.get("demo.Demo.s(int)").messages());
    assertEquals(18.0, by.get("demo.Demo.s(int)").seconds(), 1e-9);
    assertEquals(5, r.count(OpenJmlRunner.VALID), r.toString());
  }
}
