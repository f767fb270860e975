package q35.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
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
}
