package q35.spec;

import java.math.BigDecimal;
import java.math.BigInteger;

/**
 * Exact rational arithmetic and IEEE 754 round-to-nearest-even, written from spec/ without any
 * Java float or double operation, so that the conformance vectors it produces are independent of
 * the kernel under test.
 */
public final class Exact {

  /** An exact rational num / den with den > 0. */
  public record Q(BigInteger num, BigInteger den) {
    public Q {
      if (den.signum() <= 0) {
        throw new ArithmeticException("denominator must be positive");
      }
      BigInteger g = num.gcd(den);
      if (g.signum() != 0 && !g.equals(BigInteger.ONE)) {
        num = num.divide(g);
        den = den.divide(g);
      }
    }

    public static Q of(long v) {
      return new Q(BigInteger.valueOf(v), BigInteger.ONE);
    }

    public Q add(Q o) {
      return new Q(num.multiply(o.den).add(o.num.multiply(den)), den.multiply(o.den));
    }

    public Q sub(Q o) {
      return add(o.negate());
    }

    public Q negate() {
      return new Q(num.negate(), den);
    }

    public Q mul(Q o) {
      return new Q(num.multiply(o.num), den.multiply(o.den));
    }

    public Q div(Q o) {
      if (o.num.signum() == 0) {
        throw new ArithmeticException("division by zero");
      }
      BigInteger n = num.multiply(o.den);
      BigInteger d = den.multiply(o.num);
      return d.signum() < 0 ? new Q(n.negate(), d.negate()) : new Q(n, d);
    }

    public int compareTo(Q o) {
      return num.multiply(o.den).compareTo(o.num.multiply(den));
    }

    public int signum() {
      return num.signum();
    }

    public Q abs() {
      return new Q(num.abs(), den);
    }

    public BigDecimal toBigDecimal() {
      return new BigDecimal(num).divide(new BigDecimal(den), java.math.MathContext.DECIMAL128);
    }
  }

  /** A binary floating-point format: precision p (with the hidden bit) and exponent range. */
  public enum Format {
    BINARY16(11, -14, 15),
    BINARY32(24, -126, 127),
    BINARY64(53, -1022, 1023);

    final int precision;
    final int minExp;
    final int maxExp;

    Format(int precision, int minExp, int maxExp) {
      this.precision = precision;
      this.minExp = minExp;
      this.maxExp = maxExp;
    }
  }

  private Exact() {}

  /** The exact value of a binary32 bit pattern (finite only). */
  public static Q fromFloatBits(int bits) {
    int exp = (bits >>> 23) & 0xff;
    int frac = bits & 0x7fffff;
    boolean neg = bits < 0;
    if (exp == 0xff) {
      throw new ArithmeticException("not finite");
    }
    long mant = exp == 0 ? frac : (frac | 0x800000L);
    int e = (exp == 0 ? -126 : exp - 127) - 23;
    Q v = pow2(mant, e);
    return neg ? v.negate() : v;
  }

  /** The exact value of a binary64 bit pattern (finite only). */
  public static Q fromDoubleBits(long bits) {
    int exp = (int) ((bits >>> 52) & 0x7ff);
    long frac = bits & 0xfffffffffffffL;
    boolean neg = bits < 0;
    if (exp == 0x7ff) {
      throw new ArithmeticException("not finite");
    }
    long mant = exp == 0 ? frac : (frac | (1L << 52));
    int e = (exp == 0 ? -1022 : exp - 1023) - 52;
    Q v = pow2(mant, e);
    return neg ? v.negate() : v;
  }

  private static Q pow2(long mant, int e) {
    BigInteger m = BigInteger.valueOf(mant);
    return e >= 0 ? new Q(m.shiftLeft(e), BigInteger.ONE) : new Q(m, BigInteger.ONE.shiftLeft(-e));
  }

