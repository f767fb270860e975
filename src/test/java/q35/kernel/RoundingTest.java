package q35.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.DoubleRange;
import org.junit.jupiter.api.Test;

/** The rounding helpers agree with Math.rint, ties to even. */
class RoundingTest {

  @Property
  void roundHalfEvenEqualsRint(@ForAll @DoubleRange(min = -200.0, max = 200.0) double t) {
    assertEquals((int) Math.rint(t), Rounding.roundHalfEven(t));
  }

  @Test
  void tiesAndEdges() {
    double[] ts = {0.5, 1.5, 2.5, -0.5, -1.5, -2.5, 0.0, -0.0, 7.0, -8.0, 127.0, -127.0,
        0.49999999999999994, -0.49999999999999994, 1073741824.0, -1073741824.0, 3.5, -3.5,
        Math.nextUp(0.5), Math.nextDown(0.5), 4503599627370495.5 / 4194304.0};
    for (double t : ts) {
      assertEquals((int) Math.rint(t), Rounding.roundHalfEven(t), "t = " + t);
    }
  }

  @Test
  void clampKeepsInsideValues() {
    assertEquals(-8.0, Rounding.clamp(-9.0, -8.0, 7.0));
    assertEquals(7.0, Rounding.clamp(7.5, -8.0, 7.0));
    assertEquals(-8.0, Rounding.clamp(-8.0, -8.0, 7.0));
    assertEquals(7.0, Rounding.clamp(7.0, -8.0, 7.0));
    assertEquals(0.25, Rounding.clamp(0.25, -8.0, 7.0));
  }
}
