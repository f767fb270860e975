package q35.llama;

/**
 * The float32 reference {@link Linear}: weights row-major {@code W[i*k + j]}, each output a plain
 * float sum in index order j = 0, 1, ..., k-1 (no fused multiply-add), exactly like llama2.c's
 * {@code matmul}.
 */
public final class FloatLinear implements Linear {
  /** Builds a FloatLinear for every matrix. */
  public static final LinearFactory FACTORY = (name, layer, w, n, k) -> new FloatLinear(w, n, k);

  private final float[] w;
  private final int n;
  private final int k;

  /** @param w row-major (n outputs) x (k inputs) matrix, not copied */
  public FloatLinear(float[] w, int n, int k) {
    if (n <= 0 || k <= 0 || (long) n * k != w.length) {
      throw new IllegalArgumentException("matrix of " + w.length + " floats is not " + n + " x " + k);
    }
    this.w = w;
    this.n = n;
    this.k = k;
  }

  @Override
  public int inputs() {
    return k;
  }

  @Override
  public int outputs() {
    return n;
  }

  @Override
  public void apply(float[] x, float[] out) {
    apply(1, x, out);
  }

  /** As {@link #apply(float[], float[])} for every row; each weight row is read once for all. */
  @Override
  public void apply(int m, float[] x, float[] out) {
    Linear.checkRows(m, n, k, x, out);
    for (int i = 0; i < n; i++) {
      int row = i * k;
      for (int r = 0; r < m; r++) {
        float val = 0.0f;
        int in = r * k;
        for (int j = 0; j < k; j++) {
          val += w[row + j] * x[in + j];
        }
        out[r * n + i] = val;
      }
    }
  }
}
