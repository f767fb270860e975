package q35.onnx;

import q35.kernel.QuantMatrix;
import q35.quant.QuantizedMatrix;
import q35.quant.WeightFormat;

/**
 * The weights of one quantized matrix as ONNX initializers: the lattice values, decoded from
 * the packed stream by the verified kernel ({@code QuantMatrix.unpackRow}, which refuses
 * non-zero padding), as int8; the scales and offsets as float32. ONNX has no 3.5-bit type, so
 * the graph holds one byte per weight; the values are exactly the kernel's.
 *
 * @param lattice int8 {@code [G, g, n]}: {@code lattice[gi][i][j]} is row j's lattice value at
 *     input {@code gi * g + i}, 0 past k (the right operand of a batched MatMulInteger)
 * @param scales float32 {@code [n, G]}
 * @param offsets float32 {@code [n, G]}
 */
record WeightExport(String lattice, String scales, String offsets, int rows, int cols,
    int groupSize, int groups) {

  /** Adds the initializers of {@code q} to {@code graph}, after the kernel's value checks. */
  static WeightExport add(Graph graph, String name, QuantizedMatrix q) {
    q.checkValues();
    int n = q.rows();
    int g = q.groupSize();
    int groups = q.groups();
    String lattice = graph.int8(name + "_lattice", latticeBlocks(q), groups, g, n);
    String scales = graph.float32(name + "_scales", q.scales(), n, groups);
    String offsets = graph.float32(name + "_offsets", q.offsets(), n, groups);
    return new WeightExport(lattice, scales, offsets, n, q.cols(), g, groups);
  }

  /**
   * The lattice values of {@code q} laid out {@code [G, g, n]} (input-major, zero past k): for
   * q35 and int4 decoded row by row by the kernel's {@code unpackRow}; q8 stores them as they
   * are.
   */
  static byte[] latticeBlocks(QuantizedMatrix q) {
    int n = q.rows();
    int k = q.cols();
    int padded = q.groups() * q.groupSize();
    byte[] out = new byte[padded * n];
    int[] row = new int[k];
    for (int j = 0; j < n; j++) {
      if (q.kind() == WeightFormat.Kind.Q8) {
        for (int i = 0; i < k; i++) {
          row[i] = q.packed()[j * k + i];
        }
      } else {
        QuantMatrix.unpackRow(QuantizedMatrix.kernelFormat(q.kind()), q.packed(), j, k, row);
      }
      for (int i = 0; i < k; i++) {
        out[i * n + j] = (byte) row[i];
      }
    }
    return out;
  }
}
