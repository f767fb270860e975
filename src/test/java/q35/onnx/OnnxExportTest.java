package q35.onnx;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import q35.backend.PreparedMatrix;
import q35.backend.ReferenceBackend;
import q35.kernel.QuantMatrix;
import q35.model.LlamaWeights;
import q35.model.TinyModels;
import q35.quant.QuantizedMatrix;
import q35.quant.WeightFormat;

/**
 * The exported graphs themselves: static shapes, no int64 or float64 graph input, opsets 13 to
 * 17 all loaded by ONNX Runtime with the same results, the weights exactly the kernel's
 * decoding, and an atomic write. Fixed edge cases, fast enough for PIT (the adapter path's
 * mutation test runs this class and BackendProperties' fixed cases).
 */
class OnnxExportTest {

  static QuantizedMatrix matrix(String format, int n, int k, long seed) {
    Random r = new Random(seed);
    float[] w = new float[n * k];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) r.nextGaussian();
    }
    return QuantizedMatrix.quantize(WeightFormat.parse(format), w, n, k);
  }

  static void assertStatic(List<ValueInfoProto> values) {
    for (ValueInfoProto v : values) {
      int type = v.getType().getTensorType().getElemType();
      assertTrue(type != TensorProto.DataType.INT64_VALUE
          && type != TensorProto.DataType.DOUBLE_VALUE, v.getName() + " has type " + type);
      assertTrue(v.getType().getTensorType().getShape().getDimCount() > 0
          || v.getName().equals("none"), v.getName());
      v.getType().getTensorType().getShape().getDimList().forEach(d -> assertTrue(
          d.hasDimValue() && d.getDimValue() > 0, v.getName() + " has a dynamic dimension"));
    }
  }

  @Test
  void everyGraphHasStaticShapesAndNoWideInputs() throws IOException {
    QuantizedMatrix q = matrix("q35-g16", 3, 40, 1);
    LlamaWeights w = TinyModels.random(5, false);
    for (ModelProto m : List.of(OnnxExport.layer(q, 2, 17), OnnxExport.layerFromCodes(q, 2, 13),
        OnnxExport.activations(2, 40, 15), OnnxExport.dequantize(q, 17),
        LlamaGraph.prefill(w, Map.of(), 4, 17))) {
      assertStatic(m.getGraph().getInputList());
      assertStatic(m.getGraph().getOutputList());
      assertEquals(Graph.IR_VERSION, m.getIrVersion());
      assertEquals(1, m.getOpsetImportCount());
      assertEquals("", m.getOpsetImport(0).getDomain());
    }
    assertThrows(IllegalArgumentException.class, () -> OnnxExport.layer(q, 1, 12));
    assertThrows(IllegalArgumentException.class, () -> OnnxExport.layer(q, 1, 18));
  }

  @Test
  void theLatticeInitializerIsTheKernelsDecodingLaidOutByGroup() {
    // k = 33 with groups of 16: three groups, the last padded with 15 zero inputs.
    QuantizedMatrix q = matrix("q35-g16", 3, 33, 2);
    byte[] blocks = WeightExport.latticeBlocks(q);
    assertEquals(3 * 16 * 3, blocks.length);
    int[] row = new int[33];
    for (int j = 0; j < 3; j++) {
      QuantMatrix.unpackRow(QuantMatrix.FORMAT_Q35, q.packed(), j, 33, row);
      for (int i = 0; i < 48; i++) {
        assertEquals(i < 33 ? row[i] : 0, blocks[i * 3 + j], "input " + i + " row " + j);
      }
    }
    QuantizedMatrix q8 = matrix("q8", 2, 3, 3);
    byte[] b8 = WeightExport.latticeBlocks(q8);
    for (int j = 0; j < 2; j++) {
      for (int i = 0; i < 3; i++) {
        assertEquals(q8.packed()[j * 3 + i], b8[i * 2 + j]);
      }
    }
  }

  @Test
  void graphsNameTheirValuesInOrderAndSayWhatTheyAre() throws IOException {
    ModelProto a = OnnxExport.activations(2, 3, 17);
    assertEquals("Abs_0", a.getGraph().getNode(0).getName());
    assertEquals("abs_1", a.getGraph().getNode(0).getOutput(0));
    QuantizedMatrix q = matrix("int4-g2", 3, 4, 5);
    assertTrue(OnnxExport.layer(q, 2, 17).getDocString()
        .contains("int4 3 x 4, groups of 2, 2 activation rows"));
    assertTrue(OnnxExport.layerFromCodes(q, 1, 17).getDocString().contains(", 1 activation rows"));
    assertFalse(OnnxExport.dequantize(q, 17).getDocString().contains("activation rows"));
    LlamaWeights w = TinyModels.random(5, false);
    assertTrue(LlamaGraph.prefill(w, Map.of(), 1, 17).getDocString().contains("float32 reference"));
    assertTrue(LlamaGraph.prefill(w, Map.of("wcls", QuantizedMatrix.quantize(
        WeightFormat.parse("q8"), w.wcls, w.config().vocabSize(), w.config().dim())), 2, 17)
        .getDocString().contains("quantized (1 "));
    assertThrows(IllegalArgumentException.class, () -> LlamaGraph.prefill(w, Map.of(), 0, 17));
    // a stored matrix of the wrong shape is refused
    QuantizedMatrix wrong = matrix("q35", w.config().dim(), w.config().dim() + 2, 6);
    assertThrows(IllegalArgumentException.class,
        () -> LlamaGraph.prefill(w, Map.of("layers.0.wq", wrong), 2, 17));
    QuantizedMatrix narrow = matrix("q35", w.config().dim() - 1, w.config().dim(), 7);
    assertThrows(IllegalArgumentException.class,
        () -> LlamaGraph.prefill(w, Map.of("layers.1.wo", narrow), 2, 17));
  }

  @Test
  void aMatrixWithABadScaleIsNotExported() {
    QuantizedMatrix good = matrix("q35", 2, 4, 8);
    QuantizedMatrix bad = new QuantizedMatrix(good.kind(), 2, 4, 4, good.packed(),
        new float[] {1f, Float.NaN}, good.offsets());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OnnxExport.layer(bad, 1, 17));
    assertTrue(e.getMessage().startsWith("BAD_SCALE"), e.getMessage());
  }

  /** Fixed edge cases: formats, group sizes, odd k, padding, several rows, zero scales. */
  static final String[][] CASES = {
      {"q35", "1", "1"}, {"q35-g2", "2", "5"}, {"q35-g16", "3", "33"}, {"int4", "2", "17"},
      {"int4-g4", "3", "9"}, {"q8-g2", "2", "3"}, {"q35-g32", "4", "64"}};

  @Test
  void theLayerGraphsMatchTheKernelAtEveryOpset() {
    ReferenceBackend ref = new ReferenceBackend();
    for (String[] c : CASES) {
      int n = Integer.parseInt(c[1]);
      int k = Integer.parseInt(c[2]);
      QuantizedMatrix q = matrix(c[0], n, k, k);
      int m = 2;
      float[] x = new float[m * k];
      Random r = new Random(n);
      for (int i = 0; i < k; i++) {
        x[i] = (float) r.nextGaussian();
      }
      // row 1 stays zero: scale 0, every code 0
      float[] expected = new float[m * n];
      byte[] codes = new byte[m * k];
      float[] scales = new float[m];
      int[] acc = new int[m * n * q.groups()];
      try (PreparedMatrix p = ref.prepare(q)) {
        p.apply(m, x, expected);
        ref.quantizeActivations(m, k, x, codes, scales);
        p.accumulators(m, codes, acc);
      }
      float[] weights = new float[n * k];
      try (PreparedMatrix p = ref.prepare(q)) {
        p.dequantize(weights);
      }
      try (OnnxSession s = new OnnxSession(OnnxExport.dequantize(q, 15));
          OnnxSession a = new OnnxSession(OnnxExport.activations(m, k, 14))) {
        assertArrayEquals(weights, s.run(Map.of()).floats("w"), c[0] + " dequantized");
        OnnxSession.Outputs o = a.run(Map.of("x", OnnxSession.float32(x, m, k)));
        assertArrayEquals(codes, o.bytes("codes"), c[0] + " activation codes");
        assertArrayEquals(scales, o.floats("scale"), c[0] + " activation scales");
      }
      for (int opset = Graph.MIN_OPSET; opset <= Graph.MAX_OPSET; opset += 4) {
        try (OnnxSession s = new OnnxSession(OnnxExport.layer(q, m, opset))) {
          OnnxSession.Outputs o = s.run(Map.of("x", OnnxSession.float32(x, m, k)));
          String what = c[0] + " " + n + "x" + k + " opset " + opset;
          assertArrayEquals(expected, o.floats("y"), what);
          assertArrayEquals(codes, o.bytes("codes"), what);
          assertArrayEquals(scales, o.floats("scale"), what);
          assertArrayEquals(acc, o.ints("acc"), what);
        }
      }
    }
  }

  /**
   * A tiny random model (dim 16, 2 layers, GQA 4/2 heads, vocab 40; classifier not shared and
   * quantized too) as a prefill graph of all 32 positions, against the Java transformer: the
   * float graph to float noise, the int4-g8 graph within the bound of spec/groq.md section 5.
   */
  @Test
  void aTinyModelsPrefillGraphAgreesWithTheTransformer() throws IOException {
    LlamaWeights w = TinyModels.random(11, false);
    int t = w.config().seqLen();
    int[] tokens = new int[t];
    for (int i = 0; i < t; i++) {
      tokens[i] = (7 * i + 3) % w.config().vocabSize();
    }
    WeightFormat f = WeightFormat.parse("int4-g8");
    Map<String, QuantizedMatrix> quantized = new java.util.HashMap<>();
    q35.llama.LinearFactory recording = (name, layer, weights, n, k) -> {
      QuantizedMatrix q = QuantizedMatrix.quantize(f, weights, n, k);
      quantized.put(q35.llama.LinearFactory.tensorName(name, layer), q);
      return new q35.backend.BackendLinear(new ReferenceBackend().prepare(q));
    };
    q35.llama.Transformer twin = new q35.llama.Transformer(w, recording, t);
    q35.llama.Transformer floats = new q35.llama.Transformer(w);
    assertEquals(2 * 7 + 1, quantized.size());
    float[] qLogits;
    float[] fLogits;
    try (OnnxSession s = new OnnxSession(LlamaGraph.prefill(w, quantized, t, 17));
        OnnxSession sf = new OnnxSession(LlamaGraph.prefill(w, Map.of(), t, 13))) {
      qLogits = s.run(Map.of("tokens", OnnxSession.int32(tokens, t))).floats("logits");
      fLogits = sf.run(Map.of("tokens", OnnxSession.int32(tokens, t))).floats("logits");
    }
    int v = w.config().vocabSize();
    for (int pos = 0; pos < t; pos++) {
      float[] a = twin.forward(tokens[pos], pos);
      float[] b = floats.forward(tokens[pos], pos);
      for (int i = 0; i < v; i++) {
        assertEquals(a[i], qLogits[pos * v + i], LlamaGraphTest.QUANTIZED_BOUND,
            "quantized, position " + pos);
        assertEquals(b[i], fLogits[pos * v + i], 1e-4f, "float, position " + pos);
      }
    }
    assertThrows(IllegalArgumentException.class,
        () -> LlamaGraph.prefill(w, Map.of(), t + 1, 17));
  }

  /**
   * matmul.md section 3 starts the group sum from +0: a group term of -0 (scale 0 times a
   * negative accumulator, plus a negative offset times a zero code sum) gives +0, not -0.
   */
  @Test
  void theGroupSumStartsFromPlusZero() {
    byte[] packed = new byte[7];
    QuantMatrix.packRow(QuantMatrix.FORMAT_Q35, new int[] {1, 0}, 2, packed, 0);
    QuantizedMatrix q = new QuantizedMatrix(WeightFormat.Kind.Q35, 1, 2, 2, packed,
        new float[] {0f}, new float[] {-1.5f});
    try (OnnxSession s = new OnnxSession(OnnxExport.layerFromCodes(q, 1, 17))) {
      OnnxSession.Outputs o = s.run(Map.of("codes", OnnxSession.int8(new byte[] {-1, 1}, 1, 2),
          "scales", OnnxSession.float32(new float[] {1f}, 1, 1)));
      assertEquals(-1, o.ints("acc")[0]);
      assertEquals(0, Float.floatToRawIntBits(o.floats("y")[0]), "y must be +0");
    }
  }

  /** Zero padding appears only where k is not a multiple of g; one Add per group. */
  @Test
  void theGraphHasThePaddingAndGroupAddsItNeeds() {
    for (int k : new int[] {32, 33}) {
      ModelProto m = OnnxExport.layerFromCodes(matrix("q35-g16", 2, k, k), 1, 17);
      long concats = m.getGraph().getNodeList().stream()
          .filter(n -> n.getOpType().equals("Concat")).count();
      long adds = m.getGraph().getNodeList().stream()
          .filter(n -> n.getOpType().equals("Add")).count();
      long groups = (k + 15) / 16;
      assertEquals(k % 16 == 0 ? 0 : 1, concats, "k = " + k);
      // one Add for s * acc + m * sumx, one for the +0 start, one per further group
      assertEquals(1 + 1 + (groups - 1), adds, "k = " + k);
    }
  }

  @Test
  void aFailedWriteLeavesTheOldFileAndNoTemporary(@TempDir Path dir) throws IOException {
    QuantizedMatrix q = matrix("q35", 2, 4, 4);
    Path out = dir.resolve("layer.onnx");
    OnnxExport.write(OnnxExport.layer(q, 1, 17), out);
    byte[] first = Files.readAllBytes(out);
    assertEquals("rw-r--r--", java.nio.file.attribute.PosixFilePermissions.toString(
        Files.getPosixFilePermissions(out)));
    assertThrows(IOException.class, () -> OnnxExport.write(OnnxExport.layer(q, 1, 17),
        Path.of("/")));
    assertArrayEquals(OnnxExport.layer(q, 1, 17).toByteArray(), first);
    // The target is a non-empty folder: the rename fails.
    Path blocked = dir.resolve("blocked.onnx");
    Files.createDirectories(blocked.resolve("inside"));
    assertThrows(IOException.class, () -> OnnxExport.write(OnnxExport.layer(q, 1, 17), blocked));
    assertArrayEquals(first, Files.readAllBytes(out));
    try (Stream<Path> s = Files.list(dir)) {
      assertFalse(s.anyMatch(p -> p.toString().endsWith(".tmp")));
    }
  }

  /** A stored input order becomes a Gather of x's columns by the order, before the product. */
  @Test
  void anInputOrderedMatrixGathersItsInputsFirst() throws Exception {
    LlamaWeights w = TinyModels.random(5, false);
    int k = w.config().dim();
    int[] order = new int[k];
    for (int i = 0; i < k; i++) {
      order[i] = k - 1 - i;
    }
    QuantizedMatrix plain = QuantizedMatrix.quantize(WeightFormat.parse("q35-g8"), w.wcls,
        w.config().vocabSize(), k);
    ModelProto ordered = LlamaGraph.prefill(w, Map.of("wcls", plain.withInputOrder(order)), 2, 17);
    TensorProto indices = ordered.getGraph().getInitializerList().stream()
        .filter(t -> t.getName().startsWith("wcls_input_order")).findFirst().orElseThrow();
    java.nio.ByteBuffer raw = indices.getRawData().asReadOnlyByteBuffer()
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    assertEquals(8 * k, raw.remaining());
    for (int i = 0; i < k; i++) {
      assertEquals(order[i], raw.getLong(8 * i));
    }
    assertTrue(ordered.getGraph().getNodeList().stream().anyMatch(n -> n.getOpType()
        .equals("Gather") && n.getInput(1).equals(indices.getName())
        && n.getAttribute(0).getI() == 1), "Gather on axis 1 by the order");
    assertTrue(LlamaGraph.prefill(w, Map.of("wcls", plain), 2, 17).getGraph()
        .getInitializerList().stream().noneMatch(t -> t.getName().contains("input_order")));
  }
}
