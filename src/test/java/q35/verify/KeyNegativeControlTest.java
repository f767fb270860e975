package q35.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
  private static Path project = Path.of(".");

  @BeforeAll
  static void runProver() throws Exception {
    project = Path.of(System.getProperty("q35.projectDir", "."));
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

  /** Replay is not trusted blindly: a closed proof of one contract must not close another. */
  @Test
  void replayOfAProofForAnotherContractIsNotClosed() throws Exception {
    Path proofs = project.resolve("target/key-negative/proofs");
    Files.copy(proofs.resolve(KeyProver.proofFileName("Controls.increment(int).normal_behavior.0")),
        proofs.resolve(KeyProver.proofFileName("Controls.incrementWrong(int).normal_behavior.0")),
        StandardCopyOption.REPLACE_EXISTING);
    KeyProver.Options options = new KeyProver.Options(
        project.resolve("src/test/key-negative"), proofs, project.resolve("target/key-config"),
        5_000, 2_000, true, false, "incrementWrong", java.util.Set.of());
    ContractResult r = KeyProver.run(options).contracts().get(0);
    assertTrue(!ContractResult.CLOSED.equals(r.replay()), "bogus replay accepted: " + r);
    assertEquals(ContractResult.OPEN, r.status(), r.toString());
  }

  @Test
  void everyControlWasRun() {
    assertEquals(9, RESULTS.size(), RESULTS.keySet().toString());
  }
}
