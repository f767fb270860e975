package q35.llama;

import java.util.Arrays;
import org.checkerframework.checker.signedness.qual.Unsigned;

/**
 * Picks the next token from logits as llama2.c's run.c does: argmax at temperature 0; otherwise
 * logits / temperature, softmax, then one draw from run.c's xorshift generator, sampling the full
 * distribution ({@code topp} &le; 0 or &ge; 1) or the smallest top-p nucleus. With the same seed
 * and logits it draws the same tokens as run.c.
 */
public final class Sampler {
  private final int vocabSize;
  private final float temperature;
  private final float topp;
  private @Unsigned long state;
  private final int[] order;

  /**
   * @param seed initial xorshift state, as run.c's {@code rng_seed} (must be non-zero for a
   *     non-degenerate stream; run.c replaces 0 by the time)
   */
  public Sampler(int vocabSize, float temperature, float topp, long seed) {
    if (vocabSize <= 0 || !(temperature >= 0) || Float.isInfinite(temperature) || Float.isNaN(topp)) {
      throw new IllegalArgumentException("bad sampler settings: vocab " + vocabSize + ", temperature "
          + temperature + ", topp " + topp);
    }
    this.vocabSize = vocabSize;
    this.temperature = temperature;
    this.topp = topp;
    this.state = unsigned(seed);
    this.order = new int[vocabSize];
  }

  /** The same 64 bits, viewed as an unsigned xorshift state. */
  @SuppressWarnings("signedness:return") // reinterprets the seed's bits, as run.c's unsigned long long does
  private static @Unsigned long unsigned(long seed) {
    return seed;
  }

  /** run.c's random_u32: xorshift64* returning the high 32 bits (as an unsigned value in an int). */
  public @Unsigned int randomU32() {
    state ^= state >>> 12;
    state ^= state << 25;
    state ^= state >>> 27;
    return (int) ((state * 0x2545F4914F6CDD1DL) >>> 32);
  }

  /** run.c's random_f32: a float in [0, 1) from the top 24 bits. */
  public float randomF32() {
    return (randomU32() >>> 8) / 16777216.0f;
  }

  /** Samples a token; modifies {@code logits} (scaled and softmaxed) unless greedy. */
  public int sample(float[] logits) {
    if (temperature == 0.0f) {
      return argmax(logits, vocabSize);
    }
    for (int i = 0; i < vocabSize; i++) {
      logits[i] /= temperature;
    }
    Transformer.softmax(logits, vocabSize);
    float coin = randomF32();
    if (topp <= 0 || topp >= 1) {
      return sampleMult(logits, vocabSize, coin);
    }
    return sampleTopp(logits, vocabSize, topp, coin);
  }

  /** Index of the largest value, the first one on ties. */
  public static int argmax(float[] p, int n) {
    int maxI = 0;
    float maxP = p[0];
    for (int i = 1; i < n; i++) {
      if (p[i] > maxP) {
        maxI = i;
        maxP = p[i];
      }
    }
    return maxI;
  }

  /** The first index whose cumulative probability exceeds {@code coin}. */
  static int sampleMult(float[] p, int n, float coin) {
    float cdf = 0.0f;
    for (int i = 0; i < n; i++) {
      cdf += p[i];
      if (coin < cdf) {
        return i;
      }
    }
    return n - 1;
  }

  /** Top-p (nucleus) sampling, as run.c's sample_topp. */
  private int sampleTopp(float[] p, int n, float topp, float coin) {
    // values below (1 - topp) / (n - 1) cannot be in the nucleus: drop them before sorting
    float cutoff = (1.0f - topp) / (n - 1);
    int n0 = 0;
    for (int i = 0; i < n; i++) {
      if (p[i] >= cutoff) {
        order[n0++] = i;
      }
    }
    Integer[] boxed = new Integer[n0];
    for (int i = 0; i < n0; i++) {
      boxed[i] = order[i];
    }
    // descending probability; ties keep index order (a stable sort, like glibc's merge-sort qsort)
    Arrays.sort(boxed, (a, b) -> Float.compare(p[b], p[a]));
    float cumulative = 0.0f;
    int last = n0 - 1;
    for (int i = 0; i < n0; i++) {
      cumulative += p[boxed[i]];
      if (cumulative > topp) {
        last = i;
        break;
      }
    }
    float r = coin * cumulative;
    float cdf = 0.0f;
    for (int i = 0; i <= last; i++) {
      cdf += p[boxed[i]];
      if (r < cdf) {
        return boxed[i];
      }
    }
    return boxed[last];
  }
}