  /**
   * Rounds v to the nearest value of the format, ties to even (IEEE 754 roundTiesToEven);
   * throws on overflow, which the spec's operations never reach for valid inputs.
   */
  public static Q round(Q v, Format f) {
    if (v.signum() == 0) {
      return v;
    }
    BigInteger a = v.num().abs();
    BigInteger d = v.den();
    // e = floor(log2(a / d))
    int e = a.bitLength() - d.bitLength();
    if (cmpShift(a, d, e) < 0) {
      e--;
    }
    int q = Math.max(e, f.minExp) - (f.precision - 1);
    // scaled = a / (d * 2^q)
    BigInteger sn = q >= 0 ? a : a.shiftLeft(-q);
    BigInteger sd = q >= 0 ? d.shiftLeft(q) : d;
    BigInteger[] qr = sn.divideAndRemainder(sd);
    BigInteger m = qr[0];
    int c = qr[1].shiftLeft(1).compareTo(sd);
    if (c > 0 || (c == 0 && m.testBit(0))) {
      m = m.add(BigInteger.ONE);
    }
    if (m.bitLength() > f.precision && q + m.bitLength() - 1 > f.maxExp) {
      throw new ArithmeticException("overflow");
    }
    if (m.bitLength() <= f.precision && q + m.bitLength() - 1 > f.maxExp) {
      throw new ArithmeticException("overflow");
    }
    Q r = pow2Big(m, q);
    return v.signum() < 0 ? r.negate() : r;
  }

  private static Q pow2Big(BigInteger m, int e) {
    return e >= 0 ? new Q(m.shiftLeft(e), BigInteger.ONE) : new Q(m, BigInteger.ONE.shiftLeft(-e));
  }

  /** Compares a with d * 2^e. */
  private static int cmpShift(BigInteger a, BigInteger d, int e) {
    return e >= 0 ? a.compareTo(d.shiftLeft(e)) : a.shiftLeft(-e).compareTo(d);
  }

  /** Rounds to binary32. */
  public static Q f32(Q v) {
    return round(v, Format.BINARY32);
  }

  /** Rounds to binary64. */
  public static Q f64(Q v) {
    return round(v, Format.BINARY64);
  }

  /**
   * The binary32 bit pattern of a value already representable in binary32; +0 for zero unless
   * {@code negativeZero}.
   */
  public static int floatBits(Q v, boolean negativeZero) {
    if (v.signum() == 0) {
      return negativeZero ? 0x80000000 : 0;
    }
    if (!f32(v).equals(v)) {
      throw new ArithmeticException("not a binary32 value: " + v);
    }
    int sign = v.signum() < 0 ? 0x80000000 : 0;
    BigInteger a = v.num().abs();
    BigInteger d = v.den();
    int e = a.bitLength() - d.bitLength();
    if (cmpShift(a, d, e) < 0) {
      e--;
    }
    if (e < -126) {
      // subnormal: value = frac * 2^-149
      BigInteger frac = e >= 0 ? a : a.shiftLeft(149).divide(d);
      return sign | frac.intValueExact();
    }
    int q = e - 23;
    BigInteger sn = q >= 0 ? a : a.shiftLeft(-q);
    BigInteger sd = q >= 0 ? d.shiftLeft(q) : d;
    int mant = sn.divide(sd).intValueExact();
    return sign | ((e + 127) << 23) | (mant & 0x7fffff);
  }

  /** Round half to even of an exact rational to an integer. */
  public static BigInteger rintHalfEven(Q v) {
    BigInteger[] qr = v.num().abs().divideAndRemainder(v.den());
    BigInteger m = qr[0];
    int c = qr[1].shiftLeft(1).compareTo(v.den());
    if (c > 0 || (c == 0 && m.testBit(0))) {
      m = m.add(BigInteger.ONE);
    }
    return v.signum() < 0 ? m.negate() : m;
  }

  /** Clamps v to [lo, hi]. */
  public static Q clamp(Q v, long lo, long hi) {
    if (v.compareTo(Q.of(lo)) < 0) {
      return Q.of(lo);
    }
    if (v.compareTo(Q.of(hi)) > 0) {
      return Q.of(hi);
    }
    return v;
  }
}
