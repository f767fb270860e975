package q35.kernel;

/**
 * Quantized weight matrices: n output rows of k inputs, grouped along k (spec/format.md
 * section 3). One API serves the q35 format and the INT4 baseline, chosen by {@code format}.
 *
 * <p>Layout: row j's packed bytes start at {@code j * rowBytes(format, k)}; the scale and offset
 * of row j, group gi sit at index {@code j * groupCount(k, g) + gi}.
 *
 * <p>Contracts spell {@code rowBytes(format, k)} out as
 * {@code (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2)}: KeY evaluates a method
 * call in a precondition by running the method, and the larger proofs did not finish that.
 *
 * <p>No output on refusal (spec/quantization.md section 5): every public method checks all of
 * its input (shapes, values, then the padding of every row) before it writes anything, and
 * then computes with private helpers that cannot fail. The contracts say so with a
 * {@code signals} clause: on IllegalArgumentException every output element keeps its old value
 * (for floats: equal, or NaN before and after, because {@code ==} on floats is IEEE equality,
 * under which a NaN differs from itself).
 */
public final class QuantMatrix {

  /** The q35 format: 7-bit pair codes, 3.5 bits per weight. */
  public static final int FORMAT_Q35 = 35;
  /** The INT4 baseline: two 4-bit values per byte. */
  public static final int FORMAT_INT4 = 4;

  private QuantMatrix() {}

  /** Checks that {@code format} is one of the two formats. */
  /*@ public normal_behavior
    @   requires format == FORMAT_Q35 || format == FORMAT_INT4;
    @   assignable \nothing;
    @ also public exceptional_behavior
    @   requires format != FORMAT_Q35 && format != FORMAT_INT4;
    @   signals_only IllegalArgumentException;
    @   assignable \nothing;
    @*/
  public static void checkFormat(int format) {
    if (format != FORMAT_Q35 && format != FORMAT_INT4) {
      throw Errors.of("FORMAT: unknown weight format ", format, "");
    }
  }

  /** Bytes of one packed row: 7 * ceil(k / 16) for q35, ceil(k / 2) for INT4. */
  /*@ public normal_behavior
    @   requires (format == FORMAT_Q35 || format == FORMAT_INT4) && 1 <= k && k <= IntDot.MAX_K;
    @   ensures format == FORMAT_Q35 ==> \result == 7 * ((k + 15) / 16);
    @   ensures format == FORMAT_INT4 ==> \result == (k + 1) / 2;
    @   ensures 1 <= \result && \result <= k + 15;
    @   ensures format == FORMAT_Q35 ==> k <= 16 * ((k + 15) / 16) && 16 * ((k + 15) / 16) < k + 16;
    @   ensures format == FORMAT_INT4 ==> k <= 2 * \result && 2 * \result <= k + 1;
    @*/
  public static /*@ pure @*/ int rowBytes(int format, int k) {
    if (format == FORMAT_Q35) {
      return 7 * blocksOf(k);
    }
    return (k + 1) / 2;
  }

  /** Number of 16-weight blocks (7 bytes each) of a q35 row: ceil(k / 16). */
  /*@ private normal_behavior
    @   requires 1 <= k && k <= IntDot.MAX_K;
    @   ensures \result == (k + 15) / 16;
    @   ensures k <= 16 * \result && 16 * \result < k + 16;
    @*/
  private static /*@ pure @*/ int blocksOf(int k) {
    return (k + 15) / 16;
  }

  /**
   * Number of pairs of positions a packed row holds, padding included: 8 per 7-byte block for
   * q35, one per byte for INT4.
   */
  /*@ private normal_behavior
    @   requires (format == FORMAT_Q35 || format == FORMAT_INT4) && 1 <= k && k <= IntDot.MAX_K;
    @   ensures format == FORMAT_Q35 ==> \result == 8 * ((k + 15) / 16);
    @   ensures format == FORMAT_INT4 ==> \result == (k + 1) / 2;
    @   ensures k <= 2 * \result && 2 * \result <= k + 15;
    @*/
  private static /*@ pure @*/ int pairsOf(int format, int k) {
    if (format == FORMAT_Q35) {
      return 8 * blocksOf(k);
    }
    return rowBytes(format, k);
  }

  /** The pair that holds position {@code p}: p / 2. */
  /*@ private normal_behavior
    @   requires 0 <= p;
    @   ensures \result == p / 2 && 2 * \result <= p && p <= 2 * \result + 1;
    @*/
  private static /*@ pure @*/ int pairOf(int p) {
    return p / 2;
  }

  /**
   * Offset of row {@code j} of {@code n} rows of {@code r} elements: j * r. A method of its own
   * because the bound j * r + r <= n * r is non-linear: its contract hands it to callers as a
   * fact (spec/verification.md section 4).
   */
  /*@ private normal_behavior
    @   requires 0 <= j && j < n && 0 <= r && n * r <= 2147483647;
    @   ensures \result == j * r && 0 <= \result && \result + r <= n * r;
    @*/
  private static /*@ pure @*/ int rowOffset(int j, int n, int r) {
    return j * r;
  }

  /**
   * Where row {@code row} of {@code len} elements starts in an array of {@code total}: row *
   * len, with row * len + len <= total (the single-row form of rowOffset).
   */
  /*@ private normal_behavior
    @   requires 0 <= row && 0 <= len && (row + 1) * len <= total;
    @   ensures \result == row * len && 0 <= \result && \result + len <= total;
    @*/
  private static /*@ pure @*/ int rowStart(int row, int len, int total) {
    return row * len;
  }

  /** Validates format, shape and array lengths shared by every matrix operation. */
  /*@ private normal_behavior
    @   requires packed != null && scales != null && offsets != null;
    @   requires format == FORMAT_Q35 || format == FORMAT_INT4;
    @   requires 1 <= n && 1 <= k && k <= IntDot.MAX_K && 1 <= g && g <= k && (g == k || g % 2 == 0);
    @   requires packed.length
    @         == n * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2);
    @   requires scales.length == n * ((k + g - 1) / g) && offsets.length == scales.length;
    @   assignable \nothing;
    @ also private exceptional_behavior
    @   requires packed != null && scales != null && offsets != null;
    @   requires !(format == FORMAT_Q35 || format == FORMAT_INT4)
    @         || !(1 <= n && 1 <= k && k <= IntDot.MAX_K && 1 <= g && g <= k && (g == k || g % 2 == 0));
    @   signals_only IllegalArgumentException;
    @   assignable \nothing;
    @*/
  private static void checkMatrix(int format, int n, int k, int g, byte[] packed, float[] scales,
      float[] offsets) {
    checkFormat(format);
    WeightQuant.checkShape(n, k, g);
    WeightQuant.checkLength("packed", packed.length, n, rowBytes(format, k));
    int groups = WeightQuant.groupCount(k, g);
    WeightQuant.checkLength("scales", scales.length, n, groups);
    WeightQuant.checkLength("offsets", offsets.length, n, groups);
  }

  /**
   * Quantizes a row-major float matrix {@code w} (n rows of k) into {@code packed},
   * {@code scales} and {@code offsets}. Rejects NaN, infinity and |w| > 2^32 before writing
   * anything.
   */
  /*@ public normal_behavior
    @   requires w != null && packed != null && scales != null && offsets != null;
    @   requires format == FORMAT_Q35 || format == FORMAT_INT4;
    @   requires 1 <= n && 1 <= k && k <= IntDot.MAX_K && 1 <= g && g <= k && (g == k || g % 2 == 0);
    @   requires w.length == n * k;
    @   requires packed.length
    @         == n * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2);
    @   requires scales.length == n * ((k + g - 1) / g) && offsets.length == scales.length;
    @   requires scales != offsets;
    @   requires (\forall int i; 0 <= i && i < w.length;
    @             Rounding.VALUE_MIN <= w[i] && w[i] <= Rounding.VALUE_LIMIT);
    @   assignable packed[*], scales[*], offsets[*];
    @ also public exceptional_behavior
    @   requires w != null && packed != null && scales != null && offsets != null;
    @   requires format == FORMAT_Q35 || format == FORMAT_INT4;
    @   requires 1 <= n && 1 <= k && k <= IntDot.MAX_K && 1 <= g && g <= k && (g == k || g % 2 == 0);
    @   requires w.length == n * k;
    @   requires packed.length
    @         == n * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2);
    @   requires scales.length == n * ((k + g - 1) / g) && offsets.length == scales.length;
    @   requires !Rounding.allInRange(w, 0, w.length);
    @   signals_only IllegalArgumentException;
    @   assignable \nothing;
    @*/
  public static void quantize(int format, float[] w, int n, int k, int g, byte[] packed,
      float[] scales, float[] offsets) {
    checkQuantize(format, w, n, k, g, packed, scales, offsets);
    quantizeRows(format, w, n, k, g, packed, scales, offsets);
  }

