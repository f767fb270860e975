package q35.kernel;

/** The error bounds of spec/error-bounds.md, evaluated in double from the data of a test case. */
public final class Bounds {

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

  /**
   * Theorem 6 plus the plain float reference's own rounding: a bound on |y^ - y_f| for row
   * {@code j} of a quantized layer. {@code lattice} holds row j's lattice values (k of them),
   * {@code threeBitOdd} marks the q35 format, and {@code latticeHalfStep} is the worst lattice
   * rounding in units of s at a 4-bit position (1/2; the q8 baseline passes 1/2 as well).
   */
  public static double theorem6(float[] w, int k, int g, int j, int[] lattice, float[] s,
      float[] m, boolean threeBitOdd, float[] x, byte[] xq, float xScale) {
    int groups = (k + g - 1) / g;
    double amax = 0;
    for (int i = 0; i < k; i++) {
      amax = Math.max(amax, Math.abs(x[i]));
    }
    double ex = activation(xScale, amax);
    double absProducts = 0;
    double quantError = 0;
    double exactQuantized = 0;
    for (int i = 0; i < k; i++) {
      float wi = w[j * k + i];
      absProducts += Math.abs((double) wi * x[i]);
      int p = j * groups + i / g;
      float lo = wi;
      float hi = wi;
      for (int t = (i / g) * g; t < Math.min(k, (i / g) * g + g); t++) {
        lo = Math.min(lo, w[j * k + t]);
        hi = Math.max(hi, w[j * k + t]);
      }
      double ew = weight(lo, hi, s[p], threeBitOdd && i % 2 == 1);
      double lat = (double) s[p] * lattice[i] + m[p];
      quantError += Math.abs(x[i]) * ew + Math.abs(lat) * ex;
      exactQuantized += Math.abs((double) s[p] * lattice[i] * xScale * xq[i])
          + Math.abs((double) m[p] * xScale * xq[i]);
    }
    return quantError + gamma(groups + 4) * exactQuantized * 1.0001
        + gamma(k + 1) * absProducts + (1 + gamma(k)) * k * ETA / 2
        + (2 * groups + 4) * ETA;
  }

  /** gamma_n = n u / (1 - n u), the classic bound for n successive roundings. */
  static double gamma(int n) {
    return n * U / (1 - n * U);
  }
}
