package q35.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.junit.jupiter.api.Test;

/** Theorem 4 of spec/error-bounds.md and the int8 activation rules. */
class ActivationProperties {

  @Provide
  Arbitrary<float[]> vectors() {
    return Arbitraries.integers().between(1, 80).flatMap(Gen::weights);
  }

  @Property(tries = 500)
  void everyActivationIsWithinTheorem4(@ForAll("vectors") float[] x) {
    byte[] q = new byte[x.length + 2];
    q[0] = 99;
    q[q.length - 1] = 99;
    float scale = Activations.quantize(x, 0, x.length, q, 1);
    assertEquals(99, q[0], "codes are written only at qOff..");
    assertEquals(99, q[q.length - 1]);
    double amax = 0;
    for (float v : x) {
      amax = Math.max(amax, Math.abs(v));
    }
    assertEquals((float) amax / 127.0f, scale, "scale = max|x| / 127 in float32");
    for (int i = 0; i < x.length; i++) {
      int c = q[i + 1];
      assertTrue(c >= -127 && c <= 127);
      double err = Math.abs(x[i] - (double) scale * c);
      double bound = Bounds.activation(scale, amax);
      assertTrue(err <= bound, "x=" + x[i] + " code " + c + " err " + err + " > " + bound);
      if (scale > 0) {
        // The code is round-half-even of the clamped float32 quotient.
        assertEquals((int) Math.rint(Math.max(-127, Math.min(127, x[i] / scale))), c);
      } else {
        assertEquals(0, c);
      }
    }
  }

  @Test
  void tiesGoToEven() {
    float[] x = {127f, 2.5f, 3.5f, -2.5f, -3.5f, 0.5f, -0.5f, 1.5f};
    byte[] q = new byte[x.length];
    assertEquals(1.0f, Activations.quantize(x, 0, x.length, q, 0));
    assertEquals(127, q[0]);
    assertEquals(2, q[1]);
    assertEquals(4, q[2]);
    assertEquals(-2, q[3]);
    assertEquals(-4, q[4]);
    assertEquals(0, q[5]);
    assertEquals(0, q[6]);
    assertEquals(2, q[7]);
  }

  @Test
  void onlyTheRequestedRangeIsRead() {
    float[] x = {1000f, 1f, -2f, 1000f};
    byte[] q = new byte[2];
    float scale = Activations.quantize(x, 1, 2, q, 0);
    assertEquals(2f / 127f, scale);
    assertEquals(-127, q[1]);
  }

  @Test
  void codeClampsAndHandlesZeroScale() {
    assertEquals(0, Activations.code(5f, 0f));
    assertEquals(127, Activations.code(1000f, 1f));
    assertEquals(-127, Activations.code(-1000f, 1f));
    assertEquals(127, Activations.code(127f, 1f));
    assertEquals(-127, Activations.code(-127f, 1f));
  }

  @Test
  void groupSumsAddEachGroup() {
    byte[] x = {1, 2, 3, 4, 5, -127, 127};
    int[] sums = new int[4];
    Activations.groupSums(x, 0, 7, 2, sums);
    assertEquals(3, sums[0]);
    assertEquals(7, sums[1]);
    assertEquals(-122, sums[2]);
    assertEquals(127, sums[3]);
    int[] one = new int[1];
    Activations.groupSums(x, 1, 3, 3, one);
    assertEquals(9, one[0]);
  }
}
