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
    int len = IntDot.MAX_K;
    byte[] x = new byte[len + 1];
    int[] q = new int[len + 1];
    java.util.Arrays.fill(x, (byte) -127);
    java.util.Arrays.fill(q, -8);
    assertEquals(2147483640, IntDot.dot(x, 1, q, 0, len));
    assertEquals(-127L * len, IntDot.sum(x, 0, len));
    java.util.Arrays.fill(q, 8);
    assertEquals(-2147483640, IntDot.dot(x, 0, q, 1, len));
  }

  @Test
  void dotAndSumUseOffsetsAndLengths() {
    byte[] x = {100, 1, 2, 3, -4};
    int[] q = {5, 6, 7, 8, -8};
    assertEquals(1 * 6 + 2 * 7 + 3 * 8, IntDot.dot(x, 1, q, 1, 3));
    assertEquals(1 * 5 + 2 * 6, IntDot.dot(x, 1, q, 0, 2));
    assertEquals(32, IntDot.dot(x, 4, q, 4, 1));
    assertEquals(0, IntDot.dot(x, 0, q, 0, 0));
    assertEquals(2, IntDot.sum(x, 1, 4));
    assertEquals(0, IntDot.sum(x, 1, 0));
    assertEquals(-1016, IntDot.mulBounded(127, -8));
  }
}
