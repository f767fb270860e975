package q35.llama;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.function.Consumer;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * run.c's generate loop: encode the prompt with BOS, feed prompt tokens, then sample until
 * {@code steps} positions (prompt included; 0 or more than the transformer's context means the
 * whole context) have been run or BOS is produced.
 */
public final class Generator {
  /**
   * @param ids every token of the sequence: the prompt (starting with BOS) and the sampled ones
   * @param promptTokens how many of {@code ids} came from the prompt
   * @param text what run.c prints: the prompt and continuation, decoded
   * @param sampledNanos wall time from the first sampled token to the end (for tokens/second)
   * @param sampled how many tokens were sampled
   */
  public record Result(int[] ids, int promptTokens, String text, long sampledNanos, int sampled) {
    public double tokensPerSecond() {
      return sampledNanos > 0 ? sampled * 1e9 / sampledNanos : 0.0;
    }
  }

  private Generator() {}

  public static Result generate(Transformer t, Tokenizer tok, Sampler sampler, String prompt, int steps,
      @Nullable Consumer<byte[]> onPiece) {
    int[] promptTokens = tok.encode(prompt, true, false);
    int seqLen = t.contextLength();
    if (steps <= 0 || steps > seqLen) {
      steps = seqLen;
    }
    int[] ids = Arrays.copyOf(promptTokens, Math.max(promptTokens.length, steps + 1));
    int n = promptTokens.length;
    ByteArrayOutputStream text = new ByteArrayOutputStream();
    int token = promptTokens[0];
    int pos = 0;
    int sampled = 0;
    long start = System.nanoTime();
    // the prompt goes through the model as one batch; its last position's logits come back
    int prefill = Math.min(promptTokens.length, steps);
    float[] logits = t.forward(Arrays.copyOf(promptTokens, prefill), 0, false);
    while (pos < steps) {
      if (pos >= prefill) {
        logits = t.forward(token, pos);
      }
      int next;
      if (pos < promptTokens.length - 1) {
        next = promptTokens[pos + 1];
      } else {
        next = sampler.sample(logits);
        sampled++;
      }
      pos++;
      if (next == Tokenizer.BOS) {
        break;
      }
      if (pos >= promptTokens.length) {
        ids[n++] = next;
      }
      byte[] piece = Tokenizer.safe(tok.decode(token, next));
      text.write(piece, 0, piece.length);
      if (onPiece != null) {
        onPiece.accept(piece);
      }
      token = next;
    }
    long nanos = System.nanoTime() - start;
    String s = StandardCharsets.UTF_8.decode(ByteBuffer.wrap(text.toByteArray())).toString();
    return new Result(Arrays.copyOf(ids, n), promptTokens.length, s, nanos, sampled);
  }
}
