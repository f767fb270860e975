package q35.kernel;

/** The error bounds of spec/error-bounds.md, evaluated in double from the data of a test case. */
final class Bounds {

  /** Unit roundoff of binary32, 2^-24. */
  static final double U = 0x1p-24;
  /** Smallest positive subnormal binary32, 2^-149. */
  static final double ETA = 0x1p-149;

  private Bounds() {}

  /** Theorem 3: bound on |w - w^| for one weight of a group with extremes lo, hi and scale s. */
  static double weight(float lo, float hi, float s, boolean threeBit) {
    double big = Math.max(Math.abs((double) lo), Math.abs((double) hi));
    return (threeBit ? 1.0 : 0.5) * s + 6 * U * big + 16 * ETA;
  }

  /** Theorem 4: bound on |x - scale * code| for one activation of a vector with max|x| amax. */
  static double activation(float scale, double amax) {
    return 0.5 * scale + U * amax + 64 * ETA;
  }

  /** gamma_n = n u / (1 - n u), the classic bound for n successive roundings. */
  static double gamma(int n) {
    return n * U / (1 - n * U);
  }
}
