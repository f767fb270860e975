package q35.model;

import java.io.IOException;

/**
 * A model's float tensors, handed out one at a time, so that a writer (the {@code .q35}
 * quantizer) holds one tensor in memory, not the model. {@link LlamaWeights} serves its arrays;
 * {@link Llama2cReader#open} decodes each tensor from a memory-mapped file when asked. Each call
 * returns a checked tensor (length from the config, every value finite) that the caller owns.
 */
public interface WeightSource {
  /** The per-layer tensors, in llama2.c's file order. */
  enum LayerTensor {
    RMS_ATT, WQ, WK, WV, WO, RMS_FFN, W1, W2, W3
  }

  LlamaConfig config();

  /** (vocabSize, dim). */
  float[] tokenEmbedding() throws IOException;

  /** One per-layer tensor, shaped as in {@link LlamaWeights}. */
  float[] layer(LayerTensor t, int layer) throws IOException;

  /** (dim). */
  float[] rmsFinal() throws IOException;

  /** (vocabSize, dim): the token embedding when the classifier is shared. */
  float[] classifier() throws IOException;

  /** Elements of a per-layer tensor under {@code c}. */
  static long elements(LayerTensor t, LlamaConfig c) {
    long d = c.dim();
    switch (t) {
      case RMS_ATT: case RMS_FFN: return d;
      case WQ: case WO: return d * d;
      case WK: case WV: return (long) c.kvDim() * d;
      default: return d * c.hiddenDim();
    }
  }
}
