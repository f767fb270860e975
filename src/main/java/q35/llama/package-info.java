/**
 * Float reference Llama-2 inference with llama2.c run.c semantics.
 *
 * <p>{@link q35.llama.Transformer#forward(int, int)} returns logits for one token; every weight
 * matrix is applied through a {@link q35.llama.Linear} made by a {@link q35.llama.LinearFactory}
 * ({@link q35.llama.FloatLinear#FACTORY} by default), so quantized matrices can be swapped in.
 * {@link q35.llama.Tokenizer} is run.c's BPE, {@link q35.llama.Sampler} run.c's greedy / top-p
 * sampling with its xorshift RNG, and {@link q35.llama.Generator} its generate loop.
 */
package q35.llama;
