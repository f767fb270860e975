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
}
