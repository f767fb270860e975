package q35.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

class SamplerTest {

  @Test
  void xorshiftMatchesRunC() {
    // printed by run.c's random_u32 / random_f32 compiled with gcc (seed 42; seed 2^64-1)
    Sampler s = new Sampler(4, 1f, 1f, 42);
    long[] u32 = {1456360119L, 3359763283L, 3393612768L, 4054632243L, 3283045847L};
    for (long expected : u32) {
      assertEquals(expected, Integer.toUnsignedLong(s.randomU32()));
    }
    Sampler f = new Sampler(4, 1f, 1f, 42);
    float[] f32 = {0.339085221f, 0.782255828f, 0.790136993f, 0.944042623f, 0.764393628f};
    for (float expected : f32) {
      assertEquals(expected, f.randomF32());
    }
    Sampler m = new Sampler(4, 1f, 1f, -1L);
    assertEquals(4180462053L, Integer.toUnsignedLong(m.randomU32()));
    assertEquals(2415166680L, Integer.toUnsignedLong(m.randomU32()));
    assertEquals(879531507L, Integer.toUnsignedLong(m.randomU32()));
  }

  @Test
  void greedyIsArgmaxFirstOnTies() {
    Sampler s = new Sampler(5, 0f, 0.9f, 1);
    assertEquals(3, s.sample(new float[] {0, 1, 2, 5, 4}));
    assertEquals(1, s.sample(new float[] {0, 7, 2, 7, 4}));
    float[] logits = {0, 1, 2, 5, 4};
    s.sample(logits);
    assertArrayEquals(new float[] {0, 1, 2, 5, 4}, logits); // greedy leaves logits alone
  }

  @Test
  void sameSeedSameTokensDifferentSeedDifferentTokens() {
    Random r = new Random(3);
    float[][] steps = new float[200][32];
    for (float[] l : steps) {
      for (int i = 0; i < l.length; i++) {
        l[i] = (float) r.nextGaussian();
      }
    }
    for (float topp : new float[] {0.9f, 1.0f, 0f}) {
      int[] a = run(steps, topp, 1234);
      int[] b = run(steps, topp, 1234);
      int[] c = run(steps, topp, 99);
      assertArrayEquals(a, b);
      assertNotEquals(java.util.Arrays.toString(a), java.util.Arrays.toString(c));
    }
  }

  private static int[] run(float[][] steps, float topp, long seed) {
    Sampler s = new Sampler(32, 0.8f, topp, seed);
    int[] out = new int[steps.length];
    for (int i = 0; i < steps.length; i++) {
      out[i] = s.sample(steps[i].clone());
    }
    return out;
  }

  @Test
  void topPNeverPicksOutsideTheNucleus() {
    // probabilities after softmax at temperature 1: token 0 dominates with ~0.88 > topp 0.5
    float[] logits = {5, 3, 0, 0, 0, -2};
    for (long seed = 1; seed < 200; seed++) {
      Sampler s = new Sampler(6, 1f, 0.5f, seed);
      assertEquals(0, s.sample(logits.clone()));
    }
    // with topp 0.95 the nucleus is {0, 1}: tokens 2..5 are never drawn
    int[] counts = new int[6];
    Sampler s = new Sampler(6, 1f, 0.95f, 7);
    for (int i = 0; i < 2000; i++) {
      counts[s.sample(logits.clone())]++;
    }
    assertTrue(counts[0] > 1500 && counts[1] > 50, java.util.Arrays.toString(counts));
    assertEquals(0, counts[2] + counts[3] + counts[4] + counts[5]);
  }

  @Test
  void multinomialFrequenciesFollowTheDistribution() {
    // softmax of ln(1), ln(2), ln(3), ln(4) = 0.1, 0.2, 0.3, 0.4
    float[] logits = {0f, (float) Math.log(2), (float) Math.log(3), (float) Math.log(4)};
    Sampler s = new Sampler(4, 1f, 1f, 2024);
    int[] counts = new int[4];
    int n = 20000;
    for (int i = 0; i < n; i++) {
      counts[s.sample(logits.clone())]++;
    }
    for (int i = 0; i < 4; i++) {
      assertEquals((i + 1) / 10.0, counts[i] / (double) n, 0.02, "token " + i);
    }
  }

  @Test
  void rejectsBadSettings() {
    assertThrows(IllegalArgumentException.class, () -> new Sampler(0, 1f, 0.9f, 1));
    assertThrows(IllegalArgumentException.class, () -> new Sampler(4, -1f, 0.9f, 1));
    assertThrows(IllegalArgumentException.class, () -> new Sampler(4, Float.NaN, 0.9f, 1));
  }
}
