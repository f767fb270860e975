package q35.kernel;

/**
 * Grouped asymmetric weight quantization onto the 16-level lattice, shared by the q35 format
 * and the INT4 baseline (spec/quantization.md section 2).
 *
 * <p>A row of K weights (one output channel) is cut into groups of G consecutive inputs. Each
 * group has a scale s = (hi - lo) / 15 and an offset m = lo + 8 s, so the lattice value q in
 * [-8, 7] stands for the weight s * q + m. In the q35 format the odd positions (the 3-bit half of
 * each pair) may only take the even lattice values 2b, b in [-4, 3].
 */
public final class WeightQuant {

  private WeightQuant() {}

  /** Number of groups of size {@code g} covering {@code k} inputs: ceil(k / g). */
  /*@ public normal_behavior
    @   requires 1 <= g && g <= k && k <= IntDot.MAX_K;
    @   ensures \result == (k + g - 1) / g;
    @   ensures 1 <= \result && \result <= k;
    @   ensures (\result - 1) * g < k && k <= \result * g;
    @*/
  public static /*@ pure @*/ int groupCount(int k, int g) {
    return (k + g - 1) / g;
  }

  /**
   * First input of group {@code gi}: gi * g, which lies below k. A method of its own because
   * the bound needs the non-linear fact (groups - 1) * g < k, which the prover finds here alone.
   */
  /*@ public normal_behavior
    @   requires 1 <= g && g <= k && k <= IntDot.MAX_K;
    @   requires 0 <= gi && gi < groups && groups <= k && (groups - 1) * g < k;
    @   ensures \result == gi * g;
    @   ensures 0 <= \result && \result < k;
    @*/
  public static /*@ pure @*/ int groupStart(int gi, int g, int k, int groups) {
    return gi * g;
  }

  /**
   * Checks the matrix shape shared by every weight format: n >= 1 rows, 1 <= k <= MAX_K inputs,
   * and a group size with 1 <= g <= k that is even unless it equals k.
   */
  /*@ public normal_behavior
    @   requires 1 <= n && 1 <= k && k <= IntDot.MAX_K && 1 <= g && g <= k && (g == k || g % 2 == 0);
    @   assignable \nothing;
    @ also public exceptional_behavior
    @   requires !(1 <= n && 1 <= k && k <= IntDot.MAX_K && 1 <= g && g <= k && (g == k || g % 2 == 0));
    @   signals_only IllegalArgumentException;
    @   assignable \nothing;
    @*/
  public static void checkShape(int n, int k, int g) {
    if (k > IntDot.MAX_K) {
      throw Errors.of("K_TOO_LARGE: k = ", k, " exceeds the int32 safety bound ", IntDot.MAX_K,
          "");
    }
    if (n < 1 || k < 1) {
      throw Errors.of("SHAPE: need n >= 1 and k >= 1, got n = ", n, ", k = ", k, "");
    }
    if (g < 1 || g > k || (g != k && g % 2 != 0)) {
      throw Errors.of("GROUP_SIZE: group size ", g, " must be k (", k,
          ") or an even number in [2, k]");
    }
  }

  /** Checks that an array has the length the shape demands. */
  /*@ public normal_behavior
    @   requires actual == expected;
    @   assignable \nothing;
    @ also public exceptional_behavior
    @   requires actual != expected;
    @   signals_only IllegalArgumentException;
    @   assignable \nothing;
    @*/
  public static void checkLength(String what, int actual, long expected) {
    if (actual != expected) {
      throw Errors.of("SHAPE: " + what + " has length ", actual, ", expected ", expected, "");
    }
  }

  /**
   * Checks that an array holds {@code rows * perRow} elements; the product is taken in long, so
   * it cannot overflow.
   */
  /*@ public normal_behavior
    @   requires actual == rows * perRow;
    @   assignable \nothing;
    @ also public exceptional_behavior
    @   requires actual != rows * perRow;
    @   signals_only IllegalArgumentException;
    @   assignable \nothing;
    @*/
  public static void checkLength(String what, int actual, int rows, int perRow) {
    checkLength(what, actual, (long) rows * perRow);
  }

  /**
   * Scale of a group with minimum lo and maximum hi: (float) (((double) hi - lo) / 15). The
   * first case (no exception) is proved; the second, that the scale is not negative, is a float
   * fact: tested, and checked by OpenJML over the reals.
   */
  /*@ public normal_behavior
    @   ensures true;
    @ also public normal_behavior
    @   requires Rounding.VALUE_MIN <= lo && lo <= hi && hi <= Rounding.VALUE_LIMIT;
    @   ensures \result >= 0;
    @*/
  public static /*@ pure @*/ float scale(float lo, float hi) {
    return (float) (((double) hi - (double) lo) / 15.0);
  }

