package q35.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.TensorProto.DataType;
import java.util.Map;
import q35.llama.LinearFactory;
import q35.llama.Transformer;
import q35.model.LlamaConfig;
import q35.model.LlamaWeights;
import q35.quant.QuantizedMatrix;

/**
 * A whole Llama model as one fixed-length prefill graph: input {@code tokens} int32
 * {@code [T]}, output {@code logits} float {@code [T, vocab]}, position t's logits after tokens
 * 0..t (causal attention). It is the graph of q35.llama.Transformer, written for T positions at
 * once: RMSNorm, RoPE on interleaved pairs (cos and sin tables computed by the transformer's own
 * {@link Transformer#ropeAngle}), grouped-query causal attention, SwiGLU, residuals, final
 * RMSNorm and the classifier. Each matrix found in {@code quantized} (by tensor name) is a
 * quantized layer ({@link LayerGraph}, bit-exact per layer); the others are float
 * {@code MatMul}s. With no quantized matrix it is the float reference graph.
 */
public final class LlamaGraph {

  private final Graph g = new Graph("q35_llama_prefill");
  private final LlamaConfig c;
  private final int positions;

  private LlamaGraph(LlamaConfig c, int positions) {
    this.c = c;
    this.positions = positions;
  }

  /**
   * The prefill graph of {@code w} over {@code positions} tokens at {@code opset}.
   *
   * @throws IllegalArgumentException if positions lies outside 1..seqLen
   */
  public static ModelProto prefill(LlamaWeights w, Map<String, QuantizedMatrix> quantized,
      int positions, int opset) {
    LlamaConfig c = w.config();
    if (positions < 1 || positions > c.seqLen()) {
      throw new IllegalArgumentException("--seq-len " + positions + " outside 1.."
          + c.seqLen());
    }
    LlamaGraph b = new LlamaGraph(c, positions);
    b.build(w, quantized);
    String kind = quantized.isEmpty() ? "float32 reference"
        : "quantized (" + quantized.size() + " q35-container matrices)";
    return b.g.model(opset, "q35 Llama prefill graph, " + kind + ", " + positions
        + " positions: tokens int32 [T] -> logits float [T, vocab] (spec/groq.md)");
  }

  private void build(LlamaWeights w, Map<String, QuantizedMatrix> quantized) {
    int dim = c.dim();
    int kvDim = c.kvDim();
    int hidden = c.hiddenDim();
    String tokens = g.input("tokens", DataType.INT32, positions);
    String x = g.node("Gather", Graph.in(g.float32("embedding", w.tokenEmbedding,
        c.vocabSize(), dim), tokens), Graph.attr("axis", 0));
    String[] rope = ropeTables();
    String mask = causalMask();
    for (int l = 0; l < c.nLayers(); l++) {
      String xb = rmsnorm(x, w.rmsAtt[l]);
      String q = linear(LinearFactory.WQ, l, w.wq[l], dim, dim, xb, quantized);
      String k = linear(LinearFactory.WK, l, w.wk[l], kvDim, dim, xb, quantized);
      String v = linear(LinearFactory.WV, l, w.wv[l], kvDim, dim, xb, quantized);
      q = rotate(q, dim, rope[0], rope[1]);
      k = rotate(k, kvDim, rope[2], rope[3]);
      String att = attention(q, k, v, mask);
      x = g.node("Add", Graph.in(x, linear(LinearFactory.WO, l, w.wo[l], dim, dim, att,
          quantized)));
      xb = rmsnorm(x, w.rmsFfn[l]);
      String h1 = linear(LinearFactory.W1, l, w.w1[l], hidden, dim, xb, quantized);
      String h3 = linear(LinearFactory.W3, l, w.w3[l], hidden, dim, xb, quantized);
      String silu = g.node("Mul", Graph.in(h1, g.node("Sigmoid", Graph.in(h1))));
      String gated = g.node("Mul", Graph.in(silu, h3));
      x = g.node("Add", Graph.in(x, linear(LinearFactory.W2, l, w.w2[l], dim, hidden, gated,
          quantized)));
    }
    x = rmsnorm(x, w.rmsFinal);
    String logits = linear(LinearFactory.WCLS, -1, w.wcls, c.vocabSize(), dim, x, quantized);
    g.output("logits", logits, DataType.FLOAT, positions, c.vocabSize());
  }

