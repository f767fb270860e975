package q35.quant;

import org.checkerframework.checker.index.qual.IndexFor;
import org.checkerframework.checker.index.qual.LTEqLengthOf;
import org.checkerframework.checker.index.qual.LTLengthOf;
import org.checkerframework.checker.index.qual.Positive;
import org.checkerframework.checker.index.qual.SameLen;
import q35.kernel.Activations;
import q35.kernel.WeightQuant;

/**
 * The fast path of a quantized linear layer: lattice values unpacked once at load, then plain
 * int loops. It computes exactly what the verified kernel's {@code QuantMatrix.matvec} computes
 * (same integers, same float evaluation order, {@code WeightQuant.combine}); FastMatvecProperties
 * checks bit equality.
 */
public final class FastMatvec {
  private final @Positive int rows;
  /** The int8 codes of the current input, cols of them. */
  private final byte[] xq;
  private final @Positive @LTEqLengthOf("xq") int cols;
  private final @Positive int groupSize;
  /** Per-group sums of the current input's codes, groups of them. */
  private final int[] sums;
  private final @Positive @LTEqLengthOf("sums") int groups;
  /** Row-major rows x cols lattice values (QuantizedMatrix.lattice()). */
  private final byte[] lattice;
  // Row-major rows x groups: scales, offsets and the int32 accumulators.
  private final float[] scales;
  private final float[] offsets;
  private final int[] acc;

  /** Prepares a matrix; its lattice is unpacked (and padding checked) here, once. */
  public FastMatvec(QuantizedMatrix m) {
    this.rows = m.rows();
    this.groupSize = m.groupSize();
    this.lattice = m.lattice();
    float[] s = m.scales().clone();
    // QuantizedMatrix's constructor checked that offsets and scales have the same length
    @SuppressWarnings("index")
    float @SameLen("s") [] o = m.offsets().clone();
    checkParams(s, o);
    this.scales = s;
    this.offsets = o;
    int cols = m.cols();
    int groups = m.groups();
    this.xq = new byte[cols];
    this.cols = cols;
    this.acc = new int[rows * groups];
    this.sums = new int[groups];
    this.groups = groups;
  }

  private static void checkParams(float[] s, float @SameLen("#1") [] m) {
    for (int i = 0; i < s.length; i++) {
      if (!(s[i] >= 0f && s[i] <= 1073741824f) || !(Math.abs(m[i]) <= 8589934592f)) {
        throw new IllegalArgumentException("BAD_SCALE: group " + i + " has scale " + s[i]
            + " and offset " + m[i]);
      }
    }
  }

  /**
   * out[0..rows) = W x[0..cols), quantizing x to int8 first. Not thread-safe (reuses buffers).
   *
   * @throws IllegalArgumentException if x has fewer than cols or out fewer than rows values
   */
  public void apply(float[] x, float[] out) {
    if (x.length < cols || out.length < rows) {
      throw new IllegalArgumentException("SHAPE: a " + rows + " x " + cols + " layer got "
          + x.length + " inputs and room for " + out.length + " outputs");
    }
    float xScale = Activations.quantize(x, 0, cols, xq, 0);
    for (int gi = 0; gi < groups; gi++) {
      int start = gi * groupSize;
      int end = Math.min(cols, start + groupSize);
      int s = 0;
      for (int i = start; i < end; i++) {
        s += xq[i];
      }
      sums[gi] = s;
    }
    for (int j = 0; j < rows; j++) {
      int base = j * cols;
      for (int gi = 0; gi < groups; gi++) {
        int start = gi * groupSize;
        int end = Math.min(cols, start + groupSize);
        int a = 0;
        for (int i = start; i < end; i++) {
          // j < rows and i < cols, so base + i < rows * cols == lattice.length
          @SuppressWarnings("index")
          @IndexFor("lattice") int p = base + i;
          a += xq[i] * lattice[p];
        }
        // j < rows and gi < groups, so q < rows * groups == acc.length
        @SuppressWarnings("index")
        @IndexFor("acc") int q = j * groups + gi;
        acc[q] = a;
      }
      // j < rows, so j * groups + groups <= rows * groups, the length of acc, scales and offsets
      // (QuantizedMatrix's constructor checked the last two); and groups == sums.length
      int aOff = j * groups;
      @SuppressWarnings("index")
      @LTLengthOf(value = {"acc", "sums", "scales", "offsets"},
          offset = {"aOff - 1", "-1", "aOff - 1", "aOff - 1"}) int n = groups;
      out[j] = WeightQuant.combine(acc, aOff, sums, n, scales, offsets, xScale);
    }
  }
}
