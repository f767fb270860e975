package q35.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Theorem 5 of spec/error-bounds.md: the int32 safety bound is exact and tight. */
class IntDotTest {

  @Test
  void safetyBoundIsTheLargestSafeLength() {
    assertEquals(2113665, IntDot.MAX_K);
    assertEquals(1016, IntDot.PRODUCT_ABS_MAX);
    assertTrue((long) IntDot.MAX_K * 1016 <= Integer.MAX_VALUE);
    assertTrue((long) (IntDot.MAX_K + 1) * 1016 > Integer.MAX_VALUE);
  }

  @Test
  void dotAtTheBoundIsExact() {
    // One row of exactly MAX_K weights, all -8, in one group: every product is at +-1016 and
    // the sum 2113665 * 1016 = 2147483640 sits 7 below Integer.MAX_VALUE. matvecInt sums it
    // through QuantMatrix.groupDot, the proved per-group dot product.
    int k = IntDot.MAX_K;
    byte[] x = new byte[k];
    java.util.Arrays.fill(x, (byte) -127);
    assertEquals(-127L * k, IntDot.sum(x, 0, k));
    // INT4 by hand: two -8 nibbles per byte (0x88); k is odd, so the last byte's high
    // (padding) nibble is 0.
    byte[] int4 = new byte[(k + 1) / 2];
    java.util.Arrays.fill(int4, (byte) 0x88);
    int4[int4.length - 1] = 0x08;
    int[] lattice = new int[k];
    java.util.Arrays.fill(lattice, -8);
    byte[] q35 = new byte[QuantMatrix.rowBytes(QuantMatrix.FORMAT_Q35, k)];
    QuantMatrix.packRow(QuantMatrix.FORMAT_Q35, lattice, k, q35, 0);
    int[] acc = new int[1];
    QuantMatrix.matvecInt(QuantMatrix.FORMAT_INT4, int4, 1, k, k, x, acc);
    assertEquals(2147483640, acc[0]);
    QuantMatrix.matvecInt(QuantMatrix.FORMAT_Q35, q35, 1, k, k, x, acc);
    assertEquals(2147483640, acc[0]);
    java.util.Arrays.fill(x, (byte) 127);
    QuantMatrix.matvecInt(QuantMatrix.FORMAT_INT4, int4, 1, k, k, x, acc);
    assertEquals(-2147483640, acc[0]);
    QuantMatrix.matvecInt(QuantMatrix.FORMAT_Q35, q35, 1, k, k, x, acc);
    assertEquals(-2147483640, acc[0]);
  }

  @Test
  void sumUsesOffsetsAndLengths() {
    byte[] x = {100, 1, 2, 3, -4};
    assertEquals(2, IntDot.sum(x, 1, 4));
    assertEquals(-1, IntDot.sum(x, 3, 2));
    assertEquals(0, IntDot.sum(x, 1, 0));
    assertEquals(-1016, IntDot.mulBounded(127, -8));
    assertEquals(1016, IntDot.mulBounded(-127, -8));
  }
}
