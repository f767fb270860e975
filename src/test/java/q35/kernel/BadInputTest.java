package q35.kernel;

import static q35.kernel.CodesProperties.assertCode;

import org.junit.jupiter.api.Test;

/** Bad input is refused with the error code documented in spec/quantization.md section 5. */
class BadInputTest {

  static final int Q = QuantMatrix.FORMAT_Q35;
  static final int I4 = QuantMatrix.FORMAT_INT4;

  @Test
  void nonFiniteAndTooLargeWeights() {
    for (int f : new int[] {Q, I4}) {
      assertCode("NAN_INPUT", () -> quantize(f, new float[] {1f, Float.NaN}, 1, 2, 2));
      assertCode("INF_INPUT",
          () -> quantize(f, new float[] {Float.POSITIVE_INFINITY, 1f}, 1, 2, 2));
      assertCode("INF_INPUT",
          () -> quantize(f, new float[] {1f, Float.NEGATIVE_INFINITY}, 1, 2, 2));
      assertCode("TOO_LARGE", () -> quantize(f, new float[] {1f, Math.nextUp(Gen.LIMIT)}, 1, 2, 2));
      assertCode("TOO_LARGE",
          () -> quantize(f, new float[] {-Math.nextUp(Gen.LIMIT), 1f}, 1, 2, 2));
      quantize(f, new float[] {Gen.LIMIT, -Gen.LIMIT}, 1, 2, 2);
    }
  }

  @Test
  void badShapes() {
    float[] w = new float[8];
    assertCode("GROUP_SIZE", () -> quantize(Q, w, 1, 8, 3));
    assertCode("GROUP_SIZE", () -> quantize(Q, w, 1, 8, 0));
    assertCode("GROUP_SIZE", () -> quantize(Q, w, 1, 8, 9));
    assertCode("SHAPE", () -> quantize(Q, new float[0], 1, 0, 1));
    assertCode("SHAPE", () -> quantize(Q, new float[0], 0, 8, 8));
    assertCode("SHAPE", () -> quantize(Q, new float[7], 1, 8, 8));
    assertCode("SHAPE", () -> quantize(Q, new float[9], 1, 8, 8));
    assertCode("K_TOO_LARGE", () -> WeightQuant.checkShape(1, IntDot.MAX_K + 1, 2));
    WeightQuant.checkShape(1, IntDot.MAX_K, 2);
    WeightQuant.checkShape(1, 7, 7);
    WeightQuant.checkShape(1, 1, 1);
    assertCode("FORMAT", () -> QuantMatrix.checkFormat(8));
    assertCode("FORMAT", () -> quantize(5, w, 1, 8, 8));
    // Wrong lengths of the output arrays.
    assertCode("SHAPE", () -> QuantMatrix.quantize(Q, w, 1, 8, 8, new byte[6], new float[1],
        new float[1]));
    assertCode("SHAPE", () -> QuantMatrix.quantize(Q, w, 1, 8, 8, new byte[7], new float[2],
        new float[1]));
    assertCode("SHAPE", () -> QuantMatrix.quantize(Q, w, 1, 8, 8, new byte[7], new float[1],
        new float[0]));
  }

