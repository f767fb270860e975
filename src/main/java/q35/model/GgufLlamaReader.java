package q35.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Builds a {@link LoadedModel} from a GGUF file of architecture {@code llama} with F32/F16/BF16
 * tensors, plus the embedded SentencePiece vocabulary ({@code tokenizer.ggml.tokens/scores}).
 *
 * <p>RoPE layout: llama.cpp's {@code LLM_ARCH_LLAMA} uses the "normal" RoPE mode, which rotates
 * adjacent pairs (x[2i], x[2i+1]) exactly like llama2.c. Converters bring Q/K rows into that
 * layout: convert_hf_to_gguf.py undoes HF's rotate-half permutation, and the llama2.c converter
 * copies the rows unchanged. Checked on stories260K.gguf: every attn_q / attn_k tensor is
 * bit-identical to wq / wk of stories260K.bin. So GGUF Q/K rows are used as they are.
 */
public final class GgufLlamaReader {
  private GgufLlamaReader() {}

  public static LoadedModel read(Path file) throws IOException {
    return toModel(GgufFile.read(file));
  }

  public static LoadedModel read(byte[] bytes, String source) throws ModelFormatException {
    return toModel(GgufFile.parse(bytes, source));
  }

  public static LoadedModel toModel(GgufFile g) throws ModelFormatException {
    String src = g.source();
    Object arch = g.get("general.architecture");
    if (!"llama".equals(arch)) {
      throw new ModelFormatException(src + ": general.architecture is " + arch + ", expected llama");
    }
    int dim = g.intValue("llama.embedding_length", null);
    int hidden = g.intValue("llama.feed_forward_length", null);
    int layers = g.intValue("llama.block_count", null);
    int heads = g.intValue("llama.attention.head_count", null);
    int kvHeads = g.intValue("llama.attention.head_count_kv", heads);
    int seqLen = g.intValue("llama.context_length", null);
    float theta = g.floatValue("llama.rope.freq_base", LlamaConfig.DEFAULT_ROPE_THETA);
    float eps = g.floatValue("llama.attention.layer_norm_rms_epsilon", LlamaConfig.DEFAULT_RMS_EPS);
    GgufFile.TensorInfo emb = g.tensors().get("token_embd.weight");
    if (emb == null || emb.dims().length != 2 || emb.dims()[0] != dim || emb.dims()[1] > Integer.MAX_VALUE) {
      throw new ModelFormatException(src + ": token_embd.weight missing or not of dims [" + dim + ", vocab]");
    }
    int vocab = (int) emb.dims()[1];
    boolean shared = !g.tensors().containsKey("output.weight");
    LlamaConfig c = new LlamaConfig(dim, hidden, layers, heads, kvHeads, vocab, seqLen, shared, theta, eps);
    c.validate(src);
    if (g.intValue("llama.rope.dimension_count", c.headSize()) != c.headSize()) {
      throw new ModelFormatException(src + ": llama.rope.dimension_count differs from the head size "
          + c.headSize() + " (partial RoPE is not supported)");
    }
    Object scaling = g.get("llama.rope.scaling.type");
    if (scaling != null && !"none".equals(scaling)) {
      throw new ModelFormatException(src + ": llama.rope.scaling.type " + scaling + " is not supported");
    }
    // Nothing is sized from the config before the file is known to hold its weights.
    long minBytes = 2 * c.weightCount();
    if (minBytes > g.dataBytes()) {
      throw new ModelFormatException(src + ": config " + c + " needs at least " + minBytes
          + " bytes of tensor data (2 per weight), the file has " + g.dataBytes());
    }
    int kv = c.kvDim();
    float[] tokenEmbedding = g.floats("token_embd.weight", dim, vocab);
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
      String p = "blk." + l + ".";
      rmsAtt[l] = g.floats(p + "attn_norm.weight", dim);
      wq[l] = g.floats(p + "attn_q.weight", dim, dim);
      wk[l] = g.floats(p + "attn_k.weight", dim, kv);
      wv[l] = g.floats(p + "attn_v.weight", dim, kv);
      wo[l] = g.floats(p + "attn_output.weight", dim, dim);
      rmsFfn[l] = g.floats(p + "ffn_norm.weight", dim);
      w1[l] = g.floats(p + "ffn_gate.weight", dim, hidden);
      w2[l] = g.floats(p + "ffn_down.weight", hidden, dim);
      w3[l] = g.floats(p + "ffn_up.weight", dim, hidden);
    }
    float[] rmsFinal = g.floats("output_norm.weight", dim);
    float[] wcls = shared ? tokenEmbedding : g.floats("output.weight", dim, vocab);
    LlamaWeights w = new LlamaWeights(c, tokenEmbedding, rmsAtt, wq, wk, wv, wo, rmsFfn, w1, w2, w3,
        rmsFinal, wcls, src);
    return new LoadedModel(w, vocabulary(g, vocab));
  }

  /**
   * The embedded SentencePiece vocabulary with U+2581 turned back into spaces, or null when the
   * file has none or it is not a {@code llama} (SentencePiece) tokenizer.
   */
  static @Nullable Vocabulary vocabulary(GgufFile g, int vocabSize) throws ModelFormatException {
    Object model = g.get("tokenizer.ggml.model");
    Object tokens = g.get("tokenizer.ggml.tokens");
    Object scores = g.get("tokenizer.ggml.scores");
    if (!"llama".equals(model) || tokens == null) {
      return null;
    }
    if (!(tokens instanceof List) || ((List<?>) tokens).size() != vocabSize) {
      throw new ModelFormatException(g.source() + ": tokenizer.ggml.tokens must be an array of "
          + vocabSize + " strings");
    }
    List<?> tl = (List<?>) tokens;
    if (scores != null && (!(scores instanceof float[]) || ((float[]) scores).length != vocabSize)) {
      throw new ModelFormatException(g.source() + ": tokenizer.ggml.scores must be an array of "
          + vocabSize + " float32");
    }
    float[] sl = scores == null ? null : (float[]) scores;
    byte[][] pieces = new byte[vocabSize][];
    float[] sc = new float[vocabSize];
    int maxLen = 1;
    for (int i = 0; i < vocabSize; i++) {
      Object t = tl.get(i);
      if (!(t instanceof String)) {
        throw new ModelFormatException(g.source() + ": tokenizer.ggml.tokens[" + i + "] is not a string");
      }
      pieces[i] = ((String) t).replace('\u2581', ' ').getBytes(StandardCharsets.UTF_8);
      maxLen = Math.max(maxLen, pieces[i].length);
      if (sl != null) {
        if (!Float.isFinite(sl[i])) {
          throw new ModelFormatException(g.source() + ": tokenizer.ggml.scores[" + i + "] = " + sl[i]
              + " is not a finite float32");
        }
        sc[i] = sl[i];
      }
    }
    return new Vocabulary(pieces, sc, maxLen);
  }
}
