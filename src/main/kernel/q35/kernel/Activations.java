package q35.kernel;

/**
 * Symmetric per-vector int8 quantization of activations (spec/quantization.md section 3):
 * scale = max|x| / 127 in float32, code = round(clamp(x / scale, -127, 127)), ties to even.
 */
public final class Activations {

  private Activations() {}

  /**
   * Quantizes {@code x[off .. off + len)} into int8 codes at {@code q[qOff..]} and returns the
   * scale; a vector whose scale is 0 (all zeros, or max|x| too small) gets all-zero codes. An
   * empty vector ({@code len < 1}) is refused with {@code SHAPE}. The codes' range (only they
   * written) and the refusals are proved; that the scale is not negative is a float fact:
   * tested, and checked by OpenJML over the reals.
   */
  /*@ public normal_behavior
    @   requires x != null && q != null;
    @   requires 1 <= len && 0 <= off && off + len <= x.length && 0 <= qOff && qOff + len <= q.length;
    @   requires (\forall int i; off <= i && i < off + len;
    @             Rounding.VALUE_MIN <= x[i] && x[i] <= Rounding.VALUE_LIMIT);
    @   assignable q[qOff .. qOff + len - 1];
    @   ensures (\forall int i; qOff <= i && i < qOff + len; -127 <= q[i] && q[i] <= 127);
    @ also public normal_behavior
    @   requires x != null && q != null;
    @   requires 1 <= len && 0 <= off && off + len <= x.length && 0 <= qOff && qOff + len <= q.length;
    @   requires (\forall int i; off <= i && i < off + len;
    @             Rounding.VALUE_MIN <= x[i] && x[i] <= Rounding.VALUE_LIMIT);
    @   assignable q[qOff .. qOff + len - 1];
    @   ensures \result >= 0;
    @ also public exceptional_behavior
    @   requires x != null && q != null;
    @   requires 1 <= len && 0 <= off && off + len <= x.length && 0 <= qOff && qOff + len <= q.length;
    @   requires (\exists int i; off <= i && i < off + len;
    @             !(Rounding.VALUE_MIN <= x[i] && x[i] <= Rounding.VALUE_LIMIT));
    @   signals_only IllegalArgumentException;
    @   assignable \nothing;
    @ also public exceptional_behavior
    @   requires x != null && q != null && len < 1;
    @   signals_only IllegalArgumentException;
    @   assignable \nothing;
    @*/
  public static float quantize(float[] x, int off, int len, byte[] q, int qOff) {
    // An empty vector has no scale to speak of; spec/quantization.md section 3 refuses it.
    if (len < 1) {
      throw Errors.of("SHAPE: an activation vector needs at least one value, got ", len, "");
    }
    Rounding.requireFinite(x, off, len, "activation");
    float amax = 0.0f;
    /*-KeY@ loop_invariant 0 <= amax;
      @*/
    /*@ loop_invariant off <= p && p <= off + len;
      @ decreases off + len - p;
      @ loop_assigns p, amax;
      @*/
    for (int p = off; p < off + len; p++) {
      float a = x[p] < 0.0f ? -x[p] : x[p];
      if (a > amax) {
        amax = a;
      }
    }
    float scale = amax / 127.0f;
    /*@ loop_invariant 0 <= i && i <= len;
      @ loop_invariant (\forall int j; qOff <= j && j < qOff + i; -127 <= q[j] && q[j] <= 127);
      @ decreases len - i;
      @ loop_assigns i, q[qOff .. qOff + len - 1];
      @*/
    for (int i = 0; i < len; i++) {
      q[qOff + i] = (byte) code(x[off + i], scale);
    }
    return scale;
  }

  /**
   * The int8 code of one value for a given scale: round(clamp(x / scale, -127, 127)), computed
   * as the integer clamp of the rounded quotient, which is the same number (rint is monotone,
   * the bounds are integers) and makes the range an integer fact that KeY proves.
   */
  /*@ public normal_behavior
    @   ensures -127 <= \result && \result <= 127;
    @*/
  public static /*@ pure @*/ int code(float x, float scale) {
    if (scale == 0.0f) {
      return 0;
    }
    return Rounding.clamp(Rounding.roundHalfEven(x / scale), -127, 127);
  }

  /** Per-group sums of activation codes, the factor of each group's offset term. */
  /*@ public normal_behavior
    @   requires xq != null && sums != null;
    @   requires 1 <= g && g <= k && k <= IntDot.MAX_K;
    @   requires 0 <= off && off + k <= xq.length && (k + g - 1) / g <= sums.length;
    @   requires (\forall int i; off <= i && i < off + k; -127 <= xq[i] && xq[i] <= 127);
    @   assignable sums[0 .. (k + g - 1) / g - 1];
    @*/
  /*+KeY@ ensures (\forall int gi; 0 <= gi && gi < (k + g - 1) / g;
    @        sums[gi] == (\sum int i; 0 <= i && i < (k - gi * g <= g ? k - gi * g : g);
    @                      xq[off + gi * g + i]));
    @*/
  // bounds proved by KeY: groupSums contract proved (gi * g < k, groups <= sums.length)
  @SuppressWarnings({"index:argument", "index:array.access.unsafe.high"})
  public static void groupSums(byte[] xq, int off, int k, int g, int[] sums) {
    int groups = WeightQuant.groupCount(k, g);
    /*+KeY@ loop_invariant (\forall int h; 0 <= h && h < gi;
      @   sums[h] == (\sum int i; 0 <= i && i < (k - h * g <= g ? k - h * g : g);
      @                xq[off + h * g + i]));
      @*/
    /*@ loop_invariant 0 <= gi && gi <= groups;
      @ decreases groups - gi;
      @ loop_assigns gi, sums[0 .. groups - 1];
      @*/
    for (int gi = 0; gi < groups; gi++) {
      int start = WeightQuant.groupStart(gi, g, k, groups);
      int len = Math.min(k - start, g);
      sums[gi] = IntDot.sum(xq, off + start, len);
    }
  }

  /** Checks that every code in {@code xq[off .. off + len)} lies in [-127, 127]. */
  /*@ public normal_behavior
    @   requires xq != null && 0 <= off && 0 <= len && off + len <= xq.length;
    @   requires (\forall int i; off <= i && i < off + len; -127 <= xq[i] && xq[i] <= 127);
    @   assignable \nothing;
    @ also public exceptional_behavior
    @   requires xq != null && 0 <= off && 0 <= len && off + len <= xq.length;
    @   requires (\exists int i; off <= i && i < off + len; xq[i] < -127);
    @   signals_only IllegalArgumentException;
    @   assignable \nothing;
    @*/
  public static void checkCodes(byte[] xq, int off, int len) {
    /*@ loop_invariant off <= i && i <= off + len;
      @ loop_invariant (\forall int j; off <= j && j < i; -127 <= xq[j]);
      @ decreases off + len - i;
      @ loop_assigns i;
      @*/
    for (int i = off; i < off + len; i++) {
      if (xq[i] < -127) {
        throw Errors.of("ACT_RANGE: activation code -128 at index ", i - off,
            " (codes lie in [-127, 127])");
      }
    }
  }
}
