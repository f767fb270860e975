package q35.fast;

import org.checkerframework.checker.nullness.qual.Nullable;
import q35.backend.Arguments;
import q35.backend.PreparedMatrix;
import q35.backend.ReferenceBackend;
import q35.kernel.Activations;
import q35.kernel.WeightQuant;
import q35.quant.QuantizedMatrix;
import q35.quant.WeightFormat;

/**
 * A matrix prepared by the {@code fast} backend: its codes, scales and offsets in the tiles of
 * {@link TileLayout} (the stored bits, moved, not widened), multiplied by {@link Simd}'s loops
 * with the tiles shared among threads. Holds no other copy of the weights: {@link #matrix()}
 * rebuilds the stored form from the tiles when asked.
 */
final class FastMatrix implements PreparedMatrix {

  private final WeightFormat.Kind kind;
  private final int n;
  private final int k;
  private final int g;
  private final int groups;
  private final int tiles;
  private final int cols;
  private final int groupCols;
  private final int tileBytes;
  private final int threads;
  private final long parallelMacs;
  private final byte[] w;
  private final float[] scales;
  private final float[] offsets;
  /** The stored input order, applied by BackendLinear before this matrix sees x. */
  private final int @Nullable [] inputOrder;
  private final boolean halfScales;
  private final QuantizedMatrix.@Nullable RowSteps rowSteps;

  // Activations of the current call (this object is not thread-safe, as PreparedMatrix says).
  private short[] xs = new short[0];
  private int[] sums = new int[0];
  private int[] corr = new int[0];
  private byte[] codes = new byte[0];
  private float[] codeScales = new float[0];
  private final int[][] accScratch;
  private final float[][] yScratch;

  FastMatrix(QuantizedMatrix q, int threads, long parallelMacs) {
    int lanes = Simd.LANES;
    this.kind = q.kind();
    this.n = q.rows();
    this.k = q.cols();
    this.g = q.groupSize();
    this.groups = q.groups();
    this.tiles = TileLayout.tiles(n, lanes);
    this.cols = TileLayout.columns(kind, k);
    this.groupCols = kind == WeightFormat.Kind.Q8 ? g : g / 2; // one group when g is odd
    this.tileBytes = cols * TileLayout.columnBytes(kind, lanes);
    this.threads = threads;
    this.parallelMacs = parallelMacs;
    this.w = TileLayout.tile(kind, q.packed(), n, k, lanes);
    this.scales = TileLayout.tileParams(q.scales(), n, groups, lanes);
    this.offsets = TileLayout.tileParams(q.offsets(), n, groups, lanes);
    this.inputOrder = q.inputOrder();
    this.halfScales = q.halfScales();
    this.rowSteps = q.rowSteps();
    this.accScratch = new int[threads][groups * lanes];
    this.yScratch = new float[threads][lanes];
  }

  /** The stored form, rebuilt from the tiles (the tiles are the only copy kept). */
  @Override
  public QuantizedMatrix matrix() {
    int lanes = Simd.LANES;
    return new QuantizedMatrix(kind, n, k, g, TileLayout.untile(kind, w, n, k, lanes),
        TileLayout.untileParams(scales, n, groups, lanes),
        TileLayout.untileParams(offsets, n, groups, lanes), inputOrder, halfScales, rowSteps);
  }

  @Override
  public int rows() {
    return n;
  }

  @Override
  public int cols() {
    return k;
  }

  @Override
  public int groups() {
    return groups;
  }

  @Override
  public int @Nullable [] inputOrder() {
    return inputOrder;
  }

  /** Bytes held for the weights: tiles, scales and offsets. */
  long weightBytes() {
    return w.length + 4L * scales.length + 4L * offsets.length;
  }

  @Override
  public void accumulators(int m, byte[] xq, int[] acc) {
    Arguments.shape(m, k, xq.length, "accumulators", acc.length, (long) n * groups);
    Activations.checkCodes(xq, 0, xq.length);
    load(m, xq);
    run(m, NO_FLOATS, NO_FLOATS, acc);
  }

  @Override
  public void multiply(int m, byte[] xq, float[] xScales, float[] out) {
    Arguments.shape(m, k, xq.length, "output", out.length, n);
    Arguments.activations(xq, xScales, m);
    load(m, xq);
    run(m, xScales, out, NO_INTS);
  }

