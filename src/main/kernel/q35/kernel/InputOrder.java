package q35.kernel;

/**
 * Input orders (spec/format.md section 6): a matrix may store its inputs permuted, stored
 * position j holding original input {@code order[j]}. Its product reads the activations in the
 * same order, {@code x[order[j]]} at position j, so the permutation changes which weights share
 * a pair and a group, never the sum the matrix stands for.
 */
public final class InputOrder {

  private InputOrder() {}

  /**
   * Checks that {@code order[0..k)} is a permutation of 0 .. k - 1 (error INPUT_ORDER) and
   * writes its inverse: {@code inverse[order[j]] = j}.
   */
  /*@ public normal_behavior
    @   requires order != null && inverse != null && order != inverse;
    @   requires 0 <= k && k <= order.length && k <= inverse.length;
    @   requires (\forall int i; 0 <= i && i < k; 0 <= order[i] && order[i] < k);
    @   requires (\forall int i, j; 0 <= i && i < j && j < k; order[i] != order[j]);
    @   assignable inverse[*];
    @   ensures (\forall int j; 0 <= j && j < k; inverse[order[j]] == j);
    @ also public exceptional_behavior
    @   requires order != null && inverse != null && order != inverse;
    @   requires 0 <= k && k <= order.length && k <= inverse.length;
    @   requires !((\forall int i; 0 <= i && i < k; 0 <= order[i] && order[i] < k)
    @       && (\forall int i, j; 0 <= i && i < j && j < k; order[i] != order[j]));
    @   signals_only IllegalArgumentException;
    @   assignable inverse[*];
    @*/
  // bounds verified by OpenJML (KeY leaves check open: proofs/manifest.json says why)
  @SuppressWarnings("index")
  public static void check(int[] order, int k, int[] inverse) {
    // Ranges first, before anything is written.
    /*@ loop_invariant 0 <= r && r <= k;
      @ loop_invariant (\forall int t; 0 <= t && t < r; 0 <= order[t] && order[t] < k);
      @ decreases k - r;
      @ loop_assigns r;
      @*/
    for (int r = 0; r < k; r++) {
      if (order[r] < 0 || order[r] >= k) {
        throw Errors.of("INPUT_ORDER: entry ", r, " is ", order[r], ", outside the inputs");
      }
    }
    /*@ loop_invariant 0 <= v && v <= k;
      @ loop_invariant (\forall int t; 0 <= t && t < v; inverse[t] == -1);
      @ decreases k - v;
      @ loop_assigns v, inverse[*];
      @*/
    for (int v = 0; v < k; v++) {
      inverse[v] = -1;
    }
    // inverse[v] = -1 until some entry holds v, then that entry: a repeat is found in one pass,
    // and the earlier entry is the proof's witness. The loop stops at the first repeat.
    int repeat = -1;
    /*@ loop_invariant 0 <= i && i <= k && repeat == -1;
      @ loop_invariant (\forall int t; 0 <= t && t < k; 0 <= order[t] && order[t] < k);
      @ loop_invariant (\forall int j; 0 <= j && j < i; inverse[order[j]] == j);
      @ loop_invariant (\forall int u; 0 <= u && u < k; inverse[u] == -1
      @     || (0 <= inverse[u] && inverse[u] < i && order[inverse[u]] == u));
      @ decreases k - i;
      @ loop_assigns i, repeat, inverse[*];
      @*/
    for (int i = 0; i < k; i++) {
      if (inverse[order[i]] != -1) {
        repeat = i;
        break;
      }
      inverse[order[i]] = i;
    }
    if (repeat >= 0) {
      throw Errors.of("INPUT_ORDER: entry ", repeat, " repeats input ", order[repeat],
          ", held by an earlier entry");
    }
  }

  /**
   * Gathers the activations in stored order: {@code out[outOff + j] = x[xOff + order[j]]} for
   * j &lt; k (a copy, so equal values, NaN copied as NaN).
   */
  /*@ public normal_behavior
    @   requires x != null && order != null && out != null && x != out;
    @   requires 0 <= k && k <= order.length;
    @   requires 0 <= xOff && xOff + k <= x.length && 0 <= outOff && outOff + k <= out.length;
    @   requires (\forall int i; 0 <= i && i < k; 0 <= order[i] && order[i] < k);
    @   assignable out[outOff .. outOff + k - 1];
    @   ensures (\forall int j; 0 <= j && j < k; out[outOff + j] == x[xOff + order[j]]
    @       || (out[outOff + j] != out[outOff + j] && x[xOff + order[j]] != x[xOff + order[j]]));
    @*/
  // bounds proved by KeY: gather's contract proved (runtimeExceptions:ban)
  @SuppressWarnings("index")
  public static void gather(float[] x, int xOff, int[] order, int k, float[] out, int outOff) {
    /*@ loop_invariant 0 <= j && j <= k;
      @ loop_invariant (\forall int t; 0 <= t && t < j; out[outOff + t] == x[xOff + order[t]]
      @     || (out[outOff + t] != out[outOff + t] && x[xOff + order[t]] != x[xOff + order[t]]));
      @ decreases k - j;
      @ loop_assigns j, out[outOff .. outOff + k - 1];
      @*/
    for (int j = 0; j < k; j++) {
      out[outOff + j] = x[xOff + order[j]];
    }
  }
}
