package q35.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The manifest's per-contract runner settings: read from the committed file, refused if bad. */
class ProofManifestTest {

  private static final Path PROJECT = Path.of(System.getProperty("q35.projectDir", "."));

  /** rowDots' proof needs more than the run's 40,000 steps with a margin of a third. */
  @Test
  void committedManifestGivesRowDotsItsOwnBudget() throws IOException {
    ProofManifest m = ProofManifest.read(PROJECT.resolve("proofs/manifest.json"));
    Map<String, String> rowDots = m.strategyOverrides()
        .get("QuantMatrix.rowDots(int,byte[],int,int,int,byte[],int,int[],int).normal_behavior.0");
    assertEquals("60000", rowDots.get(KeyProver.MAX_STEPS));
    assertEquals("CLASS_AXIOM_OFF", rowDots.get("CLASS_AXIOM_OPTIONS_KEY"));
  }

  /** A budget that is not a positive integer stops the run before KeY starts, naming it. */
  @Test
  void badBudgetIsRefused(@TempDir Path dir) throws IOException {
    for (String bad : new String[] {"lots", "0", "-5", "1e6"}) {
      Path f = dir.resolve("manifest.json");
      Files.writeString(f, "{\"methods\": [{\"method\": \"q35.kernel.X.m(int)\","
          + " \"contracts\": {\"normal_behavior.0\": \"proved\"},"
          + " \"categories\": {\"normal_behavior.0\": \"lemma\"},"
          + " \"keyStrategy\": {\"normal_behavior.0\": {\"maxSteps\": \"" + bad + "\"}}}]}",
          StandardCharsets.UTF_8);
      IOException e = assertThrows(IOException.class, () -> ProofManifest.read(f));
      assertTrue(e.getMessage().contains("maxSteps must be a positive integer, not \"" + bad
          + "\""), e.getMessage());
    }
  }

  /** rowsExactStep is proved by its committed script, run with quantifier instantiation off. */
  @Test
  void committedManifestRunsTheRowsStepScript() throws IOException {
    ProofManifest m = ProofManifest.read(PROJECT.resolve("proofs/manifest.json"));
    Map<String, String> step = m.strategyOverrides().get(
        "QuantMatrix.rowsExactStep(int,byte[],int,int,int,byte[],int,int[],int).normal_behavior.0");
    assertEquals("QuantMatrix.rowsExactStep.script", step.get(KeyProver.SCRIPT));
    assertEquals("QUANTIFIERS_NONE", step.get("QUANTIFIERS_OPTIONS_KEY"));
    List<String> commands = KeyProver.scriptCommands(Files.readString(
        PROJECT.resolve("proofs/scripts/QuantMatrix.rowsExactStep.script"), StandardCharsets.UTF_8));
    assertEquals("auto", commands.get(0));
    assertTrue(commands.contains("instantiate"), commands.toString());
  }

  /** Script commands are read as KeY reads them: comments and quoted arguments are skipped. */
  @Test
  void scriptCommandsAreReadAsKeyReadsThem() {
    assertEquals(List.of("auto", "instantiate", "auto"), KeyProver.scriptCommands(
        "auto; # a comment with assume x; in it\n"
            + "instantiate var=r with=\"f(a; b)\" hide;\n  auto steps=10;\n# trailing comment"));
    assertEquals(List.of(), KeyProver.scriptCommands("# nothing but a comment\n"));
  }

  /**
   * Commands that add unproved formulas (assume, axiom) or run other code or files are refused,
   * in every spelling KeY's parser accepts: after key=value arguments, or quoted.
   */
  @Test
  void unsoundOrForeignScriptCommandsAreRefused() {
    for (String bad : List.of("assume \"false\";", "auto; axiom \"x = 1\";",
        "macro=x assume \"false\";", "\"assume\" \"false\";", "script \"other.script\";",
        "javascript \"1\";", "leave;", "set key=a value=b;", "smt;", "auto")) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> KeyProver.scriptCommands(bad), bad);
      assertTrue(e.getMessage().contains("not allowed") || e.getMessage().contains("';'"),
          bad + ": " + e.getMessage());
    }
    assertThrows(IllegalArgumentException.class,
        () -> KeyProver.scriptCommands("instantiate with=\"r_0;"));
  }

  /** A script that is missing, misnamed or uses a refused command stops the run before KeY. */
  @Test
  void badScriptIsRefused(@TempDir Path dir) throws IOException {
    Files.createDirectories(dir.resolve(KeyProver.SCRIPT_DIR));
    Files.writeString(dir.resolve(KeyProver.SCRIPT_DIR).resolve("Bad.script"),
        "auto; assume \"false\";", StandardCharsets.UTF_8);
    Map<String, String> expected = Map.of(
        "Missing.script", "is not a .script file",
        "../manifest.json", "is not a .script file",
        "Bad.script", "proof script command \"assume\" is not allowed");
    for (Map.Entry<String, String> c : expected.entrySet()) {
      Path f = dir.resolve("manifest.json");
      Files.writeString(f, "{\"methods\": [{\"method\": \"q35.kernel.X.m(int)\","
          + " \"contracts\": {\"normal_behavior.0\": \"proved\"},"
          + " \"categories\": {\"normal_behavior.0\": \"lemma\"},"
          + " \"keyStrategy\": {\"normal_behavior.0\": {\"script\": \"" + c.getKey() + "\"}}}]}",
          StandardCharsets.UTF_8);
      IOException e = assertThrows(IOException.class, () -> ProofManifest.read(f));
      assertTrue(e.getMessage().contains(c.getValue()), e.getMessage());
    }
  }
}
