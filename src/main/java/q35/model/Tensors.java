package q35.model;

/** Small helpers shared by the readers: element counts, half-precision decoding, finiteness. */
public final class Tensors {
  private Tensors() {}

  /** Throws if any value is NaN or infinite, naming the tensor and the first bad index. */
  public static void requireFinite(float[] values, String what) throws ModelFormatException {
    for (int i = 0; i < values.length; i++) {
      if (!Float.isFinite(values[i])) {
        throw new ModelFormatException(what + ": non-finite weight " + values[i] + " at index " + i);
      }
    }
  }

  /** The product of the dims, or -1 if it overflows {@code Integer.MAX_VALUE} or a dim is negative. */
  public static long elementCount(long... dims) {
    long n = 1;
    for (long d : dims) {
      if (d < 0 || (d != 0 && n > Integer.MAX_VALUE / d)) {
        return -1;
      }
      n *= d;
    }
    return n;
  }

  /** IEEE 754 binary16 to float (exact: every half value is representable as a float). */
  public static float halfToFloat(int bits) {
    int sign = (bits & 0x8000) << 16;
    int exp = (bits >>> 10) & 0x1f;
    int mant = bits & 0x3ff;
    if (exp == 0x1f) {
      return Float.intBitsToFloat(sign | 0x7f800000 | (mant << 13));
    }
    if (exp == 0) {
      float v = mant * 0x1p-24f; // subnormal (or zero): mant * 2^-24, exact
      return sign != 0 ? -v : v;
    }
    return Float.intBitsToFloat(sign | ((exp + 112) << 23) | (mant << 13));
  }

  /** bfloat16 to float: the upper 16 bits of a float32. */
  public static float bf16ToFloat(int bits) {
    return Float.intBitsToFloat((bits & 0xffff) << 16);
  }

  /** float to binary16, round to nearest even (used by tests and writers). */
  public static short floatToHalf(float f) {
    int x = Float.floatToRawIntBits(f);
    int sign = (x >>> 16) & 0x8000;
    int exp = (x >>> 23) & 0xff;
    int mant = x & 0x7fffff;
    if (exp == 0xff) {
      return (short) (sign | 0x7c00 | (mant != 0 ? 0x200 : 0));
    }
    int e = exp - 127 + 15;
    if (e >= 0x1f) {
      return (short) (sign | 0x7c00);
    }
    if (e <= 0) {
      if (e < -10) {
        return (short) sign;
      }
      mant |= 0x800000;
      int shift = 14 - e;
      int half = mant >> shift;
      int rem = mant & ((1 << shift) - 1);
      int mid = 1 << (shift - 1);
      if (rem > mid || (rem == mid && (half & 1) != 0)) {
        half++;
      }
      return (short) (sign | half);
    }
    int half = (e << 10) | (mant >> 13);
    int rem = mant & 0x1fff;
    if (rem > 0x1000 || (rem == 0x1000 && (half & 1) != 0)) {
      half++;
    }
    return (short) (sign | half);
  }

  /** A u64 read into a signed long, as decimal text (for messages about absurd lengths). */
  public static String u64(long v) {
    return v >= 0 ? Long.toString(v)
        : java.math.BigInteger.valueOf(v).add(java.math.BigInteger.ONE.shiftLeft(64)).toString();
  }
}