  /** Offset of a group: the weight that lattice value 0 stands for, (float) (lo + 8 s). */
  /*@ public normal_behavior
    @   ensures true;
    @*/
  public static /*@ pure @*/ float offset(float lo, float s) {
    return (float) ((double) lo + 8.0 * (double) s);
  }

  /**
   * Lattice value of weight {@code w} in a group with scale s and offset m: the nearest of
   * [-8, 7] (or, for a 3-bit position, the nearest even value of [-8, 6]), ties to even. It
   * rounds t = (w - m) / s and then clamps, which gives rint(clamp(t, -8, 7)) of
   * spec/quantization.md section 2.3 exactly: rint is monotone and the bounds are integers.
   * Clamping the integer makes the range an integer fact that KeY proves.
   */
  /*@ public normal_behavior
    @   ensures -8 <= \result && \result <= 7;
    @   ensures threeBit ==> (\result % 2 == 0 && \result <= 6);
    @*/
  public static /*@ pure @*/ int latticeValue(float w, float s, float m, boolean threeBit) {
    if (s == 0.0f) {
      return 0;
    }
    int r = roundedCoordinate(w, s, m, threeBit);
    return threeBit ? 2 * Rounding.clamp(r, -4, 3) : Rounding.clamp(r, -8, 7);
  }

  /**
   * rint(t), or rint(t / 2) for a 3-bit position, with t = ((double) w - m) / s in binary64
   * (spec/quantization.md section 2.3), before clamping. Proved to return normally; the value
   * is tested (KeY's cast rules assume nothing about it).
   */
  /*@ private normal_behavior
    @   requires s != 0.0f;
    @   ensures true;
    @*/
  private static /*@ pure @*/ int roundedCoordinate(float w, float s, float m, boolean threeBit) {
    double t = ((double) w - (double) m) / (double) s;
    return Rounding.roundHalfEven(threeBit ? t / 2.0 : t);
  }

  /** The weight a lattice value stands for: s * q + m in float32, two roundings, no fma. */
  /*@ public normal_behavior
    @   requires -8 <= q && q <= 7;
    @   ensures true;
    @*/
  public static /*@ pure @*/ float dequantizeValue(int q, float s, float m) {
    float scaled = s * (float) q;
    return scaled + m;
  }

  /** First input past group {@code gi}: min(k, gi * g + g). */
  /*@ public normal_behavior
    @   requires 1 <= g && g <= k && k <= IntDot.MAX_K && 0 <= start && start < k;
    @   ensures \result == (k - start < g ? k : start + g);
    @   ensures start < \result && \result <= k && \result <= start + g;
    @*/
  public static /*@ pure @*/ int groupEnd(int start, int g, int k) {
    return k - start < g ? k : start + g;
  }

  /**
   * Quantizes one row of {@code k} finite weights at {@code w[wOff..]} into lattice values
   * {@code lattice[0..k)}, writing each group's scale and offset at {@code scales[pOff + gi]}.
   * With {@code oddIsThreeBit}, odd positions use the 3-bit (even-lattice) half.
   */
  /*@ public normal_behavior
    @   requires w != null && lattice != null && scales != null && offsets != null;
    @   requires 1 <= g && g <= k && k <= IntDot.MAX_K;
    @   requires 0 <= wOff && wOff + k <= w.length && k <= lattice.length;
    @   requires 0 <= pOff && pOff + (k + g - 1) / g <= scales.length;
    @   requires pOff + (k + g - 1) / g <= offsets.length;
    @   requires scales != offsets;
    @   assignable lattice[0 .. k - 1], scales[pOff .. pOff + (k + g - 1) / g - 1],
    @              offsets[pOff .. pOff + (k + g - 1) / g - 1];
    @   ensures (\forall int i; 0 <= i && i < k; -8 <= lattice[i] && lattice[i] <= 7);
    @   ensures oddIsThreeBit ==> (\forall int pair; 0 <= pair && 2 * pair + 1 < k;
    @             lattice[2 * pair + 1] % 2 == 0 && lattice[2 * pair + 1] <= 6);
    @*/
  // The 3-bit fact is stated per pair (position 2 * pair + 1), not as "i % 2 == 1 ==> ...": in
  // that form KeY instantiated it at lattice values (lattice[lattice[0]], ...) without end.
  // bounds proved by KeY: quantizeRow safety contract (runtimeExceptions:ban)
  @SuppressWarnings("index")
  public static void quantizeRow(float[] w, int wOff, int k, int g, boolean oddIsThreeBit,
      int[] lattice, float[] scales, float[] offsets, int pOff) {
    int groups = groupCount(k, g);
    int gi = 0;
    int start = 0;
    /*@ loop_invariant 0 <= gi && gi <= start && start <= k && (start == k || start == gi * g);
      @ loop_invariant (\forall int i; 0 <= i && i < start; -8 <= lattice[i] && lattice[i] <= 7);
      @ loop_invariant oddIsThreeBit ==> (\forall int pair; 0 <= pair && 2 * pair + 1 < start;
      @                 lattice[2 * pair + 1] % 2 == 0 && lattice[2 * pair + 1] <= 6);
      @ decreases k - start;
      @ loop_assigns start, gi, lattice[0 .. k - 1], scales[pOff .. pOff + groups - 1],
      @              offsets[pOff .. pOff + groups - 1];
      @*/
    while (start < k) {
      // start == gi * g < k <= groups * g, so gi < groups: the lemma keeps this proof linear.
      productMonotone(gi, g, groups);
      int end = groupEnd(start, g, k);
      quantizeGroup(w, wOff, start, end, oddIsThreeBit, lattice, scales, offsets, pOff + gi);
      start = end;
      gi++;
    }
  }

