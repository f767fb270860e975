package q35.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;

/**
 * Theorems 5 and 6 of spec/error-bounds.md: the int32 accumulators equal an exact long
 * reference, and the float output stays within the derived bound of a plain float matmul.
 */
class MatvecProperties {

  /** One case: format, n, k, g, float weights (n x k), float activations (k). */
  record Case(int format, int n, int k, int g, float[] w, float[] x) {}

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<Integer> ks = Arbitraries.frequencyOf(
        Tuple.of(3, Arbitraries.integers().between(1, 80)),
        Tuple.of(1, Arbitraries.of(1, 16, 17, 64, 172, 300)));
    return Combinators.combine(Arbitraries.of(QuantMatrix.FORMAT_Q35, QuantMatrix.FORMAT_INT4),
            Arbitraries.integers().between(1, 4), ks)
        .flatAs((format, n, k) -> Combinators.combine(Gen.groupSize(k), Gen.weights(n * k),
                Gen.weights(k))
            .as((g, w, x) -> new Case(format, n, k, g, w, x)));
  }

  @Property(tries = 300)
  void int32AccumulatorsEqualTheExactLongSum(@ForAll("cases") Case c,
      @ForAll("codeVectors") byte[] seedCodes) {
    int groups = WeightQuant.groupCount(c.k(), c.g());
    byte[] packed = new byte[c.n() * QuantMatrix.rowBytes(c.format(), c.k())];
    float[] s = new float[c.n() * groups];
    float[] m = new float[c.n() * groups];
    QuantMatrix.quantize(c.format(), c.w(), c.n(), c.k(), c.g(), packed, s, m);
    byte[] xq = new byte[c.k()];
    for (int i = 0; i < c.k(); i++) {
      xq[i] = seedCodes.length == 0 ? 0 : seedCodes[i % seedCodes.length];
    }
    int[] acc = new int[c.n() * groups];
    QuantMatrix.matvecInt(c.format(), packed, c.n(), c.k(), c.g(), xq, acc);
    int[] lattice = new int[c.k()];
    for (int j = 0; j < c.n(); j++) {
      QuantMatrix.unpackRow(c.format(), packed, j, c.k(), lattice);
      // matvecInt decodes each weight where it uses it; the reference sums the unpacked
      // lattice in long arithmetic.
      for (int gi = 0; gi < groups; gi++) {
        long exact = 0;
        for (int i = gi * c.g(); i < Math.min(c.k(), gi * c.g() + c.g()); i++) {
          exact += (long) xq[i] * lattice[i];
        }
        assertEquals(exact, acc[j * groups + gi]);
      }
    }
  }

  /** A case's matrix quantized by the kernel. */
  record Quantized(byte[] packed, float[] scales, float[] offsets) {
    static Quantized of(Case c) {
      int groups = WeightQuant.groupCount(c.k(), c.g());
      byte[] packed = new byte[c.n() * QuantMatrix.rowBytes(c.format(), c.k())];
      float[] s = new float[c.n() * groups];
      float[] m = new float[c.n() * groups];
      QuantMatrix.quantize(c.format(), c.w(), c.n(), c.k(), c.g(), packed, s, m);
      return new Quantized(packed, s, m);
    }
  }

  @Provide
  Arbitrary<byte[]> codeVectors() {
    return Gen.code().array(byte[].class).ofMinSize(0).ofMaxSize(40);
  }

  @Property(tries = 300)
  void floatOutputIsWithinTheorem6OfAPlainFloatMatvec(@ForAll("cases") Case c) {
    int n = c.n();
    int k = c.k();
    int g = c.g();
    Quantized q = Quantized.of(c);
    byte[] packed = q.packed();
    float[] s = q.scales();
    float[] m = q.offsets();
    byte[] xq = new byte[k];
    float xScale = Activations.quantize(c.x(), 0, k, xq, 0);
    float[] out = new float[n];
    QuantMatrix.matvec(c.format(), packed, s, m, n, k, g, xq, xScale, out);
    int[] lattice = new int[k];
    for (int j = 0; j < n; j++) {
      QuantMatrix.unpackRow(c.format(), packed, j, k, lattice);
      // Plain float reference: sum in index order, no fma.
      float ref = 0f;
      for (int i = 0; i < k; i++) {
        ref += c.w()[j * k + i] * c.x()[i];
      }
      double bound = Bounds.theorem6(c.w(), k, g, j, lattice, s, m,
          c.format() == QuantMatrix.FORMAT_Q35, c.x(), xq, xScale);
      double err = Math.abs((double) out[j] - ref);
      assertTrue(err <= bound, "row " + j + ": |" + out[j] + " - " + ref + "| = " + err
          + " > " + bound);
    }
  }

  /**
   * The counterexample to theorem 6 without its underflow term (spec/error-bounds.md): every
   * product underflows to -0 in the float reference, so y_f = 0, while the exact sum is
   * -6.51 η and the kernel's output -7 η. Both formats.
   */
  @Example
  void underflowingProductsOfThePlainReferenceAreWithinTheorem6() {
    float[] w = new float[14];
    float[] x = new float[14];
    java.util.Arrays.fill(w, 465 * Float.MIN_VALUE);
    java.util.Arrays.fill(x, -1e-3f);
    for (int format : new int[] {QuantMatrix.FORMAT_Q35, QuantMatrix.FORMAT_INT4}) {
      Case c = new Case(format, 1, 14, 14, w, x);
      floatOutputIsWithinTheorem6OfAPlainFloatMatvec(c);
      // The case is the one that matters: the reference is 0 and the kernel's output is not.
      Quantized q = Quantized.of(c);
      byte[] xq = new byte[14];
      float xScale = Activations.quantize(x, 0, 14, xq, 0);
      float[] out = new float[1];
      QuantMatrix.matvec(format, q.packed(), q.scales(), q.offsets(), 1, 14, 14, xq, xScale,
          out);
      org.junit.jupiter.api.Assertions.assertEquals(-7 * Float.MIN_VALUE, out[0]);
    }
  }

  @Property(tries = 100)
  void matmulEqualsRowByRowMatvec(@ForAll("cases") Case c) {
    int n = c.n();
    int k = c.k();
    int g = c.g();
    Quantized q = Quantized.of(c);
    byte[] packed = q.packed();
    float[] s = q.scales();
    float[] m = q.offsets();
    byte[] xq = new byte[3 * k];
    float[] xs = new float[3];
    float[] x = c.x();
    for (int r = 0; r < 3; r++) {
      float[] row = x.clone();
      for (int i = 0; i < k; i++) {
        row[i] = row[i] * (r == 0 ? 1f : r == 1 ? -0.5f : 0.25f) + (r == 2 ? 0.125f : 0f);
      }
      xs[r] = Activations.quantize(row, 0, k, xq, r * k);
    }
    float[] out = new float[3 * n];
    QuantMatrix.matmul(c.format(), packed, s, m, n, k, g, 3, xq, xs, out);
    for (int r = 0; r < 3; r++) {
      float[] one = new float[n];
      QuantMatrix.matvec(c.format(), packed, s, m, n, k, g,
          java.util.Arrays.copyOfRange(xq, r * k, r * k + k), xs[r], one);
      assertArrayEquals(one, java.util.Arrays.copyOfRange(out, r * n, r * n + n));
    }
  }

  @Test
  void combineFollowsThePinnedOrder() {
    int[] acc = {0, 3, -5};
    int[] sums = {7, 11};
    float[] s = {9f, 0.5f, 0.25f};
    float[] m = {9f, -1f, 2f};
    // out = x * ((0.5 * 3 + -1 * 7) + (0.25 * -5 + 2 * 11)) = 2 * (-5.5 + 20.75)
    assertEquals(30.5f, WeightQuant.combine(acc, 1, sums, 2, s, m, 2f));
    assertEquals(0f, WeightQuant.combine(acc, 1, sums, 2, s, m, 0f));
    // A single group: m * sum matters.
    assertEquals(3f * (9f * 0f + 9f * 7f), WeightQuant.combine(acc, 0, sums, 1, s, m, 3f));
  }

  @Test
  void matvecIntSplitsGroups() {
    // n = 2, k = 5, g = 2: groups [0, 2), [2, 4) and a last group [4, 5) shorter than g;
    // row 1's groups start at acc[3]. Lattice rows {1, 2, 3, 4, 5} and {-8, 6, -1, 0, 7}
    // (odd positions even, so valid for both formats).
    byte[] xq = {9, 1, -2, 3, -127};
    // 9*1 + 1*2, -2*3 + 3*4, -127*5 | 9*-8 + 1*6, -2*-1 + 3*0, -127*7
    int[] expected = {11, 6, -635, -66, 2, -889};
    // INT4 by hand: nibble = value & 0xf, low nibble first, the padding nibble 0.
    byte[] int4 = {0x21, 0x43, 0x05, 0x68, 0x0f, 0x07};
    int[] acc = {1, 1, 1, 1, 1, 1};
    QuantMatrix.matvecInt(QuantMatrix.FORMAT_INT4, int4, 2, 5, 2, xq, acc);
    assertArrayEquals(expected, acc);
    int bytes = QuantMatrix.rowBytes(QuantMatrix.FORMAT_Q35, 5);
    byte[] q35 = new byte[2 * bytes];
    QuantMatrix.packRow(QuantMatrix.FORMAT_Q35, new int[] {1, 2, 3, 4, 5}, 5, q35, 0);
    QuantMatrix.packRow(QuantMatrix.FORMAT_Q35, new int[] {-8, 6, -1, 0, 7}, 5, q35, bytes);
    acc = new int[] {1, 1, 1, 1, 1, 1};
    QuantMatrix.matvecInt(QuantMatrix.FORMAT_Q35, q35, 2, 5, 2, xq, acc);
    assertArrayEquals(expected, acc);
  }

  @Test
  void dequantizeRowUsesEachGroupsParameters() {
    int[] lattice = {1, -2, 3};
    float[] s = {0f, 2f, 0.5f};
    float[] m = {0f, 1f, -1f};
    float[] out = new float[4];
    WeightQuant.dequantizeRow(lattice, 3, 2, s, m, 1, out, 1);
    assertEquals(0f, out[0]);
    assertEquals(3f, out[1]);
    assertEquals(-3f, out[2]);
    assertEquals(0.5f, out[3]);
  }

  @Test
  void int4PacksNibblesLowFirst() {
    float[] w = {0f, 15f, 15f, 0f, 7f};
    byte[] packed = new byte[3];
    float[] s = new float[1];
    float[] m = new float[1];
    QuantMatrix.quantize(QuantMatrix.FORMAT_INT4, w, 1, 5, 5, packed, s, m);
    // lattice: -8, 7, 7, -8, -1 -> nibbles 8,7 | 7,8 | 15,0
    assertEquals((byte) 0x78, packed[0]);
    assertEquals((byte) 0x87, packed[1]);
    assertEquals((byte) 0x0f, packed[2]);
    for (int u = 0; u < 256; u++) {
      int lo = Int4Codes.lowValue(u);
      int hi = Int4Codes.highValue(u);
      assertEquals(u, Int4Codes.packNibbles(lo, hi));
      assertEquals(u & 0xf, lo & 0xf);
      assertEquals(u >> 4, hi & 0xf);
    }
  }
}
