package q35.quant;

import org.checkerframework.checker.index.qual.IndexFor;
import org.checkerframework.checker.index.qual.IndexOrHigh;
import q35.kernel.Rounding;
import q35.kernel.WeightQuant;

/**
 * The 8-bit comparison format (spec/container.md section 3): the same grouping and evaluation
 * order as q35 on a 256-level lattice. Not part of the verified kernel.
 */
final class Q8Baseline {

  /** Largest inner length whose int32 accumulator cannot overflow: floor((2^31-1) / (127*128)). */
  static final int MAX_K = 132104;

  private Q8Baseline() {}

  /** Scale of a group: (float) ((hi - lo) / 255) in double. */
  static float scale(float lo, float hi) {
    return (float) (((double) hi - (double) lo) / 255.0);
  }

  /** Offset of a group: the weight lattice value 0 stands for, (float) (lo + 128 s). */
  static float offset(float lo, float s) {
    return (float) ((double) lo + 128.0 * (double) s);
  }

  /** The nearest of the 256 lattice values, ties to even. */
  static int latticeValue(float w, float s, float m) {
    if (s == 0.0f) {
      return 0;
    }
    double t = ((double) w - (double) m) / (double) s;
    return Rounding.roundHalfEven(Rounding.clamp(t, -128.0, 127.0));
  }

  /**
   * The kernel's shape rules plus q8's lower inner-length bound, so that every int32
   * accumulator of a q8 layer is exact.
   */
  static void checkShape(int rows, int cols, int g) {
    WeightQuant.checkShape(rows, cols, g);
    if (cols > MAX_K) {
      throw new IllegalArgumentException("K_TOO_LARGE: q8 accepts at most " + MAX_K + " inputs");
    }
  }

  static QuantizedMatrix quantize(float[] w, int rows, int cols, int g) {
    checkShape(rows, cols, g);
    WeightQuant.checkLength("weights", w.length, (long) rows * cols);
    Rounding.requireFinite(w, 0, w.length, "weight");
    int groups = WeightQuant.groupCount(cols, g);
    byte[] q = new byte[w.length]; // rows * cols (checkLength)
    // checkShape throws unless rows >= 1 and 1 <= g <= cols <= MAX_K; then groups >= 1
    @SuppressWarnings("index")
    float[] s = new float[rows * groups];
    float[] m = new float[s.length];
    for (int j = 0; j < rows; j++) {
      for (int gi = 0; gi < groups; gi++) {
        // gi < groups, so gi * g < cols and start < (j + 1) * cols <= rows * cols == w.length
        @SuppressWarnings("index")
        @IndexFor("w") int start = j * cols + gi * g;
        // end <= (j + 1) * cols <= rows * cols == w.length (checkLength)
        @SuppressWarnings("index")
        @IndexOrHigh("w") int end = j * cols + Math.min(cols, gi * g + g);
        float lo = w[start];
        float hi = lo;
        for (int i = start + 1; i < end; i++) {
          lo = Math.min(lo, w[i]);
          hi = Math.max(hi, w[i]);
        }
        float scale = scale(lo, hi);
        float offset = offset(lo, scale);
        // j < rows and gi < groups, so p < rows * groups == s.length
        @SuppressWarnings("index")
        @IndexFor("s") int p = j * groups + gi;
        s[p] = scale;
        m[p] = offset;
        for (int i = start; i < end; i++) {
          q[i] = (byte) latticeValue(w[i], scale, offset);
        }
      }
    }
    return new QuantizedMatrix(WeightFormat.Kind.Q8, rows, cols, g, q, s, m);
  }
}