  /**
   * quantize's checks, in its order (format, shape, lengths, then the weights' values); writes
   * nothing. The second case says that a normal return means every weight was in range, so
   * the public method's refusal case follows from it. Both say it with the same query,
   * Rounding.allInRange, read in the caller's heap (\old), so KeY closes the refusal by
   * matching the two terms: spelled out as a \forall over float comparisons, it needed an
   * instance at the refusal's witness that KeY's heuristics do not make for floats.
   */
  /*@ private normal_behavior
    @   requires w != null && packed != null && scales != null && offsets != null;
    @   requires format == FORMAT_Q35 || format == FORMAT_INT4;
    @   requires 1 <= n && 1 <= k && k <= IntDot.MAX_K && 1 <= g && g <= k && (g == k || g % 2 == 0);
    @   requires w.length == n * k;
    @   requires packed.length
    @         == n * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2);
    @   requires scales.length == n * ((k + g - 1) / g) && offsets.length == scales.length;
    @   requires (\forall int i; 0 <= i && i < w.length;
    @             Rounding.VALUE_MIN <= w[i] && w[i] <= Rounding.VALUE_LIMIT);
    @   assignable \nothing;
    @ also private behavior
    @   requires w != null && packed != null && scales != null && offsets != null;
    @   requires format == FORMAT_Q35 || format == FORMAT_INT4;
    @   requires 1 <= n && 1 <= k && k <= IntDot.MAX_K && 1 <= g && g <= k && (g == k || g % 2 == 0);
    @   requires w.length == n * k;
    @   requires packed.length
    @         == n * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2);
    @   requires scales.length == n * ((k + g - 1) / g) && offsets.length == scales.length;
    @   assignable \nothing;
    @   ensures \old(Rounding.allInRange(w, 0, w.length));
    @   signals_only IllegalArgumentException;
    @*/
  private static void checkQuantize(int format, float[] w, int n, int k, int g, byte[] packed,
      float[] scales, float[] offsets) {
    checkMatrixAndLength(format, n, k, g, packed, scales, offsets, "weights", w.length, k);
    Rounding.requireFinite(w, 0, w.length, "weight");
  }

  /**
   * checkMatrix, then the length check of a second array of n rows of {@code perRow} elements
   * (named {@code what} in the message). Reads no array element: a caller that checks values
   * next carries them through one call only.
   */
  /*@ private normal_behavior
    @   requires packed != null && scales != null && offsets != null;
    @   requires format == FORMAT_Q35 || format == FORMAT_INT4;
    @   requires 1 <= n && 1 <= k && k <= IntDot.MAX_K && 1 <= g && g <= k && (g == k || g % 2 == 0);
    @   requires packed.length
    @         == n * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2);
    @   requires scales.length == n * ((k + g - 1) / g) && offsets.length == scales.length;
    @   requires actual == n * perRow;
    @   assignable \nothing;
    @*/
  private static void checkMatrixAndLength(int format, int n, int k, int g, byte[] packed,
      float[] scales, float[] offsets, String what, int actual, int perRow) {
    checkMatrix(format, n, k, g, packed, scales, offsets);
    WeightQuant.checkLength(what, actual, n, perRow);
  }

  /** quantize on checked input: quantizes and packs row after row. */
  /*@ private normal_behavior
    @   requires w != null && packed != null && scales != null && offsets != null;
    @   requires format == FORMAT_Q35 || format == FORMAT_INT4;
    @   requires 1 <= n && 1 <= k && k <= IntDot.MAX_K && 1 <= g && g <= k;
    @   requires w.length == n * k;
    @   requires packed.length
    @         == n * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2);
    @   requires scales.length == n * ((k + g - 1) / g) && offsets.length == scales.length;
    @   requires scales != offsets;
    @   assignable packed[*], scales[*], offsets[*];
    @*/
  // bounds proved by KeY: quantizeRows safety contract (runtimeExceptions:ban)
  @SuppressWarnings("index:array.length.negative")
  private static void quantizeRows(int format, float[] w, int n, int k, int g, byte[] packed,
      float[] scales, float[] offsets) {
    int groups = WeightQuant.groupCount(k, g);
    int bytes = rowBytes(format, k);
    int[] lattice = new int[k];
    /*@ loop_invariant 0 <= j && j <= n;
      @ decreases n - j;
      @ loop_assigns j, lattice[*], packed[*], scales[*], offsets[*];
      @*/
    for (int j = 0; j < n; j++) {
      quantizeRowAt(format, w, j, n, k, g, groups, bytes, lattice, packed, scales, offsets);
    }
  }

  /** Row j of quantizeRows: quantizes it into {@code lattice} and packs it into its bytes. */
  /*@ private normal_behavior
    @   requires w != null && packed != null && scales != null && offsets != null && lattice != null;
    @   requires format == FORMAT_Q35 || format == FORMAT_INT4;
    @   requires 1 <= k && k <= IntDot.MAX_K && 1 <= g && g <= k && 0 <= j && j < n;
    @   requires groups == (k + g - 1) / g && 1 <= groups && lattice.length == k;
    @   requires bytes == (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2) && 1 <= bytes;
    @   requires w.length == n * k && packed.length == n * bytes;
    @   requires scales.length == n * groups && offsets.length == scales.length;
    @   requires scales != offsets;
    @   assignable lattice[*], packed[*], scales[*], offsets[*];
    @*/
  // bounds proved by KeY: quantizeRowAt safety contract (runtimeExceptions:ban)
  @SuppressWarnings("index:argument")
  private static void quantizeRowAt(int format, float[] w, int j, int n, int k, int g,
      int groups, int bytes, int[] lattice, byte[] packed, float[] scales, float[] offsets) {
    WeightQuant.quantizeRow(w, rowOffset(j, n, k), k, g, format == FORMAT_Q35, lattice, scales,
        offsets, rowOffset(j, n, groups));
    packRow(format, lattice, k, packed, rowOffset(j, n, bytes));
  }

  /** Packs one row of lattice values (odd positions even for q35) into its bytes. */
  /*@ public normal_behavior
    @   requires lattice != null && packed != null;
    @   requires (format == FORMAT_Q35 || format == FORMAT_INT4) && 1 <= k && k <= IntDot.MAX_K;
    @   requires k <= lattice.length && 0 <= off;
    @   requires off + (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2) <= packed.length;
    @   requires (\forall int i; 0 <= i && i < k; -8 <= lattice[i] && lattice[i] <= 7);
    @   requires format == FORMAT_Q35 ==> (\forall int pair; 0 <= pair && 2 * pair + 1 < k;
    @             lattice[2 * pair + 1] % 2 == 0 && lattice[2 * pair + 1] <= 6);
    @   assignable packed[off .. off + (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2)
    @                            - 1];
    @*/
  // bounds proved by KeY: packRow safety contract (runtimeExceptions:ban)
  @SuppressWarnings({"index:argument", "index:array.access.unsafe.high",
      "index:array.length.negative"})
  public static void packRow(int format, int[] lattice, int k, byte[] packed, int off) {
    if (format == FORMAT_Q35) {
      int blocks = blocksOf(k);
      int[] codes = new int[8 * blocks];
      pairCodes(lattice, k, codes);
      Codes.packBlocks(codes, blocks, packed, off);
    } else {
      /*@ loop_invariant 0 <= i && 2 * i <= k + 1;
        @ decreases k + 1 - 2 * i;
        @ loop_assigns i, packed[off .. off + (k + 1) / 2 - 1];
        @*/
      for (int i = 0; 2 * i < k; i++) {
        packed[off + i] = (byte) nibbleByte(lattice[2 * i], 2 * i + 1 < k ? lattice[2 * i + 1] : 0);
      }
    }
  }

  /** The INT4 byte of two lattice values, as a Java byte value (Int4Codes.packNibbles). */
  /*@ private normal_behavior
    @   requires -8 <= first && first <= 7 && -8 <= second && second <= 7;
    @   ensures -128 <= \result && \result <= 127;
    @*/
  private static /*@ pure @*/ int nibbleByte(int first, int second) {
    return Codes.toSignedByte(Int4Codes.packNibbles(first, second));
  }

  /**
   * The q35 pair codes of a row: codes[i] packs lattice[2i] and lattice[2i + 1] / 2 (0 past k).
   * The rest of {@code codes} keeps its values, which must be codes too.
   */
  /*@ private normal_behavior
    @   requires lattice != null && codes != null && lattice != codes;
    @   requires 1 <= k && k <= IntDot.MAX_K && k <= lattice.length && k <= 2 * codes.length;
    @   requires (\forall int i; 0 <= i && i < k; -8 <= lattice[i] && lattice[i] <= 7);
    @   requires (\forall int pair; 0 <= pair && 2 * pair + 1 < k;
    @             lattice[2 * pair + 1] % 2 == 0 && lattice[2 * pair + 1] <= 6);
    @   requires (\forall int j; 0 <= j && j < codes.length; 0 <= codes[j] && codes[j] <= 127);
    @   assignable codes[*];
    @   ensures (\forall int j; 0 <= j && j < codes.length; 0 <= codes[j] && codes[j] <= 127);
    @*/
  // bounds proved by KeY: pairCodes safety contract (runtimeExceptions:ban)
  @SuppressWarnings("index")
  private static void pairCodes(int[] lattice, int k, int[] codes) {
    /*@ loop_invariant 0 <= i && 2 * i <= k + 1;
      @ loop_invariant (\forall int j; 0 <= j && j < codes.length; 0 <= codes[j] && codes[j] <= 127);
      @ decreases k + 1 - 2 * i;
      @ loop_assigns i, codes[*];
      @*/
    for (int i = 0; 2 * i < k; i++) {
      codes[i] = pairCode(lattice[2 * i], 2 * i + 1 < k ? lattice[2 * i + 1] : 0);
    }
  }

