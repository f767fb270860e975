package q35.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import org.junit.jupiter.api.Test;
import q35.kernel.QuantMatrix;
import q35.onnx.OnnxBackend;
import q35.onnx.OnnxSession;
import q35.quant.QuantizedMatrix;
import q35.quant.WeightFormat;

/**
 * Every backend answers to {@code reference} (the verified kernel) bit for bit: int32
 * accumulators, float products from codes, the whole layer from float activations, the
 * activation quantizer and the dequantized weights, on random shapes, every format, group
 * sizes from 2 to the whole row, odd k, and matrices and activations at the extremes (lattice
 * values -8 and 7, codes +-127, scales 0 and 2^30, offsets +-2^33 and -0).
 */
public class BackendProperties {

  static final Backend REFERENCE = new ReferenceBackend();
  /** The backends checked against the reference: every service, and ONNX at two levels. */
  static final List<Backend> OTHERS = others();

  static List<Backend> others() {
    List<Backend> list = new ArrayList<>();
    for (Backend b : Backends.all()) {
      if (!b.name().equals(ReferenceBackend.NAME)) {
        list.add(b);
      }
    }
    // ONNX Runtime's default level (all) fuses more than the basic level GroqFlow applies.
    list.add(new OnnxBackend(OnnxSession.Optimization.ALL));
    return list;
  }

