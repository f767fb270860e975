package q35.quant;

import q35.kernel.QuantMatrix;
import q35.kernel.WeightQuant;

/**
 * A quantized weight matrix as stored in a {@code .q35} container: rows x cols, grouped along
 * cols, packed codes plus one scale and one offset per group ({@code spec/format.md}).
 */
public record QuantizedMatrix(WeightFormat.Kind kind, int rows, int cols, int groupSize,
    byte[] packed, float[] scales, float[] offsets) {

  /** Quantizes a row-major float matrix; q35 and int4 go through the verified kernel. */
  public static QuantizedMatrix quantize(WeightFormat format, float[] w, int rows, int cols) {
    int g = format.groupFor(cols);
    return switch (format.kind()) {
      case Q35, INT4 -> {
        int kernelFormat = kernelFormat(format.kind());
        WeightQuant.checkShape(rows, cols, g);
        int groups = WeightQuant.groupCount(cols, g);
        byte[] packed = new byte[Math.multiplyExact(rows, QuantMatrix.rowBytes(kernelFormat, cols))];
        float[] s = new float[Math.multiplyExact(rows, groups)];
        float[] m = new float[s.length];
        QuantMatrix.quantize(kernelFormat, w, rows, cols, g, packed, s, m);
        yield new QuantizedMatrix(format.kind(), rows, cols, g, packed, s, m);
      }
      case Q8 -> Q8Baseline.quantize(w, rows, cols, g);
      case F32 -> throw new IllegalArgumentException("f32 is not a quantized format");
    };
  }

  static int kernelFormat(WeightFormat.Kind kind) {
    return kind == WeightFormat.Kind.Q35 ? QuantMatrix.FORMAT_Q35 : QuantMatrix.FORMAT_INT4;
  }

  /** Number of groups per row. */
  public int groups() {
    return (cols + groupSize - 1) / groupSize;
  }

  /** Lattice values, row-major rows x cols, unpacked once (q35 and int4 through the kernel). */
  public byte[] lattice() {
    byte[] out = new byte[rows * cols];
    if (kind == WeightFormat.Kind.Q8) {
      System.arraycopy(packed, 0, out, 0, out.length);
      return out;
    }
    int[] row = new int[cols];
    for (int j = 0; j < rows; j++) {
      QuantMatrix.unpackRow(kernelFormat(kind), packed, j, cols, row);
      for (int i = 0; i < cols; i++) {
        out[j * cols + i] = (byte) row[i];
      }
    }
    return out;
  }

  /** The dequantized float matrix, s * q + m per weight (spec/quantization.md section 2.5). */
  public float[] dequantize() {
    float[] out = new float[rows * cols];
    byte[] lat = lattice();
    int groups = groups();
    for (int j = 0; j < rows; j++) {
      for (int i = 0; i < cols; i++) {
        int p = j * groups + i / groupSize;
        out[j * cols + i] = WeightQuant.dequantizeValue(lat[j * cols + i], scales[p], offsets[p]);
      }
    }
    return out;
  }

  /** Bits stored per weight, scales and offsets included. */
  public double bitsPerWeight() {
    return 8.0 * (packed.length + 4.0 * scales.length + 4.0 * offsets.length)
        / ((double) rows * cols);
  }
}