  /**
   * The q35 code of a pair from its lattice values: {@code first} and the odd-position value
   * 2b, whose 3-bit value is b (Codes.packPair).
   */
  /*@ private normal_behavior
    @   requires -8 <= first && first <= 7 && -8 <= odd && odd <= 6 && odd % 2 == 0;
    @   ensures 0 <= \result && \result <= 127;
    @*/
  private static /*@ pure @*/ int pairCode(int first, int odd) {
    return Codes.packPair(first, odd / 2);
  }

  /**
   * Unpacks row {@code row} into lattice values {@code lattice[0..k)}; rejects a row whose
   * padding (positions k and beyond) is not zero, before writing anything.
   */
  /*@ public behavior
    @   requires packed != null && lattice != null;
    @   requires (format == FORMAT_Q35 || format == FORMAT_INT4) && 1 <= k && k <= IntDot.MAX_K;
    @   requires 0 <= row;
    @   requires (row + 1) * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2) <= packed.length;
    @   requires k <= lattice.length;
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   assignable lattice[0 .. k - 1];
    @   ensures (\forall int i; 0 <= i && i < k; -8 <= lattice[i] && lattice[i] <= 7);
    @   signals_only IllegalArgumentException;
    @   signals (IllegalArgumentException)
    @       (\forall int i; 0 <= i && i < lattice.length; lattice[i] == \old(lattice[i]));
    @*/
  /*-KeY@ also private normal_behavior
    @   requires packed != null && lattice != null;
    @   requires (format == FORMAT_Q35 || format == FORMAT_INT4) && 1 <= k && k <= IntDot.MAX_K;
    @   requires 0 <= row;
    @   requires (row + 1) * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2) <= packed.length;
    @   requires k <= lattice.length;
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   requires (\forall int i; 0 <= i && i < (format == FORMAT_Q35 ? 8 * ((k + 15) / 16) : (k + 1) / 2);
    @         (2 * i >= k ==> evenValue(format, packed, row * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2), i) == 0)
    @         && (2 * i + 1 >= k ==> oddValue(format, packed, row * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2), i) == 0));
    @   assignable lattice[0 .. k - 1];
    @   ensures (\forall int p; 0 <= p && p < k; lattice[p] == (p % 2 == 0
    @       ? evenValue(format, packed, row * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2), p / 2) : oddValue(format, packed, row * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2), p / 2)));
    @ also private exceptional_behavior
    @   requires packed != null && lattice != null;
    @   requires (format == FORMAT_Q35 || format == FORMAT_INT4) && 1 <= k && k <= IntDot.MAX_K;
    @   requires 0 <= row;
    @   requires (row + 1) * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2) <= packed.length;
    @   requires k <= lattice.length;
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   requires (\exists int i; 0 <= i && i < (format == FORMAT_Q35 ? 8 * ((k + 15) / 16) : (k + 1) / 2);
    @         (2 * i >= k && evenValue(format, packed, row * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2), i) != 0)
    @         || (2 * i + 1 >= k && oddValue(format, packed, row * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2), i) != 0));
    @   assignable \nothing;
    @   signals_only IllegalArgumentException;
    @*/
  // bounds proved by KeY: unpackRow safety contract (runtimeExceptions:ban)
  @SuppressWarnings("index")
  public static void unpackRow(int format, byte[] packed, int row, int k, int[] lattice) {
    int off = rowStart(row, rowBytes(format, k), packed.length);
    checkPadding(format, packed, off, row, k);
    unpackPairs(format, packed, off, k, lattice);
  }

  /**
   * Rejects the row at {@code off} (PADDING) if a padding position (k and beyond) holds a
   * non-zero value; only the pairs from the one holding position k on are read.
   */
  /*@ private behavior
    @   requires packed != null;
    @   requires (format == FORMAT_Q35 || format == FORMAT_INT4) && 1 <= k && k <= IntDot.MAX_K;
    @   requires 0 <= off && off + (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2)
    @         <= packed.length;
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   assignable \nothing;
    @   signals_only IllegalArgumentException;
    @*/
  /*-KeY@ also private normal_behavior
    @   requires packed != null;
    @   requires (format == FORMAT_Q35 || format == FORMAT_INT4) && 1 <= k && k <= IntDot.MAX_K;
    @   requires 0 <= off && off + (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2)
    @         <= packed.length;
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   requires (\forall int i; 0 <= i && i < (format == FORMAT_Q35 ? 8 * ((k + 15) / 16) : (k + 1) / 2);
    @         (2 * i >= k ==> evenValue(format, packed, off, i) == 0)
    @         && (2 * i + 1 >= k ==> oddValue(format, packed, off, i) == 0));
    @   assignable \nothing;
    @ also private exceptional_behavior
    @   requires packed != null;
    @   requires (format == FORMAT_Q35 || format == FORMAT_INT4) && 1 <= k && k <= IntDot.MAX_K;
    @   requires 0 <= off && off + (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2)
    @         <= packed.length;
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   requires (\exists int i; 0 <= i && i < (format == FORMAT_Q35 ? 8 * ((k + 15) / 16) : (k + 1) / 2);
    @         (2 * i >= k && evenValue(format, packed, off, i) != 0)
    @         || (2 * i + 1 >= k && oddValue(format, packed, off, i) != 0));
    @   assignable \nothing;
    @   signals_only IllegalArgumentException;
    @*/
  private static void checkPadding(int format, byte[] packed, int off, int row, int k) {
    int pairs = pairsOf(format, k);
    /*@ loop_invariant 0 <= i && i <= pairs;
      @ decreases pairs - i;
      @ loop_assigns i;
      @*/
    /*-KeY@ loop_invariant pairOf(k) <= i;
      @ loop_invariant (\forall int j; 0 <= j && j < i;
      @     (2 * j >= k ==> evenValue(format, packed, off, j) == 0)
      @     && (2 * j + 1 >= k ==> oddValue(format, packed, off, j) == 0));
      @*/
    for (int i = pairOf(k); i < pairs; i++) {
      checkPair(format, packed, off, row, k, i);
    }
  }

  /** Rejects pair {@code i} of the row at {@code off} if a half of it past k is not zero. */
  /*@ private behavior
    @   requires packed != null && (format == FORMAT_Q35 || format == FORMAT_INT4);
    @   requires 1 <= k && k <= IntDot.MAX_K && 0 <= off && 0 <= i && 2 * i <= k + 15;
    @   requires format == FORMAT_Q35 ==> 7 * i + 7 <= 8 * (packed.length - off);
    @   requires format == FORMAT_INT4 ==> off + i < packed.length;
    @   requires (\forall int j; 0 <= j && j < packed.length; -128 <= packed[j] && packed[j] <= 127);
    @   assignable \nothing;
    @   signals_only IllegalArgumentException;
    @*/
  /*-KeY@ also private normal_behavior
    @   requires packed != null && (format == FORMAT_Q35 || format == FORMAT_INT4);
    @   requires 1 <= k && k <= IntDot.MAX_K && 0 <= off && 0 <= i && 2 * i <= k + 15;
    @   requires format == FORMAT_Q35 ==> 7 * i + 7 <= 8 * (packed.length - off);
    @   requires format == FORMAT_INT4 ==> off + i < packed.length;
    @   requires (\forall int j; 0 <= j && j < packed.length; -128 <= packed[j] && packed[j] <= 127);
    @   requires (2 * i >= k ==> evenValue(format, packed, off, i) == 0)
    @         && (2 * i + 1 >= k ==> oddValue(format, packed, off, i) == 0);
    @   assignable \nothing;
    @ also private exceptional_behavior
    @   requires packed != null && (format == FORMAT_Q35 || format == FORMAT_INT4);
    @   requires 1 <= k && k <= IntDot.MAX_K && 0 <= off && 0 <= i && 2 * i <= k + 15;
    @   requires format == FORMAT_Q35 ==> 7 * i + 7 <= 8 * (packed.length - off);
    @   requires format == FORMAT_INT4 ==> off + i < packed.length;
    @   requires (\forall int j; 0 <= j && j < packed.length; -128 <= packed[j] && packed[j] <= 127);
    @   requires (2 * i >= k && evenValue(format, packed, off, i) != 0)
    @         || (2 * i + 1 >= k && oddValue(format, packed, off, i) != 0);
    @   assignable \nothing;
    @   signals_only IllegalArgumentException;
    @*/
  private static void checkPair(int format, byte[] packed, int off, int row, int k, int i) {
    int first = evenValue(format, packed, off, i);
    if (2 * i >= k && first != 0) {
      throw paddingError(row, 2 * i, k, first);
    }
    int second = oddValue(format, packed, off, i);
    if (2 * i + 1 >= k && second != 0) {
      throw paddingError(row, 2 * i + 1, k, second);
    }
  }

