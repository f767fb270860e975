package q35.kernel;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Tuple;

/** Generators with edge cases for the kernel properties: the boundaries, not only random middles. */
final class Gen {

  static final float LIMIT = 4294967296.0f;

  private Gen() {}

  /** Finite floats within the accepted magnitude 2^32, biased towards edge values. */
  static Arbitrary<Float> weight() {
    return Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.floats().between(-1f, 1f)),
        Tuple.of(2, Arbitraries.floats().between(-LIMIT, LIMIT)),
        Tuple.of(1, Arbitraries.floats().between(-1f, 1f).map(f -> f * 1e-30f)),
        Tuple.of(1, Arbitraries.integers().between(-0x7fffff, 0x7fffff)
            .map(i -> i * Float.MIN_VALUE)),
        Tuple.of(3, Arbitraries.of(0.0f, -0.0f, Float.MIN_VALUE, -Float.MIN_VALUE,
            Float.MIN_NORMAL, -Float.MIN_NORMAL, 2 * Float.MIN_VALUE, LIMIT, -LIMIT,
            Math.nextDown(LIMIT), 1.0f, -1.0f, 0.5f, 8.5f, 1e-3f, -1e-3f)));
  }

  /** Float arrays of the given length drawn from {@link #weight()}, sometimes constant. */
  static Arbitrary<float[]> weights(int length) {
    Arbitrary<float[]> varied = weight().array(float[].class).ofSize(length);
    Arbitrary<float[]> constant = weight().map(v -> {
      float[] a = new float[length];
      java.util.Arrays.fill(a, v);
      return a;
    });
    Arbitrary<float[]> gaussian = Arbitraries.randomValue(r -> {
      float[] a = new float[length];
      float sigma = (float) Math.pow(10, r.nextInt(7) - 4);
      for (int i = 0; i < length; i++) {
        a[i] = (float) (r.nextGaussian() * sigma);
      }
      return a;
    });
    return Arbitraries.frequencyOf(Tuple.of(4, varied), Tuple.of(1, constant),
        Tuple.of(4, gaussian));
  }

  /** Activation codes in [-127, 127], biased to the ends. */
  static Arbitrary<Byte> code() {
    return Arbitraries.frequencyOf(
        Tuple.of(5, Arbitraries.bytes().between((byte) -127, (byte) 127)),
        Tuple.of(2, Arbitraries.of((byte) -127, (byte) 127, (byte) 0, (byte) 1, (byte) -1)));
  }

  /** A group size valid for k: k itself, or an even size in [2, k]. */
  static Arbitrary<Integer> groupSize(int k) {
    if (k < 2) {
      return Arbitraries.just(k);
    }
    Arbitrary<Integer> even = Arbitraries.integers().between(1, k / 2).map(h -> 2 * h);
    return Arbitraries.oneOf(Arbitraries.just(k), even,
        Arbitraries.of(2, 16, 32).filter(g -> g <= k));
  }
}
