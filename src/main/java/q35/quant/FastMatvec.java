package q35.quant;

import q35.kernel.Activations;
import q35.kernel.WeightQuant;

/**
 * The fast path of a quantized linear layer: lattice values unpacked once at load, then plain
 * int loops. It computes exactly what the verified kernel's {@code QuantMatrix.matvec} computes
 * (same integers, same float evaluation order, {@code WeightQuant.combine}); FastMatvecProperties
 * checks bit equality.
 */
public final class FastMatvec {
  private final int rows;
  private final int cols;
  private final int groupSize;
  private final int groups;
  private final byte[] lattice;
  private final float[] scales;
  private final float[] offsets;
  private final byte[] xq;
  private final int[] acc;
  private final int[] sums;

  /** Prepares a matrix; its lattice is unpacked (and padding checked) here, once. */
  public FastMatvec(QuantizedMatrix m) {
    this.rows = m.rows();
    this.cols = m.cols();
    this.groupSize = m.groupSize();
    this.groups = m.groups();
    this.lattice = m.lattice();
    this.scales = m.scales().clone();
    this.offsets = m.offsets().clone();
    checkParams(scales, offsets);
    this.xq = new byte[cols];
    this.acc = new int[rows * groups];
    this.sums = new int[groups];
  }

  private static void checkParams(float[] s, float[] m) {
    for (int i = 0; i < s.length; i++) {
      if (!(s[i] >= 0f && s[i] <= 1073741824f) || !(Math.abs(m[i]) <= 8589934592f)) {
        throw new IllegalArgumentException("BAD_SCALE: group " + i + " has scale " + s[i]
            + " and offset " + m[i]);
      }
    }
  }

  /** out[0..rows) = W x, quantizing x to int8 first. Not thread-safe (reuses buffers). */
  public void apply(float[] x, float[] out) {
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
          a += xq[i] * lattice[base + i];
        }
        acc[j * groups + gi] = a;
      }
      out[j] = WeightQuant.combine(acc, j * groups, sums, groups, scales, offsets, xScale);
    }
  }
}