  /** The lattice values of positions [0, k) of the row at {@code off}; padding is not read. */
  /*@ private normal_behavior
    @   requires packed != null && lattice != null;
    @   requires (format == FORMAT_Q35 || format == FORMAT_INT4) && 1 <= k && k <= IntDot.MAX_K;
    @   requires 0 <= off && off + (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2)
    @         <= packed.length;
    @   requires k <= lattice.length;
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   assignable lattice[0 .. k - 1];
    @   ensures (\forall int i; 0 <= i && i < k; -8 <= lattice[i] && lattice[i] <= 7);
    @*/
  /*+KeY@ ensures (\forall int p; 0 <= p && p < k; lattice[p] ==
    @       \dl_weightAt(format, packed[off + \dl_weightFirstByte(format, p)],
    @           packed[off + \dl_weightLastByte(format, p)], p));
    @*/
  /*-KeY@ also private normal_behavior
    @   requires packed != null && lattice != null;
    @   requires (format == FORMAT_Q35 || format == FORMAT_INT4) && 1 <= k && k <= IntDot.MAX_K;
    @   requires 0 <= off && off + (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2)
    @         <= packed.length;
    @   requires k <= lattice.length;
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   assignable lattice[0 .. k - 1];
    @   ensures (\forall int p; 0 <= p && p < k; lattice[p]
    @       == (p % 2 == 0 ? evenValue(format, packed, off, p / 2)
    @         : oddValue(format, packed, off, p / 2)));
    @*/
  // bounds proved by KeY: unpackPairs safety contract (runtimeExceptions:ban)
  @SuppressWarnings("index")
  private static void unpackPairs(int format, byte[] packed, int off, int k, int[] lattice) {
    /*@ loop_invariant 0 <= p && p <= k;
      @ loop_invariant (\forall int j; 0 <= j && j < p; -8 <= lattice[j] && lattice[j] <= 7);
      @ decreases k - p;
      @ loop_assigns p, lattice[0 .. k - 1];
      @*/
    /*-KeY@ loop_invariant (\forall int j; 0 <= j && j < p;
      @     lattice[j] == positionValue(format, packed, off, k, j));
      @*/
    /*+KeY@ loop_invariant (\forall int j; 0 <= j && j < p; lattice[j] ==
      @       \dl_weightAt(format, packed[off + \dl_weightFirstByte(format, j)],
      @           packed[off + \dl_weightLastByte(format, j)], j));
      @*/
    for (int p = 0; p < k; p++) {
      lattice[p] = positionValue(format, packed, off, k, p);
    }
  }

  /** The lattice value at position {@code p} of the row at {@code off}: half of pair p / 2. */
  /*@ private normal_behavior
    @   requires packed != null && (format == FORMAT_Q35 || format == FORMAT_INT4);
    @   requires 1 <= k && k <= IntDot.MAX_K && 0 <= p && p < k;
    @   requires 0 <= off && off + (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2)
    @         <= packed.length;
    @   requires (\forall int j; 0 <= j && j < packed.length; -128 <= packed[j] && packed[j] <= 127);
    @   ensures -8 <= \result && \result <= 7;
    @*/
  /*+KeY@ ensures \result == \dl_weightAt(format, packed[off + \dl_weightFirstByte(format, p)],
    @       packed[off + \dl_weightLastByte(format, p)], p);
    @*/
  /*-KeY@ also private normal_behavior
    @   requires packed != null && (format == FORMAT_Q35 || format == FORMAT_INT4);
    @   requires 1 <= k && k <= IntDot.MAX_K && 0 <= p && p < k;
    @   requires 0 <= off && off + (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2)
    @         <= packed.length;
    @   requires (\forall int j; 0 <= j && j < packed.length; -128 <= packed[j] && packed[j] <= 127);
    @   ensures \result == (p % 2 == 0 ? evenValue(format, packed, off, p / 2)
    @       : oddValue(format, packed, off, p / 2));
    @*/
  private static /*@ pure @*/ int positionValue(int format, byte[] packed, int off, int k,
      int p) {
    int pair = pairOf(p);
    if (p == 2 * pair) {
      return evenValue(format, packed, off, pair);
    }
    return oddValue(format, packed, off, pair);
  }

  /**
   * The lattice value at position 2i of the row whose bytes start at {@code off}: the 4-bit
   * half of code i (q35) or the low nibble of byte i (INT4).
   */
  /*@ private normal_behavior
    @   requires packed != null && (format == FORMAT_Q35 || format == FORMAT_INT4);
    @   requires 0 <= off && 0 <= i && i <= IntDot.MAX_K;
    @   requires format == FORMAT_Q35 ==> 7 * i + 7 <= 8 * (packed.length - off);
    @   requires format == FORMAT_INT4 ==> off + i < packed.length;
    @   requires (\forall int j; 0 <= j && j < packed.length; -128 <= packed[j] && packed[j] <= 127);
    @   ensures -8 <= \result && \result <= 7;
    @*/
  /*+KeY@ ensures \result == \dl_pairHalfOf(format, packed[off + \dl_pairFirstByte(format, i)],
    @       packed[off + \dl_pairLastByte(format, i)], i, 0);
    @*/
  /*-KeY@ also private normal_behavior
    @   requires packed != null && (format == FORMAT_Q35 || format == FORMAT_INT4);
    @   requires 0 <= off && 0 <= i && i <= IntDot.MAX_K;
    @   requires format == FORMAT_Q35 ==> 7 * i + 7 <= 8 * (packed.length - off);
    @   requires format == FORMAT_INT4 ==> off + i < packed.length;
    @   requires (\forall int j; 0 <= j && j < packed.length; -128 <= packed[j] && packed[j] <= 127);
    @   ensures format == FORMAT_Q35
    @       ==> \result == Codes.unpackHiValue(Codes.codeAt(packed, off, i));
    @   ensures format == FORMAT_INT4
    @       ==> \result == Int4Codes.lowValue(Codes.toUnsignedByte(packed[off + i]));
    @*/
  // bounds proved by KeY: evenValue safety contract (runtimeExceptions:ban)
  @SuppressWarnings("index")
  private static /*@ pure @*/ int evenValue(int format, byte[] packed, int off, int i) {
    if (format == FORMAT_Q35) {
      return Codes.unpackHiValue(Codes.codeAt(packed, off, i));
    }
    return Int4Codes.lowValue(Codes.toUnsignedByte(packed[off + i]));
  }

  /**
   * The lattice value at position 2i + 1 of the row whose bytes start at {@code off}: twice
   * the 3-bit half of code i (q35) or the high nibble of byte i (INT4).
   */
  /*@ private normal_behavior
    @   requires packed != null && (format == FORMAT_Q35 || format == FORMAT_INT4);
    @   requires 0 <= off && 0 <= i && i <= IntDot.MAX_K;
    @   requires format == FORMAT_Q35 ==> 7 * i + 7 <= 8 * (packed.length - off);
    @   requires format == FORMAT_INT4 ==> off + i < packed.length;
    @   requires (\forall int j; 0 <= j && j < packed.length; -128 <= packed[j] && packed[j] <= 127);
    @   ensures -8 <= \result && \result <= 7;
    @*/
  /*+KeY@ ensures \result == \dl_pairHalfOf(format, packed[off + \dl_pairFirstByte(format, i)],
    @       packed[off + \dl_pairLastByte(format, i)], i, 1);
    @*/
  /*-KeY@ also private normal_behavior
    @   requires packed != null && (format == FORMAT_Q35 || format == FORMAT_INT4);
    @   requires 0 <= off && 0 <= i && i <= IntDot.MAX_K;
    @   requires format == FORMAT_Q35 ==> 7 * i + 7 <= 8 * (packed.length - off);
    @   requires format == FORMAT_INT4 ==> off + i < packed.length;
    @   requires (\forall int j; 0 <= j && j < packed.length; -128 <= packed[j] && packed[j] <= 127);
    @   ensures format == FORMAT_Q35
    @       ==> \result == 2 * Codes.unpackLoValue(Codes.codeAt(packed, off, i));
    @   ensures format == FORMAT_INT4
    @       ==> \result == Int4Codes.highValue(Codes.toUnsignedByte(packed[off + i]));
    @*/
  // bounds proved by KeY: oddValue safety contract (runtimeExceptions:ban)
  @SuppressWarnings("index")
  private static /*@ pure @*/ int oddValue(int format, byte[] packed, int off, int i) {
    if (format == FORMAT_Q35) {
      return 2 * Codes.unpackLoValue(Codes.codeAt(packed, off, i));
    }
    return Int4Codes.highValue(Codes.toUnsignedByte(packed[off + i]));
  }

  /** The PADDING error of a non-zero value at a position beyond k. */
  /*@ private normal_behavior
    @   ensures \result != null;
    @   assignable \nothing;
    @*/
  private static IllegalArgumentException paddingError(int row, int position, int k, int value) {
    return Errors.of("PADDING: row ", row, " position ", position, " lies beyond k = ", k,
        " but holds ", value, "");
  }

  /** Checks the padding of every row of the matrix (PADDING). */
  /*@ private behavior
    @   requires packed != null;
    @   requires (format == FORMAT_Q35 || format == FORMAT_INT4) && 1 <= n && 1 <= k && k <= IntDot.MAX_K;
    @   requires packed.length
    @         == n * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2);
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   assignable \nothing;
    @   signals_only IllegalArgumentException;
    @*/
  private static void checkRows(int format, byte[] packed, int n, int k) {
    int bytes = rowBytes(format, k);
    /*@ loop_invariant 0 <= j && j <= n;
      @ decreases n - j;
      @ loop_assigns j;
      @*/
    for (int j = 0; j < n; j++) {
      checkPadding(format, packed, rowOffset(j, n, bytes), j, k);
    }
  }

