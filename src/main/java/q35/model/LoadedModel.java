package q35.model;

import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;
import q35.quant.QuantizedMatrix;

/**
 * What a model file yields: the weights, a vocabulary if the format embeds one, and the
 * quantized matrices the format stores itself (a {@code .q35} container's, by tensor name
 * {@code layers.L.wq}, ...; empty for a float model). A caller runs them on a backend
 * (q35.backend.BackendLinear.stored).
 */
public record LoadedModel(LlamaWeights weights, @Nullable Vocabulary vocabulary,
    Map<String, QuantizedMatrix> quantized) {

  /** A float model. */
  public LoadedModel(LlamaWeights weights, @Nullable Vocabulary vocabulary) {
    this(weights, vocabulary, Map.of());
  }

  /**
   * The weights with every matrix as floats: {@link #weights()} itself for a float model;
   * otherwise a copy in which each matrix held quantized ({@link LlamaWeights#HELD_QUANTIZED})
   * is dequantized (s * q + m per weight), for the commands that start from floats (eval,
   * bench, quantize). Running a model needs no such copy.
   */
  public LlamaWeights floatWeights() throws ModelFormatException {
    if (quantized.isEmpty()) {
      return weights;
    }
    LlamaWeights w = weights;
    LlamaConfig c = w.config();
    return new LlamaWeights(c, w.tokenEmbedding, w.rmsAtt, floats("wq", w.wq), floats("wk", w.wk),
        floats("wv", w.wv), floats("wo", w.wo), w.rmsFfn, floats("w1", w.w1),
        floats("w2", w.w2), floats("w3", w.w3), w.rmsFinal,
        c.sharedClassifier() ? w.tokenEmbedding : floats("wcls", -1, w.wcls), "dequantized");
  }

  private float[][] floats(String name, float[][] layers) throws ModelFormatException {
    float[][] out = new float[layers.length][];
    for (int l = 0; l < layers.length; l++) {
      out[l] = floats(name, l, layers[l]);
    }
    return out;
  }

  private float[] floats(String name, int layer, float[] t) throws ModelFormatException {
    if (t != LlamaWeights.HELD_QUANTIZED) {
      return t;
    }
    String key = layer < 0 ? name : "layers." + layer + "." + name;
    QuantizedMatrix q = quantized.get(key);
    if (q == null) {
      throw new ModelFormatException("tensor " + key + " is held quantized but missing");
    }
    return q.dequantize();
  }
}
