package q35.fast;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * The SIMD loops of the {@code fast} backend (Java's Vector API), on the tiles of
 * {@link TileLayout}: one register lane per row (in its lane order), R = {@link #LANES} rows
 * at once.
 *
 * <p><b>Integer part</b> (spec/matmul.md section 1). Each column is decoded into 16-bit lanes
 * and multiplied by the broadcast activation code of that column; products add up in 16-bit
 * lanes for a few columns, then in 32-bit lanes. The sums are exact, so their order does not
 * matter (spec/matmul.md section 5). The 16-bit partial sums never overflow:
 *
 * <ul>
 *   <li>q35: each code is decoded to offset values u = a + 8 in [0, 15] (the 4-bit half) and
 *       v = b + 4 in [0, 7] (the 3-bit half), multiplied by c[2p] and by 2 c[2p + 1]; one column
 *       adds at most 127 * 15 + 254 * 7 = 3,683 in magnitude, {@link #Q35_FLUSH} = 8 columns at
 *       most 29,464 &lt; 32,767. The offsets are taken back exactly once per group:
 *       {@code sum c[2p] a + sum 2 c[2p+1] b = sum c[2p] u + sum 2 c[2p+1] v - 8 sumx}, in int32
 *       arithmetic, which wraps modulo 2^32; the true accumulator lies in the int32 range
 *       (k &lt;= K_max, spec/matmul.md section 2), so the wrapped result is exact.
 *   <li>INT4: signed nibbles in [-8, 7] times codes in [-127, 127]: at most 2 * 1,016 per
 *       column, {@link #INT4_FLUSH} = 16 columns at most 32,512.
 *   <li>q8: lattice values in [-128, 127]: at most 16,256 per column, {@link #Q8_FLUSH} = 2
 *       columns at most 32,512.
 * </ul>
 *
 * {@code FastEdgeCasesTest} runs every loop at these extremes against the kernel.
 *
 * <p><b>Float part</b> (spec/matmul.md section 3): {@link #combine} evaluates, for R rows at
 * once, exactly the kernel's {@code WeightQuant.combine}: per lane, {@code total = +0}, then in
 * group order {@code total = total + (s * f32(acc) + m * f32(sumx))}, each a separate binary32
 * operation (the Vector API's lanewise {@code mul} and {@code add} round like Java's {@code *}
 * and {@code +}; no fused multiply-add is used), then {@code y = sigma * total}.
 */
final class Simd {

  /** 16-bit lanes: the register width chosen by {@code -Dq35.fast.vectorBits} or the CPU's. */
  static final VectorSpecies<Short> S = shortSpecies();
  /** Rows per tile: 16-bit lanes per register. */
  static final int LANES = S.length();
  private static final int HALF = LANES / 2;
  /** Bytes of one register: two q35 columns fit in it. */
  static final VectorSpecies<Byte> B = VectorSpecies.of(byte.class, S.vectorShape());
  /** Bytes of half a register: one INT4 or q8 column, widened to 16 bits. */
  static final VectorSpecies<Byte> BH = VectorSpecies.of(byte.class,
      VectorShape.forBitSize(S.vectorBitSize() / 2));
  static final VectorSpecies<Integer> I = VectorSpecies.of(int.class, S.vectorShape());
  static final VectorSpecies<Float> F = VectorSpecies.of(float.class, S.vectorShape());

  /** Columns added in 16-bit lanes before they go to 32-bit lanes (see the class comment). */
  static final int Q35_FLUSH = 8;
  static final int INT4_FLUSH = 16;
  static final int Q8_FLUSH = 2;

  /** Bytes of a q35 column: R codes of 7 bits. */
  private static final int CB = 7 * LANES / 8;

  /** Moves the two bytes holding code r of the first column into 16-bit lane r. */
  private static final VectorShuffle<Byte> COLUMN0 = codeBytes(0);
  /** The same for the second column of the register. */
  private static final VectorShuffle<Byte> COLUMN1 = codeBytes(CB);
  /**
   * Per lane: 2^(13 - s), where s = 7r mod 8 is the bit where code r starts in its two bytes;
   * the 16-bit product holds the code's 3-bit half (bits s .. s + 2) in its top 3 bits. A
   * product and a constant shift, rather than a shift by a per-lane count: 16-bit shifts by
   * per-lane counts have no AVX2 instruction, and the loop ran at half this speed there (README,
   * "Speed").
   */
  private static final ShortVector LOW_MUL = multipliers(13);
  /** Per lane: 2^(9 - s); the product holds the 4-bit half (bits s + 3 .. s + 6) on top. */
  private static final ShortVector HIGH_MUL = multipliers(9);
  /** Flips the sign bit of both halves of every code of two columns: offset binary. */
  private static final ByteVector OFFSET_BITS = offsetBits();

  /**
   * Bytes ahead of the column being decoded that each step reads one byte of: with one
   * activation row the loops wait on memory more than on the decode, and this load puts another
   * cache miss in flight before the data is needed (README, "Speed"). The byte read changes no
   * result. {@code -Dq35.fast.aheadBytes} changes the distance for experiments; 0 reads a byte
   * the step loads anyway.
   */
  static final int AHEAD = FastSettings.aheadBytes(System.getProperty(FastSettings.AHEAD_BYTES));
  /** Where the bytes read ahead go, so that the JIT keeps the loads. */
  static volatile int sink;

  private Simd() {}

  /** The byte {@link #AHEAD} bytes after {@code at}, or the last byte of {@code w}. */
  private static int ahead(byte[] w, int at) {
    return w[Math.min(at + AHEAD, w.length - 1)];
  }

  private static VectorSpecies<Short> shortSpecies() {
    int bits = FastSettings.vectorBits(System.getProperty(FastSettings.VECTOR_BITS));
    if (bits == 0) {
      return ShortVector.SPECIES_PREFERRED;
    }
    VectorSpecies<Short> s = VectorSpecies.of(short.class, VectorShape.forBitSize(bits));
    if (s.vectorBitSize() != bits) { // the JDK gives its widest shape for a width it lacks
      throw new IllegalArgumentException("-D" + FastSettings.VECTOR_BITS + "=" + bits
          + ": this JVM has no " + bits + "-bit vectors (its widest are " + s.vectorBitSize()
          + " bits)");
    }
    return s;
  }

  private static VectorShuffle<Byte> codeBytes(int column) {
    int[] index = new int[2 * LANES];
    for (int r = 0; r < LANES; r++) {
      index[2 * r] = column + 7 * r / 8;
      index[2 * r + 1] = column + 7 * r / 8 + 1;
    }
    return VectorShuffle.fromArray(B, index, 0);
  }

  private static ShortVector multipliers(int top) {
    short[] m = new short[LANES];
    for (int r = 0; r < LANES; r++) {
      m[r] = (short) (1 << (top - 7 * r % 8));
    }
    return ShortVector.fromArray(S, m, 0);
  }

  private static ByteVector offsetBits() {
    byte[] b = new byte[2 * LANES];
    for (int column = 0; column < 2; column++) {
      for (int r = 0; r < LANES; r++) {
        for (int bit : new int[] {2, 6}) {
          int t = 8 * CB * column + 7 * r + bit;
          b[t / 8] |= (byte) (1 << (t % 8));
        }
      }
    }
    return ByteVector.fromArray(B, b, 0);
  }

  /**
   * The q35 integer part of one tile for one activation row: {@code acc[aOff + gi * R + r]} is
   * the exact accumulator of the tile's row r and group gi. The tile's {@code cols} columns
   * start at {@code w[base]}; a group spans {@code groupCols} columns (the last group runs to
   * the end). {@code xs[xOff + 2p] = c[2p]} and {@code xs[xOff + 2p + 1] = 2 c[2p + 1]} (0 past
   * k); {@code corr[cOff + gi] = 8 sumx[gi]}.
   */
  static void q35(byte[] w, int base, int cols, int groupCols, int groups, short[] xs, int xOff,
      int[] corr, int cOff, int[] acc, int aOff) {
    int p = 0;
    int touched = 0;
    for (int gi = 0; gi < groups; gi++) {
      int end = gi == groups - 1 ? cols : p + groupCols;
      IntVector a0 = IntVector.zero(I);
      IntVector a1 = IntVector.zero(I);
      while (p < end) {
        int stop = Math.min(end, p + Q35_FLUSH);
        ShortVector s = ShortVector.zero(S);
        for (; p + 2 <= stop; p += 2) {
          touched ^= ahead(w, base + CB * p);
          ByteVector v = ByteVector.fromArray(B, w, base + CB * p)
              .lanewise(VectorOperators.XOR, OFFSET_BITS);
          ShortVector c0 = v.rearrange(COLUMN0).reinterpretAsShorts();
          ShortVector c1 = v.rearrange(COLUMN1).reinterpretAsShorts();
          int x = xOff + 2 * p;
          s = s.add(high(c0).mul(xs[x])).add(low(c0).mul(xs[x + 1]))
              .add(high(c1).mul(xs[x + 2])).add(low(c1).mul(xs[x + 3]));
        }
        if (p < stop) {
          ByteVector v = ByteVector.fromArray(B, w, base + CB * p)
              .lanewise(VectorOperators.XOR, OFFSET_BITS);
          ShortVector c0 = v.rearrange(COLUMN0).reinterpretAsShorts();
          int x = xOff + 2 * p;
          s = s.add(high(c0).mul(xs[x])).add(low(c0).mul(xs[x + 1]));
          p++;
        }
        a0 = a0.add(firstRows(s));
        a1 = a1.add(secondRows(s));
      }
      int c = corr[cOff + gi];
      a0.sub(c).intoArray(acc, aOff + gi * LANES);
      a1.sub(c).intoArray(acc, aOff + gi * LANES + HALF);
    }
    sink = touched;
  }

  /** The offset 4-bit half u = a + 8 of every lane's code. */
  private static ShortVector high(ShortVector code) {
    return code.mul(HIGH_MUL).lanewise(VectorOperators.LSHR, 12);
  }

  /** The offset 3-bit half v = b + 4 of every lane's code. */
  private static ShortVector low(ShortVector code) {
    return code.mul(LOW_MUL).lanewise(VectorOperators.LSHR, 13);
  }

  /**
   * The INT4 integer part of one tile for one activation row, as {@link #q35}: a column is one
   * byte per row (positions 2p and 2p + 1), {@code xs[xOff + i] = c[i]} (0 past k).
   */
  static void int4(byte[] w, int base, int cols, int groupCols, int groups, short[] xs, int xOff,
      int[] acc, int aOff) {
    int p = 0;
    int touched = 0;
    for (int gi = 0; gi < groups; gi++) {
      int end = gi == groups - 1 ? cols : p + groupCols;
      IntVector a0 = IntVector.zero(I);
      IntVector a1 = IntVector.zero(I);
      while (p < end) {
        int stop = Math.min(end, p + INT4_FLUSH);
        ShortVector s = ShortVector.zero(S);
        for (; p < stop; p++) {
          touched ^= ahead(w, base + LANES * p);
          ShortVector b = widen(w, base + LANES * p);
          ShortVector hi = b.lanewise(VectorOperators.ASHR, 4);
          ShortVector lo = b.lanewise(VectorOperators.LSHL, 12).lanewise(VectorOperators.ASHR, 12);
          s = s.add(lo.mul(xs[xOff + 2 * p])).add(hi.mul(xs[xOff + 2 * p + 1]));
        }
        a0 = a0.add(firstRows(s));
        a1 = a1.add(secondRows(s));
      }
      a0.intoArray(acc, aOff + gi * LANES);
      a1.intoArray(acc, aOff + gi * LANES + HALF);
    }
    sink = touched;
  }

  /**
   * The q8 integer part of one tile for one activation row, as {@link #q35}: a column is one
   * weight per row, {@code xs[xOff + i] = c[i]}.
   */
  static void q8(byte[] w, int base, int cols, int groupCols, int groups, short[] xs, int xOff,
      int[] acc, int aOff) {
    int p = 0;
    int touched = 0;
    for (int gi = 0; gi < groups; gi++) {
      int end = gi == groups - 1 ? cols : p + groupCols;
      IntVector a0 = IntVector.zero(I);
      IntVector a1 = IntVector.zero(I);
      while (p < end) {
        int stop = Math.min(end, p + Q8_FLUSH);
        ShortVector s = ShortVector.zero(S);
        for (; p < stop; p++) {
          touched ^= ahead(w, base + LANES * p);
          s = s.add(widen(w, base + LANES * p).mul(xs[xOff + p]));
        }
        a0 = a0.add(firstRows(s));
        a1 = a1.add(secondRows(s));
      }
      a0.intoArray(acc, aOff + gi * LANES);
      a1.intoArray(acc, aOff + gi * LANES + HALF);
    }
    sink = touched;
  }

  /**
   * The 16-bit sums of the tile's rows [0, R/2), sign-extended to 32-bit lanes in row order:
   * they sit in the even 16-bit lanes ({@code TileLayout.lane}), the low half of each 32-bit
   * lane. Two shifts rather than the parts 0 and 1 of {@code convertShape(S2I, I, part)}:
   * under Java 17 the JIT sometimes compiled part 1, and the sums after it, as calls on boxed
   * vectors, 20 times slower (README, "Speed").
   */
  private static IntVector firstRows(ShortVector s) {
    return s.reinterpretAsInts().lanewise(VectorOperators.LSHL, 16)
        .lanewise(VectorOperators.ASHR, 16);
  }

  /** The 16-bit sums of rows [R/2, R), from the odd 16-bit lanes (see {@link #firstRows}). */
  private static IntVector secondRows(ShortVector s) {
    return s.reinterpretAsInts().lanewise(VectorOperators.ASHR, 16);
  }

  /** R bytes at {@code w[off]}, sign-extended to 16-bit lanes. */
  private static ShortVector widen(byte[] w, int off) {
    return (ShortVector) ByteVector.fromArray(BH, w, off)
        .convertShape(VectorOperators.B2S, S, 0);
  }

  /**
   * {@code y[j] = sum_i w[j * k + i] x[i]} for rows j in [j0, j1), in float32 with four
   * vector accumulators (mul then add, no fma): the benchmarks' float comparison point, not
   * the float reference's order of additions.
   */
  static void floatRows(float[] w, int k, float[] x, float[] y, int j0, int j1) {
    int step = F.length();
    int bound = k - k % (4 * step);
    for (int j = j0; j < j1; j++) {
      int row = j * k;
      FloatVector s0 = FloatVector.zero(F);
      FloatVector s1 = FloatVector.zero(F);
      FloatVector s2 = FloatVector.zero(F);
      FloatVector s3 = FloatVector.zero(F);
      int i = 0;
      for (; i < bound; i += 4 * step) {
        s0 = s0.add(FloatVector.fromArray(F, w, row + i).mul(FloatVector.fromArray(F, x, i)));
        s1 = s1.add(FloatVector.fromArray(F, w, row + i + step)
            .mul(FloatVector.fromArray(F, x, i + step)));
        s2 = s2.add(FloatVector.fromArray(F, w, row + i + 2 * step)
            .mul(FloatVector.fromArray(F, x, i + 2 * step)));
        s3 = s3.add(FloatVector.fromArray(F, w, row + i + 3 * step)
            .mul(FloatVector.fromArray(F, x, i + 3 * step)));
      }
      float sum = s0.add(s1).add(s2.add(s3)).reduceLanes(VectorOperators.ADD);
      for (; i < k; i++) {
        sum += w[row + i] * x[i];
      }
      y[j] = sum;
    }
  }

  /**
   * The float part for one tile and one activation row: {@code y[yOff + r]} = the output of the
   * tile's row r, from its accumulators {@code acc[aOff + gi * R + r]}, the tile's scales and
   * offsets at {@code [pOff + gi * R + r]}, the activation group sums {@code sums[sOff + gi]}
   * and the activation scale; spec/matmul.md section 3 (see the class comment).
   */
  static void combine(int[] acc, int aOff, int groups, float[] scales, float[] offsets, int pOff,
      int[] sums, int sOff, float xScale, float[] y, int yOff) {
    FloatVector t0 = FloatVector.zero(F);
    FloatVector t1 = FloatVector.zero(F);
    for (int gi = 0; gi < groups; gi++) {
      float sx = (float) sums[sOff + gi];
      int a = aOff + gi * LANES;
      int q = pOff + gi * LANES;
      t0 = t0.add(term(acc, a, scales, offsets, q, sx));
      t1 = t1.add(term(acc, a + HALF, scales, offsets, q + HALF, sx));
    }
    t0.mul(xScale).intoArray(y, yOff);
    t1.mul(xScale).intoArray(y, yOff + HALF);
  }

  /** One group's term of half a tile: s * f32(acc) + m * f32(sumx), two roundings each. */
  private static FloatVector term(int[] acc, int a, float[] scales, float[] offsets, int q,
      float sx) {
    FloatVector f = (FloatVector) IntVector.fromArray(I, acc, a).convert(VectorOperators.I2F, 0);
    FloatVector weightTerm = FloatVector.fromArray(F, scales, q).mul(f);
    FloatVector offsetTerm = FloatVector.fromArray(F, offsets, q).mul(sx);
    return weightTerm.add(offsetTerm);
  }
}