  /**
   * Dequantizes the whole matrix into row-major floats {@code out} (n rows of k), an array
   * other than {@code scales} and {@code offsets}.
   */
  /*@ public behavior
    @   requires packed != null && scales != null && offsets != null && out != null;
    @   requires format == FORMAT_Q35 || format == FORMAT_INT4;
    @   requires 1 <= n && 1 <= k && k <= IntDot.MAX_K && 1 <= g && g <= k && (g == k || g % 2 == 0);
    @   requires packed.length
    @         == n * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2);
    @   requires out.length == n * k && out != scales && out != offsets;
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   requires scales.length == n * ((k + g - 1) / g) && offsets.length == scales.length;
    @   assignable out[*];
    @   signals_only IllegalArgumentException;
    @   signals (IllegalArgumentException) (\forall int i; 0 <= i && i < out.length;
    @       out[i] == \old(out[i]) || (out[i] != out[i] && \old(out[i]) != \old(out[i])));
    @*/
  public static void dequantize(int format, byte[] packed, float[] scales, float[] offsets, int n,
      int k, int g, float[] out) {
    checkDequantize(format, packed, scales, offsets, n, k, g, out.length);
    dequantizeRows(format, packed, scales, offsets, n, k, g, out);
  }

  /**
   * dequantize's checks, in its order (format, shape, lengths, {@code outLength}, parameters,
   * then the padding of every row); writes nothing.
   */
  /*@ private behavior
    @   requires packed != null && scales != null && offsets != null;
    @   requires format == FORMAT_Q35 || format == FORMAT_INT4;
    @   requires 1 <= n && 1 <= k && k <= IntDot.MAX_K && 1 <= g && g <= k && (g == k || g % 2 == 0);
    @   requires packed.length
    @         == n * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2);
    @   requires outLength == n * k;
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   requires scales.length == n * ((k + g - 1) / g) && offsets.length == scales.length;
    @   assignable \nothing;
    @   signals_only IllegalArgumentException;
    @*/
  private static void checkDequantize(int format, byte[] packed, float[] scales, float[] offsets,
      int n, int k, int g, int outLength) {
    checkMatrixAndLength(format, n, k, g, packed, scales, offsets, "output", outLength, k);
    checkParamsAndRows(format, packed, n, k, scales, offsets);
  }

  /** checkParams, then checkRows: the value checks of dequantize, in its order. */
  /*@ private behavior
    @   requires packed != null && scales != null && offsets != null;
    @   requires (format == FORMAT_Q35 || format == FORMAT_INT4) && 1 <= n && 1 <= k && k <= IntDot.MAX_K;
    @   requires packed.length
    @         == n * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2);
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   requires offsets.length == scales.length;
    @   assignable \nothing;
    @   signals_only IllegalArgumentException;
    @*/
  // bounds proved by KeY: checkParamsAndRows contract (runtimeExceptions:ban)
  @SuppressWarnings("index:argument")
  private static void checkParamsAndRows(int format, byte[] packed, int n, int k,
      float[] scales, float[] offsets) {
    checkParams(scales, offsets);
    checkRows(format, packed, n, k);
  }

  /** dequantize on checked input: unpacks and dequantizes row after row. */
  /*@ private normal_behavior
    @   requires packed != null && scales != null && offsets != null && out != null;
    @   requires format == FORMAT_Q35 || format == FORMAT_INT4;
    @   requires 1 <= n && 1 <= k && k <= IntDot.MAX_K && 1 <= g && g <= k;
    @   requires packed.length
    @         == n * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2);
    @   requires out.length == n * k && out != scales && out != offsets;
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   requires scales.length == n * ((k + g - 1) / g) && offsets.length == scales.length;
    @   assignable out[*];
    @*/
  // bounds proved by KeY: dequantizeRows safety contract (runtimeExceptions:ban)
  @SuppressWarnings({"index:argument", "index:array.length.negative"})
  private static void dequantizeRows(int format, byte[] packed, float[] scales, float[] offsets,
      int n, int k, int g, float[] out) {
    int groups = WeightQuant.groupCount(k, g);
    int bytes = rowBytes(format, k);
    int[] lattice = new int[k];
    /*@ loop_invariant 0 <= j && j <= n;
      @ decreases n - j;
      @ loop_assigns j, lattice[*], out[*];
      @*/
    for (int j = 0; j < n; j++) {
      unpackPairs(format, packed, rowOffset(j, n, bytes), k, lattice);
      WeightQuant.dequantizeRow(lattice, k, g, scales, offsets, rowOffset(j, n, groups), out,
          rowOffset(j, n, k));
    }
  }

  /** Rejects a scale outside [0, 2^30] (or NaN), or an offset outside [-2^33, 2^33]. */
  /*@ private normal_behavior
    @   requires scales != null && offsets != null && offsets.length == scales.length;
    @   requires (\forall int i; 0 <= i && i < scales.length;
    @             0.0f <= scales[i] && scales[i] <= Rounding.SCALE_LIMIT
    @             && Rounding.OFFSET_MIN <= offsets[i] && offsets[i] <= Rounding.OFFSET_LIMIT);
    @   assignable \nothing;
    @ also private exceptional_behavior
    @   requires scales != null && offsets != null && offsets.length == scales.length;
    @   requires (\exists int i; 0 <= i && i < scales.length;
    @             !(0.0f <= scales[i] && scales[i] <= Rounding.SCALE_LIMIT
    @               && Rounding.OFFSET_MIN <= offsets[i] && offsets[i] <= Rounding.OFFSET_LIMIT));
    @   signals_only IllegalArgumentException;
    @   assignable \nothing;
    @*/
  private static void checkParams(float[] scales, float[] offsets) {
    /*@ loop_invariant 0 <= i && i <= scales.length;
      @ loop_invariant (\forall int j; 0 <= j && j < i;
      @                 0.0f <= scales[j] && scales[j] <= Rounding.SCALE_LIMIT
      @                 && Rounding.OFFSET_MIN <= offsets[j] && offsets[j] <= Rounding.OFFSET_LIMIT);
      @ decreases scales.length - i;
      @ loop_assigns i;
      @*/
    for (int i = 0; i < scales.length; i++) {
      if (!(0.0f <= scales[i] && scales[i] <= Rounding.SCALE_LIMIT)) {
        throw Errors.of("BAD_SCALE: scale ", i, " is NaN or outside [0, 2^30]");
      }
      if (!(Rounding.OFFSET_MIN <= offsets[i] && offsets[i] <= Rounding.OFFSET_LIMIT)) {
        throw Errors.of("BAD_SCALE: offset ", i, " is NaN or outside [-2^33, 2^33]");
      }
    }
  }

  /** Rejects an activation scale outside [0, 2^30] or NaN (BAD_SCALE). */
  /*@ private normal_behavior
    @   requires 0.0f <= xScale && xScale <= Rounding.SCALE_LIMIT;
    @   assignable \nothing;
    @ also private exceptional_behavior
    @   requires !(0.0f <= xScale && xScale <= Rounding.SCALE_LIMIT);
    @   signals_only IllegalArgumentException;
    @   assignable \nothing;
    @*/
  private static void checkActivationScale(float xScale) {
    if (!(0.0f <= xScale && xScale <= Rounding.SCALE_LIMIT)) {
      throw Errors.of("BAD_SCALE: the activation scale is NaN or outside [0, 2^30]");
    }
  }

  /**
   * The integer part of a matrix-vector product: {@code acc[j * groups + gi]} is the exact int32
   * dot product of row j's group gi with the matching activation codes.
   */
  /*@ public exceptional_behavior
    @   requires packed != null && xq != null && acc != null;
    @   requires format == FORMAT_Q35 || format == FORMAT_INT4;
    @   requires 1 <= n && 1 <= k && k <= IntDot.MAX_K && 1 <= g && g <= k && (g == k || g % 2 == 0);
    @   requires packed.length
    @         == n * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2);
    @   requires xq.length == k;
    @   requires acc.length == n * ((k + g - 1) / g);
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   requires (\forall int i; 0 <= i && i < k; -128 <= xq[i] && xq[i] <= 127);
    @   requires (\exists int i; 0 <= i && i < k; xq[i] < -127);
    @   signals_only IllegalArgumentException;
    @   assignable \nothing;
    @ also public behavior
    @   requires packed != null && xq != null && acc != null;
    @   requires format == FORMAT_Q35 || format == FORMAT_INT4;
    @   requires 1 <= n && 1 <= k && k <= IntDot.MAX_K && 1 <= g && g <= k && (g == k || g % 2 == 0);
    @   requires packed.length
    @         == n * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2);
    @   requires xq.length == k;
    @   requires acc.length == n * ((k + g - 1) / g);
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   requires (\forall int i; 0 <= i && i < k; -127 <= xq[i] && xq[i] <= 127);
    @   assignable acc[*];
    @   signals_only IllegalArgumentException;
    @   signals (IllegalArgumentException)
    @       (\forall int i; 0 <= i && i < acc.length; acc[i] == \old(acc[i]));
    @*/
  /*+KeY@ ensures rowsExact(format, packed, k, g, (k + g - 1) / g, xq, 0, acc, n);
    @*/
  public static void matvecInt(int format, byte[] packed, int n, int k, int g, byte[] xq,
      int[] acc) {
    checkMatvecInt(format, packed, n, k, g, xq, acc.length);
    accumulate(format, packed, n, k, g, xq, 0, acc);
  }

