package q35.model;

import org.checkerframework.checker.nullness.qual.Nullable;
import q35.llama.LinearFactory;

/**
 * What a model file yields: the weights, a vocabulary if the format embeds one, and the linear
 * layers if the format stores them itself (a {@code .q35} container's quantized matrices).
 */
public record LoadedModel(LlamaWeights weights, @Nullable Vocabulary vocabulary,
    @Nullable LinearFactory linears) {

  /** A float model: its linear layers come from the weights. */
  public LoadedModel(LlamaWeights weights, @Nullable Vocabulary vocabulary) {
    this(weights, vocabulary, null);
  }
}