  /** Lemma, no effect: for g &gt;= 1, gi &gt;= groups gives groups * g &lt;= gi * g. */
  /*@ private normal_behavior
    @   requires 1 <= g && 0 <= gi && 0 <= groups;
    @   ensures gi < groups || groups * g <= gi * g;
    @   assignable \nothing;
    @*/
  private static void productMonotone(int gi, int g, int groups) {}

  /**
   * Quantizes positions [start, end) of a row as one group: its scale and offset from the
   * group's minimum and maximum go to {@code scales[p]} and {@code offsets[p]}, its lattice
   * values to {@code lattice[start..end)}.
   */
  /*@ private normal_behavior
    @   requires w != null && lattice != null && scales != null && offsets != null;
    @   requires 0 <= start && start < end && end <= lattice.length;
    @   requires 0 <= wOff && wOff + end <= w.length;
    @   requires 0 <= p && p < scales.length && p < offsets.length && scales != offsets;
    @   requires (\forall int j; 0 <= j && j < start; -8 <= lattice[j] && lattice[j] <= 7);
    @   requires oddIsThreeBit ==> (\forall int pair; 0 <= pair && 2 * pair + 1 < start;
    @             lattice[2 * pair + 1] % 2 == 0 && lattice[2 * pair + 1] <= 6);
    @   assignable lattice[start .. end - 1], scales[p], offsets[p];
    @   ensures (\forall int j; 0 <= j && j < end; -8 <= lattice[j] && lattice[j] <= 7);
    @   ensures oddIsThreeBit ==> (\forall int pair; 0 <= pair && 2 * pair + 1 < end;
    @             lattice[2 * pair + 1] % 2 == 0 && lattice[2 * pair + 1] <= 6);
    @*/
  @SuppressWarnings("index")
  private static void quantizeGroup(float[] w, int wOff, int start, int end,
      boolean oddIsThreeBit, int[] lattice, float[] scales, float[] offsets, int p) {
    float lo = w[wOff + start];
    float hi = lo;
    /*@ loop_invariant start + 1 <= i && i <= end;
      @ decreases end - i;
      @ loop_assigns i, lo, hi;
      @*/
    for (int i = start + 1; i < end; i++) {
      float v = w[wOff + i];
      if (v < lo) {
        lo = v;
      }
      if (v > hi) {
        hi = v;
      }
    }
    float s = scale(lo, hi);
    float m = offset(lo, s);
    scales[p] = s;
    offsets[p] = m;
    latticeGroup(w, wOff, start, end, s, m, oddIsThreeBit, lattice);
  }

  /**
   * The lattice values of positions [start, end) of a row, for a group with scale s and offset
   * m (odd positions on the 3-bit half with {@code oddIsThreeBit}).
   */
  /*@ private normal_behavior
    @   requires w != null && lattice != null;
    @   requires 0 <= start && start <= end && end <= lattice.length;
    @   requires 0 <= wOff && wOff + end <= w.length;
    @   requires (\forall int j; 0 <= j && j < start; -8 <= lattice[j] && lattice[j] <= 7);
    @   requires oddIsThreeBit ==> (\forall int pair; 0 <= pair && 2 * pair + 1 < start;
    @             lattice[2 * pair + 1] % 2 == 0 && lattice[2 * pair + 1] <= 6);
    @   assignable lattice[start .. end - 1];
    @   ensures (\forall int j; 0 <= j && j < end; -8 <= lattice[j] && lattice[j] <= 7);
    @   ensures oddIsThreeBit ==> (\forall int pair; 0 <= pair && 2 * pair + 1 < end;
    @             lattice[2 * pair + 1] % 2 == 0 && lattice[2 * pair + 1] <= 6);
    @*/
  // bounds proved by KeY: latticeGroup safety contract (runtimeExceptions:ban)
  @SuppressWarnings("index")
  private static void latticeGroup(float[] w, int wOff, int start, int end, float s, float m,
      boolean oddIsThreeBit, int[] lattice) {
    // The invariant covers [start, i) only: the loop frame keeps [0, start) as the precondition
    // left it (with [0, i) here, KeY's auto mode stayed open at 80,000 steps; now 8,663 nodes).
    /*@ loop_invariant start <= i && i <= end;
      @ loop_invariant (\forall int j; start <= j && j < i; -8 <= lattice[j] && lattice[j] <= 7);
      @ loop_invariant oddIsThreeBit ==> (\forall int pair;
      @                 start <= 2 * pair + 1 && 2 * pair + 1 < i;
      @                 lattice[2 * pair + 1] % 2 == 0 && lattice[2 * pair + 1] <= 6);
      @ decreases end - i;
      @ loop_assigns i, lattice[start .. end - 1];
      @*/
    for (int i = start; i < end; i++) {
      lattice[i] = latticeValue(w[wOff + i], s, m, oddIsThreeBit && i % 2 == 1);
    }
  }

