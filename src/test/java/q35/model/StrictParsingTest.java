package q35.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The strict JSON reader and the typed checks of spec/readers.md section 2. */
class StrictParsingTest {

  static String rejected(String json) {
    return assertThrows(ModelFormatException.class, () -> Json.parse(json, "t.json"), json)
        .getMessage();
  }

  @Test
  void acceptsPlainRfc8259() throws ModelFormatException {
    JsonObject o = Json.parseObject("{\"a\": [1, -2.5e3, true, null, \"x\\u00e9\"], \"b\": {}}",
        "t.json");
    assertEquals(5, o.getAsJsonArray("a").size());
    assertEquals(-2500, Json.integer(o.getAsJsonArray("a").get(1), -3000, 0, "a[1]"));
  }

  @Test
  void refusesWhatLenientParsersAccept() {
    assertTrue(rejected("{\"a\": 1} // comment").contains("invalid JSON"));
    rejected("{/* c */ \"a\": 1}");
    rejected("{\"a\": NaN}");
    rejected("{\"a\": Infinity}");
    rejected("{\"a\": -Infinity}");
    rejected("{'a': 1}");
    rejected("{a: 1}");
    rejected("{\"a\": 1,}");
    rejected("[1, 2,]");
    rejected("{\"a\": 01}");
    rejected("{\"a\": \"tab\there\"}");
    assertTrue(rejected("{\"a\": 1} x").contains("trailing data"), rejected("{\"a\": 1} x"));
    assertTrue(rejected("{\"a\": 1}{}").contains("trailing data"));
    assertTrue(rejected("{\"a\": 1, \"a\": 2}").contains("duplicate name \"a\""));
    rejected("");
  }

  @Test
  void boundsNestingAndNumberLength() {
    String deep = "[".repeat(Json.MAX_DEPTH + 1) + "]".repeat(Json.MAX_DEPTH + 1);
    assertTrue(rejected(deep).contains("nested deeper than 64"), rejected(deep));
    String ok = "[".repeat(Json.MAX_DEPTH) + "]".repeat(Json.MAX_DEPTH);
    assertEquals(ok.length(), assertDoesNotThrowParse(ok).toString().length());
    assertTrue(rejected("[" + "1".repeat(Json.MAX_NUMBER_CHARS + 1) + "]").contains("characters"));
  }

  static com.google.gson.JsonElement assertDoesNotThrowParse(String s) {
    try {
      return Json.parse(s, "t.json");
    } catch (ModelFormatException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void typedAccessNamesTheFieldAndNeverExpandsHugeExponents() throws ModelFormatException {
    JsonObject o = Json.parseObject("{\"n\": 1e999999999, \"f\": 1.5, \"s\": \"x\", \"neg\": -1}",
        "c.json");
    String m = assertThrows(ModelFormatException.class, () -> Json.intValue(o, "n", null, "c.json"))
        .getMessage();
    assertTrue(m.contains("'n'") && m.contains("not an integer"), m);
    assertTrue(assertThrows(ModelFormatException.class, () -> Json.intValue(o, "f", null, "c.json"))
        .getMessage().contains("'f'"));
    assertTrue(assertThrows(ModelFormatException.class, () -> Json.intValue(o, "neg", null, "c.json"))
        .getMessage().contains("'neg'"));
    assertTrue(assertThrows(ModelFormatException.class, () -> Json.intValue(o, "s", null, "c.json"))
        .getMessage().contains("'s'"));
    assertTrue(assertThrows(ModelFormatException.class, () -> Json.floatValue(o, "n", null, "c.json"))
        .getMessage().contains("not a finite float32"));
    assertTrue(assertThrows(ModelFormatException.class, () -> Json.intValue(o, "gone", null, "c.json"))
        .getMessage().contains("missing 'gone'"));
    assertEquals(1.5f, Json.floatValue(o, "f", null, "c.json"));
  }

  @Test
  void aSafetensorsModelWithoutItsClassifierNeedsTheTieFlag() throws ModelFormatException {
    LlamaWeights w = TinyModels.random(21, true);
    byte[] st = TinyModels.hfSafetensors(w, "F32"); // no lm_head.weight
    String tied = TinyModels.hfConfig(w.config());
    assertTrue(HfLlamaReader.fromBytes(tied, st, "tied").config().sharedClassifier());
    String untied = tied.replace("\"tie_word_embeddings\":true", "\"tie_word_embeddings\":false");
    String absent = tied.replace(",\"tie_word_embeddings\":true", "");
    for (String cfg : List.of(untied, absent)) {
      String m = assertThrows(ModelFormatException.class, () -> HfLlamaReader.fromBytes(cfg, st, "x"))
          .getMessage();
      assertTrue(m.contains("lm_head.weight") && m.contains("tie_word_embeddings"), m);
    }
  }

  @Test
  void safetensorsTensorsMustTileTheDataSection() {
    Map<String, float[]> t = new LinkedHashMap<>();
    t.put("a", new float[] {1, 2});
    Map<String, long[]> shapes = Map.of("a", new long[] {2});
    byte[] ok = TinyModels.safetensors(t, shapes, "F32");
    byte[] trailing = java.util.Arrays.copyOf(ok, ok.length + 4);
    String m = assertThrows(ModelFormatException.class, () -> SafetensorsFile.parse(trailing, "s"))
        .getMessage();
    assertTrue(m.contains("trailing bytes"), m);
  }

  @Test
  void configCapsAreNamed() {
    LlamaConfig layers = new LlamaConfig(16, 24, 1 << 30, 4, 2, 40, 32, true);
    String m = assertThrows(ModelFormatException.class, () -> layers.validate("x")).getMessage();
    assertTrue(m.contains("nLayers 1073741824 exceeds the cap 4096"), m);
    LlamaConfig vocab = new LlamaConfig(16, 24, 2, 4, 2, (1 << 24) + 1, 32, true);
    assertTrue(assertThrows(ModelFormatException.class, () -> vocab.validate("x")).getMessage()
        .contains("vocabSize"));
  }
}
