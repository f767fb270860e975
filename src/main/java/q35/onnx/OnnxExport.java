package q35.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import q35.quant.QuantizedMatrix;

/**
 * The ONNX graphs of the Groq backend adapter (spec/groq.md): one quantized layer, the
 * activation quantizer, the dequantized weights, and (in {@link LlamaGraph}) the whole model.
 * Every shape is static; no graph input is int64 or float64.
 */
public final class OnnxExport {

  /** The opset written unless another is asked for: 17 (GroqFlow accepts 13 and up). */
  public static final int DEFAULT_OPSET = Graph.MAX_OPSET;

  private OnnxExport() {}

  /**
   * One layer from int8 codes: inputs {@code codes} int8 {@code [m, k]} and {@code scales}
   * float {@code [m, 1]}; outputs {@code acc} int32 {@code [m, n, G]} and {@code y} float
   * {@code [m, n]} (spec/matmul.md sections 1, 3, 5).
   */
  public static ModelProto layerFromCodes(QuantizedMatrix q, int m, int opset) {
    Graph g = new Graph("q35_layer_codes");
    WeightExport w = WeightExport.add(g, "w", q);
    String codes = g.input("codes", DataType.INT8, m, q.cols());
    String scales = g.input("scales", DataType.FLOAT, m, 1);
    String grouped = LayerGraph.grouped(g, codes, m, w);
    String acc = LayerGraph.accumulators(g, grouped, w);
    g.output("acc", acc, DataType.INT32, m, q.rows(), q.groups());
    g.output("y", LayerGraph.combine(g, acc, grouped, scales, m, w), DataType.FLOAT, m,
        q.rows());
    return g.model(opset, doc("one q35 layer from int8 activation codes", q, m));
  }

  /**
   * One layer y = W x (spec/matmul.md section 6): input {@code x} float {@code [m, k]};
   * outputs {@code y} float {@code [m, n]}, and the intermediate {@code codes} int8
   * {@code [m, k]}, {@code scale} float {@code [m, 1]} and {@code acc} int32 {@code [m, n, G]}.
   */
  public static ModelProto layer(QuantizedMatrix q, int m, int opset) {
    Graph g = new Graph("q35_layer");
    WeightExport w = WeightExport.add(g, "w", q);
    String x = g.input("x", DataType.FLOAT, m, q.cols());
    LayerGraph.Activations a = LayerGraph.quantize(g, x);
    String grouped = LayerGraph.grouped(g, a.codes(), m, w);
    String acc = LayerGraph.accumulators(g, grouped, w);
    g.output("y", LayerGraph.combine(g, acc, grouped, a.scale(), m, w), DataType.FLOAT, m,
        q.rows());
    g.output("codes", a.codes(), DataType.INT8, m, q.cols());
    g.output("scale", a.scale(), DataType.FLOAT, m, 1);
    g.output("acc", acc, DataType.INT32, m, q.rows(), q.groups());
    return g.model(opset, doc("one q35 layer y = W x", q, m));
  }

  /** The activation quantizer: input {@code x} {@code [m, k]}; outputs codes and scale. */
  public static ModelProto activations(int m, int k, int opset) {
    Graph g = new Graph("q35_activations");
    String x = g.input("x", DataType.FLOAT, m, k);
    LayerGraph.Activations a = LayerGraph.quantize(g, x);
    g.output("codes", a.codes(), DataType.INT8, m, k);
    g.output("scale", a.scale(), DataType.FLOAT, m, 1);
    return g.model(opset, "q35 int8 activation quantization (spec/quantization.md section 3),"
        + " " + m + " rows of " + k);
  }

  /** The dequantized weights: no input; output {@code w} float {@code [n, k]}. */
  public static ModelProto dequantize(QuantizedMatrix q, int opset) {
    Graph g = new Graph("q35_dequantize");
    WeightExport w = WeightExport.add(g, "w", q);
    g.output("w", LayerGraph.dequantize(g, w), DataType.FLOAT, q.rows(), q.cols());
    return g.model(opset, doc("the dequantized weights s * q + m of", q, 0));
  }

  private static String doc(String what, QuantizedMatrix q, int m) {
    return what + ": " + q.kind().id() + " " + q.rows() + " x " + q.cols() + ", groups of "
        + q.groupSize() + (m > 0 ? ", " + m + " activation rows" : "")
        + "; lattice values decoded by the verified kernel (spec/groq.md)";
  }

  /**
   * Writes a model atomically: a temporary file in the same folder, fsync, then rename; on
   * failure the old file (if any) stays and no temporary file is left.
   */
  public static void write(ModelProto model, Path out) throws IOException {
    Path dir = out.toAbsolutePath().getParent();
    if (dir == null) {
      throw new IOException(out + ": no parent folder");
    }
    Path tmp = Files.createTempFile(dir, "." + out.getFileName(), ".tmp");
    try {
      try {
        // A temporary file is owner-only; the model is an ordinary output file.
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      } catch (UnsupportedOperationException e) {
        // not a POSIX file system: keep its default permissions
      }
      // SYNC: the bytes are on the device before the rename makes them the file.
      Files.write(tmp, model.toByteArray(), StandardOpenOption.WRITE,
          StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.SYNC);
      Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
