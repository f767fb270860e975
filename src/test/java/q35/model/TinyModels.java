package q35.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

/**
 * Small synthetic models and independent test-side writers for GGUF and HF safetensors, so the
 * readers can be exercised without the shared model files.
 */
public final class TinyModels {
  private TinyModels() {}

  /** A random model; values are multiples of 1/256 in [-1, 1], exactly representable in F16. */
  public static LlamaWeights random(long seed, boolean shared) throws ModelFormatException {
    return random(seed, shared, 256);
  }

  /** A random model with values k/steps in [-1, 1]; steps = 64 keeps them exact in BF16 too. */
  public static LlamaWeights random(long seed, boolean shared, int steps) throws ModelFormatException {
    LlamaConfig c = new LlamaConfig(16, 24, 2, 4, 2, 40, 32, shared);
    Random r = new Random(seed);
    int d = c.dim();
    int kv = c.kvDim();
    int h = c.hiddenDim();
    int n = c.nLayers();
    float[] emb = fill(r, c.vocabSize() * d, steps);
    return new LlamaWeights(c, emb, layers(r, n, d, steps), layers(r, n, d * d, steps), layers(r, n, kv * d, steps),
        layers(r, n, kv * d, steps), layers(r, n, d * d, steps), layers(r, n, d, steps), layers(r, n, h * d, steps),
        layers(r, n, d * h, steps), layers(r, n, h * d, steps), fill(r, d, steps), shared ? emb : fill(r, c.vocabSize() * d, steps),
        "tiny");
  }

