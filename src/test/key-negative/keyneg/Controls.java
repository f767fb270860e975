package keyneg;

/**
 * Negative controls of the KeY runner (KeyNegativeControlTest). Each method named "...Wrong"
 * carries a deliberately false contract that KeY must leave OPEN; its twin without "Wrong" is
 * the same code with the correct contract, which KeY must CLOSE. If a wrong contract ever
 * closes, the runner's settings are unsound and no proof it reports can be trusted. The sum pair
 * carries the kernel's kind of method-level {@code @SuppressWarnings}, which KeY resolves
 * through the class path src/main/key-classpath.
 */
public final class Controls {

  private Controls() {}

  /** 3-bit half with a range of [-4, 4]: 4 does not fit in 3 bits and comes back as -4. */
  /*@ public normal_behavior
    @   requires -4 <= lo && lo <= 4;
    @   ensures \result == lo;
    @*/
  public static int threeBitRoundTripWrong(int lo) {
    int code = (lo + 8) % 8;
    return code < 4 ? code : code - 8;
  }

  /** The same round trip on the real 3-bit range [-4, 3]. */
  /*@ public normal_behavior
    @   requires -4 <= lo && lo <= 3;
    @   ensures \result == lo;
    @*/
  public static int threeBitRoundTrip(int lo) {
    int code = (lo + 8) % 8;
    return code < 4 ? code : code - 8;
  }

