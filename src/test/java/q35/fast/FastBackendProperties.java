package q35.fast;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import q35.backend.BackendProperties;
import q35.backend.PreparedMatrix;
import q35.backend.ReferenceBackend;

/**
 * The fast backend equals the reference (the verified kernel) bit for bit where its own code
 * has cases that BackendProperties' small matrices do not reach: several tiles and a partial
 * last tile (n up to 100), rows long enough for several 16-bit flushes per group and group
 * boundaries inside a register's two columns (k up to 300, every group size), several
 * activation rows, and the rows shared among 1 to 3 threads (every product split, whatever its
 * size). Every format; the matrices and activations of BackendProperties.make (quantized
 * Gaussian weights, extreme lattice values and parameters, constant rows, random lattices;
 * activation codes +-127, 0 and random, scales 0, -0, 2^30 and subnormal).
 */
class FastBackendProperties {

  record Shape(String kind, int n, int k, int m, int threads, long seed, int style) {}

  @Provide
  Arbitrary<Shape> shapes() {
    Arbitrary<Integer> ns = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(1, 100)),
        net.jqwik.api.Tuple.of(1, Arbitraries.of(1, 31, 32, 33, 64, 65, 96)));
    Arbitrary<Integer> ks = Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(2, Arbitraries.integers().between(1, 300)),
        net.jqwik.api.Tuple.of(1, Arbitraries.of(1, 2, 15, 16, 17, 18, 31, 32, 33, 34, 35, 63,
            64, 65, 255, 256, 257)));
    return Combinators.combine(Arbitraries.of("q35", "int4", "q8"), ns, ks,
        Arbitraries.integers().between(1, 6), Arbitraries.integers().between(1, 3),
        Arbitraries.longs(), Arbitraries.integers().between(0, 3))
        .as(Shape::new);
  }

  @Property(tries = 120)
  void fastEqualsTheReferenceBitForBit(@ForAll("shapes") Shape s) {
    BackendProperties.Case c = BackendProperties.make(s.kind(), s.n(), s.k(), s.m(),
        new Random(s.seed()), s.style());
    int n = c.q().rows();
    int m = c.m();
    FastBackend fast = new FastBackend(s.threads(), 0);
    try (PreparedMatrix ref = new ReferenceBackend().prepare(c.q());
        PreparedMatrix p = fast.prepare(c.q())) {
      String who = c + " threads " + s.threads();
      int[] acc = new int[m * n * c.q().groups()];
      int[] acc2 = new int[acc.length];
      ref.accumulators(m, c.xq(), acc);
      p.accumulators(m, c.xq(), acc2);
      assertArrayEquals(acc, acc2, who + ": accumulators");
      float[] y = new float[m * n];
      float[] y2 = new float[m * n];
      ref.multiply(m, c.xq(), c.xScales(), y);
      p.multiply(m, c.xq(), c.xScales(), y2);
      BackendProperties.assertBits(y, y2, who + ": products");
      ref.apply(m, c.x(), y);
      p.apply(m, c.x(), y2);
      BackendProperties.assertBits(y, y2, who + ": layer");
      q35.quant.QuantizedMatrix back = p.matrix();
      assertEquals(c.q().kind(), back.kind());
      assertEquals(c.q().groupSize(), back.groupSize());
      assertArrayEquals(c.q().packed(), back.packed(), who + ": packed bytes rebuilt");
      assertArrayEquals(c.q().scales(), back.scales(), who + ": scales rebuilt");
      assertArrayEquals(c.q().offsets(), back.offsets(), who + ": offsets rebuilt");
    }
  }
}
