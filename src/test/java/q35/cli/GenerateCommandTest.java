package q35.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import q35.model.TestModels;

class GenerateCommandTest {
  record Run(int code, String out, String err) {}

  static Run run(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Q35Cli.commandLine().execute(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void jsonGreedyOnBinAndGguf() {
    for (Path model : new Path[] {TestModels.storiesBin(), TestModels.storiesGguf()}) {
      Run r = run("generate", "--model", model.toString(), "--tokenizer", TestModels.tok512().toString(),
          "--prompt", "Once upon a time", "--steps", "40", "--temperature", "0", "--json");
      assertEquals(0, r.code(), r.err());
      JsonObject o = JsonParser.parseString(r.out()).getAsJsonObject();
      JsonArray ids = o.getAsJsonArray("ids");
      assertEquals(41, ids.size()); // BOS + 40 positions
      assertEquals(403, ids.get(1).getAsInt());
      assertTrue(o.get("text").getAsString().startsWith("Once upon a time, there was a little girl named Lily."));
      assertTrue(r.err().contains("tok/s"), r.err());
    }
  }

  @Test
  void helpAndBadModel(@TempDir Path tmp) throws Exception {
    Run help = run("generate", "--help");
    assertEquals(0, help.code());
    assertTrue(help.out().contains("--temperature") && help.out().contains("--json"));
    Path bad = tmp.resolve("bad.gguf");
    Files.write(bad, "GGUX".getBytes(StandardCharsets.US_ASCII));
    Run r = run("generate", "--model", bad.toString(), "--steps", "3");
    assertEquals(1, r.code());
    assertTrue(r.err().contains("bad.gguf") && r.err().contains("magic"), r.err());
  }
}
