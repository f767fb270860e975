package q35.quant;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Random;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import q35.kernel.Activations;
import q35.kernel.Bounds;
import q35.model.Llama2cReader;
import q35.model.LlamaWeights;
import q35.model.TestModels;
import q35.model.TinyModels;

/**
 * Issue 4's model-level oracle: every quantized linear layer of stories260K and of small random
 * models stays within theorem 6 (spec/error-bounds.md) of the float reference layer.
 */
class StoriesLayerBoundProperties {

  static LlamaWeights stories;

  static synchronized LlamaWeights stories() throws IOException {
    if (stories == null) {
      stories = Llama2cReader.read(TestModels.storiesBin());
    }
    return stories;
  }

  static final String[] FORMATS = {"q35", "q35-g32", "q35-g64", "int4", "int4-g32"};

  @Property(tries = 60)
  void storiesLayersStayWithinTheorem6(@ForAll @IntRange(min = 0, max = 4) int layer,
      @ForAll @IntRange(min = 0, max = 6) int matrix, @ForAll @IntRange(min = 0, max = 4) int fmt,
      @ForAll long seed) throws IOException {
    check(stories(), layer, matrix, FORMATS[fmt], seed);
  }

  @Property(tries = 60)
  void tinyRandomModelLayersStayWithinTheorem6(@ForAll @IntRange(min = 0, max = 1) int layer,
      @ForAll @IntRange(min = 0, max = 6) int matrix, @ForAll @IntRange(min = 0, max = 4) int fmt,
      @ForAll long seed) throws IOException {
    check(TinyModels.random(seed, true), layer, matrix, FORMATS[fmt], seed);
  }

  static void check(LlamaWeights w, int layer, int matrix, String format, long seed) {
    float[][][] all = {w.wq, w.wk, w.wv, w.wo, w.w1, w.w2, w.w3};
    float[] m = all[matrix][layer];
    int d = w.config().dim();
    int h = w.config().hiddenDim();
    int kv = w.config().kvDim();
    int[][] shapes = {{d, d}, {kv, d}, {kv, d}, {d, d}, {h, d}, {d, h}, {h, d}};
    int n = shapes[matrix][0];
    int k = shapes[matrix][1];
    Random r = new Random(seed);
    float[] x = new float[k];
    for (int i = 0; i < k; i++) {
      x[i] = (float) (r.nextGaussian() * (1 + r.nextInt(4)));
    }
    WeightFormat f = WeightFormat.parse(format);
    QuantizedMatrix q = QuantizedMatrix.quantize(f, m, n, k);
    float[] out = new float[n];
    try (q35.backend.PreparedMatrix pm = new q35.backend.ReferenceBackend().prepare(q)) {
      pm.apply(1, x, out);
    }
    float[] ref = new float[n];
    new q35.llama.FloatLinear(m, n, k).apply(x, ref);
    byte[] xq = new byte[k];
    float xScale = Activations.quantize(x, 0, k, xq, 0);
    byte[] lat = q.lattice();
    for (int j = 0; j < n; j++) {
      int[] row = new int[k];
      for (int i = 0; i < k; i++) {
        row[i] = lat[j * k + i];
      }
      double bound = Bounds.theorem6(m, k, q.groupSize(), j, row, q.scales(), q.offsets(),
          f.kind() == WeightFormat.Kind.Q35, x, xq, xScale);
      double err = Math.abs((double) out[j] - ref[j]);
      assertTrue(err <= bound, format + " row " + j + " err " + err + " > bound " + bound);
    }
  }
}