  /** A linear layer on x {@code [T, k]}: quantized if the matrix is stored quantized. */
  private String linear(String name, int layer, float[] weights, int n, int k, String x,
      Map<String, QuantizedMatrix> quantized) {
    String tensor = LinearFactory.tensorName(name, layer);
    QuantizedMatrix q = quantized.get(tensor);
    if (q != null) {
      if (q.rows() != n || q.cols() != k) {
        throw new IllegalArgumentException(tensor + " is " + q.rows() + " x " + q.cols()
            + ", the model needs " + n + " x " + k);
      }
      int[] order = q.inputOrder();
      String in = x;
      if (order != null) {
        // A stored input order (spec/format.md section 6): the columns of x in stored order,
        // as BackendLinear gathers them, before the quantized product.
        long[] indices = new long[k];
        for (int i = 0; i < k; i++) {
          indices[i] = order[i];
        }
        in = g.node("Gather", Graph.in(x, g.int64(tensor + "_input_order", indices, k)),
            Graph.attr("axis", 1));
      }
      return LayerGraph.linear(g, in, positions, WeightExport.add(g, tensor, q));
    }
    float[] t = new float[k * n];
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < k; i++) {
        t[i * n + j] = weights[j * k + i];
      }
    }
    return g.node("MatMul", Graph.in(x, g.float32(tensor, t, k, n)));
  }

  /** weight * (x * (1 / sqrt(mean(x^2) + eps))), per row, as Transformer.rmsnorm. */
  private String rmsnorm(String x, float[] weight) {
    String sum = g.node("ReduceSum", Graph.in(g.node("Mul", Graph.in(x, x)),
        g.int64("axes", new long[] {1}, 1)), Graph.attr("keepdims", 1));
    String mean = g.node("Div", Graph.in(sum, g.scalar("size", weight.length)));
    String inv = g.node("Reciprocal", Graph.in(g.node("Sqrt", Graph.in(
        g.node("Add", Graph.in(mean, g.scalar("eps", c.rmsEps())))))));
    String scaled = g.node("Mul", Graph.in(inv, x));
    return g.node("Mul", Graph.in(g.float32("rms", weight, weight.length), scaled));
  }

  /** cos and sin {@code [T, dim/2]} for q, and {@code [T, kvDim/2]} for k. */
  private String[] ropeTables() {
    int pairs = c.dim() / 2;
    int kvPairs = c.kvDim() / 2;
    float[] cos = new float[positions * pairs];
    float[] sin = new float[positions * pairs];
    float[] kcos = new float[positions * kvPairs];
    float[] ksin = new float[positions * kvPairs];
    for (int pos = 0; pos < positions; pos++) {
      for (int p = 0; p < pairs; p++) {
        float val = Transformer.ropeAngle(c, pos, (2 * p) % c.headSize());
        cos[pos * pairs + p] = (float) Math.cos(val);
        sin[pos * pairs + p] = (float) Math.sin(val);
        if (p < kvPairs) {
          kcos[pos * kvPairs + p] = cos[pos * pairs + p];
          ksin[pos * kvPairs + p] = sin[pos * pairs + p];
        }
      }
    }
    return new String[] {g.float32("rope_cos", cos, positions, pairs),
        g.float32("rope_sin", sin, positions, pairs),
        g.float32("rope_kcos", kcos, positions, kvPairs),
        g.float32("rope_ksin", ksin, positions, kvPairs)};
  }

  /** Rotates each pair (2p, 2p+1) of v {@code [T, width]}: v0 cos - v1 sin, v0 sin + v1 cos. */
  private String rotate(String v, int width, String cos, String sin) {
    String pairs = g.node("Reshape", Graph.in(v, g.int64("shape",
        new long[] {positions, width / 2, 2}, 3)));
    String v0 = g.node("Gather", Graph.in(pairs, g.int64("even", new long[] {0})),
        Graph.attr("axis", 2));
    String v1 = g.node("Gather", Graph.in(pairs, g.int64("odd", new long[] {1})),
        Graph.attr("axis", 2));
    String r0 = g.node("Sub", Graph.in(g.node("Mul", Graph.in(v0, cos)),
        g.node("Mul", Graph.in(v1, sin))));
    String r1 = g.node("Add", Graph.in(g.node("Mul", Graph.in(v0, sin)),
        g.node("Mul", Graph.in(v1, cos))));
    String last = g.int64("axes", new long[] {2}, 1);
    String both = g.node("Concat", Graph.in(g.node("Unsqueeze", Graph.in(r0, last)),
        g.node("Unsqueeze", Graph.in(r1, last))), Graph.attr("axis", 2));
    return g.node("Reshape", Graph.in(both, g.int64("shape", new long[] {positions, width},
        2)));
  }

  /** True where key position t may be seen from query position pos: t <= pos. */
  private String causalMask() {
    boolean[] m = new boolean[positions * positions];
    for (int pos = 0; pos < positions; pos++) {
      for (int t = 0; t <= pos; t++) {
        m[pos * positions + t] = true;
      }
    }
    return g.bool("causal", m, positions, positions);
  }

  /** Causal grouped-query attention; q {@code [T, dim]}, k and v {@code [T, kvDim]}. */
  private String attention(String q, String k, String v, String mask) {
    int heads = c.nHeads();
    int kvHeads = c.nKvHeads();
    int hs = c.headSize();
    long[] headOf = new long[heads];
    for (int h = 0; h < heads; h++) {
      headOf[h] = h / (heads / kvHeads);
    }
    String kvMap = g.int64("kv_head", headOf, heads);
    String qh = g.node("Transpose", Graph.in(g.node("Reshape", Graph.in(q, g.int64("shape",
        new long[] {positions, heads, hs}, 3)))), Graph.attr("perm", new long[] {1, 0, 2}));
    String kvShape = g.int64("shape", new long[] {positions, kvHeads, hs}, 3);
    String kt = g.node("Gather", Graph.in(g.node("Transpose", Graph.in(g.node("Reshape",
        Graph.in(k, kvShape))), Graph.attr("perm", new long[] {1, 2, 0})), kvMap),
        Graph.attr("axis", 0));
    String vh = g.node("Gather", Graph.in(g.node("Transpose", Graph.in(g.node("Reshape",
        Graph.in(v, kvShape))), Graph.attr("perm", new long[] {1, 0, 2})), kvMap),
        Graph.attr("axis", 0));
    String scores = g.node("Div", Graph.in(g.node("MatMul", Graph.in(qh, kt)),
        g.scalar("sqrt_head", (float) Math.sqrt(hs))));
    String masked = g.node("Where", Graph.in(mask, scores,
        g.scalar("minus_inf", Float.NEGATIVE_INFINITY)));
    String p = g.node("Softmax", Graph.in(masked), Graph.attr("axis", 2));
    String o = g.node("Transpose", Graph.in(g.node("MatMul", Graph.in(p, vh))),
        Graph.attr("perm", new long[] {1, 0, 2}));
    return g.node("Reshape", Graph.in(o, g.int64("shape", new long[] {positions, c.dim()},
        2)));
  }
}