  /** One case: a matrix, m activation rows as floats and as codes with scales. */
  public record Case(QuantizedMatrix q, int m, float[] x, byte[] xq, float[] xScales) {
    @Override
    public String toString() {
      return q.kind().id() + " " + q.rows() + "x" + q.cols() + " g" + q.groupSize() + " m" + m;
    }
  }

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<String> kinds = Arbitraries.of("q35", "int4", "q8");
    Arbitrary<Integer> ks = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(1, 70)),
        net.jqwik.api.Tuple.of(3, Arbitraries.of(1, 2, 3, 15, 16, 17, 31, 32, 33, 63, 64, 65,
            172)));
    return Combinators.combine(kinds, Arbitraries.integers().between(1, 5), ks,
        Arbitraries.integers().between(1, 3), Arbitraries.longs(),
        Arbitraries.integers().between(0, 3))
        .as((kind, n, k, m, seed, style) -> make(kind, n, k, m, new Random(seed), style));
  }

  static int groupSize(int k, Random r) {
    if (k < 2 || r.nextInt(4) == 0) {
      return k;
    }
    int[] common = {2, 16, 32};
    int g = r.nextBoolean() ? common[r.nextInt(3)] : 2 * (1 + r.nextInt(k / 2));
    return Math.min(g, k % 2 == 0 ? k : k - 1);
  }

  /**
   * style 0: Gaussian weights quantized by the kernel; 1: extreme lattice values and
   * parameters; 2: constant rows (scale 0); 3: random lattice with random parameters.
   */
  public static Case make(String kind, int n, int k, int m, Random r, int style) {
    WeightFormat.Kind wk = WeightFormat.parse(kind).kind();
    int g = groupSize(k, r);
    QuantizedMatrix q;
    if (style == 0 || style == 2) {
      float[] w = new float[n * k];
      for (int i = 0; i < w.length; i++) {
        w[i] = style == 2 ? (i / k % 2 == 0 ? 0.25f : -3f) : (float) (r.nextGaussian() * 0.1);
      }
      q = QuantizedMatrix.quantize(new WeightFormat(wk, g), w, n, k);
    } else {
      q = lattice(wk, n, k, g, r, style == 1);
    }
    float[] x = new float[m * k];
    byte[] xq = new byte[m * k];
    float[] xScales = new float[m];
    for (int row = 0; row < m; row++) {
      int mode = r.nextInt(5);
      for (int i = 0; i < k; i++) {
        x[row * k + i] = switch (mode) {
          case 0 -> 0f;
          case 1 -> (float) (r.nextGaussian() * Math.pow(10, r.nextInt(9) - 4));
          case 2 -> r.nextBoolean() ? 4294967296f : -4294967296f;
          case 3 -> (r.nextInt(3) - 1) * Float.MIN_VALUE;
          default -> (float) r.nextGaussian();
        };
        xq[row * k + i] = (byte) switch (mode) {
          case 0 -> 0;
          case 2 -> r.nextBoolean() ? 127 : -127;
          default -> r.nextInt(255) - 127;
        };
      }
      float[] scales = {0f, -0f, 1f, 1.0737418e9f, Float.MIN_VALUE, 3.1e-3f,
          (float) r.nextDouble()};
      xScales[row] = scales[r.nextInt(scales.length)];
    }
    return new Case(q, m, x, xq, xScales);
  }

  /** A matrix from lattice values and parameters drawn directly, at the extremes if asked. */
  public static QuantizedMatrix lattice(WeightFormat.Kind kind, int n, int k, int g, Random r,
      boolean extreme) {
    int groups = (k + g - 1) / g;
    float[] s = new float[n * groups];
    float[] off = new float[n * groups];
    float[] scaleChoices = {0f, 1.0737418e9f, 1f, Float.MIN_VALUE, 1e-3f};
    float[] offsetChoices = {0f, -0f, 8.589935e9f, -8.589935e9f, -1.5f};
    for (int i = 0; i < s.length; i++) {
      s[i] = extreme ? scaleChoices[r.nextInt(scaleChoices.length)] : r.nextFloat() * 0.1f;
      off[i] = extreme ? offsetChoices[r.nextInt(offsetChoices.length)]
          : (float) r.nextGaussian() * 0.01f;
    }
    if (kind == WeightFormat.Kind.Q8) {
      byte[] w = new byte[n * k];
      for (int i = 0; i < w.length; i++) {
        w[i] = (byte) (extreme ? (r.nextBoolean() ? -128 : 127) : r.nextInt(256) - 128);
      }
      return new QuantizedMatrix(kind, n, k, g, w, s, off);
    }
    int format = QuantizedMatrix.kernelFormat(kind);
    int rowBytes = QuantMatrix.rowBytes(format, k);
    byte[] packed = new byte[n * rowBytes];
    int[] lat = new int[k];
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < k; i++) {
        boolean threeBit = kind == WeightFormat.Kind.Q35 && i % 2 == 1;
        int v = extreme ? (r.nextBoolean() ? -8 : 7) : r.nextInt(16) - 8;
        lat[i] = threeBit ? 2 * Math.floorDiv(Math.min(v, 6), 2) : v;
      }
      QuantMatrix.packRow(format, lat, k, packed, j * rowBytes);
    }
    return new QuantizedMatrix(kind, n, k, g, packed, s, off);
  }

  public static void assertBits(float[] expected, float[] actual, String what) {
    assertEquals(expected.length, actual.length, what);
    for (int i = 0; i < expected.length; i++) {
      if (Float.floatToRawIntBits(expected[i]) != Float.floatToRawIntBits(actual[i])) {
        throw new AssertionError(what + "[" + i + "]: reference " + expected[i] + " ("
            + Integer.toHexString(Float.floatToRawIntBits(expected[i])) + "), backend "
            + actual[i] + " (" + Integer.toHexString(Float.floatToRawIntBits(actual[i])) + ")");
      }
    }
  }

  @Property(tries = 150)
  void everyBackendAnswersToTheReferenceBitForBit(@ForAll("cases") Case c) {
    int n = c.q().rows();
    int k = c.q().cols();
    int groups = c.q().groups();
    int m = c.m();
    try (PreparedMatrix ref = REFERENCE.prepare(c.q())) {
      int[] acc = new int[m * n * groups];
      ref.accumulators(m, c.xq(), acc);
      float[] y = new float[m * n];
      ref.multiply(m, c.xq(), c.xScales(), y);
      float[] layer = new float[m * n];
      ref.apply(m, c.x(), layer);
      float[] w = new float[n * k];
      ref.dequantize(w);
      byte[] codes = new byte[m * k];
      float[] scales = new float[m];
      REFERENCE.quantizeActivations(m, k, c.x(), codes, scales);
      for (Backend b : OTHERS) {
        try (PreparedMatrix p = b.prepare(c.q())) {
          String who = b.name() + " on " + c;
          int[] acc2 = new int[acc.length];
          p.accumulators(m, c.xq(), acc2);
          assertArrayEquals(acc, acc2, who + ": accumulators");
          float[] y2 = new float[y.length];
          p.multiply(m, c.xq(), c.xScales(), y2);
          assertBits(y, y2, who + ": products");
          float[] layer2 = new float[layer.length];
          p.apply(m, c.x(), layer2);
          assertBits(layer, layer2, who + ": layer");
          float[] w2 = new float[w.length];
          p.dequantize(w2);
          assertBits(w, w2, who + ": dequantized");
          byte[] codes2 = new byte[codes.length];
          float[] scales2 = new float[m];
          b.quantizeActivations(m, k, c.x(), codes2, scales2);
          assertArrayEquals(codes, codes2, who + ": activation codes");
          assertBits(scales, scales2, who + ": activation scales");
        }
      }
    }
  }

  /**
   * A stored input order (spec/format.md section 6) is applied once, by BackendLinear, before
   * any backend: every backend's layer on the ordered matrix equals the reference's layer on the
   * same codes without the order, fed x in stored order, and it computes W x for the original
   * inputs (checked against the dequantized matrix, within the int8 activations' error).
   */
  @Property(tries = 60)
  void aStoredInputOrderIsAppliedBeforeEveryBackend(@ForAll("cases") Case c, @ForAll long seed) {
    QuantizedMatrix q = c.q();
    int k = q.cols();
    int n = q.rows();
    List<Integer> ids = new ArrayList<>();
    for (int i = 0; i < k; i++) {
      ids.add(i);
    }
    java.util.Collections.shuffle(ids, new Random(seed));
    int[] order = ids.stream().mapToInt(Integer::intValue).toArray();
    QuantizedMatrix ordered = q.withInputOrder(order);
    float[] stored = new float[c.m() * k];
    for (int r = 0; r < c.m(); r++) {
      for (int j = 0; j < k; j++) {
        stored[r * k + j] = c.x()[r * k + order[j]];
      }
    }
    float[] want = new float[c.m() * n];
    new BackendLinear(REFERENCE.prepare(q)).apply(c.m(), stored, want);
    float[] w = ordered.dequantize();
    for (Backend b : allBackends()) {
      float[] got = new float[c.m() * n];
      new BackendLinear(b.prepare(ordered)).apply(c.m(), c.x(), got);
      assertBits(want, got, b.name() + " " + c);
    }
    for (int r = 0; r < c.m(); r++) {
      float amax = 0f;
      for (int i = 0; i < k; i++) {
        amax = Math.max(amax, Math.abs(c.x()[r * k + i]));
      }
      for (int j = 0; j < n; j++) {
        double exact = 0;
        double weightSum = 0;
        for (int i = 0; i < k; i++) {
          exact += (double) w[j * k + i] * c.x()[r * k + i];
          weightSum += Math.abs((double) w[j * k + i]);
        }
        // each activation is off by at most half an int8 step, amax / 254; float rounding in
        // the combination adds a small multiple of the same scale. Far below 1 the float
        // underflow terms of matmul.md's theorem 6 dominate; such rows only check the bits.
        if (weightSum * amax < 1e-20) {
          continue;
        }
        double bound = weightSum * amax * (1.0 / 254 + 1e-5);
        double err = Math.abs(want[r * n + j] - exact);
        assertTrue(err <= bound,
            "row " + r + " output " + j + ": " + want[r * n + j] + " vs " + exact + " " + c);
      }
    }
  }

  static List<Backend> allBackends() {
    List<Backend> all = new ArrayList<>(OTHERS);
    all.add(0, REFERENCE);
    return all;
  }

  @Test
  void everyBackendRefusesBadInputWithTheKernelsCode() {
    QuantizedMatrix q = make("q35", 2, 17, 1, new Random(1), 0).q();
    List<Backend> all = new ArrayList<>(OTHERS);
    all.add(REFERENCE);
    for (Backend b : all) {
      try (PreparedMatrix p = b.prepare(q)) {
        byte[] bad = new byte[17];
        bad[3] = -128;
        assertCode("ACT_RANGE", () -> p.multiply(1, bad, new float[] {1f}, new float[2]));
        assertCode("ACT_RANGE", () -> p.accumulators(1, bad, new int[2 * q.groups()]));
        assertCode("BAD_SCALE", () -> p.multiply(1, new byte[17], new float[] {Float.NaN},
            new float[2]));
        assertCode("SHAPE", () -> p.multiply(1, new byte[16], new float[] {1f}, new float[2]));
        assertCode("SHAPE", () -> p.multiply(0, new byte[0], new float[0], new float[0]));
        float[] nan = new float[17];
        nan[5] = Float.NaN;
        assertCode("NAN_INPUT", () -> p.apply(1, nan, new float[2]));
      }
      byte[] padded = q.packed().clone();
      padded[13] = (byte) 0x7f; // the second row's last block holds padding past k = 17
      QuantizedMatrix badPadding = new QuantizedMatrix(q.kind(), 2, 17, 17, padded,
          new float[2], new float[2]);
      assertCode("PADDING", () -> b.prepare(badPadding));
      QuantizedMatrix badScale = new QuantizedMatrix(q.kind(), 2, 17, 17, q.packed(),
          new float[] {1f, -1f}, new float[2]);
      assertCode("BAD_SCALE", () -> b.prepare(badScale));
    }
  }

  static void assertCode(String code, org.junit.jupiter.api.function.Executable e) {
    IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
    assertTrue(String.valueOf(x.getMessage()).startsWith(code), x.getMessage());
  }

  @Test
  void theBackendsAreFoundByName() {
    assertEquals(ReferenceBackend.NAME, Backends.named("reference").name());
    assertEquals(OnnxBackend.NAME, Backends.named("onnx").name());
    assertNull(Backends.named("onnx").unavailableReason());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Backends.named("gpu"));
    assertTrue(e.getMessage().contains("reference") && e.getMessage().contains("onnx"),
        e.getMessage());
  }

  @AfterContainer
  static void done() {}
}
