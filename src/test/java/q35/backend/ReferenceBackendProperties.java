package q35.backend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import q35.kernel.Activations;
import q35.kernel.Bounds;
import q35.kernel.QuantMatrix;
import q35.quant.QuantizedMatrix;
import q35.quant.WeightFormat;

/**
 * The reference backend, as the transformer calls it (BackendLinear), computes bit for bit what
 * the verified kernel's entry points compute, and the 8-bit baseline (Q8Baseline's loops) stays
 * within theorem 6 with its own lattice.
 */
class ReferenceBackendProperties {

  record Case(WeightFormat format, int n, int k, long seed) {}

  @Provide
  Arbitrary<Case> cases() {
    Arbitrary<WeightFormat> formats = Arbitraries.of("q35", "q35-g2", "q35-g16", "q35-g32",
        "int4", "int4-g16", "q8", "q8-g32").map(WeightFormat::parse);
    return Combinators.combine(formats, Arbitraries.integers().between(1, 6),
        Arbitraries.of(1, 2, 3, 15, 16, 17, 33, 64, 100, 172), Arbitraries.longs())
        .as(Case::new);
  }

  static float[] gaussian(Random r, int len, float sigma) {
    float[] a = new float[len];
    for (int i = 0; i < len; i++) {
      a[i] = (float) (r.nextGaussian() * sigma);
    }
    return a;
  }

  @Property(tries = 300)
  void theLayerEqualsTheKernelBitForBit(@ForAll("cases") Case c) {
    Random r = new Random(c.seed());
    float[] w = gaussian(r, c.n() * c.k(), 0.1f);
    float[] x = gaussian(r, c.k(), 2f);
    QuantizedMatrix q = QuantizedMatrix.quantize(c.format(), w, c.n(), c.k());
    float[] fast = new float[c.n()];
    new BackendLinear(new ReferenceBackend().prepare(q)).apply(x, fast);
    byte[] xq = new byte[c.k()];
    float xScale = Activations.quantize(x, 0, c.k(), xq, 0);
    if (c.format().kind() == WeightFormat.Kind.Q8) {
      byte[] lat = q.lattice();
      for (int j = 0; j < c.n(); j++) {
        int[] row = new int[c.k()];
        float ref = 0f;
        for (int i = 0; i < c.k(); i++) {
          row[i] = lat[j * c.k() + i];
          ref += w[j * c.k() + i] * x[i];
        }
        // The q8 lattice step is s = R / 255: theorem 3's 4-bit half-step term applies as is.
        double bound = Bounds.theorem6(w, c.k(), q.groupSize(), j, row, q.scales(), q.offsets(),
            false, x, xq, xScale);
        assertTrue(Math.abs(fast[j] - ref) <= bound, "q8 row " + j);
      }
      return;
    }
    int kf = c.format().kind() == WeightFormat.Kind.Q35 ? QuantMatrix.FORMAT_Q35
        : QuantMatrix.FORMAT_INT4;
    float[] kernel = new float[c.n()];
    QuantMatrix.matvec(kf, q.packed(), q.scales(), q.offsets(), c.n(), c.k(), q.groupSize(), xq,
        xScale, kernel);
    assertArrayEquals(kernel, fast);
    float[] deq = new float[c.n() * c.k()];
    QuantMatrix.dequantize(kf, q.packed(), q.scales(), q.offsets(), c.n(), c.k(),
        q.groupSize(), deq);
    assertArrayEquals(deq, q.dequantize());
  }

  @Test
  void q8UsesTheWholeByteLattice() {
    float[] w = new float[256];
    for (int i = 0; i < 256; i++) {
      w[i] = i;
    }
    QuantizedMatrix q = QuantizedMatrix.quantize(WeightFormat.parse("q8"), w, 1, 256);
    assertEquals(1f, q.scales()[0]);
    assertEquals(128f, q.offsets()[0]);
    byte[] lat = q.lattice();
    for (int i = 0; i < 256; i++) {
      assertEquals(i - 128, lat[i]);
    }
    assertArrayEquals(w, q.dequantize());
    assertEquals(8.0 + 64.0 / 256, q.bitsPerWeight(), 1e-12);
  }

  @Test
  void badScalesAreRefusedWhenTheLayerIsBuilt() {
    QuantizedMatrix good = QuantizedMatrix.quantize(WeightFormat.parse("q35"),
        new float[] {1f, 2f}, 1, 2);
    QuantizedMatrix bad = new QuantizedMatrix(good.kind(), 1, 2, 2, good.packed(),
        new float[] {Float.NaN}, good.offsets());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ReferenceBackend().prepare(bad));
    assertTrue(e.getMessage().startsWith("BAD_SCALE"), e.getMessage());
  }

  @Test
  void shortVectorsAreRefused() {
    QuantizedMatrix q = QuantizedMatrix.quantize(WeightFormat.parse("q35"),
        new float[] {1f, 2f, 3f, 4f, 5f, 6f}, 2, 3);
    BackendLinear f = new BackendLinear(new ReferenceBackend().prepare(q));
    f.apply(new float[] {1f, -1f, 0.5f, 99f}, new float[2]);
    for (int[] lengths : new int[][] {{2, 2}, {3, 1}}) {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> f.apply(new float[lengths[0]], new float[lengths[1]]));
      assertTrue(e.getMessage().startsWith("SHAPE"), e.getMessage());
    }
  }
}
