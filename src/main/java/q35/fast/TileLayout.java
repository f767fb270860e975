package q35.fast;

import q35.kernel.Codes;
import q35.kernel.QuantMatrix;
import q35.quant.WeightFormat;

/**
 * How the {@code fast} backend holds a stored matrix: the same codes, moved so that one SIMD
 * register holds one code of each of {@code R} consecutive rows (R = the register's 16-bit
 * lanes, 32 with AVX-512). No bit is added or changed, only the order of the codes:
 *
 * <ul>
 *   <li>Rows are cut into <b>tiles</b> of R rows; the last tile is filled up with zero rows.
 *   <li>A tile is a sequence of <b>columns</b>, one per pair (q35: code index p of every row,
 *       {@code 8 * ceil(k / 16)} columns, as many as a stored row has codes), per byte (INT4:
 *       {@code ceil(k / 2)} columns) or per weight (q8: k columns).
 *   <li>A column holds row r of its tile in <b>lane</b> {@link #lane}(r): rows [0, R/2) in the
 *       even lanes, rows [R/2, R) in the odd ones. Read as 32-bit lanes, a register of 16-bit
 *       results then holds the first half of the rows in the low halves and the second half in
 *       the high halves, each in row order, which two shifts take apart ({@code Simd}).
 *   <li>A <b>q35 column</b> is the R codes of its lanes (lane 0 first) packed as a code stream
 *       of spec/format.md section 2 by the kernel's {@link Codes#packStream}: {@code 7R / 8}
 *       bytes. An INT4 or q8 column is the R lanes' bytes at that index, lane 0 first.
 *   <li>Scales and offsets follow the same tiles, in row order: index
 *       {@code (t * G + gi) * R + r}.
 * </ul>
 *
 * So a tile column of q35 takes 3.5 bits per weight like the stored stream, and the whole
 * arrangement takes exactly the stored bytes when R divides the rows (plus {@link #SLACK}
 * bytes the vector loads may read past the last column). {@code TileLayoutTest} checks the
 * arrangement and its inverse against the kernel's decoding, exhaustively on blocks (every code
 * value in every position) and on random matrices.
 */
final class TileLayout {

  private TileLayout() {}

  /** Bytes after the last column: a load of 2R bytes at the last column stays in the array. */
  static int slack(int lanes) {
    return 2 * lanes;
  }

  /** The lane that holds row r of a tile of {@code lanes} rows (see the class comment). */
  static int lane(int r, int lanes) {
    int half = lanes / 2;
    return r < half ? 2 * r : 2 * (r - half) + 1;
  }

  /** Tiles of {@code lanes} rows covering n rows. */
  static int tiles(int n, int lanes) {
    return (n + lanes - 1) / lanes;
  }

  /** Columns of a tile: q35 codes per stored row, INT4 bytes per row, q8 weights per row. */
  static int columns(WeightFormat.Kind kind, int k) {
    return switch (kind) {
      case Q35 -> 8 * ((k + 15) / 16);
      case INT4 -> (k + 1) / 2;
      case Q8 -> k;
      case F32 -> throw new IllegalArgumentException("f32 has no tiles");
    };
  }

  /** Bytes of one column of {@code lanes} rows. */
  static int columnBytes(WeightFormat.Kind kind, int lanes) {
    return kind == WeightFormat.Kind.Q35 ? 7 * lanes / 8 : lanes;
  }

  /** Bytes of one stored (canonical) row. */
  static int rowBytes(WeightFormat.Kind kind, int k) {
    return switch (kind) {
      case Q35 -> QuantMatrix.rowBytes(QuantMatrix.FORMAT_Q35, k);
      case INT4 -> QuantMatrix.rowBytes(QuantMatrix.FORMAT_INT4, k);
      case Q8 -> k;
      case F32 -> throw new IllegalArgumentException("f32 has no tiles");
    };
  }

  /** The tiles of a stored matrix's packed bytes (n rows of k inputs), plus the slack. */
  static byte[] tile(WeightFormat.Kind kind, byte[] packed, int n, int k, int lanes) {
    int cols = columns(kind, k);
    int cb = columnBytes(kind, lanes);
    int rb = rowBytes(kind, k);
    int tiles = tiles(n, lanes);
    byte[] out = new byte[Math.toIntExact((long) tiles * cols * cb + slack(lanes))];
    if (kind != WeightFormat.Kind.Q35) {
      for (int j = 0; j < n; j++) {
        int t = j / lanes;
        int lane = lane(j % lanes, lanes);
        for (int p = 0; p < cols; p++) {
          out[(t * cols + p) * lanes + lane] = packed[j * rb + p];
        }
      }
      return out;
    }
    int[][] rows = new int[lanes][cols];
    int[] column = new int[lanes];
    for (int t = 0; t < tiles; t++) {
      for (int r = 0; r < lanes; r++) {
        int j = t * lanes + r;
        if (j < n) {
          Codes.unpackStream(packed, j * rb, cols, rows[r]);
        } else {
          java.util.Arrays.fill(rows[r], 0);
        }
      }
      for (int p = 0; p < cols; p++) {
        for (int r = 0; r < lanes; r++) {
          column[lane(r, lanes)] = rows[r][p];
        }
        Codes.packStream(column, lanes, out, (t * cols + p) * cb);
      }
    }
    return out;
  }

  /** The inverse of {@link #tile}: the stored packed bytes of the n real rows. */
  static byte[] untile(WeightFormat.Kind kind, byte[] tiled, int n, int k, int lanes) {
    int cols = columns(kind, k);
    int cb = columnBytes(kind, lanes);
    int rb = rowBytes(kind, k);
    byte[] packed = new byte[Math.multiplyExact(n, rb)];
    if (kind != WeightFormat.Kind.Q35) {
      for (int j = 0; j < n; j++) {
        int t = j / lanes;
        int lane = lane(j % lanes, lanes);
        for (int p = 0; p < cols; p++) {
          packed[j * rb + p] = tiled[(t * cols + p) * lanes + lane];
        }
      }
      return packed;
    }
    int[][] rows = new int[lanes][cols];
    int[] column = new int[lanes];
    for (int t = 0; t < tiles(n, lanes); t++) {
      for (int p = 0; p < cols; p++) {
        Codes.unpackStream(tiled, (t * cols + p) * cb, lanes, column);
        for (int r = 0; r < lanes; r++) {
          rows[r][p] = column[lane(r, lanes)];
        }
      }
      for (int r = 0; r < lanes && t * lanes + r < n; r++) {
        Codes.packStream(rows[r], cols, packed, (t * lanes + r) * rb);
      }
    }
    return packed;
  }

  /** Scales or offsets ({@code n * groups}, row-major) by tile: {@code (t * G + gi) * R + r}. */
  static float[] tileParams(float[] params, int n, int groups, int lanes) {
    float[] out = new float[Math.multiplyExact(tiles(n, lanes) * lanes, groups)];
    for (int j = 0; j < n; j++) {
      for (int gi = 0; gi < groups; gi++) {
        out[((j / lanes) * groups + gi) * lanes + j % lanes] = params[j * groups + gi];
      }
    }
    return out;
  }

  /** The inverse of {@link #tileParams}. */
  static float[] untileParams(float[] tiled, int n, int groups, int lanes) {
    float[] out = new float[Math.multiplyExact(n, groups)];
    for (int j = 0; j < n; j++) {
      for (int gi = 0; gi < groups; gi++) {
        out[j * groups + gi] = tiled[((j / lanes) * groups + gi) * lanes + j % lanes];
      }
    }
    return out;
  }
}
