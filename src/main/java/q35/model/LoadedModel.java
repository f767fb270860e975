package q35.model;

import org.checkerframework.checker.nullness.qual.Nullable;

/** What a model file yields: the weights and, if the format embeds one, a vocabulary. */
public record LoadedModel(LlamaWeights weights, @Nullable Vocabulary vocabulary) {}
