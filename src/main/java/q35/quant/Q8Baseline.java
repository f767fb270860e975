package q35.quant;

import org.checkerframework.checker.index.qual.IndexFor;
import org.checkerframework.checker.index.qual.IndexOrHigh;
import org.checkerframework.checker.nullness.qual.Nullable;
import q35.kernel.Activations;
import q35.kernel.Rounding;
import q35.kernel.WeightQuant;

/**
 * The 8-bit comparison format (spec/container.md section 3): the same grouping and evaluation
 * order as q35 on a 256-level lattice. Not part of the verified kernel: its lattice values reach
 * -128, outside the kernel's [-8, 7], so the kernel's proved loops do not apply; the loops here
 * are q8's reference (the {@code reference} backend runs them), and the float combination is
 * the kernel's {@code WeightQuant.combine}.
 */
public final class Q8Baseline {

  /** Largest inner length whose int32 accumulator cannot overflow: floor((2^31-1) / (127*128)). */
  static final int MAX_K = 132104;

  private Q8Baseline() {}

  /** Scale of a group: (float) ((hi - lo) / 255) in double. */
  public static float scale(float lo, float hi) {
    return (float) (((double) hi - (double) lo) / 255.0);
  }

  /** Offset of a group: the weight lattice value 0 stands for, (float) (lo + 128 s). */
  public static float offset(float lo, float s) {
    return (float) ((double) lo + 128.0 * (double) s);
  }

  /** The nearest of the 256 lattice values, ties to even. */
  public static int latticeValue(float w, float s, float m) {
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

  /** Rejects a scale outside [0, 2^30] (or NaN), or an offset outside [-2^33, 2^33]: the kernel's rule. */
  static void checkParams(float[] scales, float[] offsets) {
    for (int i = 0; i < scales.length; i++) {
      // offsets.length == scales.length (QuantizedMatrix's constructor)
      @SuppressWarnings("index")
      float m = offsets[i];
      if (!(scales[i] >= 0f && scales[i] <= Rounding.SCALE_LIMIT)
          || !(m >= -Rounding.OFFSET_LIMIT && m <= Rounding.OFFSET_LIMIT)) {
        throw new IllegalArgumentException("BAD_SCALE: group " + i + " has scale " + scales[i]
            + " and offset " + m);
      }
    }
  }

  /**
   * The float products of m activation rows with a q8 matrix, as spec/matmul.md sections 1, 3
   * and 5 define them for q35 (the same int32 sums, the kernel's {@code combine}); also writes
   * the accumulators {@code acc[(r * rows + j) * groups + gi]} when {@code acc} is not null.
   * Rows of codes: {@code xq[r * cols ..]}, scales {@code xScales[r]}.
   */
  // r < m, j < rows, gi < groups: every index below lies in arrays the caller sized as
  // m * cols, m * rows, m * rows * groups and rows * groups (QuantizedMatrix's constructor)
  @SuppressWarnings("index")
  public static void matmul(QuantizedMatrix q, int m, byte[] xq, float[] xScales,
      float @Nullable [] out, int @Nullable [] acc) {
    if (q.kind() != WeightFormat.Kind.Q8) {
      throw new IllegalArgumentException("FORMAT: not a q8 matrix");
    }
    int n = q.rows();
    int k = q.cols();
    int g = q.groupSize();
    int groups = q.groups();
    checkParams(q.scales(), q.offsets());
    Activations.checkCodes(xq, 0, xq.length);
    for (int r = 0; r < m; r++) {
      if (!(xScales[r] >= 0f && xScales[r] <= Rounding.SCALE_LIMIT)) {
        throw new IllegalArgumentException("BAD_SCALE: the activation scale of row " + r
            + " is NaN or outside [0, 2^30]");
      }
    }
    int[] rowAcc = new int[n * groups];
    int[] sums = new int[groups];
    byte[] w = q.packed();
    for (int r = 0; r < m; r++) {
      int x0 = r * k;
      for (int j = 0; j < n; j++) {
        for (int gi = 0; gi < groups; gi++) {
          int a = 0;
          for (int i = gi * g; i < Math.min(k, gi * g + g); i++) {
            a += xq[x0 + i] * w[j * k + i];
          }
          rowAcc[j * groups + gi] = a;
        }
      }
      if (acc != null) {
        System.arraycopy(rowAcc, 0, acc, r * n * groups, n * groups);
      }
      if (out != null) {
        Activations.groupSums(xq, x0, k, g, sums);
        for (int j = 0; j < n; j++) {
          out[r * n + j] = WeightQuant.combine(rowAcc, j * groups, sums, groups, q.scales(),
              q.offsets(), xScales[r]);
        }
      }
    }
  }
}
