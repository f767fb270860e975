package ojneg;

/**
 * Negative controls of the OpenJML runner (OpenJmlNegativeControlTest). Each method named
 * "...Wrong" carries a deliberately false contract that OpenJML must report (not valid); its
 * twin without "Wrong" is the same code with the correct contract, which OpenJML must verify.
 * If a wrong contract is ever reported valid, the runner's settings are unsound (for example
 * overflow checking is off) and no result it reports can be trusted.
 */
public final class Controls {

  private Controls() {}

  /** Increment with no upper bound on x: x + 1 overflows at Integer.MAX_VALUE. */
  /*@ public normal_behavior
    @   requires 0 <= x;
    @   ensures \result > x;
    @*/
  public static int incrementWrong(int x) {
    return x + 1;
  }

  /** The same increment below Integer.MAX_VALUE. */
  /*@ public normal_behavior
    @   requires 0 <= x && x < 2147483647;
    @   ensures \result > x;
    @*/
  public static int increment(int x) {
    return x + 1;
  }

  /** Dot product allowed one element more than MAX_K = 2,113,665: the int32 sum can overflow. */
  /*@ public normal_behavior
    @   requires x != null && q != null;
    @   requires 0 <= len && len <= 2113666 && len <= x.length && len <= q.length;
    @   requires (\forall int i; 0 <= i && i < len; -127 <= x[i] && x[i] <= 127);
    @   requires (\forall int i; 0 <= i && i < len; -8 <= q[i] && q[i] <= 8);
    @   ensures -1016 * len <= \result && \result <= 1016 * len;
    @*/
  public static int dotWrong(byte[] x, int[] q, int len) {
    int acc = 0;
    /*@ loop_invariant 0 <= i && i <= len;
      @ loop_invariant -1016 * i <= acc && acc <= 1016 * i;
      @ decreases len - i;
      @ loop_assigns i, acc;
      @*/
    for (int i = 0; i < len; i++) {
      acc = acc + x[i] * q[i];
    }
    return acc;
  }

  /**
   * The same overflowing dot product with a loop frame that omits {@code acc}: OpenJML
   * 0.17.0-alpha-15 then does not havoc {@code acc} and reports the method valid; the runner's
   * loop-frame check (q35.verify.JmlSource) must catch it.
   */
  /*@ public normal_behavior
    @   requires x != null && q != null;
    @   requires 0 <= len && len <= 2113666 && len <= x.length && len <= q.length;
    @   requires (\forall int i; 0 <= i && i < len; -127 <= x[i] && x[i] <= 127);
    @   requires (\forall int i; 0 <= i && i < len; -8 <= q[i] && q[i] <= 8);
    @   ensures -1016 * len <= \result && \result <= 1016 * len;
    @*/
  public static int dotWrongFrame(byte[] x, int[] q, int len) {
    int acc = 0;
    /*@ loop_invariant 0 <= i && i <= len;
      @ loop_invariant -1016 * i <= acc && acc <= 1016 * i;
      @ decreases len - i;
      @ loop_assigns i;
      @*/
    for (int i = 0; i < len; i++) {
      acc = acc + x[i] * q[i];
    }
    return acc;
  }

  /** The same dot product with the correct bound MAX_K = 2,113,665. */
  /*@ public normal_behavior
    @   requires x != null && q != null;
    @   requires 0 <= len && len <= 2113665 && len <= x.length && len <= q.length;
    @   requires (\forall int i; 0 <= i && i < len; -127 <= x[i] && x[i] <= 127);
    @   requires (\forall int i; 0 <= i && i < len; -8 <= q[i] && q[i] <= 8);
    @   ensures -1016 * len <= \result && \result <= 1016 * len;
    @*/
  public static int dot(byte[] x, int[] q, int len) {
    int acc = 0;
    /*@ loop_invariant 0 <= i && i <= len;
      @ loop_invariant -1016 * i <= acc && acc <= 1016 * i;
      @ decreases len - i;
      @ loop_assigns i, acc;
      @*/
    for (int i = 0; i < len; i++) {
      acc = acc + x[i] * q[i];
    }
    return acc;
  }

  /**
   * A functional clause in a {@code -KeY} annotation, as the kernel writes the contracts only
   * OpenJML proves: wrong (the 4-bit half of a code is code / 8, not code / 16). If OpenJML
   * skipped such annotations, this would be reported valid.
   */
  /*@ public normal_behavior
    @   requires 0 <= code && code <= 127;
    @   ensures 0 <= \result && \result <= 15;
    @*/
  /*-KeY@ also public normal_behavior
    @   requires 0 <= code && code <= 127;
    @   ensures \result == code / 16;
    @*/
  public static int highHalfWrong(int code) {
    return code / 8;
  }

  /** The same with the correct clause. */
  /*@ public normal_behavior
    @   requires 0 <= code && code <= 127;
    @   ensures 0 <= \result && \result <= 15;
    @*/
  /*-KeY@ also public normal_behavior
    @   requires 0 <= code && code <= 127;
    @   ensures \result == code / 8;
    @*/
  public static int highHalf(int code) {
    return code / 8;
  }

  // A proof lemma (a JML model method with a body, as the kernel's stream round trip uses):
  // wrong, since the square of 0 is not positive. A proof that calls a lemma rests on its
  // contract, so the lemma itself must be verified and reported like a method.
  /*-KeY@ public normal_behavior
    @   requires -1000 <= x && x <= 1000;
    @   ensures \result && x * x > 0;
    @ model public static pure boolean squarePositiveWrong(int x) { return true; }
    @*/

  // The same lemma with the correct clause.
  /*-KeY@ public normal_behavior
    @   requires -1000 <= x && x <= 1000;
    @   ensures \result && x * x >= 0;
    @ model public static pure boolean squareNonNegative(int x) { return true; }
    @*/
}
