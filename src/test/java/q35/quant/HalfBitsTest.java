package q35.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The binary16 storage encoding, over all 65,536 patterns. */
class HalfBitsTest {

  /** A pattern's value from the IEEE 754 layout, in binary64 (exact for every binary16). */
  static double layout(int bits) {
    int e = bits >> 10 & 0x1f;
    int f = bits & 0x3ff;
    double v = e == 0 ? f * Math.pow(2, -24) : (1024 + f) * Math.pow(2, e - 25);
    return (bits & 0x8000) != 0 ? -v : v;
  }

  @Test
  void everyFinitePatternDecodesToItsValueAndEncodesBack() {
    int finite = 0;
    for (int bits = 0; bits < 0x10000; bits++) {
      if ((bits & 0x7c00) == 0x7c00) {
        continue;
      }
      float v = HalfBits.fromBits(bits);
      assertEquals(Double.doubleToRawLongBits(layout(bits)), Double.doubleToRawLongBits(v),
          "pattern " + Integer.toHexString(bits));
      assertEquals(bits, HalfBits.toBits(v), "value " + v);
      finite++;
    }
    assertEquals(63488, finite);
    assertEquals(0x8000, HalfBits.toBits(-0.0f));
    assertEquals(0x7bff, HalfBits.toBits(65504f));
    assertEquals(0x0001, HalfBits.toBits(0x1p-24f));
    assertEquals(0x3c00, HalfBits.toBits(1f));
  }

  @Test
  void infinityNanAndNonBinary16ValuesAreRefused() {
    for (int bits : new int[] {0x7c00, 0xfc00, 0x7c01, 0x7e00, 0xffff}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> HalfBits.fromBits(bits));
      assertTrue(e.getMessage().startsWith("BAD_SCALE: "), e.getMessage());
    }
    for (float v : new float[] {1f + 0x1p-11f, 65536f, 0x1p-25f, Float.NaN}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> HalfBits.toBits(v));
      assertTrue(e.getMessage().startsWith("BAD_SCALE: "), e.getMessage());
    }
  }
}
