package q35.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import q35.model.TestModels;

/** {@code q35 eval}'s scoring option: its own files, its record of how it scored, its errors. */
class EvalCommandTest {

  @Test
  void llamaPerplexityScoringWritesItsOwnTable(@TempDir Path dir) throws Exception {
    GenerateCommandTest.Run r = GenerateCommandTest.run("eval", "--model",
        TestModels.storiesBin().toString(), "--tokenizer", TestModels.tok512().toString(),
        "--text", TestModels.evalText().toString(), "--formats", "f32",
        "--stories", "8", "--scoring", "llama-perplexity", "--chunk", "256", "--json",
        "--report-dir", dir.toString());
    assertEquals(0, r.code(), r.err());
    assertFalse(Files.exists(dir.resolve("accuracy.json")), "the story table is not touched");
    JsonObject o = JsonParser.parseString(
        Files.readString(dir.resolve("accuracy-llama-perplexity.json"))).getAsJsonObject();
    assertEquals("llama-perplexity", o.get("scoring").getAsString());
    assertEquals(256, o.get("chunkLength").getAsInt());
    int chunks = o.get("chunks").getAsInt();
    assertTrue(chunks >= 1, r.out());
    // 255 of each chunk of 256: positions 128 .. 254.
    assertEquals(chunks * 127, o.get("scoredPositions").getAsInt());
    assertEquals(0.0, o.getAsJsonArray("rows").get(0).getAsJsonObject().get("meanKl")
        .getAsDouble(), "the float row against the float reference");
    assertTrue(Files.readString(dir.resolve("accuracy-llama-perplexity.md"))
        .contains("--scoring llama-perplexity --chunk 256"));
  }

  @Test
  void badScoringOrChunkIsRefused() {
    GenerateCommandTest.Run bad = GenerateCommandTest.run("eval", "--model",
        TestModels.storiesBin().toString(), "--tokenizer", TestModels.tok512().toString(),
        "--scoring", "chunks");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("unknown scoring \"chunks\""), bad.err());
    GenerateCommandTest.Run big = GenerateCommandTest.run("eval", "--model",
        TestModels.storiesBin().toString(), "--tokenizer", TestModels.tok512().toString(),
        "--text", TestModels.evalText().toString(),
        "--scoring", "llama-perplexity", "--chunk", "1024");
    assertEquals(2, big.code());
    assertTrue(big.err().contains("--chunk 1024 is outside 2 .. 512"), big.err());
  }
}
