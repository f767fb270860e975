package q35.cli;

import ai.onnx.proto.OnnxMl.ModelProto;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.checkerframework.checker.nullness.qual.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import q35.llama.LinearFactory;
import q35.model.LlamaConfig;
import q35.model.LlamaWeights;
import q35.model.LoadedModel;
import q35.model.ModelLoader;
import q35.model.SharedModels;
import q35.onnx.LlamaGraph;
import q35.onnx.OnnxExport;
import q35.quant.QuantizedMatrix;
import q35.quant.WeightFormat;

/** {@code q35 export-onnx}: the Groq backend adapter's export (spec/groq.md). */
@Command(
    name = "export-onnx",
    mixinStandardHelpOptions = true,
    description = {
      "Export a model as an ONNX graph for GroqFlow (spec/groq.md): the whole quantized Llama as"
          + " a fixed-length prefill graph (tokens int32 [N] -> logits float [N, vocab]), or one"
          + " quantized layer (--layer). Weights are int8 lattice values decoded by the verified"
          + " kernel; activations are quantized to int8 in the graph; MatMulInteger gives the"
          + " int32 accumulators. Static shapes, opset 13 to 17. Written atomically."
    })
final class ExportOnnxCommand implements Callable<Integer> {

  @Option(names = "--model", paramLabel = "FILE", description = "Model: .bin, .gguf, HF"
      + " directory (quantized here with --format) or .q35 (exported as stored). Default:"
      + " stories260K.bin from the shared models.")
  @Nullable Path model;

  @Option(names = "--format", paramLabel = "FMT", description = "Weight format for a float"
      + " model: q35, q35-g<G>, int4, int4-g<G>, q8, q8-g<G> (each optionally ending in -f16 or"
      + " -k6),"
      + " or f32 for the float reference"
      + " graph (default: q35-g32; a .q35 model keeps its own).")
  @Nullable String format;

  @Option(names = "--quantize-classifier", description = "Also quantize the classifier of a"
      + " float model (by default it stays float, as in the .q35 container).")
  boolean quantizeClassifier;

  @Option(names = "--seq-len", paramLabel = "N", required = true, description = "Positions of"
      + " the prefill graph (static), or activation rows of a --layer graph.")
  int seqLen;

  @Option(names = "--layer", paramLabel = "TENSOR", description = "Export only this matrix as"
      + " one layer y = W x, e.g. layers.0.wq (input x float [N, k]; outputs y, codes, scale,"
      + " acc).")
  @Nullable String layer;

  @Option(names = "--opset", paramLabel = "V", defaultValue = "17", description = "ONNX opset,"
      + " 13 to 17 (default: ${DEFAULT-VALUE}).")
  int opset = OnnxExport.DEFAULT_OPSET;

  @Option(names = "--out", required = true, paramLabel = "FILE.onnx", description = "Output.")
  @Nullable Path out;

  @Override
  public Integer call() {
    Path outPath = out;
    if (outPath == null) {
      throw new IllegalStateException("picocli enforces required options");
    }
    long start = System.nanoTime();
    Path modelPath = model != null ? model : SharedModels.file(SharedModels.STORIES_BIN);
    try {
      LoadedModel m = ModelLoader.load(modelPath);
      Map<String, QuantizedMatrix> quantized = matrices(m);
      ModelProto proto;
      if (layer != null) {
        QuantizedMatrix q = quantized.get(layer);
        if (q == null) {
          System.err.println("export-onnx: no quantized matrix " + layer + " (known: "
              + String.join(", ", new java.util.TreeSet<>(quantized.keySet())) + ")");
          return 2;
        }
        if (seqLen < 1) {
          System.err.println("export-onnx: --seq-len must be >= 1");
          return 2;
        }
        proto = OnnxExport.layer(q, seqLen, opset);
      } else {
        proto = LlamaGraph.prefill(m.weights(), quantized, seqLen, opset);
      }
      OnnxExport.write(proto, outPath);
    } catch (IOException | IllegalArgumentException e) {
      System.err.println("export-onnx: " + Failure.describe(e) + " (nothing was written to "
          + outPath + ")");
      return 1;
    }
    long bytes;
    try {
      bytes = Files.size(outPath);
    } catch (IOException e) {
      bytes = -1;
    }
    System.err.printf(Locale.ROOT, "export-onnx: wrote %s (%d bytes, opset %d) in %.2f s%n",
        outPath, bytes, opset, (System.nanoTime() - start) / 1e9);
    return 0;
  }

  /** The quantized matrices to export: the container's, or the float model's quantized here. */
  private Map<String, QuantizedMatrix> matrices(LoadedModel m) {
    if (!m.quantized().isEmpty()) {
      if (format != null) {
        throw new IllegalArgumentException("a .q35 model is exported as stored; drop --format");
      }
      return m.quantized();
    }
    WeightFormat wf = WeightFormat.parse(format != null ? format : "q35-g32");
    Map<String, QuantizedMatrix> q = new HashMap<>();
    if (wf.kind() == WeightFormat.Kind.F32) {
      return q;
    }
    LlamaWeights w = m.weights();
    LlamaConfig c = w.config();
    int dim = c.dim();
    int kv = c.kvDim();
    int hidden = c.hiddenDim();
    for (int l = 0; l < c.nLayers(); l++) {
      put(q, wf, LinearFactory.WQ, l, w.wq[l], dim, dim);
      put(q, wf, LinearFactory.WK, l, w.wk[l], kv, dim);
      put(q, wf, LinearFactory.WV, l, w.wv[l], kv, dim);
      put(q, wf, LinearFactory.WO, l, w.wo[l], dim, dim);
      put(q, wf, LinearFactory.W1, l, w.w1[l], hidden, dim);
      put(q, wf, LinearFactory.W2, l, w.w2[l], dim, hidden);
      put(q, wf, LinearFactory.W3, l, w.w3[l], hidden, dim);
    }
    if (quantizeClassifier) {
      put(q, wf, LinearFactory.WCLS, -1, w.wcls, c.vocabSize(), dim);
    }
    return q;
  }

  private static void put(Map<String, QuantizedMatrix> q, WeightFormat wf, String name,
      int layer, float[] w, int n, int k) {
    q.put(LinearFactory.tensorName(name, layer), QuantizedMatrix.quantize(wf, w, n, k));
  }
}
