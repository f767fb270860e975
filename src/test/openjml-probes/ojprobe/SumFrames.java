package ojprobe;

/**
 * Probes of what OpenJML 0.17.0-alpha-15 proves about a heap-reading recursive sum, the form
 * that matvecInt's exact per-group sums would take in a tool without {@code \sum}. Not part of
 * the kernel's certificate: OpenJmlSumFrameProbeTest records which of these verify, so that a
 * change in OpenJML's behaviour shows (spec/verification.md section 5).
 */
public final class SumFrames {

  private SumFrames() {}

  // The sum's limited twin: no value contract, so z3 never unfolds it. With dotSpec's step
  // written over dotSpec itself, every dotSpec term made z3 create the next one (a matching
  // loop): the groups loop below ended "unknown" at 120 s instead of failing in 2 s.
  /*@ public normal_behavior
    @   reads x[*], q[*];
    @ model public static pure int dotLim(byte[] x, int xo, byte[] q, int qo, int len);
    @*/

  // The sum of x[xo + i] * q[qo + i] for i < len, defined by its last step.
  /*@ public normal_behavior
    @   requires x != null && q != null && 0 <= len && len <= 1000;
    @   requires 0 <= xo && xo + len <= x.length && 0 <= qo && qo + len <= q.length;
    @   reads x[*], q[*];
    @   ensures \result == dotLim(x, xo, q, qo, len);
    @   ensures len == 0 ==> \result == 0;
    @   ensures len > 0 ==> \result
    @       == dotLim(x, xo, q, qo, len - 1) + x[xo + len - 1] * q[qo + len - 1];
    @ model public static pure int dotSpec(byte[] x, int xo, byte[] q, int qo, int len);
    @*/

  /** A dot product whose result is the recursive sum: verifies. */
  /*@ public normal_behavior
    @   requires x != null && q != null && 0 <= len && len <= 1000;
    @   requires 0 <= xo && xo + len <= x.length && 0 <= qo && qo + len <= q.length;
    @   requires (\forall int i; 0 <= i && i < x.length; -127 <= x[i] && x[i] <= 127);
    @   requires (\forall int i; 0 <= i && i < q.length; -8 <= q[i] && q[i] <= 8);
    @   ensures \result == dotSpec(x, xo, q, qo, len);
    @*/
  public static /*@ pure @*/ int dot(byte[] x, int xo, byte[] q, int qo, int len) {
    int acc = 0;
    /*@ loop_invariant 0 <= i && i <= len;
      @ loop_invariant -1016 * i <= acc && acc <= 1016 * i;
      @ loop_invariant acc == dotSpec(x, xo, q, qo, i);
      @ decreases len - i;
      @ loop_assigns i, acc;
      @*/
    for (int i = 0; i < len; i++) {
      acc = acc + x[xo + i] * q[qo + i];
    }
    return acc;
  }

  /**
   * One store into an int array, and a sum over two byte arrays: the postcondition (the sum is
   * what it was) is not established, although {@code reads} names only x and q. (With dotSpec
   * defined over itself and the length fixed at 4, z3 proved it by unfolding the sum to its
   * elements; for a length it does not know, it cannot.)
   */
  /*@ public normal_behavior
    @   requires x != null && q != null && acc != null;
    @   requires x.length == q.length && x.length <= 1000 && acc.length == 2;
    @   assignable acc[*];
    @   ensures acc[0] == 1;
    @   ensures dotSpec(x, 0, q, 0, x.length) == \old(dotSpec(x, 0, q, 0, x.length));
    @*/
  public static void oneStore(byte[] x, byte[] q, int[] acc) {
    acc[0] = 1;
  }

  /**
   * The per-group loop of a row, as matvecInt's would be: after the store into acc, the
   * earlier groups' sums are not known to be unchanged (the third assert is not established).
   */
  /*@ public normal_behavior
    @   requires x != null && q != null && acc != null;
    @   requires 1 <= g && g <= 100 && 1 <= groups && groups <= 100;
    @   requires x.length == g * groups && q.length == g * groups && acc.length == groups;
    @   requires (\forall int i; 0 <= i && i < x.length; -127 <= x[i] && x[i] <= 127);
    @   requires (\forall int i; 0 <= i && i < q.length; -8 <= q[i] && q[i] <= 8);
    @   assignable acc[*];
    @   ensures (\forall int h; 0 <= h && h < groups; acc[h] == dotSpec(x, h * g, q, h * g, g));
    @*/
  public static void groups(byte[] x, byte[] q, int[] acc, int g, int groups) {
    /*@ loop_invariant 0 <= gi && gi <= groups;
      @ loop_invariant (\forall int h; 0 <= h && h < gi;
      @     acc[h] == dotSpec(x, h * g, q, h * g, g));
      @ decreases groups - gi;
      @ loop_assigns gi, acc[*];
      @*/
    for (int gi = 0; gi < groups; gi++) {
      int v = dot(x, gi * g, q, gi * g, g);
      //@ assert (\forall int h; 0 <= h && h < gi; acc[h] == dotSpec(x, h * g, q, h * g, g));
      acc[gi] = v;
      //@ assert acc[gi] == dotSpec(x, gi * g, q, gi * g, g);
      //@ assert (\forall int h; 0 <= h && h < gi; acc[h] == dotSpec(x, h * g, q, h * g, g));
    }
  }
}
