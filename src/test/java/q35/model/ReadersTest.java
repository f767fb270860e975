package q35.model;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ReadersTest {

  // ------------------------------------------------------------------ shared stories260K files

  @Test
  void storiesBinHeaderAndFirstWeights() throws Exception {
    LlamaWeights w = Llama2cReader.read(TestModels.storiesBin());
    LlamaConfig c = w.config();
    // values from ../shared/models/README.md
    assertEquals(64, c.dim());
    assertEquals(172, c.hiddenDim());
    assertEquals(5, c.nLayers());
    assertEquals(8, c.nHeads());
    assertEquals(4, c.nKvHeads());
    assertEquals(512, c.vocabSize());
    assertEquals(512, c.seqLen());
    assertTrue(c.sharedClassifier());
    assertSame(w.tokenEmbedding, w.wcls);
    // first float of the file after the 28-byte header: bytes 50 e9 96 be
    assertEquals(Float.intBitsToFloat(0xbe96e950), w.tokenEmbedding[0]);
  }

  @Test
  void ggufHoldsTheSameTensorsAsTheBinWithoutQkPermutation() throws Exception {
    LlamaWeights bin = Llama2cReader.read(TestModels.storiesBin());
    LoadedModel g = GgufLlamaReader.read(TestModels.storiesGguf());
    assertEquals(2048, g.weights().config().seqLen());
    assertEquals(bin.config().withSeqLen(2048).dim(), g.weights().config().dim());
    // the finding: attn_q / attn_k rows are bit-identical to wq / wk, no permutation to undo
    for (int l = 0; l < 5; l++) {
      assertArrayEquals(bin.wq[l], g.weights().wq[l], "wq layer " + l);
      assertArrayEquals(bin.wk[l], g.weights().wk[l], "wk layer " + l);
    }
    assertTrue(bin.sameTensors(g.weights()));
    assertEquals(1e-5f, g.weights().config().rmsEps());
  }

  @Test
  void ggufEmbeddedVocabularyEqualsTok512ExceptControlTokens() throws Exception {
    Vocabulary tok = Llama2cTokenizerReader.read(TestModels.tok512(), 512);
    Vocabulary g = GgufLlamaReader.read(TestModels.storiesGguf()).vocabulary();
    assertNotNull(g);
    assertEquals(7, tok.maxTokenLength());
    for (int i = 0; i < 512; i++) {
      if (i == 1 || i == 2) {
        continue; // tok512.bin spells BOS/EOS "\n<s>\n" and "\n</s>\n", the GGUF "<s>" and "</s>"
      }
      assertArrayEquals(tok.pieces()[i], g.pieces()[i], "token " + i);
      assertEquals(tok.scores()[i], g.scores()[i], "score " + i);
    }
    assertEquals(" t", new String(g.pieces()[259], StandardCharsets.UTF_8));
  }

  @Test
  void modelLoaderDispatchesByExtension(@TempDir Path tmp) throws Exception {
    assertNull(ModelLoader.load(TestModels.storiesBin()).vocabulary());
    assertNotNull(ModelLoader.load(TestModels.storiesGguf()).vocabulary());
    Path odd = tmp.resolve("model.xyz");
    Files.write(odd, new byte[] {1, 2, 3});
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> ModelLoader.load(odd));
    assertTrue(e.getMessage().contains("unknown model format"), e.getMessage());
  }

  // ------------------------------------------------------------------ synthetic round trips

  @Test
  void llama2cWriterReaderRoundTripSharedAndUnshared() throws Exception {
    for (boolean shared : new boolean[] {true, false}) {
      LlamaWeights w = TinyModels.random(1, shared);
      byte[] bytes = Llama2cWriter.toBytes(w);
      assertEquals(Llama2cReader.expectedFileSize(w.config()), bytes.length);
      // header written little-endian; vocab negative when the classifier is separate
      assertEquals(shared ? 40 : -40, ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).getInt(20));
      LlamaWeights r = Llama2cReader.read(bytes, "tiny.bin");
      assertTrue(w.sameTensors(r));
      assertEquals(shared, r.config().sharedClassifier());
    }
  }

  @Test
  void ggufSyntheticF32AndF16() throws Exception {
    LlamaWeights w = TinyModels.random(2, false);
    for (int type : new int[] {0, 1}) {
      LoadedModel m = GgufLlamaReader.read(TinyModels.ggufOf(w, type, true), "tiny.gguf");
      assertTrue(w.sameTensors(m.weights()), "type " + type);
      Vocabulary v = m.vocabulary();
      assertNotNull(v);
      assertEquals(" a", new String(v.pieces()[5], StandardCharsets.UTF_8)); // U+2581 -> space
      assertEquals(-7f, v.scores()[7]);
    }
    GgufFile g = GgufFile.parse(TinyModels.ggufOf(w, 0, false), "tiny.gguf");
    assertEquals(64, g.alignment());
  }

  @Test
  void ggufAllMetadataValueTypes() throws Exception {
    Map<String, Object[]> md = new LinkedHashMap<>();
    md.put("u8", new Object[] {0, 200});
    md.put("i8", new Object[] {1, -5});
    md.put("u16", new Object[] {2, 60000});
    md.put("i16", new Object[] {3, -30000});
    md.put("u32", new Object[] {4, 0xfffffffeL});
    md.put("i32", new Object[] {5, -7});
    md.put("f32", new Object[] {6, 1.5f});
    md.put("bool", new Object[] {7, true});
    md.put("str", new Object[] {8, "h\u00e9llo"});
    md.put("arr", new Object[] {9, new Object[] {5, List.of(1, 2, 3)}});
    md.put("nested", new Object[] {9, new Object[] {9, java.util.Collections.singletonList(new Object[] {8, List.of("a", "b")})}});
    md.put("u64", new Object[] {10, -1L});
    md.put("i64", new Object[] {11, -9L});
    md.put("f64", new Object[] {12, 0.25});
    md.put("empty", new Object[] {9, new Object[] {0, List.of()}});
    md.put("u8s", new Object[] {9, new Object[] {0, List.of(1, 200)}});
    md.put("f32s", new Object[] {9, new Object[] {6, List.of(0.5f)}});
    md.put("bools", new Object[] {9, new Object[] {7, List.of(true, false)}});
    md.put("u64s", new Object[] {9, new Object[] {10, List.of(-1L)}});
    GgufFile g = GgufFile.parse(TinyModels.gguf(md, List.of(), 32), "types.gguf");
    assertEquals(200L, g.get("u8"));
    assertEquals(-5L, g.get("i8"));
    assertEquals(60000L, g.get("u16"));
    assertEquals(-30000L, g.get("i16"));
    assertEquals(0xfffffffeL, g.get("u32"));
    assertEquals(-7L, g.get("i32"));
    assertEquals(1.5f, g.get("f32"));
    assertEquals(true, g.get("bool"));
    assertEquals("h\u00e9llo", g.get("str"));
    // numeric arrays are primitive arrays of the element's width, never boxed
    assertArrayEquals(new int[] {1, 2, 3}, (int[]) g.get("arr"));
    assertArrayEquals(new byte[] {1, (byte) 200}, (byte[]) g.get("u8s"));
    assertArrayEquals(new float[] {0.5f}, (float[]) g.get("f32s"));
    assertArrayEquals(new boolean[] {true, false}, (boolean[]) g.get("bools"));
    assertArrayEquals(new long[] {-1L}, (long[]) g.get("u64s"));
    assertEquals(List.of(List.of("a", "b")), g.get("nested"));
    assertEquals(-1L, g.get("u64")); // uint64 max keeps its bit pattern
    assertEquals(-9L, g.get("i64"));
    assertEquals(0.25, g.get("f64"));
    assertArrayEquals(new byte[0], (byte[]) g.get("empty"));
    assertEquals(3, g.version());
    assertEquals(-7, g.intValue("i32", null));
    assertThrows(ModelFormatException.class, () -> g.intValue("u32", null));
    assertThrows(ModelFormatException.class, () -> g.intValue("missing", null));
  }

  @Test
  void safetensorsF32F16Bf16AndHfPermutation(@TempDir Path tmp) throws Exception {
    for (String dtype : new String[] {"F32", "F16", "BF16"}) {
      for (boolean shared : new boolean[] {true, false}) {
        LlamaWeights w = TinyModels.random(3, shared, dtype.equals("BF16") ? 64 : 256);
        Path dir = Files.createDirectories(tmp.resolve(dtype + shared));
        Files.writeString(dir.resolve("config.json"), TinyModels.hfConfig(w.config()));
        Files.write(dir.resolve("model.safetensors"), TinyModels.hfSafetensors(w, dtype));
        LoadedModel m = ModelLoader.load(dir);
        assertTrue(w.sameTensors(m.weights()), dtype + " shared=" + shared);
        assertEquals(shared, m.weights().config().sharedClassifier());
      }
    }
  }

  @Test
  void hfPermutationMovesRowsAsHfConvertScriptDoes() {
    // 1 head of size 4, 1 column: interleaved rows [r0 r1 r2 r3] = pairs (r0,r1), (r2,r3);
    // rotate-half puts first elements of the pairs first: [r0 r2 r1 r3]
    float[] interleaved = {0, 1, 2, 3};
    assertArrayEquals(new float[] {0, 2, 1, 3}, TinyModels.hfPermute(interleaved, 1, 1));
    assertArrayEquals(interleaved, HfLlamaReader.unpermuteRotateHalf(new float[] {0, 2, 1, 3}, 1, 1));
    float[] w = new float[8 * 3];
    for (int i = 0; i < w.length; i++) {
      w[i] = i;
    }
    assertArrayEquals(w, HfLlamaReader.unpermuteRotateHalf(HfLlamaReader.permuteRotateHalf(w, 2, 3), 2, 3));
    assertArrayEquals(TinyModels.hfPermute(w, 2, 3), HfLlamaReader.permuteRotateHalf(w, 2, 3));
  }

  @Test
  void hfShardedIndex(@TempDir Path tmp) throws Exception {
    LlamaWeights w = TinyModels.random(4, true);
    byte[] all = TinyModels.hfSafetensors(w, "F32");
    SafetensorsFile f = SafetensorsFile.parse(all, "all");
    // split: embeddings in shard 1, everything else in shard 2
    Map<String, float[]> s1 = new LinkedHashMap<>();
    Map<String, float[]> s2 = new LinkedHashMap<>();
    Map<String, long[]> shapes = new LinkedHashMap<>();
    StringBuilder map = new StringBuilder("{\"weight_map\":{");
    for (SafetensorsFile.Tensor t : f.tensors().values()) {
      shapes.put(t.name(), t.shape());
      boolean first = t.name().startsWith("model.embed");
      (first ? s1 : s2).put(t.name(), f.floats(t.name(), t.shape()));
      map.append('"').append(t.name()).append("\":\"").append(first ? "a.safetensors" : "b.safetensors").append("\",");
    }
    map.setLength(map.length() - 1);
    map.append("}}");
    Files.writeString(tmp.resolve("config.json"), TinyModels.hfConfig(w.config()));
    Files.write(tmp.resolve("a.safetensors"), TinyModels.safetensors(s1, shapes, "F32"));
    Files.write(tmp.resolve("b.safetensors"), TinyModels.safetensors(s2, shapes, "F32"));
    Files.writeString(tmp.resolve("model.safetensors.index.json"), map.toString());
    assertTrue(w.sameTensors(HfLlamaReader.read(tmp).weights()));
  }

  @Test
  void halfAndBf16Decoding() {
    assertEquals(1.0f, Tensors.halfToFloat(0x3c00));
    assertEquals(-2.0f, Tensors.halfToFloat(0xc000));
    assertEquals(65504f, Tensors.halfToFloat(0x7bff));
    assertEquals(0x1p-24f, Tensors.halfToFloat(0x0001)); // smallest subnormal
    assertEquals(0x1p-14f, Tensors.halfToFloat(0x0400)); // smallest normal
    assertEquals(Float.POSITIVE_INFINITY, Tensors.halfToFloat(0x7c00));
    assertTrue(Float.isNaN(Tensors.halfToFloat(0x7e00)));
    assertEquals(-0.0f, Tensors.halfToFloat(0x8000));
    assertEquals(1.0f, Tensors.bf16ToFloat(0x3f80));
    assertEquals(-1.5f, Tensors.bf16ToFloat(0xbfc0));
    for (int bits = 0; bits < 0x10000; bits++) {
      float f = Tensors.halfToFloat(bits);
      if (!Float.isNaN(f)) {
        assertEquals(bits, Tensors.floatToHalf(f) & 0xffff, "half " + Integer.toHexString(bits));
      }
    }
  }

  // ------------------------------------------------------------------ clear error messages

  @Test
  void errorMessagesSayWhatIsWrongAndWhere() throws Exception {
    LlamaWeights w = TinyModels.random(5, true);
    byte[] bin = Llama2cWriter.toBytes(w);

    byte[] truncated = java.util.Arrays.copyOf(bin, bin.length - 3);
    assertMessage(() -> Llama2cReader.read(truncated, "t.bin"), "t.bin", "truncated");

    byte[] nan = bin.clone();
    ByteBuffer.wrap(nan).order(ByteOrder.LITTLE_ENDIAN).putFloat(28 + 4 * 3, Float.NaN);
    assertMessage(() -> Llama2cReader.read(nan, "n.bin"), "non-finite", "token_embedding", "index 3");

    byte[] badHeads = bin.clone();
    ByteBuffer.wrap(badHeads).order(ByteOrder.LITTLE_ENDIAN).putInt(12, 3); // n_heads 3 vs dim 16
    assertMessage(() -> Llama2cReader.read(badHeads, "h.bin"), "heads");

    byte[] gguf = TinyModels.ggufOf(w, 0, true);
    byte[] magic = gguf.clone();
    magic[0] = 'X';
    assertMessage(() -> GgufFile.parse(magic, "m.gguf"), "m.gguf", "wrong magic");

    byte[] hugeKv = gguf.clone();
    ByteBuffer.wrap(hugeKv).order(ByteOrder.LITTLE_ENDIAN).putLong(16, 1L << 40);
    assertMessage(() -> GgufFile.parse(hugeKv, "k.gguf"), "metadata_kv_count", "bytes remain");

    byte[] st = TinyModels.hfSafetensors(w, "F32");
    byte[] hugeHeader = st.clone();
    ByteBuffer.wrap(hugeHeader).order(ByteOrder.LITTLE_ENDIAN).putLong(0, 1L << 50);
    assertMessage(() -> SafetensorsFile.parse(hugeHeader, "s.safetensors"), "header length");

    byte[] tok = TinyModels.tokenizerBytes(40);
    assertMessage(() -> Llama2cTokenizerReader.read(tok, 41, "tok.bin"), "tok.bin", "truncated");
    assertMessage(() -> Llama2cTokenizerReader.read(tok, 39, "tok.bin"), "trailing bytes");
  }

  @Test
  void wrongShapesInGgufAndSafetensorsAreNamed() throws Exception {
    Map<String, float[]> t = new LinkedHashMap<>();
    Map<String, long[]> s = new LinkedHashMap<>();
    t.put("x", new float[6]);
    s.put("x", new long[] {2, 3});
    SafetensorsFile f = SafetensorsFile.parse(TinyModels.safetensors(t, s, "F32"), "x.st");
    assertMessage(() -> f.floats("x", 3, 2), "tensor x", "shape [2, 3]", "expected [3, 2]");
    // a GGUF whose block count promises a layer that is not there
    List<TinyModels.GTensor> none = new ArrayList<>();
    Map<String, Object[]> md = new LinkedHashMap<>();
    md.put("general.architecture", new Object[] {8, "llama"});
    byte[] g = TinyModels.gguf(md, none, 32);
    assertMessage(() -> GgufLlamaReader.read(g, "e.gguf"), "e.gguf", "llama.embedding_length");
  }

  @Test
  void unsupportedRopeVariantsAreRejectedNotSilentlyMisread() throws Exception {
    LlamaWeights w = TinyModels.random(7, true);
    byte[] st = TinyModels.hfSafetensors(w, "F32");
    String cfg = TinyModels.hfConfig(w.config());
    String scaled = cfg.replace("}", ",\"rope_scaling\":{\"type\":\"llama3\",\"factor\":8.0}}");
    assertMessage(() -> HfLlamaReader.fromBytes(scaled, st, "s"), "rope_scaling");
    String headDim = cfg.replace("}", ",\"head_dim\":8}");
    assertMessage(() -> HfLlamaReader.fromBytes(headDim, st, "h"), "head_dim");
    String mistral = cfg.replace("\"llama\"", "\"mistral\"");
    assertMessage(() -> HfLlamaReader.fromBytes(mistral, st, "m"), "model_type");
    assertMessage(() -> HfLlamaReader.fromBytes("[1,2]", st, "j"), "JSON object");
    assertMessage(() -> HfLlamaReader.fromBytes("{\"hidden_size\": ", st, "j"), "invalid JSON");

    Map<String, Object[]> md = new LinkedHashMap<>();
    md.put("general.architecture", new Object[] {8, "llama"});
    md.put("llama.rope.dimension_count", new Object[] {4, 2});
    md.put("llama.context_length", new Object[] {4, 32});
    md.put("llama.embedding_length", new Object[] {4, 16});
    md.put("llama.feed_forward_length", new Object[] {4, 24});
    md.put("llama.block_count", new Object[] {4, 2});
    md.put("llama.attention.head_count", new Object[] {4, 4});
    md.put("llama.attention.head_count_kv", new Object[] {4, 2});
    List<TinyModels.GTensor> ts = new ArrayList<>();
    ts.add(new TinyModels.GTensor("token_embd.weight", new long[] {16, 40}, 0, w.tokenEmbedding));
    byte[] g = TinyModels.gguf(md, ts, 32);
    assertMessage(() -> GgufLlamaReader.read(g, "r.gguf"), "rope.dimension_count");
  }

  interface Action {
    void run() throws Exception;
  }

  static void assertMessage(Action a, String... parts) {
    ModelFormatException e = assertThrows(ModelFormatException.class, a::run);
    for (String p : parts) {
      assertTrue(e.getMessage().contains(p), "message '" + e.getMessage() + "' should contain '" + p + "'");
    }
  }
}
