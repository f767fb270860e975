package q35.kernel;

/**
 * The int32 bounds of dot products of int8 activation codes with weight lattice values
 * (spec/matmul.md section 1): one bounded product ({@link #mulBounded}, which
 * QuantMatrix.groupDot sums over the decoded weights) and the exact sum of the codes. The
 * contracts state the exact integer result and the absence of overflow for every length up to
 * {@link #MAX_K}. The exact sums are written with JML's
 * {@code \sum}, which OpenJML does not translate: those clauses carry JML's annotation key
 * {@code +KeY}, so only KeY reads them, and OpenJML checks the rest (bounds, overflow, the
 * result's range).
 */
public final class IntDot {

  /** Largest |activation code|: codes lie in [-127, 127]. */
  public static final int ACT_MAX = 127;
  /** Largest |weight lattice value|: lattice values lie in [-8, 7]. */
  public static final int LATTICE_ABS_MAX = 8;
  /** Largest |product| of one activation code and one lattice value: 127 * 8. */
  public static final int PRODUCT_ABS_MAX = 1016;
  /**
   * Largest inner length for which the int32 accumulator cannot overflow:
   * floor((2^31 - 1) / 1016) = 2,113,665.
   */
  public static final int MAX_K = 2113665;

  private IntDot() {}

  /** One product of an activation code and a lattice value, with its bound. */
  /*@ public normal_behavior
    @   requires -127 <= x && x <= 127 && -8 <= q && q <= 8;
    @   ensures \result == x * q;
    @   ensures -1016 <= \result && \result <= 1016;
    @*/
  public static /*@ pure @*/ int mulBounded(int x, int q) {
    return x * q;
  }

  /** The exact sum of {@code len} activation codes. */
  /*@ public normal_behavior
    @   requires x != null;
    @   requires 0 <= len && len <= MAX_K;
    @   requires 0 <= off && off + len <= x.length;
    @   requires (\forall int i; off <= i && i < off + len; -127 <= x[i] && x[i] <= 127);
    @   ensures -127 * len <= \result && \result <= 127 * len;
    @*/
  /*+KeY@ ensures \result == (\sum int i; 0 <= i && i < len; x[off + i]);
    @*/
  public static /*@ pure @*/ int sum(byte[] x, int off, int len) {
    int s = 0;
    /*+KeY@ loop_invariant s == (\sum int j; 0 <= j && j < i; x[off + j]);
      @*/
    /*@ loop_invariant 0 <= i && i <= len;
      @ loop_invariant -127 * i <= s && s <= 127 * i;
      @ decreases len - i;
      @ loop_assigns i, s;
      @*/
    for (int i = 0; i < len; i++) {
      s = s + x[off + i];
    }
    return s;
  }
}
