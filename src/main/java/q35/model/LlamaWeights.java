package q35.model;

import java.util.Arrays;

/**
 * The float weights of a Llama model in llama2.c layout. A matrix with {@code n} outputs and
 * {@code k} inputs is stored row-major, {@code W[i*k + j]}, so that {@code out[i] = sum_j W[i*k+j]
 * * x[j]}. Per-layer tensors are indexed by layer first. RoPE is the llama2.c (interleaved pairs)
 * convention: readers of other layouts convert Q and K rows on load.
 *
 * <p>Arrays are shared, not copied: treat them as read-only.
 */
public final class LlamaWeights implements WeightSource {
  private final LlamaConfig config;
  /** (vocabSize, dim). */
  public final float[] tokenEmbedding;
  /** [layer] (dim). */
  public final float[][] rmsAtt;
  /** [layer] (dim outputs, dim inputs). */
  public final float[][] wq;
  /** [layer] (kvDim outputs, dim inputs). */
  public final float[][] wk;
  /** [layer] (kvDim outputs, dim inputs). */
  public final float[][] wv;
  /** [layer] (dim outputs, dim inputs). */
  public final float[][] wo;
  /** [layer] (dim). */
  public final float[][] rmsFfn;
  /** [layer] gate projection (hiddenDim outputs, dim inputs). */
  public final float[][] w1;
  /** [layer] down projection (dim outputs, hiddenDim inputs). */
  public final float[][] w2;
  /** [layer] up projection (hiddenDim outputs, dim inputs). */
  public final float[][] w3;
  /** (dim). */
  public final float[] rmsFinal;
  /** (vocabSize outputs, dim inputs); the same array as tokenEmbedding when the classifier is shared. */
  public final float[] wcls;

  /**
   * Stands for a matrix the model file holds quantized (a {@code .q35} container's, in
   * {@link LoadedModel#quantized()}): the weights keep no float copy of it, and the layers that
   * use it run on its stored codes. {@link LoadedModel#floatWeights()} dequantizes it where a
   * float copy is wanted. Compared by identity.
   */
  public static final float[] HELD_QUANTIZED = new float[0];

  /**
   * Bundles and checks the tensors: every length must match the config, every value must be
   * finite.
   */
  public LlamaWeights(
      LlamaConfig config,
      float[] tokenEmbedding,
      float[][] rmsAtt,
      float[][] wq,
      float[][] wk,
      float[][] wv,
      float[][] wo,
      float[][] rmsFfn,
      float[][] w1,
      float[][] w2,
      float[][] w3,
      float[] rmsFinal,
      float[] wcls,
      String source)
      throws ModelFormatException {
    config.validate(source);
    int d = config.dim();
    int h = config.hiddenDim();
    int kv = config.kvDim();
    int v = config.vocabSize();
    check(source, "token_embedding", tokenEmbedding, (long) v * d);
    checkLayers(source, config, "rms_att", rmsAtt, d);
    checkLayers(source, config, "wq", wq, (long) d * d);
    checkLayers(source, config, "wk", wk, (long) kv * d);
    checkLayers(source, config, "wv", wv, (long) kv * d);
    checkLayers(source, config, "wo", wo, (long) d * d);
    checkLayers(source, config, "rms_ffn", rmsFfn, d);
    checkLayers(source, config, "w1", w1, (long) h * d);
    checkLayers(source, config, "w2", w2, (long) d * h);
    checkLayers(source, config, "w3", w3, (long) h * d);
    check(source, "rms_final", rmsFinal, d);
    check(source, "wcls", wcls, (long) v * d);
    if (config.sharedClassifier() && wcls != tokenEmbedding) {
      throw new ModelFormatException(source + ": shared classifier must be the token embedding");
    }
    this.config = config;
    this.tokenEmbedding = tokenEmbedding;
    this.rmsAtt = rmsAtt;
    this.wq = wq;
    this.wk = wk;
    this.wv = wv;
    this.wo = wo;
    this.rmsFfn = rmsFfn;
    this.w1 = w1;
    this.w2 = w2;
    this.w3 = w3;
    this.rmsFinal = rmsFinal;
    this.wcls = wcls;
  }

  @Override
  public LlamaConfig config() {
    return config;
  }

  @Override
  public float[] tokenEmbedding() {
    return tokenEmbedding;
  }

  @Override
  public float[] layer(LayerTensor t, int layer) {
    float[][] all = switch (t) {
      case RMS_ATT -> rmsAtt;
      case WQ -> wq;
      case WK -> wk;
      case WV -> wv;
      case WO -> wo;
      case RMS_FFN -> rmsFfn;
      case W1 -> w1;
      case W2 -> w2;
      case W3 -> w3;
    };
    return all[layer];
  }

  @Override
  public float[] rmsFinal() {
    return rmsFinal;
  }

  @Override
  public float[] classifier() {
    return wcls;
  }

  /** The same weights under a config with another sequence length. */
  public LlamaWeights withSeqLen(int seqLen) throws ModelFormatException {
    return new LlamaWeights(config.withSeqLen(seqLen), tokenEmbedding, rmsAtt, wq, wk, wv, wo,
        rmsFfn, w1, w2, w3, rmsFinal, wcls, "withSeqLen");
  }

  /** True if every tensor holds exactly the same float bits as the other's (seqLen may differ). */
  public boolean sameTensors(LlamaWeights o) {
    return Arrays.equals(tokenEmbedding, o.tokenEmbedding)
        && Arrays.deepEquals(rmsAtt, o.rmsAtt)
        && Arrays.deepEquals(wq, o.wq)
        && Arrays.deepEquals(wk, o.wk)
        && Arrays.deepEquals(wv, o.wv)
        && Arrays.deepEquals(wo, o.wo)
        && Arrays.deepEquals(rmsFfn, o.rmsFfn)
        && Arrays.deepEquals(w1, o.w1)
        && Arrays.deepEquals(w2, o.w2)
        && Arrays.deepEquals(w3, o.w3)
        && Arrays.equals(rmsFinal, o.rmsFinal)
        && Arrays.equals(wcls, o.wcls);
  }

  private static void check(String source, String name, float[] t, long expected)
      throws ModelFormatException {
    if (t == HELD_QUANTIZED) {
      return;
    }
    if (t.length != expected) {
      throw new ModelFormatException(source + ": tensor " + name + " has " + t.length
          + " elements, the config needs " + expected);
    }
    Tensors.requireFinite(t, source + ": tensor " + name);
  }

  private static void checkLayers(String source, LlamaConfig c, String name, float[][] t, long expected)
      throws ModelFormatException {
    if (t.length != c.nLayers()) {
      throw new ModelFormatException(source + ": tensor " + name + " has " + t.length
          + " layers, the config needs " + c.nLayers());
    }
    for (int l = 0; l < t.length; l++) {
      check(source, name + "[layer " + l + "]", t[l], expected);
    }
  }
}
