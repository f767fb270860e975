package q35.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/** The shape and length checks the array indexing of the fast paths relies on. */
class QuantizedMatrixTest {

  private static final WeightFormat.Kind Q35 = WeightFormat.Kind.Q35;
  private static final WeightFormat.Kind Q8 = WeightFormat.Kind.Q8;

  private static void refused(String prefix, Executable e) {
    IllegalArgumentException x = assertThrows(IllegalArgumentException.class, e);
    assertTrue(x.getMessage().startsWith(prefix), x.getMessage());
  }

  @Test
  void constructorRefusesBadShapesAndLengths() {
    // 2 x 3, group 2: 2 groups per row; q35 packs a row of 3 into one 7-byte block.
    new QuantizedMatrix(Q35, 2, 3, 2, new byte[14], new float[4], new float[4]);
    new QuantizedMatrix(Q8, 2, 3, 2, new byte[6], new float[4], new float[4]);
    refused("SHAPE", () -> new QuantizedMatrix(Q35, 0, 3, 2, new byte[0], new float[0],
        new float[0]));
    refused("SHAPE", () -> new QuantizedMatrix(Q35, 2, 0, 2, new byte[0], new float[0],
        new float[0]));
    // Group size 0: the kernel's code.
    refused("GROUP_SIZE", () -> new QuantizedMatrix(Q35, 2, 3, 0, new byte[14], new float[4],
        new float[4]));
    refused("SHAPE", () -> new QuantizedMatrix(Q8, 65536, 65536, 2, new byte[0], new float[0],
        new float[0]));
    refused("SHAPE", () -> new QuantizedMatrix(Q35, 2, 3, 2, new byte[13], new float[4],
        new float[4]));
    refused("SHAPE", () -> new QuantizedMatrix(Q8, 2, 3, 2, new byte[7], new float[4],
        new float[4]));
    refused("SHAPE", () -> new QuantizedMatrix(Q35, 2, 3, 2, new byte[14], new float[3],
        new float[4]));
    refused("SHAPE", () -> new QuantizedMatrix(Q35, 2, 3, 2, new byte[14], new float[4],
        new float[5]));
    refused("f32", () -> new QuantizedMatrix(WeightFormat.Kind.F32, 2, 3, 2, new byte[24],
        new float[4], new float[4]));
  }

  @Test
  void constructorRefusesLayersTooWideForInt32Accumulators() {
    // One past each bound; the shape is refused before any array length is looked at.
    refused("K_TOO_LARGE", () -> new QuantizedMatrix(Q35, 1, q35.kernel.IntDot.MAX_K + 1, 2,
        new byte[0], new float[0], new float[0]));
    refused("K_TOO_LARGE", () -> new QuantizedMatrix(Q8, 1, Q8Baseline.MAX_K + 1, 2,
        new byte[0], new float[0], new float[0]));
    refused("GROUP_SIZE", () -> new QuantizedMatrix(Q35, 1, 8, 3, new byte[7], new float[3],
        new float[3]));
    // At the bounds the shape is accepted (lengths then decide).
    refused("SHAPE: packed", () -> new QuantizedMatrix(Q8, 1, Q8Baseline.MAX_K, 2,
        new byte[0], new float[0], new float[0]));
    refused("SHAPE: packed", () -> new QuantizedMatrix(Q35, 1, q35.kernel.IntDot.MAX_K, 2,
        new byte[0], new float[0], new float[0]));
  }

  @Test
  void groupsIsTheCeilingOfColsOverGroupSize() {
    for (int cols = 1; cols <= 40; cols++) {
      for (int g = 1; g <= cols; g++) {
        assertEquals((cols + g - 1) / g, QuantizedMatrix.groupCount(cols, g), cols + "/" + g);
      }
    }
  }
}
