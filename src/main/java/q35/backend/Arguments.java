package q35.backend;

import q35.kernel.Activations;
import q35.kernel.Rounding;
import q35.kernel.WeightQuant;

/**
 * The argument checks of the SPI, with the kernel's error codes, for backends that do not hand
 * their arguments to the kernel: the kernel's own checks where it has a public one
 * ({@code WeightQuant.checkLength}, {@code Activations.checkCodes}), and the activation scale
 * rule of spec/matmul.md section 3, which the kernel checks inside {@code matvec}.
 */
public final class Arguments {

  private Arguments() {}

  /** Checks m >= 1 and the lengths of m rows of codes and of what a product writes. */
  public static void shape(int m, int k, int xLength, String output, int outLength,
      long outPerRow) {
    if (m < 1 || k < 1) {
      throw new IllegalArgumentException("SHAPE: need m >= 1 rows of k >= 1 activations, got m = "
          + m + ", k = " + k);
    }
    WeightQuant.checkLength("activations", xLength, (long) m * k);
    WeightQuant.checkLength(output, outLength, m * outPerRow);
  }

  /**
   * Checks the activation scales' count, then row by row, in the kernel's order: the scale in
   * [0, 2^30] (not NaN), then every code in [-127, 127].
   */
  public static void activations(byte[] xq, float[] xScales, int m) {
    WeightQuant.checkLength("activation scales", xScales.length, m);
    int k = xq.length / m;
    for (int r = 0; r < m; r++) {
      if (!(xScales[r] >= 0.0f && xScales[r] <= Rounding.SCALE_LIMIT)) {
        throw new IllegalArgumentException("BAD_SCALE: the activation scale of row " + r
            + " is NaN or outside [0, 2^30]");
      }
      Activations.checkCodes(xq, r * k, k);
    }
  }

  /** Checks that x holds finite values of magnitude at most 2^32 (the kernel's rule). */
  public static void finite(float[] x) {
    Rounding.requireFinite(x, 0, x.length, "activation");
  }
}
