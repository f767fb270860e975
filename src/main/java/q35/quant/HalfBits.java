package q35.quant;

import q35.kernel.Binary16;

/**
 * The 16-bit IEEE 754 binary16 encoding of a stored scale or offset (spec/format.md section 7):
 * sign bit 15, exponent bits 14-10 with bias 15, fraction bits 9-0, subnormals kept. Java 17
 * has no binary16 conversion of its own ({@code Float.floatToFloat16} came in Java 20).
 */
public final class HalfBits {

  private HalfBits() {}

  /**
   * The bits of a binary16 value given as binary32; throws IllegalArgumentException
   * ({@code BAD_SCALE}) for a value that is not a binary16 number.
   */
  public static int toBits(float h) {
    if (!Binary16.isBinary16(h)) {
      throw new IllegalArgumentException("BAD_SCALE: " + h + " is not a binary16 value");
    }
    int sign = Float.floatToRawIntBits(h) < 0 ? 0x8000 : 0;
    float a = Math.abs(h);
    if (a < 0x1p-14f) {
      return sign | (int) (a * 0x1p24f); // subnormal (or zero): a multiple of 2^-24
    }
    int e = Math.getExponent(a);
    int fraction = (int) Math.scalb(a, 10 - e) - 1024;
    return sign | (e + 15) << 10 | fraction;
  }

  /**
   * The binary32 value of 16 bits (the low 16 of {@code bits}); throws IllegalArgumentException
   * ({@code BAD_SCALE}) for an exponent field of 31 (infinity or NaN).
   */
  public static float fromBits(int bits) {
    int e = bits >> 10 & 0x1f;
    int fraction = bits & 0x3ff;
    if (e == 0x1f) {
      throw new IllegalArgumentException("BAD_SCALE: binary16 0x"
          + Integer.toHexString(bits & 0xffff) + " is " + (fraction == 0 ? "infinite" : "NaN"));
    }
    float magnitude = e == 0 ? fraction * 0x1p-24f : Math.scalb((float) (1024 + fraction), e - 25);
    return (bits & 0x8000) != 0 ? -magnitude : magnitude;
  }
}
