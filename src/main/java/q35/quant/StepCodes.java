package q35.quant;

import q35.kernel.WeightQuant;

/**
 * The stored form of a -k6 matrix's scales and offsets (spec/format.md section 8): per row two
 * binary16 steps, and per group a 12-bit word {@code sc + 64 (mc + 32)}, two groups in three
 * bytes, little-endian.
 */
public final class StepCodes {

  private StepCodes() {}

  /** Bytes of one row's codes with {@code groups} groups: ceil(3 groups / 2). */
  public static int rowBytes(int groups) {
    return (3 * groups + 1) / 2;
  }

  /** The steps of every row, interleaved as stored: scale step, offset step, row by row. */
  public static float[] steps(QuantizedMatrix.RowSteps steps) {
    float[] out = new float[2 * steps.scale().length];
    for (int j = 0; j < steps.scale().length; j++) {
      out[2 * j] = steps.scale()[j];
      out[2 * j + 1] = steps.offset()[j];
    }
    return out;
  }

  /** The row steps that interleaved stored steps stand for: the inverse of {@link #steps}. */
  public static QuantizedMatrix.RowSteps rowSteps(float[] interleaved) {
    float[] d = new float[interleaved.length / 2];
    float[] e = new float[d.length];
    for (int j = 0; j < d.length; j++) {
      d[j] = interleaved[2 * j];
      e[j] = interleaved[2 * j + 1];
    }
    return new QuantizedMatrix.RowSteps(d, e);
  }

  /** The codes blob of a -k6 matrix, from its scales and offsets on its row steps. */
  public static byte[] pack(QuantizedMatrix q) {
    QuantizedMatrix.RowSteps steps = q.rowSteps();
    if (steps == null) {
      throw new IllegalArgumentException("the matrix has no row steps");
    }
    int groups = q.groups();
    int rowBytes = rowBytes(groups);
    byte[] out = new byte[q.rows() * rowBytes];
    for (int j = 0; j < q.rows(); j++) {
      for (int p = 0; p < groups; p++) {
        int at = j * groups + p;
        int sc = QuantizedMatrix.stepCode(q.scales()[at], steps.scale()[j], 0,
            QuantizedMatrix.SCALE_CODE_MAX);
        int mc = QuantizedMatrix.stepCode(q.offsets()[at], steps.offset()[j],
            QuantizedMatrix.OFFSET_CODE_MIN, QuantizedMatrix.OFFSET_CODE_MAX);
        if (steps.scale()[j] * sc != q.scales()[at] || steps.offset()[j] * mc != q.offsets()[at]) {
          throw new IllegalArgumentException("BAD_SCALE: group " + at
              + " is not a code times its row's step");
        }
        int word = sc + 64 * (mc - QuantizedMatrix.OFFSET_CODE_MIN);
        int bit = 12 * p;
        int b = j * rowBytes + bit / 8;
        if (bit % 8 == 0) {
          out[b] = (byte) word;
          out[b + 1] |= (byte) (word >>> 8);
        } else {
          out[b] |= (byte) (word << 4);
          out[b + 1] = (byte) (word >>> 4);
        }
      }
    }
    return out;
  }

  /**
   * The scales and offsets ({@code [0]} and {@code [1]}, rows x groups each) that a codes blob
   * and the row steps stand for: scale step times sc, offset step times mc, exact in binary32.
   * Refuses a non-zero unused half byte at the end of a row ({@code PADDING}).
   */
  public static float[][] unpack(byte[] codes, QuantizedMatrix.RowSteps steps, int rows,
      int groups) {
    int rowBytes = rowBytes(groups);
    WeightQuant.checkLength("codes", codes.length, (long) rows * rowBytes);
    WeightQuant.checkLength("scale steps", steps.scale().length, rows);
    WeightQuant.checkLength("offset steps", steps.offset().length, rows);
    float[] s = new float[rows * groups];
    float[] m = new float[rows * groups];
    for (int j = 0; j < rows; j++) {
      if (groups % 2 == 1 && (codes[j * rowBytes + rowBytes - 1] & 0xf0) != 0) {
        throw new IllegalArgumentException("PADDING: row " + j
            + " has non-zero bits after its last scale code");
      }
      for (int p = 0; p < groups; p++) {
        int bit = 12 * p;
        int b = j * rowBytes + bit / 8;
        int lo = Byte.toUnsignedInt(codes[b]);
        int hi = Byte.toUnsignedInt(codes[b + 1]);
        int word = bit % 8 == 0 ? lo | (hi & 0x0f) << 8 : lo >>> 4 | hi << 4;
        s[j * groups + p] = steps.scale()[j] * (word & 63);
        m[j * groups + p] = steps.offset()[j] * ((word >>> 6) + QuantizedMatrix.OFFSET_CODE_MIN);
      }
    }
    return new float[][] {s, m};
  }
}