  @Override
  public void apply(int m, float[] x, float[] out) {
    Arguments.shape(m, k, x.length, "output", out.length, n);
    if (codes.length < m * k) {
      codes = new byte[m * k];
      codeScales = new float[m];
    }
    for (int r = 0; r < m; r++) {
      codeScales[r] = Activations.quantize(x, r * k, k, codes, r * k);
    }
    load(m, codes);
    run(m, codeScales, out, NO_INTS);
  }

  @Override
  public void dequantize(float[] out) {
    WeightQuant.checkLength("output", out.length, (long) n * k);
    try (PreparedMatrix ref = new ReferenceBackend().prepare(matrix())) {
      ref.dequantize(out);
    }
  }

  @Override
  public void close() {}

  /**
   * Lays out m rows of activation codes for the loops: the codes as 16-bit values (q35: odd
   * positions doubled, the factor 2 of the 3-bit half), zero up to the tile columns; the group
   * sums by the kernel's {@code Activations.groupSums}, and for q35 8 times them.
   */
  private void load(int m, byte[] xq) {
    int stride = xStride();
    if (xs.length < m * stride) {
      xs = new short[m * stride];
      sums = new int[m * groups];
      corr = new int[m * groups];
    }
    // Positions k and beyond of a row are never written: they stay 0 from the allocation.
    int odd = kind == WeightFormat.Kind.Q35 ? 2 : 1;
    int[] rowSums = new int[groups];
    for (int r = 0; r < m; r++) {
      for (int i = 0; i < k; i++) {
        xs[r * stride + i] = (short) (i % 2 == 1 ? odd * xq[r * k + i] : xq[r * k + i]);
      }
      Activations.groupSums(xq, r * k, k, g, rowSums);
      for (int gi = 0; gi < groups; gi++) {
        sums[r * groups + gi] = rowSums[gi];
        corr[r * groups + gi] = 8 * rowSums[gi];
      }
    }
  }

  /** 16-bit activation values per row: two per q35 or INT4 column, one per q8 column. */
  private int xStride() {
    return kind == WeightFormat.Kind.Q8 ? cols : 2 * cols;
  }

  private static final float[] NO_FLOATS = new float[0];
  private static final int[] NO_INTS = new int[0];

  /**
   * Products (into out) or, when {@code acc} is not empty, accumulators (into acc) of m loaded
   * rows, the tiles shared among threads.
   */
  private void run(int m, float[] xScales, float[] out, int[] acc) {
    int parts = (long) m * n * k >= parallelMacs ? Math.min(threads, tiles) : 1;
    Workers.run(parts, part -> tiles(tiles * part / parts, tiles * (part + 1) / parts, m,
        xScales, out, acc, accScratch[part], yScratch[part]));
  }

  private void tiles(int t0, int t1, int m, float[] xScales, float[] out, int[] accOut,
      int[] acc, float[] y) {
    int lanes = Simd.LANES;
    int stride = xStride();
    for (int t = t0; t < t1; t++) {
      int base = t * tileBytes;
      int first = t * lanes;
      int valid = Math.min(lanes, n - first);
      for (int r = 0; r < m; r++) {
        switch (kind) {
          case Q35 -> Simd.q35(w, base, cols, groupCols, groups, xs, r * stride, corr,
              r * groups, acc, 0);
          case INT4 -> Simd.int4(w, base, cols, groupCols, groups, xs, r * stride, acc, 0);
          default -> Simd.q8(w, base, cols, groupCols, groups, xs, r * stride, acc, 0);
        }
        if (accOut.length > 0) {
          for (int j = 0; j < valid; j++) {
            for (int gi = 0; gi < groups; gi++) {
              accOut[((r * n) + first + j) * groups + gi] = acc[gi * lanes + j];
            }
          }
        } else if (valid == lanes) {
          Simd.combine(acc, 0, groups, scales, offsets, t * groups * lanes, sums, r * groups,
              xScales[r], out, r * n + first);
        } else {
          Simd.combine(acc, 0, groups, scales, offsets, t * groups * lanes, sums, r * groups,
              xScales[r], y, 0);
          System.arraycopy(y, 0, out, r * n + first, valid);
        }
      }
    }
  }
}
