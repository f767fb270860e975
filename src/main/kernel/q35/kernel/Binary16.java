package q35.kernel;

/**
 * Binary16 scales and offsets (spec/quantization.md section 2.6): a binary32 value rounded to
 * the nearest IEEE 754 binary16 value, ties to even.
 *
 * <p>Only double arithmetic on powers of two besides one rounding: |x| divided by the binary16
 * spacing of its binade is exact, {@link Rounding#roundHalfEven} rounds it once, and the
 * product by the spacing is exact again. No {@code Math} call, which KeY's JDK stubs lack.
 */
public final class Binary16 {

  /** Largest finite binary16 value, 65504. */
  public static final float MAX = 65504.0f;

  /** -65504 (a constant of its own: see Rounding.VALUE_MIN). */
  public static final float MIN = -65504.0f;

  /** Largest accepted |weight| of a matrix with binary16 scales: 2^15. */
  public static final float WEIGHT_LIMIT = 32768.0f;

  /** -2^15 (see MIN). */
  public static final float WEIGHT_MIN = -32768.0f;

  /** 2^-24: the spacing of binary16 values below 2^-13 (subnormals and the first binade). */
  private static final double FIRST_SPACING = 5.9604644775390625E-8;

  /** 2^-13: where that spacing ends. */
  private static final double FIRST_END = 1.220703125E-4;

  private Binary16() {}

  /** The nearest binary16 value to {@code x}, ties to even, as binary32 (exact). */
  /*@ public normal_behavior
    @   requires MIN <= x && x <= MAX;
    @   ensures true;
    @ also public exceptional_behavior
    @   requires !(MIN <= x && x <= MAX);
    @   signals_only IllegalArgumentException;
    @   assignable \nothing;
    @*/
  public static /*@ pure @*/ float round(float x) {
    if (!(MIN <= x && x <= MAX)) {
      throw Errors.of("BAD_SCALE: a value outside [-65504, 65504] does not fit binary16");
    }
    if (x == 0.0f) {
      return x; // +0 or -0, as it is
    }
    double a = x < 0.0f ? -(double) x : (double) x;
    double spacing = FIRST_SPACING;
    double end = FIRST_END;
    // Binade e (e = 0 for a < 2^-13) has spacing 2^(e - 24); a < 2^16 needs e <= 29.
    /*@ loop_invariant 0 <= e && e <= 30 && FIRST_SPACING <= spacing;
      @ decreases 30 - e;
      @ loop_assigns e, spacing, end;
      @*/
    for (int e = 0; e < 30 && a >= end; e++) {
      spacing = spacing * 2.0;
      end = end * 2.0;
    }
    double r = Rounding.roundHalfEven(a / spacing) * spacing;
    return x < 0.0f ? (float) -r : (float) r;
  }

  /** Whether {@code x} is a binary16 value: within [-65504, 65504] and kept by {@link #round}. */
  /*@ public normal_behavior
    @   ensures \result ==> (MIN <= x && x <= MAX);
    @*/
  public static /*@ pure @*/ boolean isBinary16(float x) {
    return MIN <= x && x <= MAX && round(x) == x;
  }
}
