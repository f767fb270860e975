package q35.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;
import q35.backend.Backend;
import q35.backend.BackendProperties;
import q35.backend.Backends;
import q35.backend.FloatMatvec;
import q35.backend.PreparedMatrix;
import q35.backend.ReferenceBackend;
import q35.kernel.QuantMatrix;
import q35.quant.QuantizedMatrix;
import q35.quant.WeightFormat;

/**
 * The fast backend at fixed edge cases, quick enough for PIT (pit-fast mutates q35.fast and
 * runs this class and TileLayoutTest): every format; lattice values at their extremes (q35:
 * -8 and 7 in the 4-bit half, -4 and 3 in the 3-bit half; int4 -8 and 7; q8 -128 and 127) and
 * activation codes +-127, where the 16-bit partial sums are largest; k odd, k not a multiple
 * of a register's columns, one group per row, groups of 2 and 32; one and several tiles, a
 * partial last tile; m = 1 and m = 3; one and two threads. Accumulators and float outputs equal
 * the reference backend's (the verified kernel) bit for bit.
 */
class FastEdgeCasesTest {

  private static final Backend REF = new ReferenceBackend();

  /**
   * A q35/int4/q8 matrix whose every weight is at an end of its range: the 16-bit partial sums
   * of Simd's loops reach their bounds (its class comment) with codes all +127 or all -127.
   */
  static QuantizedMatrix extreme(WeightFormat.Kind kind, int n, int k, int g, int phase,
      float scale, float offset) {
    int groups = (k + g - 1) / g;
    float[] s = new float[n * groups];
    float[] m = new float[n * groups];
    java.util.Arrays.fill(s, scale);
    java.util.Arrays.fill(m, offset);
    if (kind == WeightFormat.Kind.Q8) {
      byte[] w = new byte[n * k];
      for (int i = 0; i < w.length; i++) {
        int row = i / k;
        w[i] = (byte) (((row + phase + (row % 3 == 2 ? i % k : 0)) % 2 == 0) ? -128 : 127);
      }
      return new QuantizedMatrix(kind, n, k, g, w, s, m);
    }
    int format = QuantizedMatrix.kernelFormat(kind);
    int rb = QuantMatrix.rowBytes(format, k);
    byte[] packed = new byte[n * rb];
    int[] lat = new int[k];
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < k; i++) {
        // Rows alternate between all lows and all highs (the largest partial sums, with codes
        // all +127 or all -127); every third row alternates pair by pair.
        boolean low = (j + phase + (j % 3 == 2 ? i / 2 : 0)) % 2 == 0;
        boolean threeBit = kind == WeightFormat.Kind.Q35 && i % 2 == 1;
        lat[i] = threeBit ? (low ? -8 : 6) : (low ? -8 : 7); // 3-bit half stored as 2b: -4, 3
      }
      QuantMatrix.packRow(format, lat, k, packed, j * rb);
    }
    return new QuantizedMatrix(kind, n, k, g, packed, s, m);
  }

  /** Activation codes: all +127, all -127, or alternating in sign, per row. */
  static byte[] codes(int m, int k, int pattern) {
    byte[] xq = new byte[m * k];
    for (int r = 0; r < m; r++) {
      for (int i = 0; i < k; i++) {
        int p = (pattern + r) % 3;
        xq[r * k + i] = (byte) (p == 0 ? 127 : p == 1 ? -127 : (i % 2 == 0 ? 127 : -127));
      }
    }
    return xq;
  }

  private static void check(QuantizedMatrix q, int m, byte[] xq, float[] xScales,
      int threads, String who) {
    int n = q.rows();
    try (PreparedMatrix ref = REF.prepare(q);
        PreparedMatrix fast = new FastBackend(threads, 0).prepare(q)) {
      // Products first, then the layer (other codes), then the accumulators (the first
      // codes again): each call must lay out its own activations.
      float[] y = new float[m * n];
      float[] y2 = new float[m * n];
      ref.multiply(m, xq, xScales, y);
      fast.multiply(m, xq, xScales, y2);
      BackendProperties.assertBits(y, y2, who + ": products");
      float[] x = new float[m * q.cols()];
      for (int i = 0; i < x.length; i++) {
        x[i] = xq[i] * (i % 3 == 0 ? 0.5f : -1.25f) + (i % 5 == 0 ? 40f : 0f);
      }
      ref.apply(m, x, y);
      fast.apply(m, x, y2);
      BackendProperties.assertBits(y, y2, who + ": layer");
      int[] a = new int[m * n * q.groups()];
      int[] b = new int[a.length];
      ref.accumulators(m, xq, a);
      fast.accumulators(m, xq, b);
      assertArrayEquals(a, b, who + ": accumulators");
      // The weights take their stored size, rows padded to whole tiles, plus the slack.
      int lanes = Simd.LANES;
      long paddedRows = (long) TileLayout.tiles(n, lanes) * lanes;
      long stored = paddedRows * (TileLayout.rowBytes(q.kind(), q.cols()) + 8L * q.groups());
      assertEquals(stored + TileLayout.slack(lanes), ((FastMatrix) fast).weightBytes(), who);
      float[] w = new float[n * q.cols()];
      float[] w2 = new float[w.length];
      ref.dequantize(w);
      fast.dequantize(w2);
      BackendProperties.assertBits(w, w2, who + ": dequantized");
      QuantizedMatrix back = fast.matrix();
      assertArrayEquals(q.packed(), back.packed(), who + ": stored codes");
      assertArrayEquals(q.scales(), back.scales(), who + ": scales");
      assertArrayEquals(q.offsets(), back.offsets(), who + ": offsets");
      assertEquals(q.groupSize(), back.groupSize(), who);
      assertEquals(n, fast.rows(), who);
      assertEquals(q.cols(), fast.cols(), who);
      assertEquals(q.groups(), fast.groups(), who);
    }
  }

  @Test
  void extremeWeightsAndCodesEqualTheReference() {
    int[][] shapes = { // n, k, g (0: the whole row)
        {1, 1, 0}, {1, 2, 2}, {3, 15, 0}, {33, 17, 0}, {31, 33, 2}, {65, 64, 32}, {40, 96, 16},
        {2, 300, 0}, {32, 301, 0}, {5, 258, 2}, {70, 130, 32}};
    for (WeightFormat.Kind kind : new WeightFormat.Kind[] {WeightFormat.Kind.Q35,
        WeightFormat.Kind.INT4, WeightFormat.Kind.Q8}) {
      int count = 0;
      for (int[] sh : shapes) {
        int n = sh[0];
        int k = sh[1];
        int g = sh[2] == 0 ? k : sh[2];
        for (int phase = 0; phase < 2; phase++) {
          float scale = phase == 0 ? 1f : 0f;
          QuantizedMatrix q = extreme(kind, n, k, g, phase, scale, phase == 0 ? -0.5f : 3f);
          int m = 1 + 2 * ((count++) % 2);
          float[] xScales = new float[m];
          java.util.Arrays.fill(xScales, phase == 0 ? 0.25f : 0f);
          String who = kind + " " + n + "x" + k + " g" + g + " phase " + phase + " m" + m;
          check(q, m, codes(m, k, phase), xScales, 1 + phase, who);
        }
      }
    }
  }

  @Test
  void randomMatricesEqualTheReferenceOnTwoThreads() {
    Random r = new Random(7);
    for (String kind : new String[] {"q35", "q35", "int4", "q8"}) {
      for (int style = 0; style < 4; style++) {
        int n = 1 + r.nextInt(70);
        int k = 1 + r.nextInt(200);
        BackendProperties.Case c = BackendProperties.make(kind, n, k, 2, r, style);
        check(c.q(), c.m(), c.xq(), c.xScales(), 2, c.toString());
      }
    }
  }

  @Test
  void theBackendIsFoundByNameAndSaysWhatItIs() {
    Backend b = Backends.named("fast");
    assertEquals("fast", b.name());
    assertNull(b.unavailableReason(), "the build runs with --add-modules jdk.incubator.vector");
    assertEquals("reference", b.fallback());
    assertTrue(b.description().contains("bit-exact"), b.description());
    assertTrue(b.description().contains(Simd.LANES + " rows per tile"), b.description());
    FastBackend one = (FastBackend) b.withThreads(1);
    assertEquals(1, one.threads());
    assertTrue(one.description().contains("1 thread,"), one.description());
    assertTrue(((FastBackend) b.withThreads(3)).description().contains("3 threads"));
    assertEquals(Runtime.getRuntime().availableProcessors(), new FastBackend().threads());
    assertThrows(IllegalArgumentException.class, () -> new FastBackend(0));
    assertThrows(IllegalArgumentException.class, () -> new FastBackend(257));
    assertEquals(256, new FastBackend(256).threads());
  }

  @Test
  void badInputGetsTheKernelsErrors() {
    QuantizedMatrix q = extreme(WeightFormat.Kind.Q35, 4, 16, 16, 0, 1f, 0f);
    try (PreparedMatrix p = new FastBackend(1, 0).prepare(q)) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> p.multiply(1, new byte[15], new float[1], new float[4]));
      assertTrue(e.getMessage().startsWith("SHAPE"), e.getMessage());
      byte[] bad = new byte[16];
      bad[3] = -128;
      e = assertThrows(IllegalArgumentException.class,
          () -> p.accumulators(1, bad, new int[4]));
      assertTrue(e.getMessage().startsWith("ACT_RANGE"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> p.multiply(1, bad, new float[1], new float[4]));
      assertTrue(e.getMessage().startsWith("ACT_RANGE"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> p.accumulators(1, new byte[16], new int[3]));
      assertTrue(e.getMessage().startsWith("SHAPE"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class,
          () -> p.apply(1, new float[16], new float[3]));
      assertTrue(e.getMessage().startsWith("SHAPE"), e.getMessage());
      e = assertThrows(IllegalArgumentException.class, () -> p.dequantize(new float[63]));
      assertTrue(e.getMessage().startsWith("SHAPE"), e.getMessage());
    }
    float[] badScales = q.scales().clone();
    badScales[2] = -1f;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new FastBackend(1).prepare(new QuantizedMatrix(q.kind(), 4, 16, 16, q.packed(),
            badScales, q.offsets())));
    assertTrue(e.getMessage().startsWith("BAD_SCALE"), e.getMessage());
  }

  @Test
  void theFloatBaselineIsExactWhereFloatSumsAreExact() {
    // Small integers: every partial sum is an integer below 2^24, so any order gives the
    // same float; n and k leave remainders after the vector loop and across threads.
    for (int threads = 1; threads <= 2; threads++) {
      FloatMatvec f = new FastBackend(threads, 0).floatBaseline();
      assertTrue(f != null);
      int n = 37;
      int k = 4 * Simd.F.length() * 3 + 5;
      float[] w = new float[n * k];
      float[] x = new float[k];
      for (int i = 0; i < w.length; i++) {
        w[i] = (i * 7 % 13) - 6;
      }
      for (int i = 0; i < k; i++) {
        x[i] = (i * 5 % 11) - 5;
      }
      float[] y = new float[n];
      f.apply(w, n, k, x, y);
      for (int j = 0; j < n; j++) {
        long sum = 0;
        for (int i = 0; i < k; i++) {
          sum += (long) w[j * k + i] * (long) x[i];
        }
        assertEquals((float) sum, y[j], "row " + j + " threads " + threads);
      }
    }
  }

  @Test
  void activationsAreTheKernels() {
    float[] x = {0f, 1f, -2f, 3.5f, 1e-30f, -7f};
    byte[] a = new byte[6];
    byte[] b = new byte[6];
    float[] sa = new float[2];
    float[] sb = new float[2];
    REF.quantizeActivations(2, 3, x, a, sa);
    new FastBackend(1).quantizeActivations(2, 3, x, b, sb);
    assertArrayEquals(a, b);
    assertArrayEquals(sa, sb);
  }

  @Test
  void aWorkerFailureReachesTheCaller() {
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> Workers.run(2, part -> {
          if (part == 1) {
            throw new IllegalStateException("part 1 failed");
          }
        }));
    assertEquals("part 1 failed", e.getMessage());
    e = assertThrows(IllegalStateException.class, () -> Workers.run(3, part -> {
      if (part == 0) {
        throw new IllegalStateException("part 0 failed");
      }
    }));
    assertEquals("part 0 failed", e.getMessage());
    AssertionError err = assertThrows(AssertionError.class, () -> Workers.run(2, part -> {
      if (part == 1) {
        throw new AssertionError("an error");
      }
    }));
    assertEquals("an error", err.getMessage());
    e = assertThrows(IllegalStateException.class, () -> Workers.run(2, part -> {
      throw new IllegalStateException("part " + part + " failed");
    }));
    assertEquals("part 0 failed", e.getMessage(), "the first failure, the caller's part");
    // Interrupted while waiting: it waits for every part all the same, then keeps the flag.
    int[] done = new int[2];
    Thread.currentThread().interrupt();
    Workers.run(2, part -> {
      if (part == 1) {
        try {
          Thread.sleep(50);
        } catch (InterruptedException ex) {
          throw new IllegalStateException(ex);
        }
      }
      done[part]++;
    });
    assertTrue(Thread.interrupted(), "the interrupt is kept");
    assertArrayEquals(new int[] {1, 1}, done);
    int[] ran = new int[4];
    Workers.run(4, part -> ran[part]++);
    assertArrayEquals(new int[] {1, 1, 1, 1}, ran);
    assertTrue(!Thread.currentThread().isInterrupted(), "no interrupt made up");
  }

  /** The fast matrix keeps a stored input order, for BackendLinear and in its stored form. */
  @Test
  void aStoredInputOrderIsKept() throws Exception {
    QuantizedMatrix q = QuantizedMatrix.quantize(WeightFormat.parse("q35-g4"),
        new float[] {1f, -2f, 3f, 0.5f, 7f, -1f, 2f, 4f}, 2, 4)
        .withInputOrder(new int[] {2, 0, 3, 1});
    try (PreparedMatrix fast = new FastBackend(1, 0).prepare(q)) {
      assertArrayEquals(new int[] {2, 0, 3, 1}, fast.inputOrder());
      assertArrayEquals(new int[] {2, 0, 3, 1}, fast.matrix().inputOrder());
      assertArrayEquals(q.packed(), fast.matrix().packed());
    }
    try (PreparedMatrix plain = new FastBackend(1, 0).prepare(q.withInputOrder(null))) {
      assertNull(plain.inputOrder());
    }
  }

  /** The fast matrix keeps a -k6 matrix's row steps in its stored form, and computes the same. */
  @Test
  void scaleCodesAreKeptAndComputeAsTheReference() throws Exception {
    QuantizedMatrix q = QuantizedMatrix.quantize(WeightFormat.parse("q35-g4-k6"),
        new float[] {1f, -2f, 3f, 0.5f, 7f, -1f, 2f, 4f, 0.1f, 0.2f, -0.3f, 9f}, 3, 4);
    try (PreparedMatrix fast = new FastBackend(1, 0).prepare(q);
        PreparedMatrix ref = new q35.backend.ReferenceBackend().prepare(q)) {
      QuantizedMatrix back = fast.matrix();
      assertEquals(WeightFormat.Scales.K6, back.scaleType());
      assertArrayEquals(q.rowSteps().scale(), back.rowSteps().scale());
      assertArrayEquals(q.rowSteps().offset(), back.rowSteps().offset());
      back.checkValues();
      float[] a = new float[12];
      float[] b = new float[12];
      ref.dequantize(a);
      fast.dequantize(b);
      BackendProperties.assertBits(a, b, "dequantized");
    }
  }
}
