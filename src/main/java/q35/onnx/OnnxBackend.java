package q35.onnx;

import java.util.HashMap;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;
import q35.backend.Arguments;
import q35.backend.Backend;
import q35.backend.PreparedMatrix;
import q35.kernel.Activations;
import q35.kernel.WeightQuant;
import q35.quant.QuantizedMatrix;

/**
 * The Groq backend adapter's runner: each matrix is exported to ONNX (lattice values decoded by
 * the verified kernel, spec/groq.md) and run by ONNX Runtime on the CPU, an engine independent
 * of q35's Java code. Graphs are built per batch size m (static shapes) and cached. Its int32
 * accumulators and float outputs equal the {@code reference} backend's bit for bit (tested on
 * every vector and in property tests).
 */
public final class OnnxBackend implements Backend {

  /** Its {@code --backend} name. */
  public static final String NAME = "onnx";

  private final OnnxSession.Optimization optimization;
  private final Map<Long, OnnxSession> activationSessions = new HashMap<>();

  /** At the optimization level of {@code -Dq35.onnx.optimization} (basic by default). */
  public OnnxBackend() {
    this(OnnxSession.Optimization.fromProperty());
  }

  /** At a given ONNX Runtime graph optimization level. */
  public OnnxBackend(OnnxSession.Optimization optimization) {
    this.optimization = optimization;
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "the exported ONNX graph (MatMulInteger, int8 lattice decoded by the kernel) run by"
        + " ONNX Runtime on the CPU";
  }

  @Override
  public @Nullable String unavailableReason() {
    try {
      OnnxSession.environment();
      return null;
    } catch (RuntimeException | LinkageError e) {
      return "ONNX Runtime's native library did not load: " + e;
    }
  }

  @Override
  public PreparedMatrix prepare(QuantizedMatrix matrix) {
    matrix.checkValues();
    return new Prepared(matrix);
  }

  @Override
  public void quantizeActivations(int m, int k, float[] x, byte[] xq, float[] xScales) {
    Arguments.shape(m, k, x.length, "activation codes", xq.length, k);
    WeightQuant.checkLength("activation scales", xScales.length, m);
    Arguments.finite(x);
    OnnxSession s = activationSessions.computeIfAbsent(((long) m << 32) | k,
        key -> new OnnxSession(OnnxExport.activations(m, k, OnnxExport.DEFAULT_OPSET),
            optimization));
    OnnxSession.Outputs out = s.run(Map.of("x", OnnxSession.float32(x, m, k)));
    System.arraycopy(out.bytes("codes"), 0, xq, 0, m * k);
    System.arraycopy(out.floats("scale"), 0, xScales, 0, m);
  }

  private final class Prepared implements PreparedMatrix {
    private final QuantizedMatrix q;
    private final Map<Integer, OnnxSession> fromCodes = new HashMap<>();
    private final Map<Integer, OnnxSession> fromFloats = new HashMap<>();
    private @Nullable OnnxSession dequantize;

    Prepared(QuantizedMatrix q) {
      this.q = q;
    }

    @Override
    public QuantizedMatrix matrix() {
      return q;
    }

    private OnnxSession.Outputs runCodes(int m, byte[] xq, float[] xScales) {
      OnnxSession s = fromCodes.computeIfAbsent(m,
          key -> new OnnxSession(OnnxExport.layerFromCodes(q, m, OnnxExport.DEFAULT_OPSET),
              optimization));
      return s.run(Map.of("codes", OnnxSession.int8(xq, m, q.cols()),
          "scales", OnnxSession.float32(xScales, m, 1)));
    }

    @Override
    public void accumulators(int m, byte[] xq, int[] acc) {
      Arguments.shape(m, q.cols(), xq.length, "accumulators", acc.length,
          (long) q.rows() * q.groups());
      Activations.checkCodes(xq, 0, xq.length);
      int[] a = runCodes(m, xq, new float[m]).ints("acc");
      System.arraycopy(a, 0, acc, 0, a.length);
    }

    @Override
    public void multiply(int m, byte[] xq, float[] xScales, float[] out) {
      Arguments.shape(m, q.cols(), xq.length, "output", out.length, q.rows());
      Arguments.activations(xq, xScales, m);
      float[] y = runCodes(m, xq, xScales).floats("y");
      System.arraycopy(y, 0, out, 0, y.length);
    }

    @Override
    public void apply(int m, float[] x, float[] out) {
      Arguments.shape(m, q.cols(), x.length, "output", out.length, q.rows());
      Arguments.finite(x);
      OnnxSession s = fromFloats.computeIfAbsent(m,
          key -> new OnnxSession(OnnxExport.layer(q, m, OnnxExport.DEFAULT_OPSET), optimization));
      float[] y = s.run(Map.of("x", OnnxSession.float32(x, m, q.cols()))).floats("y");
      System.arraycopy(y, 0, out, 0, y.length);
    }

    @Override
    public void dequantize(float[] out) {
      WeightQuant.checkLength("output", out.length, (long) q.rows() * q.cols());
      OnnxSession s = dequantize;
      if (s == null) {
        s = new OnnxSession(OnnxExport.dequantize(q, OnnxExport.DEFAULT_OPSET), optimization);
        dequantize = s;
      }
      float[] w = s.run(Map.of()).floats("w");
      System.arraycopy(w, 0, out, 0, w.length);
    }

    @Override
    public void close() {
      for (OnnxSession s : fromCodes.values()) {
        s.close();
      }
      for (OnnxSession s : fromFloats.values()) {
        s.close();
      }
      fromCodes.clear();
      fromFloats.clear();
      OnnxSession d = dequantize;
      if (d != null) {
        d.close();
        dequantize = null;
      }
    }
  }
}