  @Test
  void nothingIsWrittenWhenAWeightIsRefused() {
    float[] w = {1f, 2f, 3f, Float.NaN};
    byte[] packed = {9, 9, 9, 9, 9, 9, 9};
    float[] s = {42f};
    float[] m = {43f};
    assertCode("NAN_INPUT", () -> QuantMatrix.quantize(Q, w, 1, 4, 4, packed, s, m));
    org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {9, 9, 9, 9, 9, 9, 9}, packed);
    org.junit.jupiter.api.Assertions.assertEquals(42f, s[0]);
    org.junit.jupiter.api.Assertions.assertEquals(43f, m[0]);
  }

  @Test
  void badActivations() {
    byte[] q = new byte[2];
    assertCode("NAN_INPUT", () -> Activations.quantize(new float[] {Float.NaN, 1f}, 0, 2, q, 0));
    assertCode("INF_INPUT",
        () -> Activations.quantize(new float[] {1f, Float.NEGATIVE_INFINITY}, 0, 2, q, 0));
    assertCode("TOO_LARGE", () -> Activations.quantize(new float[] {1f, 1e10f}, 0, 2, q, 0));
    // An empty vector is a shape error (spec/quantization.md section 3), and nothing is written.
    byte[] untouched = {5, 6};
    assertCode("SHAPE", () -> Activations.quantize(new float[] {1f}, 1, 0, untouched, 0));
    org.junit.jupiter.api.Assertions.assertArrayEquals(new byte[] {5, 6}, untouched);
    assertCode("ACT_RANGE", () -> Activations.checkCodes(new byte[] {0, -128}, 0, 2));
    Activations.checkCodes(new byte[] {-127, 127}, 0, 2);
    Activations.checkCodes(new byte[] {-128, 5}, 1, 1);
  }

  @Test
  void badMatvecInputs() {
    for (int f : new int[] {Q, I4}) {
      int k = 4;
      byte[] packed = new byte[QuantMatrix.rowBytes(f, k)];
      float[] s = {1f};
      float[] m = {0f};
      byte[] xq = {1, 2, 3, 4};
      float[] out = new float[1];
      assertCode("BAD_SCALE", () -> QuantMatrix.matvec(f, packed, new float[] {Float.NaN}, m, 1,
          k, k, xq, 1f, out));
      assertCode("BAD_SCALE", () -> QuantMatrix.matvec(f, packed, new float[] {-1f}, m, 1, k, k,
          xq, 1f, out));
      assertCode("BAD_SCALE", () -> QuantMatrix.matvec(f, packed,
          new float[] {Math.nextUp(1073741824f)}, m, 1, k, k, xq, 1f, out));
      assertCode("BAD_SCALE", () -> QuantMatrix.matvec(f, packed, s, new float[] {Float.NaN}, 1,
          k, k, xq, 1f, out));
      assertCode("BAD_SCALE", () -> QuantMatrix.matvec(f, packed, s,
          new float[] {Math.nextUp(8589934592f)}, 1, k, k, xq, 1f, out));
      assertCode("BAD_SCALE", () -> QuantMatrix.matvec(f, packed, s,
          new float[] {-Math.nextUp(8589934592f)}, 1, k, k, xq, 1f, out));
      assertCode("BAD_SCALE", () -> QuantMatrix.matvec(f, packed, s, m, 1, k, k, xq,
          Float.NaN, out));
      assertCode("BAD_SCALE", () -> QuantMatrix.matvec(f, packed, s, m, 1, k, k, xq, -1f, out));
      assertCode("BAD_SCALE", () -> QuantMatrix.matvec(f, packed, s, m, 1, k, k, xq,
          Math.nextUp(1073741824f), out));
      QuantMatrix.matvec(f, packed, new float[] {1073741824f}, new float[] {-8589934592f}, 1, k,
          k, xq, 1073741824f, out);
      QuantMatrix.matvec(f, packed, new float[] {0f}, new float[] {8589934592f}, 1, k, k, xq, 0f,
          out);
      assertCode("ACT_RANGE", () -> QuantMatrix.matvec(f, packed, s, m, 1, k, k,
          new byte[] {1, -128, 0, 0}, 1f, out));
      assertCode("SHAPE", () -> QuantMatrix.matvec(f, packed, s, m, 1, k, k, new byte[3], 1f,
          out));
      assertCode("SHAPE", () -> QuantMatrix.matvec(f, packed, s, m, 1, k, k, xq, 1f,
          new float[2]));
      assertCode("SHAPE", () -> QuantMatrix.matvec(f, new byte[packed.length + 1], s, m, 1, k, k,
          xq, 1f, out));
      assertCode("SHAPE", () -> QuantMatrix.matvecInt(f, packed, 1, k, k, xq, new int[2]));
      assertCode("SHAPE", () -> QuantMatrix.matvecInt(f, packed, 1, k, k, new byte[5],
          new int[1]));
      assertCode("SHAPE", () -> QuantMatrix.matvecInt(f, new byte[0], 1, k, k, xq, new int[1]));
      assertCode("SHAPE", () -> QuantMatrix.dequantize(f, packed, s, m, 1, k, k, new float[3]));
      assertCode("BAD_SCALE", () -> QuantMatrix.dequantize(f, packed, new float[] {-0.5f}, m, 1,
          k, k, new float[4]));
      assertCode("SHAPE", () -> QuantMatrix.matmul(f, packed, s, m, 1, k, k, 0, new byte[0],
          new float[0], new float[0]));
      assertCode("SHAPE", () -> QuantMatrix.matmul(f, packed, s, m, 1, k, k, 1, new byte[3],
          new float[1], new float[1]));
      assertCode("SHAPE", () -> QuantMatrix.matmul(f, packed, s, m, 1, k, k, 1, xq,
          new float[2], new float[1]));
      assertCode("SHAPE", () -> QuantMatrix.matmul(f, packed, s, m, 1, k, k, 1, xq,
          new float[1], new float[2]));
      assertCode("GROUP_SIZE", () -> QuantMatrix.matmul(f, packed, s, m, 1, k, 3, 1, xq,
          new float[1], new float[1]));
      assertCode("FORMAT", () -> QuantMatrix.matmul(7, packed, s, m, 1, k, k, 1, xq,
          new float[1], new float[1]));
      assertCode("FORMAT", () -> QuantMatrix.matvecInt(7, packed, 1, k, k, xq, new int[1]));
      assertCode("GROUP_SIZE", () -> QuantMatrix.matvecInt(f, packed, 1, k, 3, xq, new int[1]));
    }
  }

  @Test
  void nonzeroPaddingIsRefused() {
    // q35, k = 3: pair 1 holds position 2 (4-bit) and padding position 3 (3-bit half).
    byte[] q35 = new byte[7];
    q35[0] = (byte) (1 << 7); // code 1, bit 0 -> 3-bit half of pair 1 = 1
    assertCode("PADDING", () -> QuantMatrix.unpackRow(Q, q35, 0, 3, new int[3]));
    byte[] q35b = new byte[7];
    q35b[1] = (byte) (1 << 6); // code 2 (positions 4, 5) bit 0 -> 3-bit half, beyond k = 3
    assertCode("PADDING", () -> QuantMatrix.unpackRow(Q, q35b, 0, 3, new int[3]));
    byte[] q35c = new byte[7];
    q35c[1] = (byte) (1 << 2); // code 1, bit 3 -> 4-bit half of pair 1 = position 2, inside k
    int[] lat = new int[3];
    QuantMatrix.unpackRow(Q, q35c, 0, 3, lat);
    org.junit.jupiter.api.Assertions.assertEquals(1, lat[2]);
    byte[] q35d = new byte[7];
    q35d[3] = (byte) 1; // stream bit 24 = code 3 bit 3: 4-bit half of pair 3, position 6
    assertMessage("PADDING: row 0 position 6 lies beyond k = 3 but holds 1",
        () -> QuantMatrix.unpackRow(Q, q35d, 0, 3, new int[3]));
    byte[] q35e = new byte[14];
    q35e[7] = (byte) (1 << 7); // row 1, code 1 bit 0: 3-bit half of pair 1, position 3
    assertMessage("PADDING: row 1 position 3 lies beyond k = 3 but holds 2",
        () -> QuantMatrix.unpackRow(Q, q35e, 1, 3, new int[3]));
    byte[] q35f = new byte[7];
    q35f[1] = (byte) (1 << 6); // stream bit 14 = code 2 bit 0 -> 3-bit half of pair 2, position 5, beyond k = 5
    assertMessage("PADDING: row 0 position 5 lies beyond k = 5 but holds 2",
        () -> QuantMatrix.unpackRow(Q, q35f, 0, 5, new int[5]));
    byte[] int4f = {0, 0, 0x20};
    assertMessage("PADDING: row 0 position 5 lies beyond k = 5 but holds 2",
        () -> QuantMatrix.unpackRow(I4, int4f, 0, 5, new int[5]));
    byte[] int4 = {0, 0x10};
    assertMessage("PADDING: row 0 position 3 lies beyond k = 3 but holds 1",
        () -> QuantMatrix.unpackRow(I4, int4, 0, 3, new int[3]));
    byte[] int4ok = {0, 0x0f};
    int[] lat4 = new int[3];
    QuantMatrix.unpackRow(I4, int4ok, 0, 3, lat4);
    org.junit.jupiter.api.Assertions.assertEquals(-1, lat4[2]);
  }

  /**
   * The matrix products validate everything before they compute (spec/quantization.md section
   * 5): a row with non-zero padding, a code of -128 or a bad scale is refused by matvecInt,
   * matvec and matmul themselves, and their outputs keep their old values.
   */
  @Test
  void productsRefuseBadRowsCodesAndScalesBeforeWriting() {
    int k = 14; // q35: one 7-byte block of 8 codes; code 7 holds positions 14 and 15 (padding)
    int[] codes = new int[8];
    codes[7] = Codes.packPair(1, 0); // position 14 = k holds 1
    byte[] padded = new byte[7];
    Codes.packBlock(codes, 0, padded, 0);
    assertMessage("PADDING: row 0 position 14 lies beyond k = 14 but holds 1",
        () -> QuantMatrix.unpackRow(Q, padded, 0, k, new int[k]));
    byte[] xq = new byte[k];
    java.util.Arrays.fill(xq, (byte) 1);
    float[] s = {1f};
    float[] m = {0f};
    int[] acc = {42};
    assertCode("PADDING", () -> QuantMatrix.matvecInt(Q, padded, 1, k, k, xq, acc));
    org.junit.jupiter.api.Assertions.assertEquals(42, acc[0]);
    float[] out = {42f};
    assertCode("PADDING", () -> QuantMatrix.matvec(Q, padded, s, m, 1, k, k, xq, 1f, out));
    assertCode("PADDING", () -> QuantMatrix.matmul(Q, padded, s, m, 1, k, k, 1, xq,
        new float[] {1f}, out));
    org.junit.jupiter.api.Assertions.assertEquals(42f, out[0]);
    byte[] clean = new byte[7];
    byte[] bad = xq.clone();
    bad[3] = (byte) -128;
    assertCode("ACT_RANGE", () -> QuantMatrix.matvecInt(Q, clean, 1, k, k, bad, acc));
    org.junit.jupiter.api.Assertions.assertEquals(42, acc[0]);
    assertCode("BAD_SCALE", () -> QuantMatrix.matmul(Q, clean, new float[] {Float.NaN}, m, 1, k,
        k, 1, xq, new float[] {1f}, out));
    org.junit.jupiter.api.Assertions.assertEquals(42f, out[0]);
  }

  static void assertMessage(String message, org.junit.jupiter.api.function.Executable e) {
    IllegalArgumentException ex =
        org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class, e);
    org.junit.jupiter.api.Assertions.assertEquals(message, ex.getMessage());
  }

  @Test
  void messagesNameTheOffendingIndex() {
    assertMessage("NAN_INPUT: weight index 1 is NaN",
        () -> Rounding.requireFinite(new float[] {0f, 1f, Float.NaN}, 1, 2, "weight"));
    assertMessage("INF_INPUT: activation index 2 is infinite", () -> Rounding.requireFinite(
        new float[] {0f, 1f, 2f, Float.NEGATIVE_INFINITY}, 1, 3, "activation"));
    // A too-large value is an integer and prints as one, exactly, below 2^63 in magnitude
    // (the float next beyond -2^32 is -(2^32 + 2^9); the one below 2^63 is 2^63 - 2^39).
    assertMessage("TOO_LARGE: weight index 0 is 10000000000, beyond the accepted magnitude 2^32",
        () -> Rounding.requireFinite(new float[] {0f, 1e10f}, 1, 1, "weight"));
    assertMessage("TOO_LARGE: weight index 1 is -4294967808, beyond the accepted magnitude 2^32",
        () -> Rounding.requireFinite(new float[] {0f, Math.nextDown(-0x1p32f)}, 0, 2, "weight"));
    assertMessage("TOO_LARGE: weight index 0 is 9223371487098961920, beyond the accepted"
        + " magnitude 2^32",
        () -> Rounding.requireFinite(new float[] {Math.nextDown(0x1p63f)}, 0, 1, "weight"));
    assertMessage("TOO_LARGE: weight index 0 has magnitude 2^63 or more, beyond the accepted"
        + " magnitude 2^32", () -> Rounding.requireFinite(new float[] {0x1p63f}, 0, 1, "weight"));
    assertMessage("TOO_LARGE: weight index 0 has magnitude 2^63 or more, beyond the accepted"
        + " magnitude 2^32", () -> Rounding.requireFinite(new float[] {-0x1p63f}, 0, 1, "weight"));
    assertMessage("TOO_LARGE: activation index 0 has magnitude 2^63 or more, beyond the accepted"
        + " magnitude 2^32",
        () -> Rounding.requireFinite(new float[] {-Float.MAX_VALUE}, 0, 1, "activation"));
    assertMessage("ACT_RANGE: activation code -128 at index 1 (codes lie in [-127, 127])",
        () -> Activations.checkCodes(new byte[] {0, 0, -128}, 1, 2));
    // Values outside the checked range are not read.
    Rounding.requireFinite(new float[] {Float.NaN, 1f, Float.NaN}, 1, 1, "weight");
  }

  @Test
  void int4NibblesOutOfRangeAreRefused() {
    int[][] bad = {{8, 0}, {-9, 0}, {0, 8}, {0, -9}};
    for (int[] p : bad) {
      assertCode("CODE_RANGE", () -> Int4Codes.packNibbles(p[0], p[1]));
    }
    org.junit.jupiter.api.Assertions.assertEquals(0x87, Int4Codes.packNibbles(7, -8));
    org.junit.jupiter.api.Assertions.assertEquals(0x78, Int4Codes.packNibbles(-8, 7));
  }

  @Test
  void dequantizeChecksItsShape() {
    for (int f : new int[] {Q, I4}) {
      int k = 4;
      byte[] packed = new byte[QuantMatrix.rowBytes(f, k)];
      float[] one = {1f};
      assertCode("GROUP_SIZE", () -> QuantMatrix.dequantize(f, packed, one, one, 1, k, 3,
          new float[4]));
      assertCode("FORMAT", () -> QuantMatrix.dequantize(9, packed, one, one, 1, k, k,
          new float[4]));
      assertCode("SHAPE", () -> QuantMatrix.dequantize(f, new byte[packed.length + 7], one, one,
          1, k, k, new float[4]));
      assertCode("SHAPE", () -> QuantMatrix.dequantize(f, packed, new float[2], one, 1, k, k,
          new float[4]));
      assertCode("SHAPE", () -> QuantMatrix.matvec(f, packed, one, new float[0], 1, k, k,
          new byte[4], 1f, new float[1]));
      assertCode("GROUP_SIZE", () -> QuantMatrix.matvec(f, packed, one, one, 1, k, 3,
          new byte[4], 1f, new float[1]));
      // A single activation row is a valid matmul.
      float[] out = new float[1];
      QuantMatrix.matmul(f, packed, one, new float[] {2f}, 1, k, k, 1, new byte[] {1, 1, 1, 1},
          new float[] {0.5f}, out);
      org.junit.jupiter.api.Assertions.assertEquals(4f, out[0]);
    }
  }

  static void quantize(int format, float[] w, int n, int k, int g) {
    int groups = Math.max(1, (k + Math.max(g, 1) - 1) / Math.max(g, 1));
    QuantMatrix.quantize(format, w, n, k, g,
        new byte[Math.max(0, n) * Math.max(1, QuantMatrix.rowBytes(Q == format ? Q : I4,
            Math.max(k, 1)))],
        new float[Math.max(0, n) * groups], new float[Math.max(0, n) * groups]);
  }
}
