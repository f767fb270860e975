package q35.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static q35.kernel.CodesProperties.assertCode;

import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;

/** Input orders (spec/format.md section 6): the permutation check and the gather. */
class InputOrderTest {

  @Provide
  Arbitrary<int[]> permutations() {
    // sizes 0 and 1 and the small ones are the edge cases; up to 300 covers several groups
    return Arbitraries.integers().between(0, 300).edgeCases(c -> c.add(0, 1, 2, 3))
        .flatMap(k -> {
          List<Integer> ids = new ArrayList<>();
          for (int i = 0; i < k; i++) {
            ids.add(i);
          }
          return Arbitraries.shuffle(ids)
              .map(l -> l.stream().mapToInt(Integer::intValue).toArray());
        });
  }

  @Property
  void everyPermutationIsAcceptedAndInverted(@ForAll("permutations") int[] order) {
    int[] inverse = new int[order.length + 1];
    inverse[order.length] = 42;
    InputOrder.check(order, order.length, inverse);
    for (int j = 0; j < order.length; j++) {
      assertEquals(j, inverse[order[j]]);
    }
    assertEquals(42, inverse[order.length], "only inverse[0..k) is written");
    // only the first k entries are read: a longer array with junk after k is fine
    int[] longer = java.util.Arrays.copyOf(order, order.length + 2);
    longer[order.length] = -5;
    longer[order.length + 1] = 0;
    InputOrder.check(longer, order.length, new int[order.length + 1]);
  }

  @Property
  void aRepeatedEntryIsRefused(@ForAll("permutations") int[] order,
      @ForAll @IntRange(min = 0, max = 299) int from, @ForAll @IntRange(min = 0, max = 299) int to) {
    int k = order.length;
    if (k < 2 || from % k == to % k) {
      return;
    }
    order[to % k] = order[from % k];
    assertCode("INPUT_ORDER", () -> InputOrder.check(order, k, new int[k]));
  }

  @Property
  void anEntryOutsideTheInputsIsRefused(@ForAll("permutations") int[] order,
      @ForAll @IntRange(min = 0, max = 299) int at, @ForAll("outside") int delta) {
    int k = order.length;
    if (k == 0) {
      return;
    }
    // below 0, or at k and beyond, up to the int extremes
    order[at % k] = delta < 0 ? delta : (int) Math.min(Integer.MAX_VALUE, (long) k + delta);
    assertCode("INPUT_ORDER", () -> InputOrder.check(order, k, new int[k]));
  }

  @Provide
  Arbitrary<Integer> outside() {
    return Arbitraries.oneOf(Arbitraries.integers().between(Integer.MIN_VALUE, -1),
        Arbitraries.integers().between(0, Integer.MAX_VALUE))
        .edgeCases(c -> c.add(-1, 0, 1, Integer.MIN_VALUE, Integer.MAX_VALUE));
  }

  @Example
  void theMessageNamesTheEntry() {
    assertEquals("INPUT_ORDER: entry 3 repeats input 2, held by an earlier entry",
        assertCodeMessage(new int[] {2, 0, 1, 2}, 4));
    assertEquals("INPUT_ORDER: entry 1 is 4, outside the inputs",
        assertCodeMessage(new int[] {2, 4, 1, 0}, 4));
    assertEquals("INPUT_ORDER: entry 0 is -1, outside the inputs",
        assertCodeMessage(new int[] {-1}, 1));
  }

  private static String assertCodeMessage(int[] order, int k) {
    return org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> InputOrder.check(order, k, new int[k])).getMessage();
  }

  @Example
  void gatherReadsTheActivationsInStoredOrder() {
    float[] x = {99f, 10f, 20f, 30f, 40f};
    float[] out = {-1f, -1f, -1f, -1f, -1f, -1f};
    InputOrder.gather(x, 1, new int[] {2, 0, 3, 1}, 4, out, 2);
    assertArrayEquals(new float[] {-1f, -1f, 30f, 10f, 40f, 20f}, out);
  }

  @Property
  void gatherCopiesEveryValueBitForBit(@ForAll("permutations") int[] order,
      @ForAll @IntRange(min = 0, max = 3) int xOff, @ForAll @IntRange(min = 0, max = 3) int outOff,
      @ForAll long seed) {
    int k = order.length;
    java.util.Random r = new java.util.Random(seed);
    float[] x = new float[xOff + k + 1];
    float[] specials = {Float.NaN, -0f, 0f, Float.MIN_VALUE, -Float.MAX_VALUE,
        Float.POSITIVE_INFINITY};
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextInt(4) == 0 ? specials[r.nextInt(specials.length)] : (float) r.nextGaussian();
    }
    float[] out = new float[outOff + k + 2];
    java.util.Arrays.fill(out, 7f);
    InputOrder.gather(x, xOff, order, k, out, outOff);
    for (int j = 0; j < out.length; j++) {
      float want = j >= outOff && j < outOff + k ? x[xOff + order[j - outOff]] : 7f;
      assertEquals(Float.floatToRawIntBits(want), Float.floatToRawIntBits(out[j]), "at " + j);
    }
  }
}
