package q35.gptq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;
import q35.kernel.WeightQuant;
import q35.quant.WeightFormat;

/**
 * The two-sided clipping search (eval's +clip rows): it searches every pair of end factors,
 * the symmetric pairs among them, so it never does worse than the symmetric search; and where
 * the best range is not symmetric it finds it, which the symmetric search cannot.
 */
class ClipSearchProperties {

  /** A group of weights with a positive input energy per weight (H's diagonal). */
  record Group(WeightFormat.Kind kind, double[] row, double[] diag) {
    double[] h() {
      int k = row.length;
      double[] h = new double[k * k];
      for (int t = 0; t < k; t++) {
        h[t * k + t] = diag[t];
      }
      return h;
    }

    double error(float[] sm) {
      return Gptq.groupError(kind, row, 0, row.length, h(), row.length, sm[0], sm[1]);
    }
  }

  @Provide
  Arbitrary<Group> groups() {
    Arbitrary<WeightFormat.Kind> kinds =
        Arbitraries.of(WeightFormat.Kind.Q35, WeightFormat.Kind.INT4, WeightFormat.Kind.Q8);
    // Edge cases first-class: constant groups, zeros, one huge outlier, tiny and large scales.
    Arbitrary<Double> values = Arbitraries.oneOf(
        Arbitraries.doubles().between(-1, 1).ofScale(6),
        Arbitraries.of(0.0, 1.0, -1.0, 1e-30, -1e-30, 37.5, -200.0),
        Arbitraries.doubles().between(-1e4, 1e4));
    Arbitrary<double[]> rows = values.array(double[].class).ofMinSize(2).ofMaxSize(64);
    return Combinators.combine(kinds, rows).flatAs((kind, row) -> Arbitraries.oneOf(
            Arbitraries.just(1.0), Arbitraries.doubles().between(1e-6, 100).ofScale(8))
        .array(double[].class).ofSize(row.length).map(diag -> new Group(kind, row, diag)));
  }

  @Property(tries = 300)
  void twoSidedIsNeverWorseThanSymmetric(@ForAll("groups") Group g) {
    int k = g.row().length;
    double sym = g.error(Gptq.groupParams(new WeightFormat(g.kind(), 0), g.row(), 0, k, g.h(), k, false, null));
    double two = g.error(Gptq.groupParams(new WeightFormat(g.kind(), 0), g.row(), 0, k, g.h(), k, true, null));
    assertTrue(two <= sym, "two-sided " + two + " > symmetric " + sym);
  }

  /**
   * 31 weights spread over [-1, 1] and one at +4: here the best range is not symmetric about
   * the midpoint (found by the search: the low end shrunk, the outlier's end kept), and the
   * two-sided search finds a lower error than the symmetric one, which shrinks both ends alike.
   */
  @Test
  void anAsymmetricGroupGetsAnAsymmetricRange() {
    double[] row = new double[32];
    for (int t = 0; t < 31; t++) {
      row[t] = -1 + 2.0 * t / 30;
    }
    row[31] = 4;
    double[] diag = new double[32];
    java.util.Arrays.fill(diag, 1.0);
    Group g = new Group(WeightFormat.Kind.Q35, row, diag);
    float[] two = Gptq.groupParams(new WeightFormat(g.kind(), 0), row, 0, 32, g.h(), 32, true, null);
    float[] sym = Gptq.groupParams(new WeightFormat(g.kind(), 0), row, 0, 32, g.h(), 32, false, null);
    assertTrue(g.error(two) < g.error(sym), g.error(two) + " vs " + g.error(sym));
    // The ends each search kept, as fractions of the half ranges from the midpoint 1.5.
    double mid = 1.5;
    double[] symEnds = ends(sym, mid);
    double[] twoEnds = ends(two, mid);
    assertEquals(symEnds[0], symEnds[1], 0.001, java.util.Arrays.toString(symEnds));
    assertTrue(Math.abs(twoEnds[0] - twoEnds[1]) >= 0.02, java.util.Arrays.toString(twoEnds));
  }

  /** Low and high end of a q35 group's grid (lattice -8 and 7) as shrink factors about mid. */
  static double[] ends(float[] sm, double mid) {
    double lo = WeightQuant.dequantizeValue(-8, sm[0], sm[1]);
    double hi = WeightQuant.dequantizeValue(7, sm[0], sm[1]);
    return new double[] {(mid - lo) / (mid - -1.0), (hi - mid) / (4.0 - mid)};
  }
}
