package q35.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A PIT run passes only if its survivors are exactly the listed ones: an unlisted survivor
 * fails, a listed mutant that no longer survives fails, and an entry survives edits that move
 * its line.
 */
class MutationSurvivorsTest {

  @TempDir Path project;

  static final String SOURCE = String.join("\n",
      "package p;",
      "final class Clamp {",
      "  static double clamp(double t, double lo, double hi) {",
      "    if (t < lo) {",
      "      return lo;",
      "    }",
      "    if (t > hi) {",
      "      return hi;",
      "    }",
      "    return t;",
      "  }",
      "}", "");

  @BeforeEach
  void sources() throws IOException {
    write("src/main/java/p/Clamp.java", SOURCE);
  }

  void write(String rel, String text) throws IOException {
    Path f = project.resolve(rel);
    Files.createDirectories(f.getParent());
    Files.writeString(f, text, StandardCharsets.UTF_8);
  }

  static String mutant(String status, int line, String mutator) {
    return "<mutation detected='" + !status.equals("SURVIVED") + "' status='" + status
        + "' numberOfTestsRun='3'><sourceFile>Clamp.java</sourceFile><mutatedClass>p.Clamp"
        + "</mutatedClass><mutatedMethod>clamp</mutatedMethod><methodDescription>(DDD)D"
        + "</methodDescription><lineNumber>" + line + "</lineNumber><mutator>"
        + "org.pitest.mutationtest.engine.gregor.mutators." + mutator + "</mutator><indexes>"
        + "<index>3</index></indexes><blocks><block>0</block></blocks><killingTest/>"
        + "<description>changed conditional boundary</description></mutation>";
  }

  void mutations(String... ms) throws IOException {
    write("target/pit-reports/mutations.xml", "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
        + "<mutations partial=\"false\">\n" + String.join("\n", ms) + "\n</mutations>\n");
  }

  Path list(String entries) throws IOException {
    write("src/test/pit/clamp.json", "{\"title\": \"clamp\", \"mutations\":"
        + " \"target/pit-reports/mutations.xml\", \"sourceRoots\": [\"src/main/java\"],"
        + " \"survivors\": [" + entries + "]}");
    return project.resolve("src/test/pit/clamp.json");
  }

  static final String LOWER = "{\"class\": \"p.Clamp\", \"method\": \"clamp\", \"mutator\":"
      + " \"ConditionalsBoundaryMutator\", \"code\": \"if (t < lo) {\", \"reason\": \"at t =="
      + " lo both branches return lo\"}";

  @Test
  void listedSurvivorsPass() throws IOException {
    mutations(mutant("SURVIVED", 4, "ConditionalsBoundaryMutator"),
        mutant("KILLED", 7, "ConditionalsBoundaryMutator"));
    MutationSurvivors.Check c = MutationSurvivors.check(project, list(LOWER));
    assertTrue(c.ok(), c.toString());
    assertEquals(2, c.mutants());
    assertEquals(1, c.killed());
    assertEquals(List.of("at t == lo both branches return lo"), c.reasons());
    assertEquals(4, c.allowedSurvivors().get(0).line());
  }

  @Test
  void anUnlistedSurvivorFails() throws IOException {
    mutations(mutant("SURVIVED", 4, "ConditionalsBoundaryMutator"),
        mutant("SURVIVED", 7, "ConditionalsBoundaryMutator"));
    MutationSurvivors.Check c = MutationSurvivors.check(project, list(LOWER));
    assertFalse(c.ok());
    assertEquals(1, c.unlisted().size());
    assertEquals("if (t > hi) {", c.unlisted().get(0).code());
  }

  @Test
  void anUncoveredMutantCountsAsASurvivor() throws IOException {
    mutations(mutant("SURVIVED", 4, "ConditionalsBoundaryMutator"),
        mutant("NO_COVERAGE", 7, "ConditionalsBoundaryMutator"));
    assertFalse(MutationSurvivors.check(project, list(LOWER)).ok());
  }

  @Test
  void aListedMutantThatIsNowKilledIsStale() throws IOException {
    mutations(mutant("KILLED", 4, "ConditionalsBoundaryMutator"));
    MutationSurvivors.Check c = MutationSurvivors.check(project, list(LOWER));
    assertFalse(c.ok());
    assertEquals(1, c.stale().size());
    assertTrue(c.stale().get(0).contains("no such mutant survives"), c.stale().get(0));
  }

  @Test
  void aCountThatNoLongerMatchesFails() throws IOException {
    mutations(mutant("SURVIVED", 4, "ConditionalsBoundaryMutator"),
        mutant("SURVIVED", 4, "ConditionalsBoundaryMutator"));
    MutationSurvivors.Check c = MutationSurvivors.check(project, list(LOWER));
    assertFalse(c.ok(), "two survivors on a line listed once");
    assertTrue(MutationSurvivors.check(project, list(LOWER.replace("\"reason\"",
        "\"count\": 2, \"reason\""))).ok());
  }

  @Test
  void anEntryFollowsItsLineWhenCodeAboveItMoves() throws IOException {
    write("src/main/java/p/Clamp.java", SOURCE.replace("final class Clamp {",
        "/** Clamping. */\n\nfinal class Clamp {"));
    mutations(mutant("SURVIVED", 6, "ConditionalsBoundaryMutator"));
    MutationSurvivors.Check c = MutationSurvivors.check(project, list(LOWER));
    assertTrue(c.ok(), c.toString());
    assertEquals(6, c.allowedSurvivors().get(0).line());
  }

  @Test
  void theMutatorIsPartOfTheIdentity() throws IOException {
    mutations(mutant("SURVIVED", 4, "RemoveConditionalMutator_ORDER_ELSE"));
    MutationSurvivors.Check c = MutationSurvivors.check(project, list(LOWER));
    assertEquals(1, c.unlisted().size());
    assertEquals(1, c.stale().size());
  }

  /** The committed list of the kernel parses, and every entry has a reason. */
  @Test
  void theKernelListIsWellFormed() throws IOException {
    Path real = Path.of(System.getProperty("q35.projectDir", "."));
    List<MutationSurvivors.Allowed> allowed = MutationSurvivors.allowed(
        real.resolve("src/test/pit/kernel-survivors.json"));
    assertFalse(allowed.isEmpty());
    for (MutationSurvivors.Allowed a : allowed) {
      assertTrue(a.reason().length() > 20, "a real reason for " + a);
      assertTrue(a.count() >= 1);
    }
  }
}
