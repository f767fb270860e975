package q35.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import q35.model.LlamaConfig;
import q35.model.LlamaWeights;
import q35.model.TinyModels;

class TransformerTest {

  @Test
  void floatLinearIsAPlainRowMajorProduct() {
    // W = [[1, 2, 3], [4, 5, 6]] (2 outputs, 3 inputs)
    FloatLinear l = new FloatLinear(new float[] {1, 2, 3, 4, 5, 6}, 2, 3);
    float[] out = new float[2];
    l.apply(new float[] {1, 0, -1}, out);
    assertArrayEquals(new float[] {-2, -2}, out);
    assertEquals(3, l.inputs());
    assertEquals(2, l.outputs());
    // summation in index order without FMA: (1e8 + 1) - 1e8 in float is 0, not 1
    FloatLinear order = new FloatLinear(new float[] {1e8f, 1, -1e8f}, 1, 3);
    order.apply(new float[] {1, 1, 1}, out);
    assertEquals(0f, out[0]);
    assertThrows(IllegalArgumentException.class, () -> new FloatLinear(new float[5], 2, 3));
  }

  @Test
  void factoryIsAskedForEveryMatrixWithNameLayerAndShape() throws Exception {
    for (boolean shared : new boolean[] {true, false}) {
      LlamaWeights w = TinyModels.random(21, shared);
      LlamaConfig c = w.config();
      List<String> calls = new ArrayList<>();
      LinearFactory recording = (name, layer, weights, n, k) -> {
        calls.add(name + "@" + layer + ":" + n + "x" + k);
        return new FloatLinear(weights, n, k);
      };
      new Transformer(w, recording);
      List<String> expected = new ArrayList<>();
      int d = c.dim();
      int kv = c.kvDim();
      int h = c.hiddenDim();
      for (int l = 0; l < c.nLayers(); l++) {
        expected.addAll(List.of("wq@" + l + ":" + d + "x" + d, "wk@" + l + ":" + kv + "x" + d,
            "wv@" + l + ":" + kv + "x" + d, "wo@" + l + ":" + d + "x" + d, "w1@" + l + ":" + h + "x" + d,
            "w2@" + l + ":" + d + "x" + h, "w3@" + l + ":" + h + "x" + d));
      }
      expected.add("wcls@-1:" + c.vocabSize() + "x" + d);
      assertEquals(expected, calls);
    }
  }

  @Test
  void aSubstitutedLinearChangesTheOutput() throws Exception {
    LlamaWeights w = TinyModels.random(22, true);
    float[] base = new Transformer(w).forward(3, 0).clone();
    // a classifier that outputs zeros: every logit becomes 0
    LinearFactory zeroCls = (name, layer, weights, n, k) -> name.equals(LinearFactory.WCLS)
        ? Linear.of(n, k, (x, out) -> java.util.Arrays.fill(out, 0, n, 0f))
        : new FloatLinear(weights, n, k);
    float[] zero = new Transformer(w, zeroCls).forward(3, 0);
    assertArrayEquals(new float[w.config().vocabSize()], zero);
    assertTrue(java.util.Arrays.stream(toDouble(base)).anyMatch(v -> v != 0));
  }

  @Test
  void factoryMustRespectTheShape() throws Exception {
    LlamaWeights w = TinyModels.random(23, true);
    LinearFactory wrong = (name, layer, weights, n, k) -> new FloatLinear(new float[4], 2, 2);
    assertThrows(IllegalArgumentException.class, () -> new Transformer(w, wrong));
  }

  @Test
  void positionZeroOfAOneLayerModelByHand() throws Exception {
    // dim 2, 1 head, hidden 1, vocab 2, identity-ish weights: at pos 0 RoPE is the identity and
    // attention over one position returns v, so the result can be computed by hand.
    LlamaConfig c = new LlamaConfig(2, 1, 1, 1, 1, 2, 4, true);
    float[] emb = {3, 4, 1, 0};
    float[] ones = {1, 1};
    float[] id = {1, 0, 0, 1};
    float[] zero1 = {0, 0}; // w1: 1x2, makes silu(0) = 0 so the MLP adds nothing
    LlamaWeights w = new LlamaWeights(c, emb, new float[][] {ones}, new float[][] {id}, new float[][] {id},
        new float[][] {id}, new float[][] {id}, new float[][] {ones}, new float[][] {zero1},
        new float[][] {{1, 1}}, new float[][] {{1, 1}}, ones, emb, "hand");
    float[] logits = new Transformer(w).forward(0, 0);
    // x = (3,4); rms = sqrt((9+16)/2 + 1e-5); xb = x/rms; v = xb; attention -> xb; wo -> xb
    // x = (3,4) + xb = (3,4) * (1 + 1/rms); final norm: x/rms(x) = (3,4)/rms again
    double rms = Math.sqrt(12.5 + 1e-5);
    double y0 = 3 / rms;
    double y1 = 4 / rms;
    assertEquals(3 * y0 + 4 * y1, logits[0], 1e-4);
    assertEquals(y0, logits[1], 1e-5);
  }

  @Test
  void rejectsOutOfRangeTokensAndPositions() throws Exception {
    Transformer t = new Transformer(TinyModels.random(24, true));
    assertThrows(IllegalArgumentException.class, () -> t.forward(-1, 0));
    assertThrows(IllegalArgumentException.class, () -> t.forward(40, 0));
    assertThrows(IllegalArgumentException.class, () -> t.forward(0, 32));
  }

  @Test
  void shorterContextGivesTheSameLogitsAndBoundsPositions() throws Exception {
    LlamaWeights w = TinyModels.random(25, false);
    Transformer full = new Transformer(w);
    Transformer shortCtx = new Transformer(w, FloatLinear.FACTORY, 5);
    assertEquals(5, shortCtx.contextLength());
    int[] tokens = {1, 7, 3, 9, 2};
    for (int pos = 0; pos < tokens.length; pos++) {
      assertArrayEquals(full.forward(tokens[pos], pos), shortCtx.forward(tokens[pos], pos));
    }
    assertThrows(IllegalArgumentException.class, () -> shortCtx.forward(1, 5));
    assertThrows(IllegalArgumentException.class, () -> new Transformer(w, FloatLinear.FACTORY, 33));
    assertThrows(IllegalArgumentException.class, () -> new Transformer(w, FloatLinear.FACTORY, 0));
  }

  private static double[] toDouble(float[] f) {
    double[] d = new double[f.length];
    for (int i = 0; i < f.length; i++) {
      d[i] = f[i];
    }
    return d;
  }
}
