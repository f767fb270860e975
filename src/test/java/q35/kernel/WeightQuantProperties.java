package q35.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple4;
import org.junit.jupiter.api.Test;

/** Theorem 3 of spec/error-bounds.md: each dequantized weight lies within its bound. */
class WeightQuantProperties {

  /** (format, matrix n x k, k, g) with edge-case weights. */
  @Provide
  Arbitrary<Tuple4<Integer, float[], Integer, Integer>> matrices() {
    Arbitrary<Integer> ks = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.integers().between(1, 70)),
        Tuple.of(1, Arbitraries.of(1, 2, 15, 16, 17, 31, 32, 33, 64, 172)));
    return Combinators.combine(Arbitraries.of(QuantMatrix.FORMAT_Q35, QuantMatrix.FORMAT_INT4),
            Arbitraries.integers().between(1, 3), ks)
        .flatAs((format, n, k) -> Combinators.combine(Gen.weights(n * k), Gen.groupSize(k))
            .as((w, g) -> Tuple.of(format, w, k, g)));
  }

  @Property(tries = 400)
  void everyDequantizedWeightIsWithinTheorem3(
      @ForAll("matrices") Tuple4<Integer, float[], Integer, Integer> c) {
    int format = c.get1();
    float[] w = c.get2();
    int k = c.get3();
    int g = c.get4();
    int n = w.length / k;
    int groups = WeightQuant.groupCount(k, g);
    byte[] packed = new byte[n * QuantMatrix.rowBytes(format, k)];
    float[] scales = new float[n * groups];
    float[] offsets = new float[n * groups];
    QuantMatrix.quantize(format, w, n, k, g, packed, scales, offsets);
    float[] deq = new float[n * k];
    QuantMatrix.dequantize(format, packed, scales, offsets, n, k, g, deq);
    int[] lattice = new int[k];
    for (int j = 0; j < n; j++) {
      QuantMatrix.unpackRow(format, packed, j, k, lattice);
      for (int gi = 0; gi < groups; gi++) {
        int start = gi * g;
        int end = Math.min(k, start + g);
        float lo = w[j * k + start];
        float hi = lo;
        for (int i = start; i < end; i++) {
          lo = Math.min(lo, w[j * k + i]);
          hi = Math.max(hi, w[j * k + i]);
        }
        float s = scales[j * groups + gi];
        float m = offsets[j * groups + gi];
        // The scale and offset rules of spec/quantization.md section 2.2.
        assertEquals((float) (((double) hi - lo) / 15.0), s);
        assertEquals((float) ((double) lo + 8.0 * s), m);
        for (int i = start; i < end; i++) {
          boolean threeBit = format == QuantMatrix.FORMAT_Q35 && i % 2 == 1;
          int q = lattice[i];
          assertTrue(q >= -8 && q <= 7);
          if (threeBit) {
            assertTrue(q % 2 == 0 && q <= 6, "3-bit positions hold even lattice values");
          }
          double err = Math.abs((double) w[j * k + i] - deq[j * k + i]);
          double bound = Bounds.weight(lo, hi, s, threeBit);
          assertTrue(err <= bound, "weight " + w[j * k + i] + " -> " + deq[j * k + i]
              + " error " + err + " > bound " + bound);
          // The dequantized value is s * q + m with two float32 roundings.
          assertEquals(s * (float) q + m, deq[j * k + i]);
        }
      }
    }
  }

  @Property
  void latticeValueIsTheNearestAllowedPoint(@ForAll("latticeCases") float[] c) {
    float w = c[0];
    float s = c[1];
    float m = c[2];
    for (boolean threeBit : new boolean[] {false, true}) {
      int q = WeightQuant.latticeValue(w, s, m, threeBit);
      double best = Double.MAX_VALUE;
      int bestQ = 0;
      for (int cand = -8; cand <= 7; cand++) {
        if (threeBit && (cand % 2 != 0 || cand > 6)) {
          continue;
        }
        double d = Math.abs(((double) w - m) / s - cand);
        // Ties go to the even index: on the 3-bit lattice, the even half-index b = cand / 2.
        boolean better = d < best || (d == best && ((threeBit ? cand / 2 : cand) % 2 == 0));
        if (better) {
          best = d;
          bestQ = cand;
        }
      }
      assertEquals(bestQ, q, "w=" + w + " s=" + s + " m=" + m + " threeBit=" + threeBit);
    }
  }

  @Provide
  Arbitrary<float[]> latticeCases() {
    Arbitrary<Float> s = Arbitraries.of(1.0f, 0.5f, 0.1f, 3.0f);
    Arbitrary<Float> m = Arbitraries.of(0.0f, 8.0f, -2.5f);
    Arbitrary<Float> t = Arbitraries.frequencyOf(
        Tuple.of(2, Arbitraries.floats().between(-12f, 12f)),
        Tuple.of(2, Arbitraries.integers().between(-20, 20).map(i -> i * 0.5f)));
    return Combinators.combine(t, s, m).as((tt, ss, mm) -> new float[] {tt * ss + mm, ss, mm});
  }

  @Test
  void zeroScaleGivesLatticeZero() {
    assertEquals(0, WeightQuant.latticeValue(5f, 0f, 5f, false));
    assertEquals(0, WeightQuant.latticeValue(5f, 0f, 5f, true));
  }

  @Test
  void constantGroupDequantizesExactly() {
    for (int format : new int[] {QuantMatrix.FORMAT_Q35, QuantMatrix.FORMAT_INT4}) {
      float[] w = {-0.375f, -0.375f, -0.375f};
      byte[] packed = new byte[QuantMatrix.rowBytes(format, 3)];
      float[] s = new float[1];
      float[] m = new float[1];
      QuantMatrix.quantize(format, w, 1, 3, 3, packed, s, m);
      assertEquals(0f, s[0]);
      assertEquals(-0.375f, m[0]);
      float[] deq = new float[3];
      QuantMatrix.dequantize(format, packed, s, m, 1, 3, 3, deq);
      assertEquals(-0.375f, deq[0]);
      assertEquals(-0.375f, deq[2]);
      for (byte b : packed) {
        assertEquals(0, b, "all lattice values and padding are zero");
      }
    }
  }

  @Test
  void signedZeroGroupsGetAPositiveZeroScale() {
    // The extremes are the first of equal values, so hi - lo is +0 - +0 or -0 - -0: never -0.
    for (float[] w : new float[][] {{0f, -0f}, {-0f, 0f}, {0f, -0f, 0f, -0f}}) {
      for (int format : new int[] {QuantMatrix.FORMAT_Q35, QuantMatrix.FORMAT_INT4}) {
        float[] s = new float[1];
        float[] m = new float[1];
        QuantMatrix.quantize(format, w, 1, w.length, w.length,
            new byte[QuantMatrix.rowBytes(format, w.length)], s, m);
        assertEquals(0, Float.floatToRawIntBits(s[0]), "scale of " + java.util.Arrays.toString(w));
        assertEquals(0, Float.floatToRawIntBits(m[0]), "offset of " + java.util.Arrays.toString(w));
      }
    }
  }

  @Test
  void groupsAreIndependent() {
    // Two groups of 2: the second group's outlier must not change the first group's scale.
    float[] w = {0f, 1f, -100f, 100f};
    byte[] packed = new byte[7];
    float[] s = new float[2];
    float[] m = new float[2];
    QuantMatrix.quantize(QuantMatrix.FORMAT_Q35, w, 1, 4, 2, packed, s, m);
    assertEquals(1f / 15f, s[0]);
    assertEquals((float) (200.0 / 15.0), s[1]);
  }

  @Test
  void rowBytesFollowTheLayout() {
    assertEquals(7, QuantMatrix.rowBytes(QuantMatrix.FORMAT_Q35, 1));
    assertEquals(7, QuantMatrix.rowBytes(QuantMatrix.FORMAT_Q35, 16));
    assertEquals(14, QuantMatrix.rowBytes(QuantMatrix.FORMAT_Q35, 17));
    assertEquals(56, QuantMatrix.rowBytes(QuantMatrix.FORMAT_Q35, 128));
    assertEquals(1, QuantMatrix.rowBytes(QuantMatrix.FORMAT_INT4, 1));
    assertEquals(1, QuantMatrix.rowBytes(QuantMatrix.FORMAT_INT4, 2));
    assertEquals(2, QuantMatrix.rowBytes(QuantMatrix.FORMAT_INT4, 3));
    assertEquals(64, QuantMatrix.rowBytes(QuantMatrix.FORMAT_INT4, 128));
  }

  @Test
  void groupCountIsCeiling() {
    assertEquals(1, WeightQuant.groupCount(172, 172));
    assertEquals(6, WeightQuant.groupCount(172, 32));
    assertEquals(2, WeightQuant.groupCount(64, 32));
    assertEquals(3, WeightQuant.groupCount(5, 2));
  }
}