  /**
   * matvecInt's checks, in its order (format, shape, the lengths of packed, xq and the
   * accumulators, given as {@code accLength}, the activation codes, then the padding of every
   * row); writes nothing.
   */
  /*@ private behavior
    @   requires packed != null && xq != null;
    @   requires format == FORMAT_Q35 || format == FORMAT_INT4;
    @   requires 1 <= n && 1 <= k && k <= IntDot.MAX_K && 1 <= g && g <= k && (g == k || g % 2 == 0);
    @   requires packed.length
    @         == n * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2);
    @   requires xq.length == k && accLength == n * ((k + g - 1) / g);
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   requires (\forall int i; 0 <= i && i < k; -128 <= xq[i] && xq[i] <= 127);
    @   assignable \nothing;
    @   ensures (\forall int i; 0 <= i && i < k; -127 <= xq[i] && xq[i] <= 127);
    @   signals_only IllegalArgumentException;
    @*/
  private static void checkMatvecInt(int format, byte[] packed, int n, int k, int g, byte[] xq,
      int accLength) {
    checkMatvecIntShape(format, n, k, g, packed.length, xq.length, accLength);
    checkCodesAndRows(format, packed, n, k, xq, k);
  }

  /**
   * Activations.checkCodes on {@code xq[0 .. len)}, then checkRows: the value checks of
   * matvecInt, matvec and matmul, in their order. On success the codes lie in [-127, 127].
   */
  /*@ private behavior
    @   requires packed != null && xq != null;
    @   requires (format == FORMAT_Q35 || format == FORMAT_INT4) && 1 <= n && 1 <= k && k <= IntDot.MAX_K;
    @   requires packed.length
    @         == n * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2);
    @   requires 0 <= len && len <= xq.length;
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   requires (\forall int i; 0 <= i && i < len; -128 <= xq[i] && xq[i] <= 127);
    @   assignable \nothing;
    @   ensures (\forall int i; 0 <= i && i < len; -127 <= xq[i] && xq[i] <= 127);
    @   signals_only IllegalArgumentException;
    @*/
  // bounds proved by KeY: checkCodesAndRows contract (runtimeExceptions:ban)
  @SuppressWarnings("index:argument")
  private static void checkCodesAndRows(int format, byte[] packed, int n, int k, byte[] xq,
      int len) {
    Activations.checkCodes(xq, 0, len);
    checkRows(format, packed, n, k);
  }

  /**
   * The first checks of matvecInt, in its order: format, shape, then the lengths of the packed
   * bytes, the activations and the accumulators. Only lengths, no array: a proof with no heap
   * to carry, which checkMatvecInt then applies as one call.
   */
  /*@ private normal_behavior
    @   requires format == FORMAT_Q35 || format == FORMAT_INT4;
    @   requires 1 <= n && 1 <= k && k <= IntDot.MAX_K && 1 <= g && g <= k && (g == k || g % 2 == 0);
    @   requires packedLength
    @         == n * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2);
    @   requires xqLength == k && accLength == n * ((k + g - 1) / g);
    @   assignable \nothing;
    @*/
  private static void checkMatvecIntShape(int format, int n, int k, int g, int packedLength,
      int xqLength, int accLength) {
    checkFormat(format);
    WeightQuant.checkShape(n, k, g);
    WeightQuant.checkLength("packed", packedLength, n, rowBytes(format, k));
    WeightQuant.checkLength("activations", xqLength, k);
    WeightQuant.checkLength("accumulators", accLength, n, WeightQuant.groupCount(k, g));
  }

  /**
   * matvecInt on checked input: for every row j, {@code acc[j * groups + gi]} is the dot
   * product of row j's group gi with the activation codes at {@code xq[xOff..]}.
   */
  /*@ private normal_behavior
    @   requires packed != null && xq != null && acc != null;
    @   requires format == FORMAT_Q35 || format == FORMAT_INT4;
    @   requires 1 <= n && 1 <= k && k <= IntDot.MAX_K && 1 <= g && g <= k;
    @   requires packed.length
    @         == n * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2);
    @   requires 0 <= xOff && xOff + k <= xq.length && acc.length == n * ((k + g - 1) / g);
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   requires (\forall int i; xOff <= i && i < xOff + k; -127 <= xq[i] && xq[i] <= 127);
    @   assignable acc[*];
    @*/
  /*+KeY@ ensures rowsExact(format, packed, k, g, (k + g - 1) / g, xq, xOff, acc, n);
    @*/
  // bounds proved by KeY: accumulate safety contract (runtimeExceptions:ban)
  @SuppressWarnings("index")
  private static void accumulate(int format, byte[] packed, int n, int k, int g, byte[] xq,
      int xOff, int[] acc) {
    int groups = WeightQuant.groupCount(k, g);
    int bytes = rowBytes(format, k);
    /*+KeY@ loop_invariant j == 0 || rowsExact(format, packed, k, g, groups, xq, xOff, acc, j);
      @*/
    /*@ loop_invariant 0 <= j && j <= n;
      @ decreases n - j;
      @ loop_assigns j, acc[*];
      @*/
    for (int j = 0; j < n; j++) {
      rowDots(format, packed, rowOffset(j, n, bytes), k, g, xq, xOff, acc,
          rowOffset(j, n, groups));
      rowsExactStep(format, packed, k, g, groups, xq, xOff, acc, j);
    }
  }

  /**
   * One row of matvecInt on checked input: for each group gi, the exact int32 dot product of
   * the row's lattice values (row at {@code off}) with the activation codes at
   * {@code xq[xOff..]}, into {@code acc[aOff + gi]}.
   */
  /*@ private normal_behavior
    @   requires packed != null && xq != null && acc != null;
    @   requires format == FORMAT_Q35 || format == FORMAT_INT4;
    @   requires 1 <= k && k <= IntDot.MAX_K && 1 <= g && g <= k;
    @   requires 0 <= off && off + (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2)
    @         <= packed.length;
    @   requires 0 <= xOff && xOff + k <= xq.length;
    @   requires 0 <= aOff && aOff + (k + g - 1) / g <= acc.length;
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   requires (\forall int i; xOff <= i && i < xOff + k; -127 <= xq[i] && xq[i] <= 127);
    @   assignable acc[aOff .. aOff + (k + g - 1) / g - 1];
    @*/
  /*+KeY@ ensures rowSums(format, packed, off, k, g, xq, xOff, acc, aOff, (k + g - 1) / g);
    @*/
  // bounds proved by KeY: rowDots contract (runtimeExceptions:ban)
  @SuppressWarnings("index")
  private static void rowDots(int format, byte[] packed, int off, int k, int g, byte[] xq,
      int xOff, int[] acc, int aOff) {
    int groups = WeightQuant.groupCount(k, g);
    /*+KeY@ loop_invariant gi == 0 || rowSums(format, packed, off, k, g, xq, xOff, acc, aOff, gi);
      @*/
    /*@ loop_invariant 0 <= gi && gi <= groups;
      @ decreases groups - gi;
      @ loop_assigns gi, acc[aOff .. aOff + groups - 1];
      @*/
    for (int gi = 0; gi < groups; gi++) {
      int start = WeightQuant.groupStart(gi, g, k, groups);
      int len = k - start < g ? k - start : g;
      acc[aOff + gi] = groupDot(format, packed, off, k, start, len, xq, xOff);
      rowSumsStep(format, packed, off, k, g, xq, xOff, acc, aOff, gi);
    }
  }

  // The functional contract of matvecInt, for KeY (spec/verification.md section 5): two
  // predicates, each framed by a dependency contract (rowSums: the first m groups of one row
  // are exact; rowsExact: the first j rows), and two proof steps that extend them by one group
  // and by one row. rowDots and accumulate carry one predicate each, an atom that KeY frames
  // without unfolding it.

  /*+KeY@ private normal_behavior
    @   accessible packed[*], xq[*], acc[aOff .. aOff + m - 1];
    @ model private static pure boolean rowSums(int format, byte[] packed, \bigint off, int k,
    @     int g, byte[] xq, int xOff, int[] acc, \bigint aOff, \bigint m) {
    @   return (\forall int h; 0 <= h && h < m;
    @       acc[aOff + h] == (\sum int i; 0 <= i && i < (k - h * g < g ? k - h * g : g);
    @         xq[xOff + h * g + i]
    @         * \dl_weightAt(format, packed[off + \dl_weightFirstByte(format, h * g + i)],
    @             packed[off + \dl_weightLastByte(format, h * g + i)], h * g + i)));
    @ }
    @*/

  // The first j rows of `groups` groups each are exact. Row r's sums lie in
  // acc[r * groups .. r * groups + groups - 1], below row j's when r < j: rowsExact states that
  // non-linear fact with each row, so that its frame follows by linear steps (KeY proves it with
  // non-linear arithmetic off), and rowsExactStep keeps it from r * groups + groups <= j * groups.
  /*+KeY@ private normal_behavior
    @   requires 0 <= groups;
    @   accessible packed[*], xq[*], acc[0 .. j * groups - 1];
    @ model private static pure boolean rowsExact(int format, byte[] packed, int k, int g,
    @     \bigint groups, byte[] xq, int xOff, int[] acc, \bigint j) {
    @   return (\forall int r; 0 <= r && r < j;
    @       0 <= r * groups && r * groups + groups <= j * groups
    @       && (\forall int h; 0 <= h && h < groups;
    @         acc[r * groups + h] == (\sum int i; 0 <= i && i < (k - h * g < g ? k - h * g : g);
    @           xq[xOff + h * g + i]
    @           * \dl_weightAt(format,
    @               packed[r * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2)
    @                   + \dl_weightFirstByte(format, h * g + i)],
    @               packed[r * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2)
    @                   + \dl_weightLastByte(format, h * g + i)], h * g + i))));
    @ }
    @*/

