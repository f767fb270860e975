package q35.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class WeightFormatTest {

  @Test
  void parsesEveryForm() {
    assertEquals(new WeightFormat(WeightFormat.Kind.Q35, 0), WeightFormat.parse("q35"));
    assertEquals(new WeightFormat(WeightFormat.Kind.Q35, 32), WeightFormat.parse("Q35-g32"));
    assertEquals(new WeightFormat(WeightFormat.Kind.INT4, 128), WeightFormat.parse("int4-g128"));
    assertEquals(new WeightFormat(WeightFormat.Kind.Q8, 0), WeightFormat.parse("q8"));
    assertEquals(new WeightFormat(WeightFormat.Kind.F32, 0), WeightFormat.parse("f32"));
    assertEquals("q35-g64", WeightFormat.parse("q35-g64").toString());
    assertEquals(new WeightFormat(WeightFormat.Kind.Q35, 16, WeightFormat.Scales.F16),
        WeightFormat.parse("q35-g16-f16"));
    assertEquals(new WeightFormat(WeightFormat.Kind.Q8, 0, WeightFormat.Scales.F16), WeightFormat.parse("q8-f16"));
    assertEquals("int4-g32-f16", WeightFormat.parse("INT4-g32-F16").toString());
    assertEquals(new WeightFormat(WeightFormat.Kind.Q35, 8, WeightFormat.Scales.K6),
        WeightFormat.parse("q35-g8-k6"));
    assertEquals("int4-g16-k6", WeightFormat.parse("Int4-G16-K6").toString());
    assertEquals(WeightFormat.Scales.K6, WeightFormat.parse("q8-k6").scales());
    for (String bad : new String[] {"q3", "q35-g", "q35-g3", "q35-g0", "f32-g32", "int4g32", "",
        "f32-f16", "q35-f16-g16", "q35-g16-f32", "q35-g16f16", "f32-k6", "q35-g8-k6-f16",
        "q35-g8-k4", "q35-k6-g8"}) {
      assertThrows(IllegalArgumentException.class, () -> WeightFormat.parse(bad), bad);
    }
  }

  @Test
  void parsesAListInOrderAndRefusesEmptyItems() {
    assertEquals(java.util.List.of(WeightFormat.parse("q35"), WeightFormat.parse("int4-g32"),
        WeightFormat.parse("f32")), WeightFormat.parseList("q35, int4-g32,f32"));
    for (String bad : new String[] {"", "q35,", ",q35", "q35,,int4", "q35,float32"}) {
      assertThrows(IllegalArgumentException.class, () -> WeightFormat.parseList(bad), bad);
    }
  }

  @Test
  void groupSizeIsCappedByTheRow() {
    assertEquals(64, WeightFormat.parse("q35-g128").groupFor(64));
    assertEquals(128, WeightFormat.parse("q35-g128").groupFor(172));
    assertEquals(172, WeightFormat.parse("q35").groupFor(172));
  }

  @Test
  void bitsPerWeightCountScalesAndOffsets() {
    // 4096 x 4096, one group per row: 7 * 256 bytes of codes + 8 bytes of scale and offset.
    assertEquals((7 * 256 * 8 + 64) / 4096.0, WeightFormat.parse("q35").bitsPerWeight(4096, 4096));
    assertEquals(3.5 + 64.0 / 32, WeightFormat.parse("q35-g32").bitsPerWeight(4096, 4096));
    assertEquals(4.0 + 64.0 / 128, WeightFormat.parse("int4-g128").bitsPerWeight(8, 4096));
    // stories260K's 64-wide rows: per-row fp32 scale and offset add 1 bit per weight.
    assertEquals(3.5 + 1.0, WeightFormat.parse("q35").bitsPerWeight(64, 64));
    assertEquals(32.0, WeightFormat.parse("f32").bitsPerWeight(3, 3));
    // binary16 scales and offsets: 32 bits per group
    assertEquals(3.5 + 32.0 / 16, WeightFormat.parse("q35-g16-f16").bitsPerWeight(4096, 4096));
    assertEquals(8.0 + 32.0 / 32, WeightFormat.parse("q8-g32-f16").bitsPerWeight(64, 4096));
    // scale codes: 12 bits per group and two binary16 steps per row (format.md section 8)
    assertEquals(3.5 + 12.0 / 8 + 32.0 / 4096,
        WeightFormat.parse("q35-g8-k6").bitsPerWeight(4096, 4096));
    // an odd group count: 3 groups of 6 on k = 16 take 5 bytes (the last half byte unused)
    assertEquals((7 + 5 + 4) * 8 / 16.0, WeightFormat.parse("q35-g6-k6").bitsPerWeight(2, 16));
  }
}