  /** One bounded product, as IntDot.mulBounded. */
  /*@ public normal_behavior
    @   requires -127 <= x && x <= 127 && -8 <= q && q <= 8;
    @   ensures \result == x * q;
    @   ensures -1016 <= \result && \result <= 1016;
    @*/
  public static /*@ pure @*/ int mul(int x, int q) {
    return x * q;
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
      @ assignable \nothing;
      @*/
    for (int i = 0; i < len; i++) {
      acc = acc + mul(x[i], q[i]);
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
      @ assignable \nothing;
      @*/
    for (int i = 0; i < len; i++) {
      acc = acc + mul(x[i], q[i]);
    }
    return acc;
  }

  /** Sum whose loop runs one index too far (i <= len): reads x[off + len]. */
  /*@ public normal_behavior
    @   requires x != null && 0 <= off && 0 <= len && len <= 1000 && off + len <= x.length;
    @   requires (\forall int k; 0 <= k && k < x.length; -128 <= x[k] && x[k] <= 127);
    @   ensures -128 * (len + 1) <= \result && \result <= 127 * (len + 1);
    @*/
  // The kernel's form of an Index Checker suppression: it must not change what KeY proves
  @SuppressWarnings({"index:array.access.unsafe.high", "index:array.access.unsafe.low"})
  public static int sumWrong(byte[] x, int off, int len) {
    int s = 0;
    /*@ loop_invariant 0 <= i && i <= len + 1;
      @ loop_invariant -128 * i <= s && s <= 127 * i;
      @ decreases len + 1 - i;
      @ assignable \nothing;
      @*/
    for (int i = 0; i <= len; i++) {
      s = s + x[off + i];
    }
    return s;
  }

  /** The same sum with the correct loop bound (i < len). */
  /*@ public normal_behavior
    @   requires x != null && 0 <= off && 0 <= len && len <= 1000 && off + len <= x.length;
    @   requires (\forall int k; 0 <= k && k < x.length; -128 <= x[k] && x[k] <= 127);
    @   ensures -128 * len <= \result && \result <= 127 * len;
    @*/
  // The kernel's form of an Index Checker suppression: it must not change what KeY proves
  @SuppressWarnings({"index:array.access.unsafe.high", "index:array.access.unsafe.low"})
  public static int sum(byte[] x, int off, int len) {
    int s = 0;
    /*@ loop_invariant 0 <= i && i <= len;
      @ loop_invariant -128 * i <= s && s <= 127 * i;
      @ decreases len - i;
      @ assignable \nothing;
      @*/
    for (int i = 0; i < len; i++) {
      s = s + x[off + i];
    }
    return s;
  }

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

  /**
   * A false clause that only KeY reads ({@code +KeY}): KeY must see it, so the proof stays
   * open. The kernel's KeY-only clauses (\sum) are trusted only because this one fails.
   */
  /*@ public normal_behavior
    @   requires 0 <= x && x < 100;
    @*/
  /*+KeY@ ensures \result == x + 2;
    @*/
  public static int keyOnlyWrong(int x) {
    return x + 1;
  }

  /**
   * A false clause hidden from KeY ({@code -KeY}, read by OpenJML only): KeY must ignore it, so
   * the proof closes; the kernel writes loop invariants over float locals this way.
   */
  /*@ public normal_behavior
    @   requires 0 <= x && x < 100;
    @   ensures \result == x + 1;
    @*/
  /*-KeY@ ensures \result == x + 2;
    @*/
  public static int notForKey(int x) {
    return x + 1;
  }

  /**
   * The cast rules of proofs/taclets/float-casts.key assume nothing about a cast's value: a
   * claim about it (false for t = 1.0) must stay open.
   */
  /*@ public normal_behavior
    @   ensures \result == 0;
    @*/
  public static int castValueWrong(float t) {
    return (int) (double) t;
  }

  /** Nor is the cast's result assumed to be small: adding 1 may overflow (t = 2^31). */
  /*@ public normal_behavior
    @   ensures true;
    @*/
  public static int castThenIncrementWrong(double t) {
    return (int) t + 1;
  }

  /** What the rules do let KeY prove: facts that do not depend on the cast's value. */
  /*@ public normal_behavior
    @   ensures 0 <= \result && \result <= 7;
    @*/
  public static int castClamped(float t) {
    int r = (int) ((double) t / 3.0);
    return r < 0 ? 0 : (r > 7 ? 7 : r);
  }

  /** The narrowing cast to float is executed too; its value is not assumed either. */
  /*@ public normal_behavior
    @   ensures \result == 1.0f;
    @*/
  public static float narrowValueWrong(double t) {
    return (float) t;
  }

  /**
   * The long cast's rule assumes only that its result is a long: its value stays unknown (false
   * for t = 1.0)...
   */
  /*@ public normal_behavior
    @   ensures \result == 0;
    @*/
  public static long longCastValueWrong(float t) {
    return (long) (double) t;
  }

  /** ...and it may be the largest long, so adding 1 may overflow (t = 2^63). */
  /*@ public normal_behavior
    @   ensures true;
    @*/
  public static long longCastThenIncrementWrong(double t) {
    return (long) t + 1;
  }

  /**
   * The definition rules of proofs/taclets/weights.key, turned on for this contract (as the
   * manifest does for codeAt's): code 0 of a block is the low 7 bits of its first byte.
   */
  /*+KeY@ public normal_behavior
    @   requires -128 <= y && y <= 127;
    @   ensures \result == \dl_q35CodeOf(0, y, 0);
    @*/
  public static int blockCodeZero(int y) {
    return (y < 0 ? y + 256 : y) % 128;
  }

  /** The same claim over the low 6 bits (false for y = 64): the definition must not prove it. */
  /*+KeY@ public normal_behavior
    @   requires -128 <= y && y <= 127;
    @   ensures \result == \dl_q35CodeOf(0, y, 0);
    @*/
  public static int blockCodeZeroWrong(int y) {
    return (y < 0 ? y + 256 : y) % 64;
  }

  /**
   * The correct claim with the definition rules left off (KeY's default, and every kernel
   * contract's but codeAt's second case): the symbol is opaque, so it stays open.
   */
  /*+KeY@ public normal_behavior
    @   requires -128 <= y && y <= 127;
    @   ensures \result == \dl_q35CodeOf(0, y, 0);
    @*/
  public static int blockCodeZeroRulesOff(int y) {
    return (y < 0 ? y + 256 : y) % 128;
  }

  /** The 4-bit half of code c without its sign (false for c >= 64), rules on: must stay open. */
  /*+KeY@ public normal_behavior
    @   requires 0 <= c && c <= 127;
    @   ensures \result == \dl_q35Half(c, 0);
    @*/
  public static int highHalfWrong(int c) {
    return c / 8;
  }

  /** The signed 4-bit half of code c, rules on: closes. */
  /*+KeY@ public normal_behavior
    @   requires 0 <= c && c <= 127;
    @   ensures \result == \dl_q35Half(c, 0);
    @*/
  public static int highHalf(int c) {
    return c / 8 < 8 ? c / 8 : c / 8 - 16;
  }

  /**
   * The position-level definitions (weightAt and its byte indices, then pairHalfOf, turned on as
   * the manifest does for positionValue and evenValue): INT4 position 0 of a row is the signed
   * low nibble of byte 0.
   */
  /*+KeY@ public normal_behavior
    @   requires -128 <= y && y <= 127;
    @   ensures \result == \dl_weightAt(4, y, y, 0) && \dl_weightFirstByte(4, 0) == 0;
    @*/
  public static int int4PositionZero(int y) {
    int nibble = (y < 0 ? y + 256 : y) % 16;
    return nibble < 8 ? nibble : nibble - 16;
  }

  /** The high nibble claimed for position 0 (false for y = 16): must stay open. */
  /*+KeY@ public normal_behavior
    @   requires -128 <= y && y <= 127;
    @   ensures \result == \dl_weightAt(4, y, y, 0);
    @*/
  public static int int4PositionZeroWrong(int y) {
    int nibble = (y < 0 ? y + 256 : y) / 16;
    return nibble < 8 ? nibble : nibble - 16;
  }

  /**
   * Proved by a proof script (src/test/key-negative-scripts/instance.script), run with
   * quantifier instantiation off: the script's one instance, i = p, closes it.
   */
  /*@ public normal_behavior
    @   requires a != null && 0 <= p && p < a.length;
    @   requires (\forall int i; 0 <= i && i < a.length; a[i] > 7);
    @   ensures a[p] > 5;
    @   assignable \nothing;
    @*/
  public static void scriptInstance(int[] a, int p) {}

  /** The same contract without the script: with instantiation off it stays open. */
  /*@ public normal_behavior
    @   requires a != null && 0 <= p && p < a.length;
    @   requires (\forall int i; 0 <= i && i < a.length; a[i] > 7);
    @   ensures a[p] > 5;
    @   assignable \nothing;
    @*/
  public static void scriptInstanceNoScript(int[] a, int p) {}

  /** A false bound with the same script: the instance gives a[p] > 7, not a[p] > 8. */
  /*@ public normal_behavior
    @   requires a != null && 0 <= p && p < a.length;
    @   requires (\forall int i; 0 <= i && i < a.length; a[i] > 7);
    @   ensures a[p] > 8;
    @   assignable \nothing;
    @*/
  public static void scriptInstanceWrong(int[] a, int p) {}
}
