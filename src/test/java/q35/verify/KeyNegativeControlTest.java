package q35.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The KeY runner is trusted only because it rejects wrong contracts: this test runs it on
 * src/test/key-negative, whose "...Wrong" methods carry deliberately false contracts (a 3-bit
 * range of [-4, 4], a dot product one element longer than MAX_K, a loop bound off by one, an
 * unbounded increment, a false clause only KeY reads), and asserts that each is reported OPEN
 * while its correct twin CLOSES.
 */
class KeyNegativeControlTest {

  private static final Map<String, ContractResult> RESULTS = new TreeMap<>();
  /** A proof script with quantifier instantiation off, as the manifest runs rowsExactStep. */
  private static final Map<String, String> SCRIPT_INSTANCE = Map.of(
      KeyProver.SCRIPT, "instance.script", "QUANTIFIERS_OPTIONS_KEY", "QUANTIFIERS_NONE");
  /**
   * Per-contract settings: the weight definitions turned on, as the manifest does for codeAt's
   * second case, and the proof-script controls.
   */
  private static final Map<String, Map<String, String>> SETTINGS = Map.of(
      "Controls.blockCodeZero(int).normal_behavior.0",
      Map.of("USER_TACLETS_OPTIONS_KEY1", "USER_TACLETS_HIGH"),
      "Controls.blockCodeZeroWrong(int).normal_behavior.0",
      Map.of("USER_TACLETS_OPTIONS_KEY1", "USER_TACLETS_HIGH"),
      "Controls.highHalfWrong(int).normal_behavior.0",
      Map.of("USER_TACLETS_OPTIONS_KEY2", "USER_TACLETS_HIGH"),
      "Controls.highHalf(int).normal_behavior.0",
      Map.of("USER_TACLETS_OPTIONS_KEY2", "USER_TACLETS_HIGH"),
      "Controls.int4PositionZero(int).normal_behavior.0",
      Map.of("USER_TACLETS_OPTIONS_KEY2", "USER_TACLETS_HIGH",
          "USER_TACLETS_OPTIONS_KEY3", "USER_TACLETS_HIGH"),
      "Controls.int4PositionZeroWrong(int).normal_behavior.0",
      Map.of("USER_TACLETS_OPTIONS_KEY2", "USER_TACLETS_HIGH",
          "USER_TACLETS_OPTIONS_KEY3", "USER_TACLETS_HIGH"),
      "Controls.scriptInstance(int[],int).normal_behavior.0", SCRIPT_INSTANCE,
      "Controls.scriptInstanceWrong(int[],int).normal_behavior.0", SCRIPT_INSTANCE,
      "Controls.scriptInstanceNoScript(int[],int).normal_behavior.0",
      Map.of("QUANTIFIERS_OPTIONS_KEY", "QUANTIFIERS_NONE"));
  /** Run as the manifest's tested-only contracts are: attempt 1 only, at most 5 s. */
  private static final java.util.Set<String> QUICK =
      java.util.Set.of("Controls.scriptInstanceNoScript(int[],int).normal_behavior.0");
  private static Path project = Path.of(".");

