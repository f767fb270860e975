package q35.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;
import q35.kernel.Codes;
import q35.kernel.QuantMatrix;
import q35.quant.WeightFormat;

/**
 * The fast backend's tiles hold the stored codes and nothing else: every code of every row,
 * read back from its tile column with the kernel's {@link Codes#codeAt}, is the code the kernel
 * reads from the stored row; the inverse gives back the stored bytes; the tiles take the stored
 * size. Exhaustive on blocks (every one of the 128 codes, or 256 byte values, in every lane of a
 * tile and every position of a block and of a register's two columns), then on random
 * matrices, for every register width the backend may use (8, 16 and 32 rows per tile).
 */
class TileLayoutTest {

  static final int[] LANES = {8, 16, 32};

  /**
   * q35: n = 128 R rows, 16 pairs (two 8-code blocks, both columns of a register, twice): the
   * code of row t R + r, pair p is (t + 5 r + 3 p) mod 128, so over the 128 tiles each (lane,
   * pair) position takes all 128 codes.
   */
  @Test
  void q35TilesHoldEveryCodeInEveryPosition() {
    for (int lanes : LANES) {
      int n = 128 * lanes;
      int k = 32;
      int rb = QuantMatrix.rowBytes(QuantMatrix.FORMAT_Q35, k);
      byte[] packed = new byte[n * rb];
      int[] codes = new int[16];
      for (int j = 0; j < n; j++) {
        for (int p = 0; p < 16; p++) {
          codes[p] = (j / lanes + 5 * (j % lanes) + 3 * p) % 128;
        }
        Codes.packStream(codes, 16, packed, j * rb);
      }
      boolean[][][] seen = new boolean[lanes][16][128];
      byte[] tiles = TileLayout.tile(WeightFormat.Kind.Q35, packed, n, k, lanes);
      int cb = TileLayout.columnBytes(WeightFormat.Kind.Q35, lanes);
      for (int j = 0; j < n; j++) {
        for (int p = 0; p < 16; p++) {
          int stored = Codes.codeAt(packed, j * rb, p);
          int tiled = Codes.codeAt(tiles, ((j / lanes) * 16 + p) * cb, laneOf(j % lanes, lanes));
          assertEquals(stored, tiled, "lanes " + lanes + " row " + j + " pair " + p);
          seen[j % lanes][p][tiled] = true;
        }
      }
      for (boolean[][] lane : seen) {
        for (boolean[] position : lane) {
          for (boolean s : position) {
            assertEquals(true, s, "a code missing from a position");
          }
        }
      }
      assertEquals(n * rb + TileLayout.slack(lanes), tiles.length, "stored size plus slack");
      assertArrayEquals(packed, TileLayout.untile(WeightFormat.Kind.Q35, tiles, n, k, lanes));
    }
  }

  /** INT4 and q8: every byte value in every lane and column; n = 256 R rows. */
  @Test
  void byteTilesHoldEveryByteInEveryPosition() {
    for (WeightFormat.Kind kind : new WeightFormat.Kind[] {WeightFormat.Kind.INT4,
        WeightFormat.Kind.Q8}) {
      for (int lanes : LANES) {
        int n = 256 * lanes;
        int k = kind == WeightFormat.Kind.INT4 ? 6 : 3;
        int rb = TileLayout.rowBytes(kind, k);
        byte[] packed = new byte[n * rb];
        for (int j = 0; j < n; j++) {
          for (int p = 0; p < rb; p++) {
            packed[j * rb + p] = (byte) (j / lanes + 7 * (j % lanes) + 11 * p);
          }
        }
        byte[] tiles = TileLayout.tile(kind, packed, n, k, lanes);
        for (int j = 0; j < n; j++) {
          for (int p = 0; p < rb; p++) {
            assertEquals(packed[j * rb + p],
                tiles[((j / lanes) * rb + p) * lanes + laneOf(j % lanes, lanes)]);
          }
        }
        assertEquals(n * rb + TileLayout.slack(lanes), tiles.length);
        assertArrayEquals(packed, TileLayout.untile(kind, tiles, n, k, lanes));
      }
    }
  }

  /** Random matrices of every format, odd k, rows not a multiple of R (zero rows added). */
  @Test
  void randomMatricesRoundTrip() {
    Random r = new Random(35);
    for (int trial = 0; trial < 300; trial++) {
      int lanes = LANES[r.nextInt(3)];
      WeightFormat.Kind kind = WeightFormat.Kind.values()[1 + r.nextInt(3)];
      int n = 1 + r.nextInt(100);
      int k = 1 + r.nextInt(200);
      int rb = TileLayout.rowBytes(kind, k);
      byte[] packed = new byte[n * rb];
      if (kind == WeightFormat.Kind.Q35) {
        int cols = TileLayout.columns(kind, k);
        int[] codes = new int[cols];
        for (int j = 0; j < n; j++) {
          for (int p = 0; p < cols; p++) {
            codes[p] = r.nextInt(128);
          }
          Codes.packStream(codes, cols, packed, j * rb);
        }
      } else {
        r.nextBytes(packed);
      }
      byte[] tiles = TileLayout.tile(kind, packed, n, k, lanes);
      int tileRows = TileLayout.tiles(n, lanes) * lanes;
      assertEquals((long) tileRows * rb + TileLayout.slack(lanes), tiles.length);
      assertArrayEquals(packed, TileLayout.untile(kind, tiles, n, k, lanes),
          kind + " " + n + "x" + k + " lanes " + lanes);
      int groups = 1 + r.nextInt(5);
      float[] params = new float[n * groups];
      for (int i = 0; i < params.length; i++) {
        params[i] = r.nextFloat() - 0.5f;
      }
      float[] tiled = TileLayout.tileParams(params, n, groups, lanes);
      assertEquals(tileRows * groups, tiled.length);
      assertArrayEquals(params, TileLayout.untileParams(tiled, n, groups, lanes));
    }
  }

  /** The padding rows of the last tile hold code 0 (lattice value 0) and scale 0. */
  @Test
  void paddingRowsAreZero() {
    int lanes = 32;
    int n = 33;
    int k = 20;
    int rb = QuantMatrix.rowBytes(QuantMatrix.FORMAT_Q35, k);
    byte[] packed = new byte[n * rb];
    java.util.Arrays.fill(packed, (byte) 0x55);
    byte[] tiles = TileLayout.tile(WeightFormat.Kind.Q35, packed, n, k, lanes);
    int cols = TileLayout.columns(WeightFormat.Kind.Q35, k);
    int cb = TileLayout.columnBytes(WeightFormat.Kind.Q35, lanes);
    for (int p = 0; p < cols; p++) {
      for (int r = 1; r < lanes; r++) {
        assertEquals(0, Codes.codeAt(tiles, (cols + p) * cb, r));
      }
    }
    float[] s = TileLayout.tileParams(new float[] {1f, 2f}, 2, 1, lanes);
    assertEquals(0f, s[2]);
  }

  /** Row r of a tile sits in lane 2 (r mod R/2) + (r div R/2): first half even, second odd. */
  private static int laneOf(int r, int lanes) {
    return 2 * (r % (lanes / 2)) + r / (lanes / 2);
  }
}
