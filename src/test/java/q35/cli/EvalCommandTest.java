package q35.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
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

  @Test
  void rowOptionsParseToOneCanonicalLabel() {
    EvalCommand.FormatSpec f = EvalCommand.FormatSpec.parse("q35-g32+w3=q8+sal+gptq+w2=int4-g16");
    assertEquals("q35-g32+gptq+sal+w2=int4-g16+w3=q8", f.label());
    assertEquals("q8", f.formatOf("layers.4.w3").toString());
    assertEquals("int4-g16", f.formatOf("layers.0.w2").toString());
    assertEquals("q35-g32", f.formatOf("layers.0.w1").toString());
    assertEquals("q35-g32", f.formatOf("wcls").toString());
    assertTrue(f.gptq() && f.salience() && !f.clip() && !f.classifier());
    assertTrue(assertThrowsMessage("q35+w9=q8").contains("unknown option '+w9=q8'"));
    assertTrue(assertThrowsMessage("q35+w2=f32").contains("a matrix may take q35, int4 or q8"));
    assertTrue(assertThrowsMessage("q35+fast").contains("unknown option '+fast'"));
    EvalCommand.FormatSpec t = EvalCommand.FormatSpec.parse("q35-g16-f16+awq+clip+rot");
    assertEquals("q35-g16-f16+rot+awq+clip", t.label());
    assertTrue(t.awq() && t.rotate() && t.calibrated() && t.codesCalibrated());
    assertTrue(t.formatOf("layers.0.wq").halfScales());
    EvalCommand.FormatSpec awqOnly = EvalCommand.FormatSpec.parse("q35-g32+awq");
    assertTrue(awqOnly.calibrated() && !awqOnly.codesCalibrated(),
        "AWQ alone needs the calibration for its scales only: the codes round to nearest");
    EvalCommand.FormatSpec auto = EvalCommand.FormatSpec.parse("q35-g16-f16+auto=6.9+gptq");
    assertEquals("q35-g16-f16+gptq+auto=6.9", auto.label());
    assertTrue(auto.budgeted() && auto.calibrated() && auto.codesCalibrated());
    assertEquals(6.9, auto.budget());
    EvalCommand.FormatSpec chosen = auto.withTensors(
        java.util.Map.of("layers.2.w2", q35.quant.WeightFormat.parse("q8-f16")));
    assertEquals("q8-f16", chosen.formatOf("layers.2.w2").toString());
    assertEquals("q35-g16-f16", chosen.formatOf("layers.1.w2").toString());
    assertTrue(EvalCommand.FormatSpec.parse("q35+auto=5").calibrated(),
        "the sensitivities need the model's own samples even when the codes round to nearest");
    assertTrue(assertThrowsMessage("q35+auto=x").contains("bits per weight in (0, 32]"));
    assertTrue(assertThrowsMessage("q35+auto=-1").contains("bits per weight in (0, 32]"));
    assertTrue(assertThrowsMessage("q35+auto=NaN").contains("bits per weight in (0, 32]"));
    assertTrue(assertThrowsMessage("q35+auto=6+w2=q8").contains("it takes no +MATRIX=FORMAT"));
    assertTrue(assertThrowsMessage("f32+auto=6").contains("from a quantized base format"));
  }

  /**
   * A budgeted row reuses the sensitivities an earlier row of the same model, base and options
   * measured: given them, it measures nothing (no tokenizer, no backend, no hessians needed)
   * and allocates over them.
   */
  @Test
  void aBudgetedRowReusesMeasuredSensitivities() throws Exception {
    q35.model.LlamaWeights w = q35.model.Llama2cReader.read(TestModels.storiesBin());
    EvalCommand.FormatSpec f = EvalCommand.FormatSpec.parse("q35-g16-f16+gptq+auto=6.5");
    q35.quant.WeightFormat base = f.format();
    q35.quant.WeightFormat q8 = q35.quant.WeightFormat.parse("q8-f16");
    java.util.List<q35.eval.PrecisionChooser.Tensor> given = java.util.List.of(
        q35.eval.PrecisionChooserTest.tensor("layers.0.w1", base, 5000, 0.1, q8, 8000, 0.0),
        q35.eval.PrecisionChooserTest.tensor("layers.0.w2", base, 5000, 0.2, q8, 8000, 0.0));
    java.util.Map<EvalCommand.Sensitivities, java.util.List<q35.eval.PrecisionChooser.Tensor>>
        measured = new java.util.HashMap<>();
    measured.put(new EvalCommand.Sensitivities(w, base, f.options()), given);
    EvalCommand.Calibrated m = f.model(w, x -> java.util.Map.of(), null, null, measured);
    assertEquals(1, measured.size(), "nothing new was measured");
    // 6.5 bits per weight of 2000 weights = 13000 bits: w2 (the larger gain) to q8 fits, w1 not
    assertEquals("q8-f16", m.spec().formatOf("layers.0.w2").toString());
    assertEquals("q35-g16-f16", m.spec().formatOf("layers.0.w1").toString());
    assertEquals(6.5, m.choice().bitsPerWeight(), 1e-12);
  }

  /**
   * A budget below what the base format stores (q35-g16-f16 with input orders: 5.629 bits per
   * weight on stories260K) is refused at once: the calibration, which would throw here, is
   * never run, and nothing is measured.
   */
  @Test
  void aBudgetBelowTheBaseIsRefusedBeforeAnythingIsCalibrated() throws Exception {
    q35.model.LlamaWeights w = q35.model.Llama2cReader.read(TestModels.storiesBin());
    EvalCommand.FormatSpec f =
        EvalCommand.FormatSpec.parse("q35-g16-f16+gptq+clip+sal+auto=5.6");
    java.util.Map<EvalCommand.Sensitivities, java.util.List<q35.eval.PrecisionChooser.Tensor>>
        measured = new java.util.HashMap<>();
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> f.model(w, x -> {
          throw new AssertionError("calibrated");
        }, null, null, measured));
    assertTrue(e.getMessage().contains("below the base format's 5.629"), e.getMessage());
    assertTrue(measured.isEmpty());
  }

  @Test
  void quantizeWritesARotatedAwqModelThatRunsLikeTheFloatOne(@TempDir Path dir)
      throws Exception {
    Path out = dir.resolve("rot.q35");
    GenerateCommandTest.Run r = GenerateCommandTest.run("quantize", "--in",
        TestModels.storiesBin().toString(), "--out", out.toString(), "--format", "q8-g16-f16",
        "--rotate", "--awq");
    assertEquals(0, r.code(), r.err());
    q35.container.Q35Container.Contents c = q35.container.Q35Container.read(out);
    assertEquals(3, Files.readAllBytes(out)[8], "binary16 scales make a version-3 container");
    assertFalse(c.config().sharedClassifier(), "the rotation unties the classifier");
    assertEquals(1f, c.floats().get("rms_final")[3],
        "the final norm is folded into the classifier (AWQ leaves it alone)");
    // An 8-bit model of the rotated, scaled weights still predicts as the float model does.
    q35.model.LoadedModel q = q35.model.ModelLoader.load(out);
    q35.llama.Transformer quant = new q35.llama.Transformer(q.weights(),
        q35.backend.BackendLinear.stored(new q35.backend.ReferenceBackend(), q.quantized()));
    q35.llama.Transformer ref = new q35.llama.Transformer(
        q35.model.Llama2cReader.read(TestModels.storiesBin()));
    int token = 1;
    int agree = 0;
    for (int pos = 0; pos < 32; pos++) {
      float[] a = ref.forward(token, pos);
      float[] b = quant.forward(token, pos);
      int ia = argmax(a);
      agree += ia == argmax(b) ? 1 : 0;
      token = ia;
    }
    assertTrue(agree >= 29, agree + " of 32 greedy tokens agree");
  }

  static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      best = v[i] > v[best] ? i : best;
    }
    return best;
  }

  private static String assertThrowsMessage(String row) {
    return org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> EvalCommand.FormatSpec.parse(row)).getMessage();
  }

  @Test
  void aMixedPrecisionRowCountsEachMatrixInItsOwnFormat(@TempDir Path dir) throws Exception {
    GenerateCommandTest.Run r = GenerateCommandTest.run("eval", "--model",
        TestModels.storiesBin().toString(), "--tokenizer", TestModels.tok512().toString(),
        "--text", TestModels.evalText().toString(), "--formats", "q35-g32,q35-g32+w2=q8-g32",
        "--stories", "2", "--json", "--report-dir", dir.toString());
    assertEquals(0, r.code(), r.err());
    JsonObject o = JsonParser.parseString(Files.readString(dir.resolve("accuracy.json")))
        .getAsJsonObject();
    JsonObject plain = o.getAsJsonArray("rows").get(0).getAsJsonObject();
    JsonObject mixed = o.getAsJsonArray("rows").get(1).getAsJsonObject();
    assertEquals("q35-g32+w2=q8-g32", mixed.get("format").getAsString());
    // stories260K per layer: wq, wo 64 x 64; wk, wv 32 x 64; w1, w3 172 x 64; w2 64 x 172.
    // q35: n * 7 * ceil(k / 16) code bytes; q8: n * k; both 8 bytes per group of 32.
    double q35Small = 64 * 7 * 4 + 8 * 64 * 2;
    double q35Kv = 32 * 7 * 4 + 8 * 32 * 2;
    double q35Hidden = 172 * 7 * 4 + 8 * 172 * 2;
    double q35W2 = 64 * 7 * 11 + 8 * 64 * 6;
    double q8W2 = 64 * 172 + 8 * 64 * 6;
    double weights = 2 * 4096 + 2 * 2048 + 3 * 11008;
    double common = 2 * q35Small + 2 * q35Kv + 2 * q35Hidden;
    assertEquals(8 * (common + q35W2) / weights, plain.get("bitsPerWeight").getAsDouble(), 1e-9);
    assertEquals(8 * (common + q8W2) / weights, mixed.get("bitsPerWeight").getAsDouble(), 1e-9);
    // at 4096 x 4096: q35-g32 is 3.5 + 2 bits, q8-g32 8 + 2, weighted by this model's sizes
    assertEquals((5.5 * (weights - 11008) + 10.0 * 11008) / weights,
        mixed.get("bitsPerWeightAt4096").getAsDouble(), 1e-9);
    assertTrue(mixed.get("meanKl").getAsDouble() < plain.get("meanKl").getAsDouble(),
        "an 8-bit w2 loses less than a 3.5-bit one");
  }

  @Test
  void quantizeWritesTheSameMixedSalienceOrderedRowAsEval(@TempDir Path dir) throws Exception {
    Path out = dir.resolve("mixed.q35");
    GenerateCommandTest.Run r = GenerateCommandTest.run("quantize", "--in",
        TestModels.storiesBin().toString(), "--out", out.toString(), "--format", "q35-g32",
        "--salience", "--matrix-format", "w2=q8-g32", "--matrix-format", "w3=int4");
    assertEquals(0, r.code(), r.err());
    q35.container.Q35Container.Contents c = q35.container.Q35Container.read(out);
    assertEquals(2, Files.readAllBytes(out)[8], "input orders make a version-2 container");
    for (int l = 0; l < c.config().nLayers(); l++) {
      q35.quant.QuantizedMatrix w1 = c.matrices().get("layers." + l + ".w1");
      q35.quant.QuantizedMatrix w2 = c.matrices().get("layers." + l + ".w2");
      q35.quant.QuantizedMatrix w3 = c.matrices().get("layers." + l + ".w3");
      assertEquals(q35.quant.WeightFormat.Kind.Q35, w1.kind());
      assertTrue(w1.inputOrder() != null, "q35 matrices are salience ordered");
      assertEquals(q35.quant.WeightFormat.Kind.Q8, w2.kind());
      assertEquals(32, w2.groupSize());
      assertEquals(q35.quant.WeightFormat.Kind.INT4, w3.kind());
      assertEquals(64, w3.groupSize(), "int4 without -g is per row");
      assertTrue(w2.inputOrder() == null && w3.inputOrder() == null, "no pairs, no order");
    }
    GenerateCommandTest.Run bad = GenerateCommandTest.run("quantize", "--in",
        TestModels.storiesBin().toString(), "--out", dir.resolve("bad.q35").toString(),
        "--matrix-format", "w7=q8");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("unknown option '+w7=q8'"), bad.err());
    assertFalse(Files.exists(dir.resolve("bad.q35")));
  }
}
