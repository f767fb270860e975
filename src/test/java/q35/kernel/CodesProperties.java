package q35.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashSet;
import java.util.Set;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

/** Theorems 1 and 2 of spec/error-bounds.md: pair codes and the dense stream round-trip. */
class CodesProperties {

  @Test
  void everyPairHasADistinctCodeAndRoundTrips() {
    Set<Integer> seen = new HashSet<>();
    for (int hi = -8; hi <= 7; hi++) {
      for (int lo = -4; lo <= 3; lo++) {
        int code = Codes.packPair(hi, lo);
        assertTrue(code >= 0 && code <= 127, "code in [0, 127]");
        // Upper 4 bits: hi in two's complement; lower 3 bits: lo in two's complement.
        assertEquals(hi & 0xf, code >> 3);
        assertEquals(lo & 0x7, code & 0x7);
        assertEquals(hi, Codes.unpackHiValue(code));
        assertEquals(lo, Codes.unpackLoValue(code));
        seen.add(code);
      }
    }
    assertEquals(128, seen.size(), "the 128 pairs map onto all 128 codes");
  }

  @Test
  void everyCodeUnpacksToAPairThatPacksBack() {
    for (int code = 0; code < 128; code++) {
      assertEquals(code, Codes.packPair(Codes.unpackHiValue(code), Codes.unpackLoValue(code)));
    }
  }

  @Test
  void pairsOutsideTheRangesAreRefused() {
    int[][] bad = {{8, 0}, {-9, 0}, {0, 4}, {0, -5}, {7, 4}, {-8, -5}};
    for (int[] p : bad) {
      IllegalArgumentException e =
          assertThrows(IllegalArgumentException.class, () -> Codes.packPair(p[0], p[1]));
      assertTrue(e.getMessage().startsWith("CODE_RANGE:"), e.getMessage());
    }
    // The ends of each range are accepted.
    assertEquals(0x40, Codes.packPair(-8, 0));
    assertEquals(0x38 + 3, Codes.packPair(7, 3));
    assertEquals(4, Codes.packPair(0, -4));
  }

  @Test
  void byteConversionsAreInverseOnTheirRanges() {
    for (int v = 0; v <= 255; v++) {
      assertEquals((byte) v, Codes.toSignedByte(v));
      assertEquals(v, Codes.toUnsignedByte(Codes.toSignedByte(v)));
    }
  }

  @Test
  void streamBytesIsCeilingOfSevenEighths() {
    for (int n = 0; n <= 64; n++) {
      assertEquals((7 * n + 7) / 8, Codes.streamBytes(n));
      assertEquals((int) Math.ceil(7.0 * n / 8.0), Codes.streamBytes(n));
    }
    assertEquals(234881024, Codes.streamBytes(Codes.MAX_STREAM_CODES));
  }

  @Provide
  Arbitrary<int[]> codeStreams() {
    Arbitrary<Integer> code = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(4, Arbitraries.integers().between(0, 127)),
        net.jqwik.api.Tuple.of(1, Arbitraries.of(0, 1, 64, 126, 127)));
    return code.array(int[].class).ofMinSize(0).ofMaxSize(80)
        .edgeCases(c -> c.add(new int[0]).add(new int[] {127}).add(new int[8]));
  }

  /** Reference packer written bit by bit, LSB first (spec/format.md section 2). */
  static byte[] packBits(int[] codes) {
    byte[] out = new byte[(7 * codes.length + 7) / 8];
    for (int i = 0; i < codes.length; i++) {
      for (int b = 0; b < 7; b++) {
        int bit = 7 * i + b;
        if ((codes[i] >> b & 1) == 1) {
          out[bit / 8] |= (byte) (1 << (bit % 8));
        }
      }
    }
    return out;
  }

  @Property
  void streamRoundTripsAtAnyLength(@ForAll("codeStreams") int[] codes) {
    int n = codes.length;
    byte[] packed = new byte[Codes.streamBytes(n) + 3];
    packed[packed.length - 1] = 0x5a; // bytes beyond the stream are left alone
    Codes.packStream(codes, n, packed, 2);
    assertEquals(0x5a, packed[packed.length - 1]);
    byte[] stream = java.util.Arrays.copyOfRange(packed, 2, 2 + Codes.streamBytes(n));
    assertArrayEquals(packBits(codes), stream, "bit layout");
    int[] back = new int[n];
    Codes.unpackStream(packed, 2, n, back);
    assertArrayEquals(codes, back);
    for (int i = 0; i < n; i++) {
      assertEquals(codes[i], Codes.codeAt(packed, 2, i));
    }
  }

  @Property
  void unusedTailBitsAreZero(@ForAll @IntRange(min = 1, max = 40) int n) {
    int[] ones = new int[n];
    java.util.Arrays.fill(ones, 127);
    byte[] out = new byte[Codes.streamBytes(n)];
    Codes.packStream(ones, n, out, 0);
    int usedBits = 7 * n;
    for (int bit = 0; bit < 8 * out.length; bit++) {
      int v = out[bit / 8] >> (bit % 8) & 1;
      assertEquals(bit < usedBits ? 1 : 0, v, "bit " + bit);
    }
  }

  @Property
  void blockPackingIsInvertible(@ForAll("codeStreams") int[] seed) {
    int[] codes = new int[8];
    for (int i = 0; i < Math.min(8, seed.length); i++) {
      codes[i] = seed[i];
    }
    byte[] out = new byte[7];
    Codes.packBlock(codes, 0, out, 0);
    assertArrayEquals(packBits(codes), out);
    int[] back = new int[9];
    Codes.unpackBlock(out, 0, back, 1);
    assertArrayEquals(codes, java.util.Arrays.copyOfRange(back, 1, 9));
    assertEquals(0, back[0]);
  }

  @Test
  void badStreamArgumentsAreRefused() {
    int[] codes = {1, 2, 3};
    assertCode("SHAPE", () -> Codes.packStream(codes, 4, new byte[4], 0));
    assertCode("SHAPE", () -> Codes.packStream(codes, -1, new byte[4], 0));
    assertCode("SHAPE", () -> Codes.packStream(codes, 3, new byte[2], 0));
    assertCode("SHAPE", () -> Codes.packStream(codes, 3, new byte[3], 1));
    assertCode("SHAPE", () -> Codes.packStream(codes, 3, new byte[3], -1));
    assertCode("CODE_RANGE", () -> Codes.packStream(new int[] {0, 128}, 2, new byte[2], 0));
    assertCode("CODE_RANGE", () -> Codes.packStream(new int[] {-1}, 1, new byte[1], 0));
    assertCode("TRUNCATED", () -> Codes.unpackStream(new byte[7], 0, 9, new int[9]));
    assertCode("TRUNCATED", () -> Codes.unpackStream(new byte[8], 1, 9, new int[9]));
    assertCode("TRUNCATED", () -> Codes.unpackStream(new byte[8], -1, 1, new int[9]));
    assertCode("SHAPE", () -> Codes.unpackStream(new byte[8], 0, 9, new int[8]));
    assertCode("SHAPE", () -> Codes.unpackStream(new byte[8], 0, -1, new int[8]));
    // Exact fits are accepted.
    Codes.packStream(codes, 3, new byte[3], 0);
    Codes.unpackStream(new byte[8], 0, 9, new int[9]);
    Codes.packStream(new int[] {127, 0}, 2, new byte[2], 0);
  }

  static void assertCode(String code, org.junit.jupiter.api.function.Executable e) {
    IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, e);
    assertTrue(ex.getMessage().startsWith(code + ":"), ex.getMessage());
  }
}
