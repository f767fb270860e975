package q35.model;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Reads a Hugging Face Llama checkpoint directory: {@code config.json} plus {@code
 * model.safetensors} or shards listed in {@code model.safetensors.index.json}. Tensors may be F32,
 * F16 or BF16.
 *
 * <p>HF stores q_proj and k_proj rows in the "rotate-half" RoPE layout: HF's
 * convert_llama_weights_to_hf.py applies {@code permute(w) = w.view(heads, hs/2, 2,
 * dim).transpose(1, 2).reshape(...)} to the original interleaved weights, so HF row {@code h*hs +
 * t*hs/2 + i} holds original row {@code h*hs + 2i + t}. This reader undoes that permutation so the
 * weights are in llama2.c's interleaved layout (the transformer has one RoPE convention).
 */
public final class HfLlamaReader {
  private HfLlamaReader() {}

  public static LoadedModel read(Path dir) throws IOException {
    Path configFile = dir.resolve("config.json");
    if (!Files.isRegularFile(configFile)) {
      throw new ModelFormatException(dir + ": no config.json (not a Hugging Face model directory)");
    }
    JsonObject cfg = Json.parseObject(ModelFiles.readAll(configFile, SafetensorsFile.MAX_HEADER_BYTES), configFile.toString());
    List<SafetensorsFile> files = new ArrayList<>();
    Path single = dir.resolve("model.safetensors");
    Path index = dir.resolve("model.safetensors.index.json");
    if (Files.isRegularFile(single)) {
      files.add(SafetensorsFile.read(single));
    } else if (Files.isRegularFile(index)) {
      JsonObject idx = Json.parseObject(ModelFiles.readAll(index, SafetensorsFile.MAX_HEADER_BYTES), index.toString());
      Set<String> shards = new LinkedHashSet<>();
      for (Map.Entry<String, JsonElement> e : Json.object(idx, "weight_map", index.toString()).entrySet()) {
        shards.add(Json.asString(e.getValue(), index + ": weight_map." + e.getKey()));
      }
      for (String shard : shards) {
        Path p = dir.resolve(shard).normalize();
        if (!dir.equals(p.getParent())) {
          throw new ModelFormatException(index + ": shard " + shard + " is not a file in " + dir);
        }
        files.add(SafetensorsFile.read(p));
      }
    } else {
      throw new ModelFormatException(dir + ": neither model.safetensors nor model.safetensors.index.json");
    }
    return new LoadedModel(build(cfg, files, dir.toString()), null);
  }

  /** Builds weights from config.json bytes (UTF-8) and the bytes of one model.safetensors. */
  public static LlamaWeights fromBytes(byte[] configJson, byte[] safetensors, String source)
      throws ModelFormatException {
    JsonObject cfg = Json.parseObject(configJson, source + "/config.json");
    return build(cfg, List.of(SafetensorsFile.parse(safetensors, source + "/model.safetensors")), source);
  }

  /** Builds weights from config.json text and the bytes of one model.safetensors. */
  public static LlamaWeights fromBytes(String configJson, byte[] safetensors, String source)
      throws ModelFormatException {
    JsonObject cfg = Json.parseObject(configJson, source + "/config.json");
    return build(cfg, List.of(SafetensorsFile.parse(safetensors, source + "/model.safetensors")), source);
  }

