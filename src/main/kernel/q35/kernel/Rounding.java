package q35.kernel;

/**
 * Rounding and range checks shared by every quantizer (spec/quantization.md section 1).
 *
 * <p>Round-to-nearest with ties to even is computed with the 2^52 trick rather than
 * {@code Math.rint}, because KeY's JDK stubs lack {@code Math.rint}; the two agree on every
 * double in the clamped ranges used here (tested in RoundingTest).
 */
public final class Rounding {

  /** 2^52: adding it to a double in [0, 2^52) rounds away the fraction, ties to even. */
  private static final double TWO_POW_52 = 4503599627370496.0;

  /** Largest finite float, written out because KeY's stubs lack Float.MAX_VALUE. */
  public static final float FLOAT_MAX = 3.4028235e38f;

  /**
   * Largest accepted |weight| or |activation|: 2^32. Inside it no intermediate value of any
   * pinned operation can overflow binary32 (spec/quantization.md section 1.3).
   */
  public static final float VALUE_LIMIT = 4294967296.0f;

  /** Largest accepted weight scale or activation scale: 2^30. */
  public static final float SCALE_LIMIT = 1073741824.0f;

  /** Largest accepted |offset|: 2^33. */
  public static final float OFFSET_LIMIT = 8589934592.0f;

  private Rounding() {}

  /** Rounds {@code t} to the nearest integer, ties to even; requires |t| <= 2^30. */
  /*@ public normal_behavior
    @   requires -1073741824.0 <= t && t <= 1073741824.0;
    @   ensures -1073741824 <= \result && \result <= 1073741824;
    @*/
  public static /*@ pure @*/ int roundHalfEven(double t) {
    if (t >= 0.0) {
      return (int) ((t + TWO_POW_52) - TWO_POW_52);
    }
    return -(int) ((-t + TWO_POW_52) - TWO_POW_52);
  }

  /** Clamps {@code t} to [lo, hi]. */
  /*@ public normal_behavior
    @   requires lo <= hi;
    @   ensures lo <= \result && \result <= hi;
    @*/
  public static /*@ pure @*/ double clamp(double t, double lo, double hi) {
    if (t < lo) {
      return lo;
    }
    if (t > hi) {
      return hi;
    }
    return t;
  }

  /**
   * Rejects NaN, infinity and |x| > 2^32 in {@code x[off .. off + len)} with an error naming the
   * first bad index; {@code what} names the tensor in the message.
   */
  /*@ public normal_behavior
    @   requires x != null && 0 <= off && 0 <= len && off + len <= x.length;
    @   requires (\forall int i; off <= i && i < off + len;
    @             -VALUE_LIMIT <= x[i] && x[i] <= VALUE_LIMIT);
    @   assignable \nothing;
    @ also public exceptional_behavior
    @   requires x != null && 0 <= off && 0 <= len && off + len <= x.length;
    @   requires (\exists int i; off <= i && i < off + len;
    @             !(-VALUE_LIMIT <= x[i] && x[i] <= VALUE_LIMIT));
    @   signals_only IllegalArgumentException;
    @   assignable \nothing;
    @*/
  public static void requireFinite(float[] x, int off, int len, String what) {
    /*@ loop_invariant off <= i && i <= off + len;
      @ loop_invariant (\forall int j; off <= j && j < i; x[j] == x[j]
      @                 && -FLOAT_MAX <= x[j] && x[j] <= FLOAT_MAX);
      @ decreases off + len - i;
      @ assignable \nothing;
      @*/
    for (int i = off; i < off + len; i++) {
      float v = x[i];
      if (v != v) {
        throw new IllegalArgumentException("NAN_INPUT: " + what + " index " + (i - off) + " is NaN");
      }
      if (v < -FLOAT_MAX || v > FLOAT_MAX) {
        throw new IllegalArgumentException(
            "INF_INPUT: " + what + " index " + (i - off) + " is infinite");
      }
      if (v < -VALUE_LIMIT || v > VALUE_LIMIT) {
        throw new IllegalArgumentException("TOO_LARGE: " + what + " index " + (i - off) + " is "
            + v + ", beyond the accepted magnitude 2^32");
      }
    }
  }
}