  /**
   * Dequantizes one row of lattice values with its groups' scales and offsets; {@code out} is
   * neither of those arrays (with it aliased, KeY's frame proof of the group loop did not close).
   */
  /*@ public normal_behavior
    @   requires lattice != null && scales != null && offsets != null && out != null;
    @   requires 1 <= g && g <= k && k <= IntDot.MAX_K && k <= lattice.length;
    @   requires (\forall int i; 0 <= i && i < k; -8 <= lattice[i] && lattice[i] <= 7);
    @   requires 0 <= pOff && pOff + (k + g - 1) / g <= scales.length;
    @   requires pOff + (k + g - 1) / g <= offsets.length;
    @   requires 0 <= oOff && oOff + k <= out.length;
    @   requires out != scales && out != offsets;
    @   assignable out[oOff .. oOff + k - 1];
    @*/
  // bounds proved by KeY: dequantizeRow safety contract (runtimeExceptions:ban)
  @SuppressWarnings("index")
  public static void dequantizeRow(int[] lattice, int k, int g, float[] scales, float[] offsets,
      int pOff, float[] out, int oOff) {
    int groups = groupCount(k, g);
    /*@ loop_invariant 0 <= gi && gi <= groups;
      @ decreases groups - gi;
      @ loop_assigns gi, out[oOff .. oOff + k - 1];
      @*/
    for (int gi = 0; gi < groups; gi++) {
      int start = groupStart(gi, g, k, groups);
      int end = groupEnd(start, g, k);
      dequantizeGroup(lattice, start, end, scales[pOff + gi], offsets[pOff + gi], out, oOff);
    }
  }

  /** Dequantizes positions [start, end) of a row, a group with scale s and offset m. */
  /*@ private normal_behavior
    @   requires lattice != null && out != null;
    @   requires 0 <= start && start <= end && end <= lattice.length;
    @   requires (\forall int i; start <= i && i < end; -8 <= lattice[i] && lattice[i] <= 7);
    @   requires 0 <= oOff && oOff + end <= out.length;
    @   assignable out[oOff + start .. oOff + end - 1];
    @*/
  // bounds proved by KeY: dequantizeGroup safety contract (runtimeExceptions:ban)
  @SuppressWarnings("index")
  private static void dequantizeGroup(int[] lattice, int start, int end, float s, float m,
      float[] out, int oOff) {
    /*@ loop_invariant start <= i && i <= end;
      @ decreases end - i;
      @ loop_assigns i, out[oOff + start .. oOff + end - 1];
      @*/
    for (int i = start; i < end; i++) {
      out[oOff + i] = dequantizeValue(lattice[i], s, m);
    }
  }

  /**
   * Float result of one output: xScale * sum over groups of (s * acc + m * sumX), evaluated in
   * float32 in group order with no fma (spec/matmul.md section 3).
   */
  /*@ public normal_behavior
    @   requires acc != null && sums != null && scales != null && offsets != null;
    @   requires 1 <= groups && 0 <= aOff && aOff + groups <= acc.length && groups <= sums.length;
    @   requires aOff + groups <= scales.length && aOff + groups <= offsets.length;
    @   ensures true;
    @*/
  public static /*@ pure @*/ float combine(int[] acc, int aOff, int[] sums, int groups,
      float[] scales, float[] offsets, float xScale) {
    float total = 0.0f;
    /*@ loop_invariant 0 <= gi && gi <= groups;
      @ decreases groups - gi;
      @ loop_assigns gi, total;
      @*/
    for (int gi = 0; gi < groups; gi++) {
      float weightTerm = scales[aOff + gi] * (float) acc[aOff + gi];
      float offsetTerm = offsets[aOff + gi] * (float) sums[gi];
      total = total + (weightTerm + offsetTerm);
    }
    return xScale * total;
  }
}