  /** Builds weights from a parsed config.json and safetensors files. */
  public static LlamaWeights build(JsonObject cfg, List<SafetensorsFile> files, String source)
      throws ModelFormatException {
    String what = source + "/config.json";
    String modelType = Json.optString(cfg, "model_type");
    if (modelType != null && !modelType.equals("llama")) {
      throw new ModelFormatException(what + ": model_type is " + modelType + ", expected llama");
    }
    int dim = Json.intValue(cfg, "hidden_size", null, what);
    int hidden = Json.intValue(cfg, "intermediate_size", null, what);
    int layers = Json.intValue(cfg, "num_hidden_layers", null, what);
    int heads = Json.intValue(cfg, "num_attention_heads", null, what);
    int kvHeads = Json.intValue(cfg, "num_key_value_heads", heads, what);
    int vocab = Json.intValue(cfg, "vocab_size", null, what);
    int seqLen = Json.intValue(cfg, "max_position_embeddings", 2048, what);
    float eps = Json.floatValue(cfg, "rms_norm_eps", LlamaConfig.DEFAULT_RMS_EPS, what);
    float theta = Json.floatValue(cfg, "rope_theta", LlamaConfig.DEFAULT_ROPE_THETA, what);
    com.google.gson.JsonElement scaling = cfg.get("rope_scaling");
    if (scaling != null && !scaling.isJsonNull()) {
      throw new ModelFormatException(what + ": rope_scaling " + scaling + " is not supported (plain RoPE only)");
    }
    if (heads > 0 && dim % heads == 0 && Json.intValue(cfg, "head_dim", dim / heads, what) != dim / heads) {
      throw new ModelFormatException(what + ": head_dim differs from hidden_size / num_attention_heads");
    }
    Lookup lookup = new Lookup(files, source);
    // transformers' LlamaConfig defaults tie_word_embeddings to false: without the flag the
    // classifier must be in the file, and its absence is an error, not a silent tie.
    boolean tie = Json.boolValue(cfg, "tie_word_embeddings", false, what);
    if (!tie && !lookup.has("lm_head.weight")) {
      throw new ModelFormatException(source + ": missing tensor lm_head.weight, and config.json"
          + " does not set tie_word_embeddings to true");
    }
    LlamaConfig c = new LlamaConfig(dim, hidden, layers, heads, kvHeads, vocab, seqLen, tie, theta, eps);
    c.validate(source);
    // Nothing is sized from the config before the files are known to hold its weights.
    long dataBytes = 0;
    for (SafetensorsFile f : files) {
      dataBytes += f.dataBytes();
    }
    if (2 * c.weightCount() > dataBytes) {
      throw new ModelFormatException(source + ": config " + c + " needs at least "
          + 2 * c.weightCount() + " bytes of tensor data (2 per weight), the files hold " + dataBytes);
    }
    int kv = c.kvDim();
    float[] emb = lookup.floats("model.embed_tokens.weight", vocab, dim);
    float[][] rmsAtt = new float[layers][];
    float[][] wq = new float[layers][];
    float[][] wk = new float[layers][];
    float[][] wv = new float[layers][];
    float[][] wo = new float[layers][];
    float[][] rmsFfn = new float[layers][];
    float[][] w1 = new float[layers][];
    float[][] w2 = new float[layers][];
    float[][] w3 = new float[layers][];
    for (int l = 0; l < layers; l++) {
      String p = "model.layers." + l + ".";
      rmsAtt[l] = lookup.floats(p + "input_layernorm.weight", dim);
      wq[l] = unpermuteRotateHalf(lookup.floats(p + "self_attn.q_proj.weight", dim, dim), heads, dim);
      wk[l] = unpermuteRotateHalf(lookup.floats(p + "self_attn.k_proj.weight", kv, dim), kvHeads, dim);
      wv[l] = lookup.floats(p + "self_attn.v_proj.weight", kv, dim);
      wo[l] = lookup.floats(p + "self_attn.o_proj.weight", dim, dim);
      rmsFfn[l] = lookup.floats(p + "post_attention_layernorm.weight", dim);
      w1[l] = lookup.floats(p + "mlp.gate_proj.weight", hidden, dim);
      w2[l] = lookup.floats(p + "mlp.down_proj.weight", dim, hidden);
      w3[l] = lookup.floats(p + "mlp.up_proj.weight", hidden, dim);
    }
    float[] rmsFinal = lookup.floats("model.norm.weight", dim);
    float[] wcls = tie ? emb : lookup.floats("lm_head.weight", vocab, dim);
    return new LlamaWeights(c, emb, rmsAtt, wq, wk, wv, wo, rmsFfn, w1, w2, w3, rmsFinal, wcls, source);
  }

  /**
   * Rotate-half row order to interleaved row order: out row {@code h*hs + 2i + t} = in row {@code
   * h*hs + t*hs/2 + i}, for a (heads*hs) x cols matrix.
   */
  public static float[] unpermuteRotateHalf(float[] w, int heads, int cols) {
    int rows = w.length / cols;
    int hs = rows / heads;
    float[] out = new float[w.length];
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < hs / 2; i++) {
        for (int t = 0; t < 2; t++) {
          System.arraycopy(w, (h * hs + t * (hs / 2) + i) * cols, out, (h * hs + 2 * i + t) * cols, cols);
        }
      }
    }
    return out;
  }

  /** Interleaved row order to rotate-half row order: the inverse of {@link #unpermuteRotateHalf}. */
  public static float[] permuteRotateHalf(float[] w, int heads, int cols) {
    int rows = w.length / cols;
    int hs = rows / heads;
    float[] out = new float[w.length];
    for (int h = 0; h < heads; h++) {
      for (int i = 0; i < hs / 2; i++) {
        for (int t = 0; t < 2; t++) {
          System.arraycopy(w, (h * hs + 2 * i + t) * cols, out, (h * hs + t * (hs / 2) + i) * cols, cols);
        }
      }
    }
    return out;
  }

  /** Finds each tensor in whichever shard holds it. */
  private static final class Lookup {
    private final List<SafetensorsFile> files;
    private final String source;

    Lookup(List<SafetensorsFile> files, String source) {
      this.files = files;
      this.source = source;
    }

    boolean has(String name) {
      return find(name) != null;
    }

    @Nullable SafetensorsFile find(String name) {
      for (SafetensorsFile f : files) {
        if (f.tensors().containsKey(name)) {
          return f;
        }
      }
      return null;
    }

    float[] floats(String name, long... shape) throws ModelFormatException {
      SafetensorsFile f = find(name);
      if (f == null) {
        throw new ModelFormatException(source + ": missing tensor " + name);
      }
      return f.floats(name, shape);
    }
  }
}
