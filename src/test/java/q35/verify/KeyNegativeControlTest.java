package q35.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The KeY runner is trusted only because it rejects wrong contracts: this test runs it on
 * src/test/key-negative, whose "...Wrong" methods carry deliberately false contracts (a 3-bit
 * range of [-4, 4], a dot product one element longer than MAX_K, a loop bound off by one, an
 * unbounded increment), and asserts that each is reported OPEN while its correct twin CLOSES.
 */
class KeyNegativeControlTest {

  private static final Map<String, ContractResult> RESULTS = new TreeMap<>();

  @BeforeAll
  static void runProver() throws Exception {
    Path project = Path.of(System.getProperty("q35.projectDir", "."));
    KeyProver.Options options = new KeyProver.Options(
        project.resolve("src/test/key-negative"),
        project.resolve("target/key-negative/proofs"),
        project.resolve("target/key-config"),
        30_000, 10_000, false, true, "", java.util.Set.of());
    for (ContractResult r : KeyProver.run(options).contracts()) {
      RESULTS.put(r.method(), r);
    }
  }

  private static void assertStatus(String method, String status) {
    ContractResult r = RESULTS.get(method);
    assertTrue(r != null, "no contract for " + method + " in " + RESULTS.keySet());
    assertEquals(status, r.status(), method + ": " + r);
  }

  @Test
  void threeBitRangeOfMinus4To4IsOpen() {
    assertStatus("threeBitRoundTripWrong(int)", ContractResult.OPEN);
    assertStatus("threeBitRoundTrip(int)", ContractResult.CLOSED);
  }

  @Test
  void dotProductOneOverMaxKIsOpen() {
    assertStatus("dotWrong(byte[],int[],int)", ContractResult.OPEN);
    assertStatus("dot(byte[],int[],int)", ContractResult.CLOSED);
    assertStatus("mul(int,int)", ContractResult.CLOSED);
  }

  @Test
  void offByOneLoopBoundIsOpen() {
    assertStatus("sumWrong(byte[],int,int)", ContractResult.OPEN);
    assertStatus("sum(byte[],int,int)", ContractResult.CLOSED);
  }

  @Test
  void intOverflowIsAnObligation() {
    assertStatus("incrementWrong(int)", ContractResult.OPEN);
    assertStatus("increment(int)", ContractResult.CLOSED);
  }

  @Test
  void everyControlWasRun() {
    assertEquals(9, RESULTS.size(), RESULTS.keySet().toString());
  }
}