  /** Proof step of rowDots: the exact sum of group m extends the first m exact groups to m + 1. */
  /*@ private normal_behavior
    @   requires packed != null && xq != null && acc != null;
    @*/
  /*+KeY@ requires m == 0 || rowSums(format, packed, off, k, g, xq, xOff, acc, aOff, m);
    @   requires acc[aOff + m] == (\sum int i; 0 <= i && i < (k - m * g < g ? k - m * g : g);
    @         xq[xOff + m * g + i]
    @         * \dl_weightAt(format, packed[off + \dl_weightFirstByte(format, m * g + i)],
    @             packed[off + \dl_weightLastByte(format, m * g + i)], m * g + i));
    @   ensures rowSums(format, packed, off, k, g, xq, xOff, acc, aOff, m + 1);
    @   assignable \strictly_nothing;
    @*/
  /*-KeY@ assignable \nothing;
    @*/
  private static void rowSumsStep(int format, byte[] packed, int off, int k, int g, byte[] xq,
      int xOff, int[] acc, int aOff, int m) {}

  /** Proof step of accumulate: the exact sums of row j extend the first j exact rows to j + 1. */
  /*@ private normal_behavior
    @   requires packed != null && xq != null && acc != null;
    @*/
  /*+KeY@ requires 0 <= groups && 0 <= j && 0 <= j * groups;
    @   requires j == 0 || rowsExact(format, packed, k, g, groups, xq, xOff, acc, j);
    @   requires rowSums(format, packed, j * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2), k, g,
    @       xq, xOff, acc, j * groups, groups);
    @   ensures rowsExact(format, packed, k, g, groups, xq, xOff, acc, j + 1);
    @   assignable \strictly_nothing;
    @*/
  /*-KeY@ assignable \nothing;
    @*/
  private static void rowsExactStep(int format, byte[] packed, int k, int g, int groups,
      byte[] xq, int xOff, int[] acc, int j) {}

  /**
   * The exact dot product of the lattice values at positions [start, start + len) of the row at
   * {@code off} with the activation codes at {@code xq[xOff + start ..]}.
   */
  /*@ private normal_behavior
    @   requires packed != null && xq != null;
    @   requires format == FORMAT_Q35 || format == FORMAT_INT4;
    @   requires 1 <= k && k <= IntDot.MAX_K;
    @   requires 0 <= off && off + (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2)
    @         <= packed.length;
    @   requires 0 <= start && 0 <= len && start + len <= k;
    @   requires 0 <= xOff && xOff + start + len <= xq.length;
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   requires (\forall int i; xOff + start <= i && i < xOff + start + len;
    @         -127 <= xq[i] && xq[i] <= 127);
    @   ensures -1016 * len <= \result && \result <= 1016 * len;
    @*/
  /*+KeY@ ensures \result == (\sum int i; 0 <= i && i < len; xq[xOff + start + i] *
    @       \dl_weightAt(format, packed[off + \dl_weightFirstByte(format, start + i)],
    @           packed[off + \dl_weightLastByte(format, start + i)], start + i));
    @*/
  // bounds proved by KeY: groupDot contract (runtimeExceptions:ban)
  @SuppressWarnings("index")
  private static /*@ pure @*/ int groupDot(int format, byte[] packed, int off, int k, int start,
      int len, byte[] xq, int xOff) {
    int acc = 0;
    /*+KeY@ loop_invariant acc == (\sum int j; 0 <= j && j < i; xq[xOff + start + j] *
      @       \dl_weightAt(format, packed[off + \dl_weightFirstByte(format, start + j)],
      @           packed[off + \dl_weightLastByte(format, start + j)], start + j));
      @*/
    /*@ loop_invariant 0 <= i && i <= len;
      @ loop_invariant -1016 * i <= acc && acc <= 1016 * i;
      @ decreases len - i;
      @ loop_assigns i, acc;
      @*/
    for (int i = 0; i < len; i++) {
      acc = acc + IntDot.mulBounded(xq[xOff + start + i],
          positionValue(format, packed, off, k, start + i));
    }
    return acc;
  }

  /**
   * The float matrix-vector product: out[j] = xScale * sum over groups of
   * (scale * acc + offset * sumX), from int8 activation codes {@code xq} with scale
   * {@code xScale}.
   */
  /*@ public behavior
    @   requires packed != null && scales != null && offsets != null && xq != null && out != null;
    @   requires format == FORMAT_Q35 || format == FORMAT_INT4;
    @   requires 1 <= n && 1 <= k && k <= IntDot.MAX_K && 1 <= g && g <= k && (g == k || g % 2 == 0);
    @   requires packed.length
    @         == n * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2);
    @   requires xq.length == k && out.length == n;
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   requires scales.length == n * ((k + g - 1) / g) && offsets.length == scales.length;
    @   requires (\forall int i; 0 <= i && i < k; -128 <= xq[i] && xq[i] <= 127);
    @   assignable out[*];
    @   signals_only IllegalArgumentException;
    @   signals (IllegalArgumentException) (\forall int i; 0 <= i && i < out.length;
    @       out[i] == \old(out[i]) || (out[i] != out[i] && \old(out[i]) != \old(out[i])));
    @*/
  // bounds proved by KeY: matvec safety contract (runtimeExceptions:ban)
  @SuppressWarnings("index:array.length.negative")
  public static void matvec(int format, byte[] packed, float[] scales, float[] offsets, int n,
      int k, int g, byte[] xq, float xScale, float[] out) {
    checkMatvec(format, packed, scales, offsets, n, k, g, xq, xScale, out.length);
    // scales.length is n * groups (checked): the accumulators of every row.
    int[] acc = new int[scales.length];
    int[] sums = new int[WeightQuant.groupCount(k, g)];
    productRow(format, packed, scales, offsets, n, k, g, xq, 0, xScale, acc, sums, out, 0);
  }

  /**
   * matvec's checks, in its order (format, shape, lengths, {@code outLength}, parameters, the
   * activation scale, the length and codes of xq, then the padding of every row); writes
   * nothing. On success the codes lie in [-127, 127], as productRow needs.
   */
  /*@ private behavior
    @   requires packed != null && scales != null && offsets != null && xq != null;
    @   requires format == FORMAT_Q35 || format == FORMAT_INT4;
    @   requires 1 <= n && 1 <= k && k <= IntDot.MAX_K && 1 <= g && g <= k && (g == k || g % 2 == 0);
    @   requires packed.length
    @         == n * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2);
    @   requires xq.length == k && outLength == n;
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   requires scales.length == n * ((k + g - 1) / g) && offsets.length == scales.length;
    @   requires (\forall int i; 0 <= i && i < k; -128 <= xq[i] && xq[i] <= 127);
    @   assignable \nothing;
    @   ensures (\forall int i; 0 <= i && i < k; -127 <= xq[i] && xq[i] <= 127);
    @   signals_only IllegalArgumentException;
    @*/
  private static void checkMatvec(int format, byte[] packed, float[] scales, float[] offsets,
      int n, int k, int g, byte[] xq, float xScale, int outLength) {
    checkMatvecParams(format, packed, scales, offsets, n, k, g, xq.length, xScale, outLength);
    checkCodesAndRows(format, packed, n, k, xq, k);
  }

  /**
   * The first checks of matvec, in its order: the matrix's shape and lengths, the output
   * length, the scales and offsets, the activation scale and the activations' length. Reads
   * only scales and offsets, so checkMatvec applies it as one call.
   */
  /*@ private behavior
    @   requires packed != null && scales != null && offsets != null;
    @   requires format == FORMAT_Q35 || format == FORMAT_INT4;
    @   requires 1 <= n && 1 <= k && k <= IntDot.MAX_K && 1 <= g && g <= k && (g == k || g % 2 == 0);
    @   requires packed.length
    @         == n * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2);
    @   requires scales.length == n * ((k + g - 1) / g) && offsets.length == scales.length;
    @   requires xqLength == k && outLength == n;
    @   assignable \nothing;
    @   signals_only IllegalArgumentException;
    @*/
  // bounds proved by KeY: checkMatvecParams contract (runtimeExceptions:ban)
  @SuppressWarnings("index:argument")
  private static void checkMatvecParams(int format, byte[] packed, float[] scales,
      float[] offsets, int n, int k, int g, int xqLength, float xScale, int outLength) {
    checkMatrixAndLength(format, n, k, g, packed, scales, offsets, "output", outLength, 1);
    checkParams(scales, offsets);
    checkActivationScale(xScale);
    WeightQuant.checkLength("activations", xqLength, k);
  }

