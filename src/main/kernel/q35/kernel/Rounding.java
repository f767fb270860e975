package q35.kernel;

/**
 * Rounding and range checks shared by every quantizer (spec/quantization.md section 1).
 *
 * <p>Round-to-nearest with ties to even is computed with the 2^52 trick rather than
 * {@code Math.rint}, because KeY's JDK stubs lack {@code Math.rint}; {@code roundHalfEven(t)}
 * equals {@code (int) Math.rint(t)} for every double t (tested in RoundingTest).
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

  /**
   * Smallest accepted weight or activation: -2^32. A constant of its own because KeY 2.12.3
   * translates JML's unary minus on a float differently from Java's, so a contract that says
   * {@code -VALUE_LIMIT <= x} does not match the code's {@code -VALUE_LIMIT <= x}.
   */
  public static final float VALUE_MIN = -4294967296.0f;

  /** Largest accepted |offset|: 2^33. */
  public static final float OFFSET_LIMIT = 8589934592.0f;

  /** Smallest accepted offset: -2^33 (see VALUE_MIN for why a constant). */
  public static final float OFFSET_MIN = -8589934592.0f;

  /** 2^63 and -2^63: a float strictly between them converts to long exactly (refused). */
  private static final float LONG_LIMIT = 9.223372e18f;

  private static final float LONG_MIN = -9.223372e18f;

  private Rounding() {}

  /**
   * Rounds {@code t} to the nearest integer, ties to even, as {@code (int) Math.rint(t)}: the
   * cast saturates beyond the int range. Exact for |t| < 2^52, where adding 2^52 rounds away
   * the fraction; beyond, t is an integer already and the cast saturates either way. KeY proves
   * that it returns normally (its cast rule, proofs/taclets/float-casts.key, assumes nothing
   * about the value); the rounding itself is tested (RoundingTest).
   */
  /*@ public normal_behavior
    @   ensures true;
    @*/
  public static /*@ pure @*/ int roundHalfEven(double t) {
    double r = t >= 0.0 ? (t + TWO_POW_52) - TWO_POW_52 : -((-t + TWO_POW_52) - TWO_POW_52);
    return (int) r;
  }

  /**
   * Rounds a float to the nearest integer, ties to even: roundHalfEven of its (exact) binary64
   * value. Proved to return normally; the rounding is tested, as above.
   */
  /*@ public normal_behavior
    @   ensures true;
    @*/
  public static /*@ pure @*/ int roundHalfEven(float t) {
    return roundHalfEven((double) t);
  }

  /** Clamps the integer {@code v} to [lo, hi]. */
  /*@ public normal_behavior
    @   requires lo <= hi;
    @   ensures lo <= \result && \result <= hi;
    @   ensures \result == (v < lo ? lo : (v > hi ? hi : v));
    @*/
  public static /*@ pure @*/ int clamp(int v, int lo, int hi) {
    if (v < lo) {
      return lo;
    }
    if (v > hi) {
      return hi;
    }
    return v;
  }

  /**
   * Clamps {@code t} to [lo, hi] (used by the q8 baseline). The first case (no exception) is
   * proved; the range is a float fact: tested, and checked by OpenJML over the reals.
   */
  /*@ public normal_behavior
    @   ensures true;
    @ also public normal_behavior
    @   requires lo <= hi && t == t;
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
    @             VALUE_MIN <= x[i] && x[i] <= VALUE_LIMIT);
    @   assignable \nothing;
    @ also public exceptional_behavior
    @   requires x != null && 0 <= off && 0 <= len && off + len <= x.length;
    @   requires (\exists int i; off <= i && i < off + len;
    @             !(VALUE_MIN <= x[i] && x[i] <= VALUE_LIMIT));
    @   signals_only IllegalArgumentException;
    @   assignable \nothing;
    @*/
  public static void requireFinite(float[] x, int off, int len, String what) {
    /*@ loop_invariant off <= i && i <= off + len;
      @ loop_invariant (\forall int j; off <= j && j < i; VALUE_MIN <= x[j] && x[j] <= VALUE_LIMIT);
      @ decreases off + len - i;
      @ loop_assigns i;
      @*/
    for (int i = off; i < off + len; i++) {
      if (!(VALUE_MIN <= x[i] && x[i] <= VALUE_LIMIT)) {
        throw refused(what, i - off, x[i]);
      }
    }
  }

  /** Whether every x[off .. off + len) is finite and within [-2^32, 2^32]. */
  /*@ public normal_behavior
    @   requires x != null && 0 <= off && 0 <= len && off + len <= x.length;
    @   ensures \result <==> (\forall int i; off <= i && i < off + len;
    @             VALUE_MIN <= x[i] && x[i] <= VALUE_LIMIT);
    @*/
  // bounds proved by KeY: allInRange contract proved (runtimeExceptions:ban)
  @SuppressWarnings("index")
  public static /*@ pure @*/ boolean allInRange(float[] x, int off, int len) {
    /*@ loop_invariant off <= i && i <= off + len;
      @ loop_invariant (\forall int j; off <= j && j < i; VALUE_MIN <= x[j] && x[j] <= VALUE_LIMIT);
      @ decreases off + len - i;
      @ loop_assigns i;
      @*/
    for (int i = off; i < off + len; i++) {
      if (!(VALUE_MIN <= x[i] && x[i] <= VALUE_LIMIT)) {
        return false;
      }
    }
    return true;
  }

  /**
   * The error for a refused value: NAN_INPUT, INF_INPUT or TOO_LARGE. A too-large value is an
   * integer (every float beyond 2^24 is), so it prints as one, through a long: KeY models
   * string concatenation of a long but not of a float. The parts go to Errors whole, as its
   * builders take them (see Errors for why).
   */
  /*@ private normal_behavior
    @   ensures \result != null;
    @   assignable \nothing;
    @*/
  private static IllegalArgumentException refused(String what, int index, float v) {
    if (v != v) {
      return Errors.of("NAN_INPUT: ", what, " index ", index, " is NaN");
    }
    if (v < -FLOAT_MAX || v > FLOAT_MAX) {
      return Errors.of("INF_INPUT: ", what, " index ", index, " is infinite");
    }
    if (v <= LONG_MIN || v >= LONG_LIMIT) {
      return Errors.of("TOO_LARGE: ", what, " index ", index,
          " has magnitude 2^63 or more, beyond the accepted magnitude 2^32");
    }
    return Errors.of("TOO_LARGE: ", what, " index ", index, " is ", (long) (double) v,
        ", beyond the accepted magnitude 2^32");
  }
}
