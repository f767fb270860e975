package q35.onnx;

import ai.onnx.proto.OnnxMl.TensorProto.DataType;

/**
 * The quantized layer of spec/matmul.md as ONNX operators, shared by the single-layer graphs and
 * the whole-model graph. Every operator is one IEEE operation per element or an exact integer
 * one, in the spec's order, so ONNX Runtime's result can be (and is, by test) bit for bit the
 * kernel's:
 *
 * <ul>
 *   <li>activations (spec/quantization.md section 3): {@code Abs}, {@code ReduceMax} (exact),
 *       {@code Div} by 127, {@code Div}, {@code Where} (scale 0 gives code 0), {@code Clip} to
 *       [-127, 127], {@code Round} (half to even), {@code Cast} to int8;
 *   <li>integer part (section 1): the codes, zero-padded to G groups of g, times the int8
 *       lattice in one batched {@code MatMulInteger} (int32, exact); per-group code sums by
 *       {@code ReduceSum} over int32 (exact);
 *   <li>float part (section 3): {@code Cast} to float, {@code Mul} by the scales, {@code Mul}
 *       of the offsets by the sums, {@code Add}, then the groups summed in order by one
 *       {@code Add} each (never a {@code ReduceSum}, whose order is unspecified), then
 *       {@code Mul} by the activation scale.
 * </ul>
 */
final class LayerGraph {

  /** The codes and the per-row scale of a quantized activation block. */
  record Activations(String codes, String scale) {}

  private LayerGraph() {}

  /** Quantizes float x {@code [m, k]}: codes int8 {@code [m, k]}, scale {@code [m, 1]}. */
  static Activations quantize(Graph g, String x) {
    String amax = g.node("ReduceMax", Graph.in(g.node("Abs", Graph.in(x))),
        Graph.attr("axes", new long[] {1}), Graph.attr("keepdims", 1));
    String scale = g.node("Div", Graph.in(amax, g.scalar("c127", 127.0f)));
    String t = g.node("Div", Graph.in(x, scale));
    String zero = g.scalar("c0", 0.0f);
    // x / 0 is NaN or infinite; the spec's code for a zero scale is 0.
    String safe = g.node("Where", Graph.in(g.node("Equal", Graph.in(scale, zero)), zero, t));
    String clipped = g.node("Clip", Graph.in(safe, g.scalar("cm127", -127.0f),
        g.scalar("c127", 127.0f)));
    String codes = g.node("Cast", Graph.in(g.node("Round", Graph.in(clipped))),
        Graph.attr("to", DataType.INT8.getNumber()));
    return new Activations(codes, scale);
  }

  /** The codes {@code [m, k]} zero-padded and grouped: int8 {@code [m, G, g]}. */
  static String grouped(Graph g, String codes, int m, WeightExport w) {
    int padded = w.groups() * w.groupSize();
    String c = codes;
    if (padded > w.cols()) {
      String zeros = g.int8("pad", new byte[m * (padded - w.cols())], m, padded - w.cols());
      c = g.node("Concat", Graph.in(codes, zeros), Graph.attr("axis", 1));
    }
    return g.node("Reshape", Graph.in(c, g.int64("shape", new long[] {m, w.groups(),
        w.groupSize()}, 3)));
  }

  /** The int32 accumulators {@code [m, n, G]} of grouped codes {@code [m, G, g]}. */
  static String accumulators(Graph g, String grouped, WeightExport w) {
    String byGroup = g.node("Transpose", Graph.in(grouped), Graph.attr("perm",
        new long[] {1, 0, 2}));
    String acc = g.node("MatMulInteger", Graph.in(byGroup, w.lattice()));
    return g.node("Transpose", Graph.in(acc), Graph.attr("perm", new long[] {1, 2, 0}));
  }

  /** The float outputs {@code [m, n]} from accumulators, grouped codes and the scale. */
  static String combine(Graph g, String acc, String grouped, String scale, int m,
      WeightExport w) {
    String sums = g.node("ReduceSum", Graph.in(
        g.node("Cast", Graph.in(grouped), Graph.attr("to", DataType.INT32.getNumber())),
        g.int64("axes", new long[] {2}, 1)), Graph.attr("keepdims", 1));
    String sumsF = g.node("Cast", Graph.in(g.node("Reshape", Graph.in(sums,
        g.int64("shape", new long[] {m, 1, w.groups()}, 3)))),
        Graph.attr("to", DataType.FLOAT.getNumber()));
    String accF = g.node("Cast", Graph.in(acc), Graph.attr("to", DataType.FLOAT.getNumber()));
    String weightTerm = g.node("Mul", Graph.in(accF, w.scales()));
    String offsetTerm = g.node("Mul", Graph.in(sumsF, w.offsets()));
    String terms = g.node("Add", Graph.in(weightTerm, offsetTerm));
    // The spec starts from +0, and +0 + t turns a -0 into +0. A constant 0 would be removed by
    // ONNX Runtime's NoopElimination (x + 0), so group 0 adds a computed +0: t + (t - t).
    String first = group(g, terms, 0);
    String total = g.node("Add", Graph.in(first, g.node("Sub", Graph.in(first, first))));
    for (int gi = 1; gi < w.groups(); gi++) {
      total = g.node("Add", Graph.in(total, group(g, terms, gi)));
    }
    return g.node("Mul", Graph.in(total, scale));
  }

  /** Group gi of {@code [m, n, G]} terms: {@code [m, n]}. */
  private static String group(Graph g, String terms, int gi) {
    return g.node("Gather", Graph.in(terms, g.int64("group", new long[] {gi})),
        Graph.attr("axis", 2));
  }

  /** The whole layer on float x {@code [m, k]}: y {@code [m, n]}. */
  static String linear(Graph g, String x, int m, WeightExport w) {
    Activations a = quantize(g, x);
    String grouped = grouped(g, a.codes(), m, w);
    return combine(g, accumulators(g, grouped, w), grouped, a.scale(), m, w);
  }

  /** The dequantized weights s * q + m, float {@code [n, k]}. */
  static String dequantize(Graph g, WeightExport w) {
    // lattice [G, g, n] -> [n, G, g]; scales and offsets [n, G] -> [n, G, 1]
    String q = g.node("Transpose", Graph.in(g.node("Cast", Graph.in(w.lattice()),
        Graph.attr("to", DataType.FLOAT.getNumber()))), Graph.attr("perm", new long[] {2, 0, 1}));
    String column = g.int64("shape", new long[] {w.rows(), w.groups(), 1}, 3);
    String scaled = g.node("Mul", Graph.in(g.node("Reshape", Graph.in(w.scales(), column)), q));
    String value = g.node("Add", Graph.in(scaled, g.node("Reshape", Graph.in(w.offsets(),
        column))));
    String flat = g.node("Reshape", Graph.in(value, g.int64("shape",
        new long[] {w.rows(), (long) w.groups() * w.groupSize()}, 2)));
    return g.node("Slice", Graph.in(flat, g.int64("start", new long[] {0}, 1),
        g.int64("end", new long[] {w.cols()}, 1), g.int64("axis", new long[] {1}, 1)));
  }
}