  static float[] fill(Random r, int n, int steps) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (r.nextInt(2 * steps + 1) - steps) / (float) steps;
    }
    return a;
  }

  static float[][] layers(Random r, int layers, int n, int steps) {
    float[][] a = new float[layers][];
    for (int l = 0; l < layers; l++) {
      a[l] = fill(r, n, steps);
    }
    return a;
  }

  /** A vocabulary of the byte tokens plus a few merges, in llama2.c tokenizer layout. */
  public static byte[] tokenizerBytes(int vocabSize) {
    ByteBuffer b = ByteBuffer.allocate(64 * vocabSize + 4).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(8);
    for (int i = 0; i < vocabSize; i++) {
      byte[] piece = ("t" + i).getBytes(StandardCharsets.UTF_8);
      b.putFloat(-i).putInt(piece.length).put(piece);
    }
    byte[] out = new byte[b.position()];
    b.flip();
    b.get(out);
    return out;
  }

  // ------------------------------------------------------------------ GGUF writer (test side)

  /** One tensor for the GGUF writer: name, ggml dims, type 0 (F32) or 1 (F16), float data. */
  public record GTensor(String name, long[] dims, int type, float[] data) {}

  /** Writes GGUF v3: metadata in insertion order (values: Long as given type, etc.), tensors aligned. */
  public static byte[] gguf(Map<String, Object[]> metadata, List<GTensor> tensors, int alignment) {
    ByteBuffer b = ByteBuffer.allocate(1 << 22).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(0x46554747).putInt(3).putLong(tensors.size()).putLong(metadata.size());
    for (Map.Entry<String, Object[]> e : metadata.entrySet()) {
      str(b, e.getKey());
      int type = (Integer) e.getValue()[0];
      b.putInt(type);
      val(b, type, e.getValue()[1]);
    }
    long offset = 0;
    List<Long> offsets = new ArrayList<>();
    for (GTensor t : tensors) {
      str(b, t.name());
      b.putInt(t.dims().length);
      for (long d : t.dims()) {
        b.putLong(d);
      }
      b.putInt(t.type());
      b.putLong(offset);
      offsets.add(offset);
      long bytes = (long) t.data().length * (t.type() == 0 ? 4 : 2);
      offset += (bytes + alignment - 1) / alignment * alignment;
    }
    int dataStart = (b.position() + alignment - 1) / alignment * alignment;
    for (int i = 0; i < tensors.size(); i++) {
      GTensor t = tensors.get(i);
      b.position((int) (dataStart + offsets.get(i)));
      for (float f : t.data()) {
        if (t.type() == 0) {
          b.putFloat(f);
        } else {
          b.putShort(half(f));
        }
      }
    }
    byte[] out = new byte[b.position()];
    b.flip();
    b.get(out);
    return out;
  }

  /** F16 bits of a float that is exactly representable as a half (the test fails otherwise). */
  public static short half(float f) {
    if (f == 0) {
      return (short) (Float.floatToRawIntBits(f) >>> 16 & 0x8000);
    }
    int bits = Float.floatToRawIntBits(f);
    int sign = bits >>> 16 & 0x8000;
    int exp = (bits >>> 23 & 0xff) - 127;
    if (exp < -14) {
      double m = Math.abs((double) f) * 0x1p24; // subnormal half: m * 2^-24, m < 1024
      if (m != Math.rint(m) || m >= 1024) {
        throw new IllegalArgumentException("not exactly representable as a subnormal half: " + f);
      }
      return (short) (sign | (int) m);
    }
    int mant = bits & 0x7fffff;
    if (exp < -14 || exp > 15 || (mant & 0x1fff) != 0) {
      throw new IllegalArgumentException("not exactly representable in the test's F16 writer: " + f);
    }
    return (short) (sign | (exp + 15) << 10 | mant >>> 13);
  }

  private static void str(ByteBuffer b, String s) {
    byte[] u = s.getBytes(StandardCharsets.UTF_8);
    b.putLong(u.length).put(u);
  }

  private static void val(ByteBuffer b, int type, Object v) {
    switch (type) {
      case 0: case 1: b.put(((Number) v).byteValue()); break;
      case 2: case 3: b.putShort(((Number) v).shortValue()); break;
      case 4: case 5: b.putInt(((Number) v).intValue()); break;
      case 6: b.putFloat(((Number) v).floatValue()); break;
      case 7: b.put((byte) ((Boolean) v ? 1 : 0)); break;
      case 8: str(b, (String) v); break;
      case 9: {
        Object[] arr = (Object[]) v; // {elemType, List}
        int et = (Integer) arr[0];
        List<?> items = (List<?>) arr[1];
        b.putInt(et).putLong(items.size());
        for (Object o : items) {
          val(b, et, o);
        }
        break;
      }
      case 10: case 11: b.putLong(((Number) v).longValue()); break;
      case 12: b.putDouble(((Number) v).doubleValue()); break;
      default: throw new IllegalArgumentException("type " + type);
    }
  }

  /** GGUF metadata + tensors for a LlamaWeights, llama.cpp names; F32 or F16 (type 1) matrices. */
  public static byte[] ggufOf(LlamaWeights w, int matrixType, boolean withVocab) {
    LlamaConfig c = w.config();
    Map<String, Object[]> md = new LinkedHashMap<>();
    md.put("general.architecture", new Object[] {8, "llama"});
    md.put("general.alignment", new Object[] {4, 64});
    md.put("llama.context_length", new Object[] {4, c.seqLen()});
    md.put("llama.embedding_length", new Object[] {4, c.dim()});
    md.put("llama.feed_forward_length", new Object[] {4, c.hiddenDim()});
    md.put("llama.block_count", new Object[] {4, c.nLayers()});
    md.put("llama.attention.head_count", new Object[] {4, c.nHeads()});
    md.put("llama.attention.head_count_kv", new Object[] {4, c.nKvHeads()});
    md.put("llama.attention.layer_norm_rms_epsilon", new Object[] {6, 1e-5f});
    if (withVocab) {
      List<Object> toks = new ArrayList<>();
      List<Object> scores = new ArrayList<>();
      for (int i = 0; i < c.vocabSize(); i++) {
        toks.add(i == 5 ? "\u2581a" : "t" + i);
        scores.add((float) -i);
      }
      md.put("tokenizer.ggml.model", new Object[] {8, "llama"});
      md.put("tokenizer.ggml.tokens", new Object[] {9, new Object[] {8, toks}});
      md.put("tokenizer.ggml.scores", new Object[] {9, new Object[] {6, scores}});
    }
    int d = c.dim();
    int kv = c.kvDim();
    int h = c.hiddenDim();
    List<GTensor> ts = new ArrayList<>();
    ts.add(new GTensor("token_embd.weight", new long[] {d, c.vocabSize()}, matrixType, w.tokenEmbedding));
    ts.add(new GTensor("output_norm.weight", new long[] {d}, 0, w.rmsFinal));
    if (!c.sharedClassifier()) {
      ts.add(new GTensor("output.weight", new long[] {d, c.vocabSize()}, matrixType, w.wcls));
    }
    for (int l = 0; l < c.nLayers(); l++) {
      String p = "blk." + l + ".";
      ts.add(new GTensor(p + "attn_q.weight", new long[] {d, d}, matrixType, w.wq[l]));
      ts.add(new GTensor(p + "attn_k.weight", new long[] {d, kv}, matrixType, w.wk[l]));
      ts.add(new GTensor(p + "attn_v.weight", new long[] {d, kv}, matrixType, w.wv[l]));
      ts.add(new GTensor(p + "attn_output.weight", new long[] {d, d}, matrixType, w.wo[l]));
      ts.add(new GTensor(p + "attn_norm.weight", new long[] {d}, 0, w.rmsAtt[l]));
      ts.add(new GTensor(p + "ffn_gate.weight", new long[] {d, h}, matrixType, w.w1[l]));
      ts.add(new GTensor(p + "ffn_down.weight", new long[] {h, d}, matrixType, w.w2[l]));
      ts.add(new GTensor(p + "ffn_up.weight", new long[] {d, h}, matrixType, w.w3[l]));
      ts.add(new GTensor(p + "ffn_norm.weight", new long[] {d}, 0, w.rmsFfn[l]));
    }
    return gguf(md, ts, 64);
  }

  // ------------------------------------------------------------- HF safetensors writer (test side)

  /**
   * HF q_proj/k_proj layout, written independently of the reader, after HF's
   * convert_llama_weights_to_hf.py: w.view(heads, rows/heads/2, 2, cols).transpose(1, 2).
   */
  public static float[] hfPermute(float[] w, int heads, int cols) {
    int rows = w.length / cols;
    int half = rows / heads / 2;
    float[] out = new float[w.length];
    // source index in the view: [h][i][t][c]; destination after transpose: [h][t][i][c]
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < half; i++) {
        for (int t = 0; t < 2; t++) {
          for (int col = 0; col < cols; col++) {
            int src = ((h * half + i) * 2 + t) * cols + col;
            int dst = ((h * 2 + t) * half + i) * cols + col;
            out[dst] = w[src];
          }
        }
      }
    }
    return out;
  }

  /** config.json text for a LlamaConfig. */
  public static String hfConfig(LlamaConfig c) {
    JsonObject o = new JsonObject();
    o.addProperty("architectures", "LlamaForCausalLM");
    o.addProperty("model_type", "llama");
    o.addProperty("hidden_size", c.dim());
    o.addProperty("intermediate_size", c.hiddenDim());
    o.addProperty("num_hidden_layers", c.nLayers());
    o.addProperty("num_attention_heads", c.nHeads());
    o.addProperty("num_key_value_heads", c.nKvHeads());
    o.addProperty("vocab_size", c.vocabSize());
    o.addProperty("max_position_embeddings", c.seqLen());
    o.addProperty("rms_norm_eps", 1e-5);
    o.addProperty("rope_theta", 10000.0);
    o.addProperty("tie_word_embeddings", c.sharedClassifier());
    return o.toString();
  }

  /** model.safetensors bytes in HF names and layout; dtype "F32", "F16" or "BF16" for all tensors. */
  public static byte[] hfSafetensors(LlamaWeights w, String dtype) {
    LlamaConfig c = w.config();
    Map<String, float[]> t = new LinkedHashMap<>();
    Map<String, long[]> shapes = new LinkedHashMap<>();
    int d = c.dim();
    int kv = c.kvDim();
    int h = c.hiddenDim();
    put(t, shapes, "model.embed_tokens.weight", w.tokenEmbedding, c.vocabSize(), d);
    for (int l = 0; l < c.nLayers(); l++) {
      String p = "model.layers." + l + ".";
      put(t, shapes, p + "input_layernorm.weight", w.rmsAtt[l], d);
      put(t, shapes, p + "self_attn.q_proj.weight", hfPermute(w.wq[l], c.nHeads(), d), d, d);
      put(t, shapes, p + "self_attn.k_proj.weight", hfPermute(w.wk[l], c.nKvHeads(), d), kv, d);
      put(t, shapes, p + "self_attn.v_proj.weight", w.wv[l], kv, d);
      put(t, shapes, p + "self_attn.o_proj.weight", w.wo[l], d, d);
      put(t, shapes, p + "post_attention_layernorm.weight", w.rmsFfn[l], d);
      put(t, shapes, p + "mlp.gate_proj.weight", w.w1[l], h, d);
      put(t, shapes, p + "mlp.down_proj.weight", w.w2[l], d, h);
      put(t, shapes, p + "mlp.up_proj.weight", w.w3[l], h, d);
    }
    put(t, shapes, "model.norm.weight", w.rmsFinal, d);
    if (!c.sharedClassifier()) {
      put(t, shapes, "lm_head.weight", w.wcls, c.vocabSize(), d);
    }
    return safetensors(t, shapes, dtype);
  }

  private static void put(Map<String, float[]> t, Map<String, long[]> s, String name, float[] v, long... shape) {
    t.put(name, v);
    s.put(name, shape);
  }

  /** Writes a safetensors file; every tensor gets the given dtype. */
  public static byte[] safetensors(Map<String, float[]> tensors, Map<String, long[]> shapes, String dtype) {
    int size = dtype.equals("F32") ? 4 : 2;
    JsonObject header = new JsonObject();
    JsonObject meta = new JsonObject();
    meta.addProperty("format", "pt");
    header.add("__metadata__", meta);
    long off = 0;
    for (Map.Entry<String, float[]> e : tensors.entrySet()) {
      JsonObject o = new JsonObject();
      o.addProperty("dtype", dtype);
      JsonArray shape = new JsonArray();
      for (long x : shapes.get(e.getKey())) {
        shape.add(x);
      }
      o.add("shape", shape);
      JsonArray offs = new JsonArray();
      offs.add(off);
      off += (long) e.getValue().length * size;
      offs.add(off);
      o.add("data_offsets", offs);
      header.add(e.getKey(), o);
    }
    byte[] h = header.toString().getBytes(StandardCharsets.UTF_8);
    ByteBuffer b = ByteBuffer.allocate((int) (8 + h.length + off)).order(ByteOrder.LITTLE_ENDIAN);
    b.putLong(h.length).put(h);
    for (float[] v : tensors.values()) {
      for (float f : v) {
        if (size == 4) {
          b.putFloat(f);
        } else if (dtype.equals("F16")) {
          b.putShort(half(f));
        } else {
          int bits = Float.floatToRawIntBits(f);
          if ((bits & 0xffff) != 0) {
            throw new IllegalArgumentException("not exactly representable in BF16: " + f);
          }
          b.putShort((short) (bits >>> 16));
        }
      }
    }
    return b.array();
  }
}
