package q35.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

/** The rounding helpers agree with Math.rint, ties to even. */
class RoundingTest {

  @Property
  void roundHalfEvenEqualsRint(@ForAll @DoubleRange(min = -200.0, max = 200.0) double t) {
    assertEquals((int) Math.rint(t), Rounding.roundHalfEven(t));
  }

  @Test
  void tiesAndEdges() {
    double[] ts = {0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.0, -0.0, 7.0, -8.0, 127.0, -127.0,
        0.49999999999999994, -0.49999999999999994, 1073741824.0, -1073741824.0, 3.5, -3.5,
        Math.nextUp(0.5), Math.nextDown(0.5), 4503599627370495.5 / 4194304.0};
    for (double t : ts) {
      assertEquals((int) Math.rint(t), Rounding.roundHalfEven(t), "t = " + t);
    }
  }

  @Test
  void clampKeepsInsideValues() {
    assertEquals(-8.0, Rounding.clamp(-9.0, -8.0, 7.0));
    assertEquals(7.0, Rounding.clamp(7.5, -8.0, 7.0));
    assertEquals(-8.0, Rounding.clamp(-8.0, -8.0, 7.0));
    assertEquals(7.0, Rounding.clamp(7.0, -8.0, 7.0));
    assertEquals(0.25, Rounding.clamp(0.25, -8.0, 7.0));
  }

  /** The accepted magnitude, written independently of the kernel: finite and |v| <= 2^32. */
  private static boolean accepted(float v) {
    return !Float.isNaN(v) && Math.abs(v) <= 4294967296f;
  }

  @Test
  void allInRangeAtTheEdges() {
    float[] edges = {0f, -0f, 4294967296f, -4294967296f, Math.nextUp(4294967296f),
        Math.nextDown(-4294967296f), Float.NaN, Float.POSITIVE_INFINITY,
        Float.NEGATIVE_INFINITY, Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE, 1.5f};
    for (float v : edges) {
      float[] x = {1f, v, 2f};
      assertEquals(accepted(v), Rounding.allInRange(x, 0, 3), "v = " + v);
      assertEquals(accepted(v), Rounding.allInRange(x, 1, 1), "v = " + v);
      // Outside the range, a bad value does not count.
      assertEquals(true, Rounding.allInRange(x, 0, 1), "v = " + v);
      assertEquals(true, Rounding.allInRange(x, 2, 1), "v = " + v);
      assertEquals(true, Rounding.allInRange(x, 1, 0), "v = " + v);
    }
  }

  /** allInRange accepts exactly what requireFinite lets through (quantize's refusal rule). */
  @Property
  void allInRangeAgreesWithRequireFinite(@ForAll("edgyFloats") float[] x) {
    boolean expected = true;
    for (float v : x) {
      expected &= accepted(v);
    }
    assertEquals(expected, Rounding.allInRange(x, 0, x.length));
    boolean refused = false;
    try {
      Rounding.requireFinite(x, 0, x.length, "x");
    } catch (IllegalArgumentException e) {
      refused = true;
    }
    assertEquals(!expected, refused);
  }

  @net.jqwik.api.Provide
  net.jqwik.api.Arbitrary<float[]> edgyFloats() {
    net.jqwik.api.Arbitrary<Float> values = net.jqwik.api.Arbitraries.oneOf(
        net.jqwik.api.Arbitraries.floats().between(-10f, 10f),
        net.jqwik.api.Arbitraries.of(4294967296f, -4294967296f, Math.nextUp(4294967296f),
            Math.nextDown(-4294967296f), Float.NaN, Float.POSITIVE_INFINITY,
            Float.NEGATIVE_INFINITY, Float.MAX_VALUE));
    return values.array(float[].class).ofMinSize(0).ofMaxSize(8);
  }
}