  /**
   * One activation row's float product on checked input: out[oOff + j] for every row j, from
   * the codes at {@code xq[xOff..]}; {@code acc} and {@code sums} are scratch.
   */
  /*@ private normal_behavior
    @   requires packed != null && scales != null && offsets != null && xq != null;
    @   requires acc != null && sums != null && out != null && acc != sums;
    @   requires format == FORMAT_Q35 || format == FORMAT_INT4;
    @   requires 1 <= n && 1 <= k && k <= IntDot.MAX_K && 1 <= g && g <= k;
    @   requires packed.length
    @         == n * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2);
    @   requires acc.length == n * ((k + g - 1) / g) && sums.length == (k + g - 1) / g;
    @   requires scales.length == acc.length && offsets.length == acc.length;
    @   requires 0 <= xOff && xOff + k <= xq.length && 0 <= oOff && oOff + n <= out.length;
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   requires (\forall int i; xOff <= i && i < xOff + k; -127 <= xq[i] && xq[i] <= 127);
    @   assignable acc[*], sums[*], out[oOff .. oOff + n - 1];
    @*/
  // bounds proved by KeY: productRow safety contract (runtimeExceptions:ban)
  @SuppressWarnings("index")
  private static void productRow(int format, byte[] packed, float[] scales, float[] offsets,
      int n, int k, int g, byte[] xq, int xOff, float xScale, int[] acc, int[] sums, float[] out,
      int oOff) {
    accumulate(format, packed, n, k, g, xq, xOff, acc);
    Activations.groupSums(xq, xOff, k, g, sums);
    int groups = WeightQuant.groupCount(k, g);
    /*@ loop_invariant 0 <= j && j <= n;
      @ decreases n - j;
      @ loop_assigns j, out[oOff .. oOff + n - 1];
      @*/
    for (int j = 0; j < n; j++) {
      out[oOff + j] = WeightQuant.combine(acc, rowOffset(j, n, groups), sums, groups, scales,
          offsets, xScale);
    }
  }

  /**
   * The float matrix product of m activation rows (row r: codes {@code xq[r*k .. r*k + k)},
   * scale {@code xScales[r]}) with the matrix: {@code out[r * n + j]}.
   */
  /*@ public behavior
    @   requires packed != null && scales != null && offsets != null && xq != null;
    @   requires xScales != null && out != null;
    @   requires format == FORMAT_Q35 || format == FORMAT_INT4;
    @   requires 1 <= n && 1 <= k && k <= IntDot.MAX_K && 1 <= g && g <= k && (g == k || g % 2 == 0);
    @   requires 1 <= m && xq.length == m * k && xScales.length == m && out.length == m * n;
    @   requires packed.length
    @         == n * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2);
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   requires scales.length == n * ((k + g - 1) / g) && offsets.length == scales.length;
    @   requires (\forall int i; 0 <= i && i < xq.length; -128 <= xq[i] && xq[i] <= 127);
    @   assignable out[*];
    @   signals_only IllegalArgumentException;
    @   signals (IllegalArgumentException) (\forall int i; 0 <= i && i < out.length;
    @       out[i] == \old(out[i]) || (out[i] != out[i] && \old(out[i]) != \old(out[i])));
    @*/
  public static void matmul(int format, byte[] packed, float[] scales, float[] offsets, int n,
      int k, int g, int m, byte[] xq, float[] xScales, float[] out) {
    checkMatmul(format, packed, scales, offsets, n, k, g, m, xq, xScales, out.length);
    productRows(format, packed, scales, offsets, n, k, g, m, xq, xScales, out);
  }

  /**
   * matmul's checks, in its order (m, the lengths of xq, xScales and {@code outLength}, the
   * matrix, its parameters, every activation scale, every code, then the padding of every
   * row); writes nothing. On success the codes lie in [-127, 127], as productRow needs.
   */
  /*@ private behavior
    @   requires packed != null && scales != null && offsets != null && xq != null;
    @   requires xScales != null;
    @   requires format == FORMAT_Q35 || format == FORMAT_INT4;
    @   requires 1 <= n && 1 <= k && k <= IntDot.MAX_K && 1 <= g && g <= k && (g == k || g % 2 == 0);
    @   requires 1 <= m && xq.length == m * k && xScales.length == m && outLength == m * n;
    @   requires packed.length
    @         == n * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2);
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   requires scales.length == n * ((k + g - 1) / g) && offsets.length == scales.length;
    @   requires (\forall int i; 0 <= i && i < xq.length; -128 <= xq[i] && xq[i] <= 127);
    @   assignable \nothing;
    @   ensures (\forall int i; 0 <= i && i < xq.length; -127 <= xq[i] && xq[i] <= 127);
    @   signals_only IllegalArgumentException;
    @*/
  private static void checkMatmul(int format, byte[] packed, float[] scales, float[] offsets,
      int n, int k, int g, int m, byte[] xq, float[] xScales, int outLength) {
    checkMatmulShape(format, packed, scales, offsets, n, k, g, m, xq.length, xScales.length,
        outLength);
    checkMatmulValues(format, packed, scales, offsets, n, k, xq, xScales);
  }

  /**
   * The value checks of matmul, in its order: scales and offsets, every activation scale, then
   * checkCodesAndRows. On success the codes lie in [-127, 127].
   */
  /*@ private behavior
    @   requires packed != null && scales != null && offsets != null && xq != null;
    @   requires xScales != null;
    @   requires (format == FORMAT_Q35 || format == FORMAT_INT4) && 1 <= n && 1 <= k && k <= IntDot.MAX_K;
    @   requires packed.length
    @         == n * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2);
    @   requires offsets.length == scales.length;
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   requires (\forall int i; 0 <= i && i < xq.length; -128 <= xq[i] && xq[i] <= 127);
    @   assignable \nothing;
    @   ensures (\forall int i; 0 <= i && i < xq.length; -127 <= xq[i] && xq[i] <= 127);
    @   signals_only IllegalArgumentException;
    @*/
  // bounds proved by KeY: checkMatmulValues contract (runtimeExceptions:ban)
  @SuppressWarnings("index:argument")
  private static void checkMatmulValues(int format, byte[] packed, float[] scales,
      float[] offsets, int n, int k, byte[] xq, float[] xScales) {
    checkParams(scales, offsets);
    /*@ loop_invariant 0 <= r && r <= xScales.length;
      @ decreases xScales.length - r;
      @ loop_assigns r;
      @*/
    for (int r = 0; r < xScales.length; r++) {
      checkActivationScale(xScales[r]);
    }
    checkCodesAndRows(format, packed, n, k, xq, xq.length);
  }

  /**
   * The first checks of matmul, in its order: m, the lengths of the activations, their scales
   * and the output, then the matrix's shape and lengths. Reads no array element.
   */
  /*@ private normal_behavior
    @   requires packed != null && scales != null && offsets != null;
    @   requires format == FORMAT_Q35 || format == FORMAT_INT4;
    @   requires 1 <= n && 1 <= k && k <= IntDot.MAX_K && 1 <= g && g <= k && (g == k || g % 2 == 0);
    @   requires 1 <= m && xqLength == m * k && xScalesLength == m && outLength == m * n;
    @   requires packed.length
    @         == n * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2);
    @   requires scales.length == n * ((k + g - 1) / g) && offsets.length == scales.length;
    @   assignable \nothing;
    @*/
  private static void checkMatmulShape(int format, byte[] packed, float[] scales,
      float[] offsets, int n, int k, int g, int m, int xqLength, int xScalesLength,
      int outLength) {
    if (m < 1) {
      throw Errors.of("SHAPE: need m >= 1 activation rows, got ", m, "");
    }
    WeightQuant.checkLength("activations", xqLength, m, k);
    WeightQuant.checkLength("activation scales", xScalesLength, m);
    WeightQuant.checkLength("output", outLength, m, n);
    checkMatrix(format, n, k, g, packed, scales, offsets);
  }

  /**
   * matmul on checked input: productRow for every activation row r, into
   * {@code out[r * n .. r * n + n)}.
   */
  /*@ private normal_behavior
    @   requires packed != null && scales != null && offsets != null && xq != null;
    @   requires xScales != null && out != null;
    @   requires format == FORMAT_Q35 || format == FORMAT_INT4;
    @   requires 1 <= n && 1 <= k && k <= IntDot.MAX_K && 1 <= g && g <= k;
    @   requires 1 <= m && xq.length == m * k && xScales.length == m && out.length == m * n;
    @   requires packed.length
    @         == n * (format == FORMAT_Q35 ? 7 * ((k + 15) / 16) : (k + 1) / 2);
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   requires scales.length == n * ((k + g - 1) / g) && offsets.length == scales.length;
    @   requires (\forall int i; 0 <= i && i < xq.length; -127 <= xq[i] && xq[i] <= 127);
    @   assignable out[*];
    @*/
  // bounds proved by KeY: productRows safety contract (runtimeExceptions:ban)
  @SuppressWarnings("index")
  private static void productRows(int format, byte[] packed, float[] scales, float[] offsets,
      int n, int k, int g, int m, byte[] xq, float[] xScales, float[] out) {
    // scales.length is n * groups: the accumulators of every row of the matrix.
    int[] acc = new int[scales.length];
    int[] sums = new int[WeightQuant.groupCount(k, g)];
    /*@ loop_invariant 0 <= row && row <= m;
      @ decreases m - row;
      @ loop_assigns row, acc[*], sums[*], out[*];
      @*/
    for (int row = 0; row < m; row++) {
      productRow(format, packed, scales, offsets, n, k, g, xq, rowOffset(row, m, k),
          xScales[row], acc, sums, out, rowOffset(row, m, n));
    }
  }
}
