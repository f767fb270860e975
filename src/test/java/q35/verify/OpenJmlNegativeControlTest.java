package q35.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The OpenJML runner is trusted only because it rejects wrong contracts: this test runs it on
 * src/test/openjml-negative, whose "...Wrong..." methods carry deliberately false contracts (an
 * unbounded increment, a dot product one element longer than MAX_K, the same with a loop frame
 * that hides the accumulator, a wrong value clause that only OpenJML reads, a wrong proof
 * lemma), and asserts that each is reported not valid while its correct
 * twin is valid. Without OpenJML the test is skipped with the reason; with
 * -Dq35.requireOpenJml=true (CI) a missing OpenJML fails it.
 */
class OpenJmlNegativeControlTest {

  private static final Map<String, OpenJmlRunner.MethodResult> RESULTS = new TreeMap<>();
  private static final List<String> LEMMAS = new ArrayList<>();

  @BeforeAll
  static void runOpenJml() throws Exception {
    OpenJmlRunner.Result r =
        OpenJmlTestRun.on("src/test/openjml-negative", "OpenJML negative controls");
    for (OpenJmlRunner.MethodResult m : r.methods()) {
      RESULTS.put(m.method(), m);
    }
    LEMMAS.addAll(r.lemmas());
  }

  private static void assertStatus(String method, boolean valid) {
    OpenJmlRunner.MethodResult m = RESULTS.get("ojneg.Controls." + method);
    assertTrue(m != null, "no result for " + method + " in " + RESULTS.keySet());
    assertEquals(valid, OpenJmlRunner.VALID.equals(m.status()), method + ": " + m);
  }

  @Test
  void intOverflowIsReported() {
    assertStatus("incrementWrong(int)", false);
    assertStatus("increment(int)", true);
  }

  @Test
  void dotProductOneOverMaxKIsReported() {
    assertStatus("dotWrong(byte[],int[],int)", false);
    assertStatus("dot(byte[],int[],int)", true);
  }

  /** The kernel's functional contracts sit in -KeY annotations: OpenJML must read them. */
  @Test
  void wrongClauseThatOnlyOpenJmlReadsIsReported() {
    assertStatus("highHalfWrong(int)", false);
    assertStatus("highHalf(int)", true);
    assertEquals(1, RESULTS.get("ojneg.Controls.highHalfWrong(int)").openJmlOnlyClauses().size());
  }

  /** OpenJML alone says "valid" here; the runner's loop-frame check must not. */
  @Test
  void loopFrameThatHidesTheAccumulatorIsReported() {
    assertStatus("dotWrongFrame(byte[],int[],int)", false);
    OpenJmlRunner.MethodResult m = RESULTS.get("ojneg.Controls.dotWrongFrame(byte[],int[],int)");
    assertTrue(m.messages().stream().anyMatch(s -> s.contains("omits the local variable(s) [acc]")),
        m.toString());
  }

  /** A wrong proof lemma is reported, and the run names its lemmas. */
  @Test
  void wrongProofLemmaIsReported() {
    assertStatus("squarePositiveWrong(int)", false);
    assertStatus("squareNonNegative(int)", true);
    assertEquals(List.of("ojneg.Controls.squarePositiveWrong(int)",
        "ojneg.Controls.squareNonNegative(int)"), LEMMAS);
  }

  @Test
  void messagesHoldNoMachinePaths() {
    String home = Path.of("").toAbsolutePath().getRoot() + "";
    for (OpenJmlRunner.MethodResult m : RESULTS.values()) {
      for (String msg : m.messages()) {
        assertFalse(msg.startsWith(home) || msg.contains(" " + home + "tmp")
            || msg.contains(Path.of(System.getProperty("q35.projectDir", ".")).toAbsolutePath()
                .toString()), msg);
      }
    }
  }
}
