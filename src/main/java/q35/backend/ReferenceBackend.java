package q35.backend;

import q35.kernel.Activations;
import q35.kernel.QuantMatrix;
import q35.kernel.WeightQuant;
import q35.quant.Q8Baseline;
import q35.quant.QuantizedMatrix;
import q35.quant.WeightFormat;

/**
 * The verified kernel as a backend: every product of a q35 or int4 matrix is a call of
 * {@code QuantMatrix.matmul} / {@code matvecInt} / {@code dequantize}, and activations go
 * through {@code Activations.quantize}, so the code KeY proves is the code that runs. It is the
 * oracle of every other backend. The q8 comparison format, which the kernel does not cover, runs
 * Q8Baseline's own loops with the kernel's {@code combine}.
 */
public final class ReferenceBackend implements Backend {

  /** Its {@code --backend} name. */
  public static final String NAME = "reference";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public String description() {
    return "the verified kernel (q35.kernel.QuantMatrix), the oracle; q8 on Q8Baseline's loops";
  }

  @Override
  public PreparedMatrix prepare(QuantizedMatrix matrix) {
    matrix.checkValues();
    return new Prepared(matrix);
  }

  @Override
  public void quantizeActivations(int m, int k, float[] x, byte[] xq, float[] xScales) {
    if (m < 1) {
      throw new IllegalArgumentException("SHAPE: need m >= 1 activation rows, got " + m);
    }
    WeightQuant.checkLength("activations", x.length, (long) m * k);
    WeightQuant.checkLength("activation codes", xq.length, (long) m * k);
    WeightQuant.checkLength("activation scales", xScales.length, m);
    // The kernel refuses k < 1 (SHAPE) and non-finite values itself.
    for (int r = 0; r < m; r++) {
      xScales[r] = Activations.quantize(x, r * k, k, xq, r * k);
    }
  }

  private final class Prepared implements PreparedMatrix {
    private final QuantizedMatrix q;
    private final boolean q8;
    private final int format;

    Prepared(QuantizedMatrix q) {
      this.q = q;
      this.q8 = q.kind() == WeightFormat.Kind.Q8;
      this.format = q8 ? 0 : QuantizedMatrix.kernelFormat(q.kind());
    }

    @Override
    public QuantizedMatrix matrix() {
      return q;
    }

    @Override
    public void accumulators(int m, byte[] xq, int[] acc) {
      int n = q.rows();
      int k = q.cols();
      int groups = q.groups();
      Arguments.shape(m, k, xq.length, "accumulators", acc.length, (long) n * groups);
      if (q8) {
        Q8Baseline.matmul(q, m, xq, new float[m], null, acc);
        return;
      }
      byte[] row = new byte[k];
      int[] rowAcc = new int[n * groups];
      for (int r = 0; r < m; r++) {
        System.arraycopy(xq, r * k, row, 0, k);
        QuantMatrix.matvecInt(format, q.packed(), n, k, q.groupSize(), row, rowAcc);
        System.arraycopy(rowAcc, 0, acc, r * n * groups, n * groups);
      }
    }

    @Override
    public void multiply(int m, byte[] xq, float[] xScales, float[] out) {
      if (q8) {
        Arguments.shape(m, q.cols(), xq.length, "output", out.length, q.rows());
        WeightQuant.checkLength("activation scales", xScales.length, m);
        Q8Baseline.matmul(q, m, xq, xScales, out, null);
        return;
      }
      QuantMatrix.matmul(format, q.packed(), q.scales(), q.offsets(), q.rows(), q.cols(),
          q.groupSize(), m, xq, xScales, out);
    }

    @Override
    public void apply(int m, float[] x, float[] out) {
      byte[] xq = new byte[m * q.cols()];
      float[] xScales = new float[m];
      quantizeActivations(m, q.cols(), x, xq, xScales);
      multiply(m, xq, xScales, out);
    }

    @Override
    public void dequantize(float[] out) {
      if (q8) {
        WeightQuant.checkLength("output", out.length, (long) q.rows() * q.cols());
        float[] d = q.dequantizeStored();
        System.arraycopy(d, 0, out, 0, d.length);
        return;
      }
      QuantMatrix.dequantize(format, q.packed(), q.scales(), q.offsets(), q.rows(), q.cols(),
          q.groupSize(), out);
    }

    @Override
    public void close() {}
  }
}
