package q35.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import q35.spec.PlainPort.Mistake;

/**
 * The vectors catch deliberately wrong ports: a port written from the spec in plain Java
 * ({@link PlainPort}) passes every valid vector, and each wrong reading of the spec fails at
 * least one. So the claim "the vectors catch this mistake" is checked, not asserted.
 */
class WrongPortsTest {

  /** Outcome of one port on every valid vector: the tcIds (file:tcId) that failed. */
  static List<String> failures(Set<Mistake> mistakes) throws IOException {
    PlainPort port = new PlainPort(mistakes);
    List<String> failed = new ArrayList<>();
    List<Path> files;
    try (Stream<Path> s = Files.list(VectorFilesTest.vectorDir())) {
      files = s.filter(p -> p.toString().endsWith(".json") && !p.toString().contains("schema"))
          .sorted().toList();
    }
    for (Path f : files) {
      JsonObject root = JsonParser.parseString(Files.readString(f, StandardCharsets.UTF_8))
          .getAsJsonObject();
      for (JsonElement ge : root.getAsJsonArray("testGroups")) {
        String type = ge.getAsJsonObject().get("type").getAsString();
        for (JsonElement te : ge.getAsJsonObject().getAsJsonArray("tests")) {
          JsonObject t = te.getAsJsonObject();
          if (!t.get("result").getAsString().equals("valid")) {
            continue;
          }
          String m = port.mismatch(type, t);
          if (!m.isEmpty()) {
            failed.add(f.getFileName() + ":" + t.get("tcId").getAsInt() + " (" + m.trim() + ")");
          }
        }
      }
    }
    return failed;
  }

  @Test
  void theCorrectPortPassesEveryValidVector() throws IOException {
    assertEquals(List.of(), failures(EnumSet.noneOf(Mistake.class)),
        "the plain port, without mistakes, must match every valid vector");
  }

  @ParameterizedTest
  @EnumSource(Mistake.class)
  void everyWrongPortFailsSomeVector(Mistake mistake) throws IOException {
    List<String> failed = failures(EnumSet.of(mistake));
    assertTrue(!failed.isEmpty(), "no vector catches a port with " + mistake);
  }

  /** Which vectors catch which mistake: the flag the generator gave them must be among them. */
  @Test
  void theFlaggedVectorsAreTheOnesThatCatchEachMistake() throws IOException {
    assertCaughtBy(Mistake.GRID_STEP_IN_BINARY32, "weight_quant.json");
    assertCaughtBy(Mistake.ACTIVATION_QUOTIENT_NOT_ROUNDED, "activation_quant.json");
    assertCaughtBy(Mistake.ACCUMULATOR_NOT_ROUNDED, "matvec.json");
    assertCaughtBy(Mistake.TOTAL_STARTS_AT_MINUS_ZERO, "matvec.json");
    assertCaughtBy(Mistake.BINARY16_CODES_FROM_BINARY32_SCALES, "weight_quant.json");
    assertCaughtBy(Mistake.STEP_CODE_TIES_AWAY_FROM_ZERO, "weight_quant.json");
  }

  static void assertCaughtBy(Mistake mistake, String file) throws IOException {
    List<String> failed = failures(EnumSet.of(mistake));
    assertTrue(failed.stream().anyMatch(f -> f.startsWith(file + ":")),
        mistake + " should fail a vector of " + file + "; failed: " + failed);
  }
}
