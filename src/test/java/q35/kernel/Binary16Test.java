package q35.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.FloatRange;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import q35.spec.Exact;

/**
 * Binary16.round against exact rational rounding (q35.spec.Exact, written from IEEE 754, not
 * from the kernel): at every rounding boundary of the binary16 range, and at random values.
 */
class Binary16Test {

  /** The nearest binary16 value of x by exact arithmetic, as binary32 bits. */
  static int exact(float x) {
    Exact.Q q = Exact.fromFloatBits(Float.floatToRawIntBits(x));
    Exact.Q r = Exact.round(q, Exact.Format.BINARY16);
    return Exact.floatBits(r, r.signum() == 0 && (x < 0 || Float.floatToRawIntBits(x) < 0));
  }

  static void agrees(float x) {
    assertEquals(Integer.toHexString(exact(x)),
        Integer.toHexString(Float.floatToRawIntBits(Binary16.round(x))), "x = " + x);
  }

  /**
   * Every binary16 value is kept, and every midpoint between two neighbours (a tie, exact in
   * binary32), with the binary32 values just below and above it, rounds as exact arithmetic
   * says: 2 x 31,743 boundaries, both signs.
   */
  @Test
  void everyBoundaryOfTheBinary16Range() {
    for (int bits = 0; bits < 0x7bff; bits++) {
      float a = value(bits);
      float b = value(bits + 1);
      float mid = (float) (((double) a + b) / 2);
      assertEquals((double) a + b, 2.0 * mid, "the midpoint is exact in binary32");
      for (float x : new float[] {a, mid, Math.nextDown(mid), Math.nextUp(mid)}) {
        agrees(x);
        agrees(-x);
      }
      // the tie goes to the neighbour with an even last fraction bit
      assertEquals(bits % 2 == 0 ? a : b, Binary16.round(mid));
    }
    agrees(Binary16.MAX);
    agrees(Binary16.MIN);
  }

  /** A binary16 pattern's value, from the IEEE 754 layout (positive, finite patterns). */
  static float value(int bits) {
    int e = bits >> 10;
    int f = bits & 0x3ff;
    return e == 0 ? (float) (f * Math.pow(2, -24)) : (float) ((1024 + f) * Math.pow(2, e - 25));
  }

  @Property(tries = 3000)
  void randomValuesRoundAsExactArithmeticSays(
      @ForAll @FloatRange(min = -65504f, max = 65504f) float x) {
    agrees(x);
  }

  /** Every binary32 pattern up to 2^-10 (binary32 subnormals included), either sign. */
  @Property(tries = 3000)
  void smallValuesRoundAsExactArithmeticSays(
      @ForAll @IntRange(min = 0, max = 0x3a800000) int bits, @ForAll boolean negative) {
    agrees(Float.intBitsToFloat(bits | (negative ? 0x80000000 : 0)));
  }

  @Test
  void signedZerosAndUnderflowKeepTheSign() {
    assertEquals(0x80000000, Float.floatToRawIntBits(Binary16.round(-0.0f)));
    assertEquals(0, Float.floatToRawIntBits(Binary16.round(0.0f)));
    float halfSmallest = (float) Math.pow(2, -25);
    assertEquals(0, Float.floatToRawIntBits(Binary16.round(halfSmallest)), "a tie goes to 0");
    assertEquals(0x80000000, Float.floatToRawIntBits(Binary16.round(-halfSmallest)));
    assertEquals((float) Math.pow(2, -24), Binary16.round(Math.nextUp(halfSmallest)));
    assertEquals(0, Float.floatToRawIntBits(Binary16.round(Float.MIN_VALUE)));
  }

  @Test
  void valuesBeyondTheRangeAreRefused() {
    for (float x : new float[] {Math.nextUp(65504f), -Math.nextUp(65504f), 65520f, 1e9f,
        Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY, Float.NaN}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> Binary16.round(x), "x = " + x);
      assertTrue(e.getMessage().startsWith("BAD_SCALE: "), e.getMessage());
      assertFalse(Binary16.isBinary16(x));
    }
  }

  @Test
  void isBinary16SaysWhetherRoundKeepsTheValue() {
    assertTrue(Binary16.isBinary16(Binary16.MAX));
    assertTrue(Binary16.isBinary16(Binary16.MIN), "both ends of the range are binary16");
    assertTrue(Binary16.isBinary16(1f + 0x1p-10f));
    assertFalse(Binary16.isBinary16(1f + 0x1p-11f));
    assertTrue(Binary16.isBinary16(0x1p-24f));
    assertFalse(Binary16.isBinary16(0x1p-25f));
    assertTrue(Binary16.isBinary16(-0.0f));
  }
}
