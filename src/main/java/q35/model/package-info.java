/**
 * Model file readers and the common in-memory model.
 *
 * <p>{@link q35.model.ModelLoader} picks a reader by path: llama2.c checkpoints ({@link
 * q35.model.Llama2cReader}), GGUF ({@link q35.model.GgufFile}, {@link q35.model.GgufLlamaReader})
 * and Hugging Face directories ({@link q35.model.HfLlamaReader} over {@link
 * q35.model.SafetensorsFile}); all produce {@link q35.model.LlamaWeights} in llama2.c layout
 * (row-major {@code W[i*k+j]}, interleaved RoPE pairs). Tokenizers come from {@link
 * q35.model.Llama2cTokenizerReader} or the GGUF metadata as a {@link q35.model.Vocabulary}.
 *
 * <p>Every reader validates each length, count, shape and offset against the bytes that remain
 * before allocating, rejects NaN/Inf weights, and reports problems as one {@link
 * q35.model.ModelFormatException} naming the file and what is wrong where. Shared test models are
 * located by {@link q35.model.SharedModels}.
 */
package q35.model;
