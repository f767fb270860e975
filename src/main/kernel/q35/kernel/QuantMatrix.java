package q35.kernel;

/**
 * Quantized weight matrices: n output rows of k inputs, grouped along k (spec/format.md
 * section 3). One API serves the q35 format and the INT4 baseline, chosen by {@code format}.
 *
 * <p>Layout: row j's packed bytes start at {@code j * rowBytes(format, k)}; the scale and offset
 * of row j, group gi sit at index {@code j * groupCount(k, g) + gi}.
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

  /** Validates format, shape and array lengths shared by every matrix operation. */
  private static void checkMatrix(int format, int n, int k, int g, byte[] packed, float[] scales,
      float[] offsets) {
    checkFormat(format);
    WeightQuant.checkShape(n, k, g);
    WeightQuant.checkLength("packed", packed.length, (long) n * rowBytes(format, k));
    long params = (long) n * WeightQuant.groupCount(k, g);
    WeightQuant.checkLength("scales", scales.length, params);
    WeightQuant.checkLength("offsets", offsets.length, params);
  }

  /**
   * Quantizes a row-major float matrix {@code w} (n rows of k) into {@code packed},
   * {@code scales} and {@code offsets}. Rejects NaN and infinity before writing anything.
   */
  /*@ public normal_behavior
    @   requires w != null && packed != null && scales != null && offsets != null;
    @   requires format == FORMAT_Q35 || format == FORMAT_INT4;
    @   requires 1 <= n && 1 <= k && k <= IntDot.MAX_K && 1 <= g && g <= k && (g == k || g % 2 == 0);
    @   requires w.length == n * k && packed.length == n * rowBytes(format, k);
    @   requires scales.length == n * ((k + g - 1) / g) && offsets.length == scales.length;
    @   requires (\forall int i; 0 <= i && i < w.length;
    @             -Rounding.VALUE_LIMIT <= w[i] && w[i] <= Rounding.VALUE_LIMIT);
    @   assignable packed[*], scales[*], offsets[*];
    @*/
  // bounds tested only (KeY contract open): MatvecProperties, WeightQuantProperties, conformance
  @SuppressWarnings({"index:argument", "index:array.length.negative"})
  public static void quantize(int format, float[] w, int n, int k, int g, byte[] packed,
      float[] scales, float[] offsets) {
    checkMatrix(format, n, k, g, packed, scales, offsets);
    WeightQuant.checkLength("weights", w.length, (long) n * k);
    Rounding.requireFinite(w, 0, w.length, "weight");
    int groups = WeightQuant.groupCount(k, g);
    int bytes = rowBytes(format, k);
    int[] lattice = new int[k];
    for (int j = 0; j < n; j++) {
      WeightQuant.quantizeRow(w, j * k, k, g, format == FORMAT_Q35, lattice, scales, offsets,
          j * groups);
      packRow(format, lattice, k, packed, j * bytes);
    }
  }

  /** Packs one row of lattice values (odd positions even for q35) into its bytes. */
  /*@ public normal_behavior
    @   requires lattice != null && packed != null;
    @   requires (format == FORMAT_Q35 || format == FORMAT_INT4) && 1 <= k && k <= IntDot.MAX_K;
    @   requires k <= lattice.length && 0 <= off && off + rowBytes(format, k) <= packed.length;
    @   requires (\forall int i; 0 <= i && i < k; -8 <= lattice[i] && lattice[i] <= 7);
    @   requires format == FORMAT_Q35 ==> (\forall int i; 0 <= i && i < k && i % 2 == 1;
    @                                      lattice[i] % 2 == 0 && lattice[i] <= 6);
    @   assignable packed[off .. off + rowBytes(format, k) - 1];
    @*/
  // bounds tested only (KeY contract open): through quantize (MatvecProperties, conformance)
  @SuppressWarnings({"index:argument", "index:array.access.unsafe.high",
      "index:array.length.negative"})
  public static void packRow(int format, int[] lattice, int k, byte[] packed, int off) {
    if (format == FORMAT_Q35) {
      int blocks = blocksOf(k);
      int[] codes = new int[8 * blocks];
      /*@ loop_invariant 0 <= i && 2 * i <= k + 1;
        @ loop_invariant (\forall int j; 0 <= j && j < 8 * blocks; 0 <= codes[j] && codes[j] <= 127);
        @ decreases k - 2 * i;
        @ assignable codes[*];
        @*/
      for (int i = 0; 2 * i < k; i++) {
        int second = 2 * i + 1 < k ? lattice[2 * i + 1] / 2 : 0;
        codes[i] = Codes.packPair(lattice[2 * i], second);
      }
      /*@ loop_invariant 0 <= b && b <= blocks;
        @ decreases blocks - b;
        @ assignable packed[off .. off + 7 * blocks - 1];
        @*/
      for (int b = 0; b < blocks; b++) {
        Codes.packBlock(codes, 8 * b, packed, off + 7 * b);
      }
    } else {
      /*@ loop_invariant 0 <= i && 2 * i <= k + 1;
        @ decreases k - 2 * i;
        @ assignable packed[off .. off + (k + 1) / 2 - 1];
        @*/
      for (int i = 0; 2 * i < k; i++) {
        int second = 2 * i + 1 < k ? lattice[2 * i + 1] : 0;
        packed[off + i] = (byte) Codes.toSignedByte(Int4Codes.packNibbles(lattice[2 * i], second));
      }
    }
  }

  /**
   * Unpacks row {@code row} into lattice values {@code lattice[0..k)}; rejects a row whose
   * padding (positions k and beyond) is not zero.
   */
  /*@ public behavior
    @   requires packed != null && lattice != null;
    @   requires (format == FORMAT_Q35 || format == FORMAT_INT4) && 1 <= k && k <= IntDot.MAX_K;
    @   requires 0 <= row && (row + 1) * rowBytes(format, k) <= packed.length && k <= lattice.length;
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   assignable lattice[0 .. k - 1];
    @   ensures (\forall int i; 0 <= i && i < k; -8 <= lattice[i] && lattice[i] <= 7);
    @   signals_only IllegalArgumentException;
    @*/
  // bounds proved by KeY: unpackRow contract proved (rowStart gives row * len + len <= packed.length)
  @SuppressWarnings("index:argument")
  public static void unpackRow(int format, byte[] packed, int row, int k, int[] lattice) {
    unpackRowAt(format, packed, rowStart(row, rowBytes(format, k), packed.length), row, k,
        lattice);
  }

  /** unpackRow with the row's bytes starting at {@code off}. */
  /*@ private behavior
    @   requires packed != null && lattice != null;
    @   requires (format == FORMAT_Q35 || format == FORMAT_INT4) && 1 <= k && k <= IntDot.MAX_K;
    @   requires 0 <= off && off + rowBytes(format, k) <= packed.length && k <= lattice.length;
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   assignable lattice[0 .. k - 1];
    @   ensures (\forall int i; 0 <= i && i < k; -8 <= lattice[i] && lattice[i] <= 7);
    @   signals_only IllegalArgumentException;
    @*/
  private static void unpackRowAt(int format, byte[] packed, int off, int row, int k,
      int[] lattice) {
    if (format == FORMAT_Q35) {
      unpackQ35Row(packed, off, row, k, lattice);
    } else {
      unpackInt4Row(packed, off, row, k, lattice);
    }
  }

  /** unpackRow for q35: the row's bytes start at {@code off}. */
  /*@ private behavior
    @   requires packed != null && lattice != null;
    @   requires 1 <= k && k <= IntDot.MAX_K && k <= lattice.length;
    @   requires 0 <= off && off + 7 * ((k + 15) / 16) <= packed.length;
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   assignable lattice[0 .. k - 1];
    @   ensures (\forall int i; 0 <= i && i < k; -8 <= lattice[i] && lattice[i] <= 7);
    @   signals_only IllegalArgumentException;
    @*/
  // bounds proved by KeY: unpackQ35Row contract proved (lattice index 2 * i < k <= lattice.length)
  @SuppressWarnings("index:array.access.unsafe.high")
  private static void unpackQ35Row(byte[] packed, int off, int row, int k, int[] lattice) {
    int codes = 8 * blocksOf(k);
    /*@ loop_invariant 0 <= i && i <= codes;
      @ loop_invariant (\forall int j; 0 <= j && j < 2 * i && j < k;
      @                 -8 <= lattice[j] && lattice[j] <= 7);
      @ decreases codes - i;
      @ assignable lattice[0 .. k - 1];
      @*/
    for (int i = 0; i < codes; i++) {
      int code = Codes.codeAt(packed, off, i);
      int first = evenValue(code);
      int second = oddValue(code);
      if (2 * i < k) {
        lattice[2 * i] = first;
      } else if (first != 0) {
        throw paddingError(row, 2 * i, k, first);
      }
      if (2 * i + 1 < k) {
        lattice[2 * i + 1] = second;
      } else if (second != 0) {
        throw paddingError(row, 2 * i + 1, k, second);
      }
    }
  }

  /** unpackRow for INT4: the row's bytes start at {@code off}. */
  /*@ private behavior
    @   requires packed != null && lattice != null;
    @   requires 1 <= k && k <= IntDot.MAX_K && k <= lattice.length;
    @   requires 0 <= off && off + rowBytes(FORMAT_INT4, k) <= packed.length;
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   assignable lattice[0 .. k - 1];
    @   ensures (\forall int i; 0 <= i && i < k; -8 <= lattice[i] && lattice[i] <= 7);
    @   signals_only IllegalArgumentException;
    @*/
  // bounds proved by KeY: unpackInt4Row contract proved (2 * i < k, off + i < off + bytes)
  @SuppressWarnings({"index:argument", "index:array.access.unsafe.high"})
  private static void unpackInt4Row(byte[] packed, int off, int row, int k, int[] lattice) {
    int bytes = rowBytes(FORMAT_INT4, k);
    /*@ loop_invariant 0 <= i && i <= bytes;
      @ loop_invariant (\forall int j; 0 <= j && j < 2 * i && j < k;
      @                 -8 <= lattice[j] && lattice[j] <= 7);
      @ decreases bytes - i;
      @ assignable lattice[0 .. k - 1];
      @*/
    for (int i = 0; i < bytes; i++) {
      int b = byteAt(packed, off + i);
      lattice[2 * i] = lowNibble(b);
      int second = highNibble(b);
      if (2 * i + 1 < k) {
        lattice[2 * i + 1] = second;
      } else if (second != 0) {
        throw paddingError(row, 2 * i + 1, k, second);
      }
    }
  }

  /**
   * Where row {@code row} of {@code len} elements starts in an array of {@code total}: row *
   * len. Its contract hands callers the non-linear bound 0 <= row * len, row * len + len <=
   * total as a fact (spec/verification.md section 4).
   */
  /*@ private normal_behavior
    @   requires 0 <= row && 0 <= len && (row + 1) * len <= total;
    @   ensures \result == row * len && 0 <= \result && \result + len <= total;
    @*/
  private static /*@ pure @*/ int rowStart(int row, int len, int total) {
    return row * len;
  }

  /** The even-position lattice value of a q35 code, in [-8, 7]. */
  /*@ private normal_behavior
    @   requires 0 <= code && code <= 127;
    @   ensures -8 <= \result && \result <= 7;
    @*/
  private static /*@ pure @*/ int evenValue(int code) {
    return Codes.unpackHiValue(code);
  }

  /** The odd-position lattice value of a q35 code (twice the 3-bit value), in [-8, 6]. */
  /*@ private normal_behavior
    @   requires 0 <= code && code <= 127;
    @   ensures -8 <= \result && \result <= 6;
    @*/
  private static /*@ pure @*/ int oddValue(int code) {
    return 2 * Codes.unpackLoValue(code);
  }

  /** packed[i], whose range the caller's precondition states for the whole array. */
  /*@ private normal_behavior
    @   requires packed != null && 0 <= i && i < packed.length;
    @   requires (\forall int j; 0 <= j && j < packed.length; -128 <= packed[j] && packed[j] <= 127);
    @   ensures -128 <= \result && \result <= 127;
    @*/
  private static /*@ pure @*/ int byteAt(byte[] packed, int i) {
    return packed[i];
  }

  /** The value in the low nibble of a Java byte value (INT4), in [-8, 7]. */
  /*@ private normal_behavior
    @   requires -128 <= b && b <= 127;
    @   ensures -8 <= \result && \result <= 7;
    @*/
  private static /*@ pure @*/ int lowNibble(int b) {
    return Int4Codes.lowValue(Codes.toUnsignedByte(b));
  }

  /** The value in the high nibble of a Java byte value (INT4), in [-8, 7]. */
  /*@ private normal_behavior
    @   requires -128 <= b && b <= 127;
    @   ensures -8 <= \result && \result <= 7;
    @*/
  private static /*@ pure @*/ int highNibble(int b) {
    return Int4Codes.highValue(Codes.toUnsignedByte(b));
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

  /** Dequantizes the whole matrix into row-major floats {@code out} (n rows of k). */
  /*@ public behavior
    @   requires packed != null && scales != null && offsets != null && out != null;
    @   requires format == FORMAT_Q35 || format == FORMAT_INT4;
    @   requires 1 <= n && 1 <= k && k <= IntDot.MAX_K && 1 <= g && g <= k && (g == k || g % 2 == 0);
    @   requires packed.length == n * rowBytes(format, k) && out.length == n * k;
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   requires scales.length == n * ((k + g - 1) / g) && offsets.length == scales.length;
    @   assignable out[*];
    @   signals_only IllegalArgumentException;
    @*/
  // bounds tested only (KeY contract open): WeightQuantProperties, BadInputTest, ConformanceVectorsTest
  @SuppressWarnings({"index:argument", "index:array.length.negative"})
  public static void dequantize(int format, byte[] packed, float[] scales, float[] offsets, int n,
      int k, int g, float[] out) {
    checkMatrix(format, n, k, g, packed, scales, offsets);
    WeightQuant.checkLength("output", out.length, (long) n * k);
    checkParams(scales, offsets);
    int groups = WeightQuant.groupCount(k, g);
    int[] lattice = new int[k];
    for (int j = 0; j < n; j++) {
      unpackRow(format, packed, j, k, lattice);
      WeightQuant.dequantizeRow(lattice, k, g, scales, offsets, j * groups, out, j * k);
    }
  }

  /** Rejects a scale outside [0, 2^30] (or NaN), or an offset outside [-2^33, 2^33]. */
  private static void checkParams(float[] scales, float[] offsets) {
    for (int i = 0; i < scales.length; i++) {
      if (!(scales[i] >= 0.0f && scales[i] <= Rounding.SCALE_LIMIT)) {
        throw Errors.of("BAD_SCALE: scale ", i, " is NaN or outside [0, 2^30]");
      }
      if (!(offsets[i] >= -Rounding.OFFSET_LIMIT && offsets[i] <= Rounding.OFFSET_LIMIT)) {
        throw Errors.of("BAD_SCALE: offset ", i, " is NaN or outside [-2^33, 2^33]");
      }
    }
  }

  /**
   * The integer part of a matrix-vector product: {@code acc[j * groups + gi]} is the exact int32
   * dot product of row j's group gi with the matching activation codes.
   */
  /*@ public behavior
    @   requires packed != null && xq != null && acc != null;
    @   requires format == FORMAT_Q35 || format == FORMAT_INT4;
    @   requires 1 <= n && 1 <= k && k <= IntDot.MAX_K && 1 <= g && g <= k && (g == k || g % 2 == 0);
    @   requires packed.length == n * rowBytes(format, k) && xq.length == k;
    @   requires acc.length == n * ((k + g - 1) / g);
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   requires (\forall int i; 0 <= i && i < k; -127 <= xq[i] && xq[i] <= 127);
    @   assignable acc[*];
    @   signals_only IllegalArgumentException;
    @*/
  // bounds tested only (KeY contract open): MatvecProperties, BadInputTest, ConformanceVectorsTest
  @SuppressWarnings({"index:argument", "index:array.length.negative"})
  public static void matvecInt(int format, byte[] packed, int n, int k, int g, byte[] xq,
      int[] acc) {
    checkFormat(format);
    WeightQuant.checkShape(n, k, g);
    WeightQuant.checkLength("packed", packed.length, (long) n * rowBytes(format, k));
    WeightQuant.checkLength("activations", xq.length, k);
    int groups = WeightQuant.groupCount(k, g);
    WeightQuant.checkLength("accumulators", acc.length, (long) n * groups);
    Activations.checkCodes(xq, 0, k);
    int[] lattice = new int[k];
    /*@ loop_invariant 0 <= j && j <= n;
      @ decreases n - j;
      @ assignable lattice[*], acc[*];
      @*/
    for (int j = 0; j < n; j++) {
      unpackRow(format, packed, j, k, lattice);
      WeightQuant.dotRow(lattice, k, g, xq, 0, acc, j * groups);
    }
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
    @   requires packed.length == n * rowBytes(format, k) && xq.length == k && out.length == n;
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   requires scales.length == n * ((k + g - 1) / g) && offsets.length == scales.length;
    @   requires (\forall int i; 0 <= i && i < k; -127 <= xq[i] && xq[i] <= 127);
    @   assignable out[*];
    @   signals_only IllegalArgumentException;
    @*/
  // bounds tested only (KeY contract open): MatvecProperties, BadInputTest, ConformanceVectorsTest
  @SuppressWarnings({"index:argument", "index:array.access.unsafe.high.range",
      "index:array.length.negative"})
  public static void matvec(int format, byte[] packed, float[] scales, float[] offsets, int n,
      int k, int g, byte[] xq, float xScale, float[] out) {
    checkMatrix(format, n, k, g, packed, scales, offsets);
    WeightQuant.checkLength("output", out.length, n);
    checkParams(scales, offsets);
    if (!(xScale >= 0.0f && xScale <= Rounding.SCALE_LIMIT)) {
      throw Errors.of("BAD_SCALE: the activation scale is NaN or outside [0, 2^30]");
    }
    int groups = WeightQuant.groupCount(k, g);
    int[] acc = new int[n * groups];
    matvecInt(format, packed, n, k, g, xq, acc);
    int[] sums = new int[groups];
    Activations.groupSums(xq, 0, k, g, sums);
    for (int j = 0; j < n; j++) {
      out[j] = WeightQuant.combine(acc, j * groups, sums, groups, scales, offsets, xScale);
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
    @   requires packed.length == n * rowBytes(format, k);
    @   requires (\forall int i; 0 <= i && i < packed.length; -128 <= packed[i] && packed[i] <= 127);
    @   requires scales.length == n * ((k + g - 1) / g) && offsets.length == scales.length;
    @   requires (\forall int i; 0 <= i && i < xq.length; -127 <= xq[i] && xq[i] <= 127);
    @   assignable out[*];
    @   signals_only IllegalArgumentException;
    @*/
  // bounds tested only (KeY contract open): MatvecProperties, BadInputTest, ConformanceVectorsTest
  @SuppressWarnings({"index:array.access.unsafe.high", "index:array.length.negative"})
  public static void matmul(int format, byte[] packed, float[] scales, float[] offsets, int n,
      int k, int g, int m, byte[] xq, float[] xScales, float[] out) {
    // Format and shape are checked by matvec; m * k below already refuses a negative k.
    if (m < 1) {
      throw Errors.of("SHAPE: need m >= 1 activation rows, got ", m, "");
    }
    WeightQuant.checkLength("activations", xq.length, (long) m * k);
    WeightQuant.checkLength("activation scales", xScales.length, m);
    WeightQuant.checkLength("output", out.length, (long) m * n);
    byte[] row = new byte[k];
    float[] rowOut = new float[n];
    for (int r = 0; r < m; r++) {
      for (int i = 0; i < k; i++) {
        row[i] = xq[r * k + i];
      }
      matvec(format, packed, scales, offsets, n, k, g, row, xScales[r], rowOut);
      for (int j = 0; j < n; j++) {
        out[r * n + j] = rowOut[j];
      }
    }
  }
}