  @BeforeAll
  static void runProver() throws Exception {
    project = Path.of(System.getProperty("q35.projectDir", "."));
    Path scripts = project.resolve("target/key-negative/proofs").resolve(KeyProver.SCRIPT_DIR);
    Files.createDirectories(scripts);
    Files.copy(project.resolve("src/test/key-negative-scripts/instance.script"),
        scripts.resolve("instance.script"), StandardCopyOption.REPLACE_EXISTING);
    KeyProver.Options options = new KeyProver.Options(
        project.resolve("src/test/key-negative"),
        List.of(project.resolve("src/main/key-classpath")),
        List.of(project.resolve("proofs/taclets/float-casts.key"),
            project.resolve("proofs/taclets/weights.key")),
        project.resolve("target/key-negative/proofs"),
        project.resolve("target/key-config"),
        30_000, 10_000, false, true, "", QUICK, SETTINGS, 0, 1,
        project.resolve("target/key-negative/proofs"));
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

  /** The rules for KeY's missing casts (proofs/taclets) let execution go on, and no more. */
  @Test
  void castRulesAssumeNothingAboutTheValue() {
    assertStatus("castValueWrong(float)", ContractResult.OPEN);
    assertStatus("castThenIncrementWrong(double)", ContractResult.OPEN);
    assertStatus("narrowValueWrong(double)", ContractResult.OPEN);
    assertStatus("longCastValueWrong(float)", ContractResult.OPEN);
    assertStatus("longCastThenIncrementWrong(double)", ContractResult.OPEN);
    assertStatus("castClamped(float)", ContractResult.CLOSED);
  }

  /** Replay is not trusted blindly: a closed proof of one contract must not close another. */
  @Test
  void replayOfAProofForAnotherContractIsNotClosed() throws Exception {
    Path proofs = project.resolve("target/key-negative/proofs");
    Files.copy(proofs.resolve(KeyProver.proofFileName("Controls.increment(int).normal_behavior.0")),
        proofs.resolve(KeyProver.proofFileName("Controls.incrementWrong(int).normal_behavior.0")),
        StandardCopyOption.REPLACE_EXISTING);
    KeyProver.Options options = new KeyProver.Options(
        project.resolve("src/test/key-negative"),
        List.of(project.resolve("src/main/key-classpath")),
        List.of(project.resolve("proofs/taclets/float-casts.key"),
            project.resolve("proofs/taclets/weights.key")), proofs,
        project.resolve("target/key-config"),
        5_000, 2_000, true, false, "incrementWrong", java.util.Set.of());
    ContractResult r = KeyProver.run(options).contracts().get(0);
    assertTrue(!ContractResult.CLOSED.equals(r.replay()), "bogus replay accepted: " + r);
    assertEquals(ContractResult.OPEN, r.status(), r.toString());
  }

  /**
   * Saved proofs record the class path (relative to the proof file), so that they load in KeY on
   * their own; a committed proof without it is not kept.
   */
  @Test
  void savedProofsRecordTheClassPath() throws Exception {
    Path proof = project.resolve("target/key-negative/proofs")
        .resolve(KeyProver.proofFileName("Controls.sum(byte[],int,int).normal_behavior.0"));
    String text = Files.readString(proof);
    assertTrue(text.contains("\\classpath \"../../../src/main/key-classpath\";"), text);
    List<Path> cp = List.of(project.resolve("src/main/key-classpath"));
    assertTrue(KeyProver.recordsClassPath(proof, cp));
    assertFalse(KeyProver.recordsClassPath(proof, List.of()));
    Path old = project.resolve("target/key-negative/no-classpath.proof");
    Files.writeString(old, text.replaceAll("\\\\classpath [^\n]*\n", ""));
    assertFalse(KeyProver.recordsClassPath(old, cp));
    assertTrue(KeyProver.recordsClassPath(old, List.of()));
  }

  /** KeY honours JML's conditional annotations: it reads +KeY clauses and skips -KeY ones. */
  @Test
  void keyOnlyClausesAreReadAndOthersSkipped() {
    assertStatus("keyOnlyWrong(int)", ContractResult.OPEN);
    assertStatus("notForKey(int)", ContractResult.CLOSED);
  }

  /**
   * The weight definitions (proofs/taclets/weights.key) prove the formula they define, not a
   * wrong one, and only where a contract turns them on.
   */
  @Test
  void weightDefinitionsProveTheirFormulaOnly() {
    assertStatus("blockCodeZero(int)", ContractResult.CLOSED);
    assertStatus("blockCodeZeroWrong(int)", ContractResult.OPEN);
    assertStatus("blockCodeZeroRulesOff(int)", ContractResult.OPEN);
    assertStatus("highHalf(int)", ContractResult.CLOSED);
    assertStatus("highHalfWrong(int)", ContractResult.OPEN);
    assertStatus("int4PositionZero(int)", ContractResult.CLOSED);
    assertStatus("int4PositionZeroWrong(int)", ContractResult.OPEN);
  }

  /**
   * A committed proof script closes a true contract that auto mode without quantifier
   * instances leaves open, and does not close a false one.
   */
  @Test
  void proofScriptClosesOnlyTheTrueContract() {
    assertStatus("scriptInstance(int[],int)", ContractResult.CLOSED);
    assertTrue(RESULTS.get("scriptInstance(int[],int)").strategy()
        .contains("script " + KeyProver.SCRIPT_DIR + "/instance.script"));
    assertStatus("scriptInstanceNoScript(int[],int)", ContractResult.OPEN);
    assertStatus("scriptInstanceWrong(int[],int)", ContractResult.OPEN);
  }

  @Test
  void everyControlWasRun() {
    assertEquals(27, RESULTS.size(), RESULTS.keySet().toString());
  }
}
