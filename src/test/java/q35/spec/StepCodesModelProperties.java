package q35.spec;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import org.junit.jupiter.api.Test;
import q35.kernel.Binary16;
import q35.quant.QuantizedMatrix;
import q35.quant.StepCodes;
import q35.quant.WeightFormat;

/**
 * Scale codes under row steps (quantization.md section 2.7, format.md section 8): the runtime's
 * quantizer and codes blob agree bit for bit with the exact spec model, on inputs biased to the
 * rule's edges (zero steps, codes clamped at 63, tiny groups beside large ones, the 2^15 limit,
 * subnormals, signed zeros); the blob round-trips; inconsistent matrices are refused.
 */
class StepCodesModelProperties {

  record Case(String format, int n, int k, int g, float[] w) {}

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<Float> edge = Arbitraries.of(0f, -0f, Float.MIN_VALUE, -Float.MIN_VALUE, 1e-6f,
        Binary16.WEIGHT_LIMIT, Binary16.WEIGHT_MIN, Math.nextDown(Binary16.WEIGHT_LIMIT), 1f,
        -1f, 0.5f, 3.9375f, 1e-3f);
    Arbitrary<Float> weight = Arbitraries.frequencyOf(
        Tuple.of(6, Arbitraries.floats().between(-1f, 1f)),
        Tuple.of(2, Arbitraries.floats().between(Binary16.WEIGHT_MIN, Binary16.WEIGHT_LIMIT)),
        Tuple.of(2, Arbitraries.floats().between(-1f, 1f).map(f -> f * 1e-7f)),
        Tuple.of(3, edge));
    return Combinators.combine(Arbitraries.of("q35", "int4", "q8"),
        Arbitraries.integers().between(1, 3), Arbitraries.integers().between(1, 40),
        Arbitraries.integers().between(1, 20), Arbitraries.integers().between(0, 3))
        .flatAs((format, n, k, half, shape) -> {
          int g = k < 2 || 2 * half > k ? k : 2 * half;
          Arbitrary<float[]> varied = weight.array(float[].class).ofSize(n * k);
          // one group per row scaled down by 10^shape: its code is small or 0 beside the rest
          Arbitrary<float[]> tinyGroup = varied.map(w -> {
            for (int j = 0; j < n; j++) {
              for (int i = 0; i < Math.min(g, k); i++) {
                w[j * k + i] = (float) (w[j * k + i] * Math.pow(10, -2 * shape));
              }
            }
            return w;
          });
          Arbitrary<float[]> constant = weight.map(v -> {
            float[] a = new float[n * k];
            java.util.Arrays.fill(a, v);
            return a;
          });
          return Arbitraries.frequencyOf(Tuple.of(4, varied), Tuple.of(2, tinyGroup),
              Tuple.of(1, constant)).map(w -> new Case(format, n, k, g, w));
        });
  }

  @Property(tries = 1000)
  void theQuantizerMatchesTheExactModelBitForBit(@ForAll("cases") Case c) {
    int[] bits = new int[c.w().length];
    for (int i = 0; i < bits.length; i++) {
      bits[i] = Float.floatToRawIntBits(c.w()[i]);
    }
    SpecModel.QuantizedMatrix model = SpecModel.quantize(c.format(), bits, c.n(), c.k(), c.g(),
        SpecModel.ScaleType.K6);
    QuantizedMatrix q = QuantizedMatrix.quantize(new WeightFormat(
        WeightFormat.Kind.valueOf(c.format().toUpperCase(java.util.Locale.ROOT)), c.g(),
        WeightFormat.Scales.K6), c.w(), c.n(), c.k());
    assertArrayEquals(model.scaleBits(), bitsOf(q.scales()), "scales");
    assertArrayEquals(model.offsetBits(), bitsOf(q.offsets()), "offsets");
    assertArrayEquals(model.packed(), q.packed(), "packed codes");
    assertArrayEquals(model.stepCodes(), StepCodes.pack(q), "codes blob");
    QuantizedMatrix.RowSteps steps = q.rowSteps();
    assertArrayEquals(model.stepBits(), bitsOf(StepCodes.steps(steps)), "steps");
    QuantizedMatrix.RowSteps again = StepCodes.rowSteps(StepCodes.steps(steps));
    assertArrayEquals(bitsOf(steps.scale()), bitsOf(again.scale()), "scale steps round trip");
    assertArrayEquals(bitsOf(steps.offset()), bitsOf(again.offset()), "offset steps round trip");
    float[][] back = StepCodes.unpack(model.stepCodes(), steps, c.n(), q.groups());
    assertArrayEquals(model.scaleBits(), bitsOf(back[0]), "scales from the blob");
    assertArrayEquals(model.offsetBits(), bitsOf(back[1]), "offsets from the blob");
    q.checkValues();
  }

  @Test
  void aRowCarriesItsLargestScaleAsCode63AndTiesRoundToEven() {
    // d = 3.9375 / 63 = 1/16; scales 2.5 d and 3.5 d are ties: codes 2 and 4
    float[] w = {0f, 59.0625f, 0f, 2.34375f, 0f, 3.28125f};
    QuantizedMatrix q = QuantizedMatrix.quantize(WeightFormat.parse("int4-g2-k6"), w, 1, 6);
    assertEquals(0.0625f, q.rowSteps().scale()[0]);
    assertArrayEquals(new float[] {63 * 0.0625f, 2 * 0.0625f, 4 * 0.0625f}, q.scales());
  }

  @Test
  void inconsistentStepsAreRefused() {
    float[] w = {0f, 1f, 2f, -3f, 0.5f, 0.25f, 4f, -1f};
    QuantizedMatrix good = QuantizedMatrix.quantize(WeightFormat.parse("q35-g4-k6"), w, 1, 8);
    float[] offScale = good.scales().clone();
    offScale[1] = Math.nextUp(offScale[1]);
    String msg = assertThrows(IllegalArgumentException.class, () -> with(good, offScale,
        good.rowSteps()).checkValues()).getMessage();
    assertTrue(msg.startsWith("BAD_SCALE"), msg);
    QuantizedMatrix.RowSteps negative = new QuantizedMatrix.RowSteps(new float[] {-0f},
        good.rowSteps().offset());
    msg = assertThrows(IllegalArgumentException.class, () -> with(good, new float[2],
        negative).checkValues()).getMessage();
    assertTrue(msg.contains("negative step"), msg);
    msg = assertThrows(IllegalArgumentException.class, () -> StepCodes.unpack(new byte[] {0, 0x10},
        new QuantizedMatrix.RowSteps(new float[] {1f}, new float[] {1f}), 1, 1)).getMessage();
    assertTrue(msg.startsWith("PADDING"), msg);
    // twelve bits per group, three bytes per two groups and the row's four bytes of steps
    assertEquals(8.0 * (7 + 3 + 4) / 8, good.bitsPerWeight(), 1e-12);
    assertEquals(good.bitsPerWeight(), WeightFormat.parse("q35-g4-k6").bitsPerWeight(1, 8),
        1e-12);
  }

  static QuantizedMatrix with(QuantizedMatrix q, float[] scales, QuantizedMatrix.RowSteps steps) {
    return new QuantizedMatrix(q.kind(), q.rows(), q.cols(), q.groupSize(), q.packed(), scales,
        q.offsets(), null, false, steps);
  }

  static int[] bitsOf(float[] f) {
    int[] b = new int[f.length];
    for (int i = 0; i < f.length; i++) {
      b[i] = Float.floatToRawIntBits(f[i]);
    }
    return b;
  }
}
