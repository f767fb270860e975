package q35.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import q35.model.TestModels;

/** The --backend option and export-onnx, end to end through the CLI. */
class BackendCommandsTest {

  @Test
  void generateOnOnnxGivesTheReferenceText(@TempDir Path tmp) throws Exception {
    Path q35 = tmp.resolve("s.q35");
    GenerateCommandTest.Run quant = GenerateCommandTest.run("quantize", "--in",
        TestModels.storiesBin().toString(), "--out", q35.toString(), "--format", "q35-g32",
        "--tokenizer", TestModels.tok512().toString());
    assertEquals(0, quant.code(), quant.err());
    String[] texts = new String[2];
    String[] backends = {"reference", "onnx"};
    for (int i = 0; i < 2; i++) {
      GenerateCommandTest.Run r = GenerateCommandTest.run("generate", "--model", q35.toString(),
          "--backend", backends[i], "--prompt", "Once upon a time", "--steps", "100",
          "--temperature", "0", "--json");
      assertEquals(0, r.code(), r.err());
      texts[i] = JsonParser.parseString(r.out()).getAsJsonObject().toString();
    }
    assertEquals(texts[0], texts[1]);
    assertTrue(texts[0].contains("Once upon a time"), texts[0]);
    GenerateCommandTest.Run bad = GenerateCommandTest.run("generate", "--model", q35.toString(),
        "--backend", "gpu", "--steps", "3");
    assertEquals(2, bad.code());
    assertTrue(bad.err().contains("unknown backend 'gpu'"), bad.err());
  }

  @Test
  void exportOnnxWritesAStaticPrefillGraph(@TempDir Path tmp) throws Exception {
    Path out = tmp.resolve("model.onnx");
    GenerateCommandTest.Run r = GenerateCommandTest.run("export-onnx", "--model",
        TestModels.storiesBin().toString(), "--format", "q35-g32", "--seq-len", "16", "--out",
        out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.err().contains("wrote"), r.err());
    ModelProto m = ModelProto.parseFrom(Files.readAllBytes(out));
    assertEquals("tokens", m.getGraph().getInput(0).getName());
    assertEquals(16, m.getGraph().getInput(0).getType().getTensorType().getShape().getDim(0)
        .getDimValue());
    assertEquals(17, m.getOpsetImport(0).getVersion());
    assertTrue(m.getGraph().getNodeList().stream()
        .filter(n -> n.getOpType().equals("MatMulInteger")).count() == 5 * 7);
    Path layer = tmp.resolve("layer.onnx");
    GenerateCommandTest.Run l = GenerateCommandTest.run("export-onnx", "--model",
        TestModels.storiesBin().toString(), "--layer", "layers.0.w2", "--seq-len", "3",
        "--opset", "13", "--out", layer.toString());
    assertEquals(0, l.code(), l.err());
    ModelProto lm = ModelProto.parseFrom(Files.readAllBytes(layer));
    assertEquals(13, lm.getOpsetImport(0).getVersion());
    assertEquals(172, lm.getGraph().getInput(0).getType().getTensorType().getShape().getDim(1)
        .getDimValue());
    GenerateCommandTest.Run bad = GenerateCommandTest.run("export-onnx", "--seq-len", "9999",
        "--out", tmp.resolve("x.onnx").toString(), "--model",
        TestModels.storiesBin().toString());
    assertEquals(1, bad.code());
    assertTrue(!Files.exists(tmp.resolve("x.onnx")), bad.err());
  }

  @Test
  void conformanceRunsOnTheChosenBackend() {
    String vectors = Path.of(System.getProperty("q35.projectDir", ".")).resolve("spec/vectors")
        .toString();
    GenerateCommandTest.Run r = GenerateCommandTest.run("conformance", "--backend", "onnx",
        "--vectors", vectors);
    assertEquals(0, r.code(), r.out());
    assertTrue(r.out().contains("backend onnx") && r.out().contains(" 0 failed"), r.out());
  }
}
