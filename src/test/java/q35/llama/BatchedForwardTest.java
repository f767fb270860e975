package q35.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import q35.backend.BackendLinear;
import q35.backend.Backends;
import q35.model.Llama2cReader;
import q35.model.LlamaWeights;
import q35.model.TestModels;
import q35.model.TinyModels;
import q35.quant.WeightFormat;

/**
 * Batched forward passes (prefill, evaluation) against one token at a time: the logits must be
 * the same bits, because each row goes through the same operations in the same order.
 */
class BatchedForwardTest {

  /** The logits of tokens[0..] run one at a time from position 0, row-major. */
  private static float[] oneByOne(Transformer t, int[] tokens) {
    int vocab = t.config().vocabSize();
    float[] all = new float[tokens.length * vocab];
    for (int pos = 0; pos < tokens.length; pos++) {
      System.arraycopy(t.forward(tokens[pos], pos), 0, all, pos * vocab, vocab);
    }
    return all;
  }

  private static int[] randomTokens(long seed, int count, int vocab) {
    Random r = new Random(seed);
    int[] t = new int[count];
    for (int i = 0; i < count; i++) {
      t[i] = r.nextInt(vocab);
    }
    return t;
  }

  @Test
  void aBatchGivesTheLogitsOfOneTokenAtATime() throws Exception {
    for (boolean shared : new boolean[] {true, false}) {
      LlamaWeights w = TinyModels.random(31, shared);
      int[] tokens = randomTokens(5, 32, w.config().vocabSize()); // the whole context
      float[] expected = oneByOne(new Transformer(w), tokens);
      float[] batched = new Transformer(w).forward(tokens, 0, true);
      assertArrayEquals(expected, batched, "shared classifier: " + shared);
      // only the last position's logits: the last row
      int vocab = w.config().vocabSize();
      float[] last = new Transformer(w).forward(tokens, 0, false);
      assertArrayEquals(Arrays.copyOfRange(expected, 31 * vocab, 32 * vocab), last);
    }
  }

  @Test
  void singleTokensAndBatchesMixOnOneCache() throws Exception {
    LlamaWeights w = TinyModels.random(32, false);
    int vocab = w.config().vocabSize();
    int[] tokens = randomTokens(6, 20, vocab);
    float[] expected = oneByOne(new Transformer(w), tokens);
    Transformer t = new Transformer(w);
    for (int pos = 0; pos < 7; pos++) {
      t.forward(tokens[pos], pos);
    }
    float[] middle = t.forward(Arrays.copyOfRange(tokens, 7, 17), 7, true);
    assertArrayEquals(Arrays.copyOfRange(expected, 7 * vocab, 17 * vocab), middle);
    for (int pos = 17; pos < 20; pos++) {
      assertArrayEquals(Arrays.copyOfRange(expected, pos * vocab, (pos + 1) * vocab),
          t.forward(tokens[pos], pos), "position " + pos);
    }
  }

  @Test
  void rejectsEmptyBatchesBadTokensAndPositionsPastTheContext() throws Exception {
    LlamaWeights w = TinyModels.random(33, true);
    Transformer t = new Transformer(w);
    assertThrows(IllegalArgumentException.class, () -> t.forward(new int[0], 0, true));
    assertThrows(IllegalArgumentException.class, () -> t.forward(new int[] {1, 40, 2}, 0, true));
    assertThrows(IllegalArgumentException.class, () -> t.forward(new int[] {1, -1}, 0, false));
    assertThrows(IllegalArgumentException.class, () -> t.forward(new int[] {1, 2, 3}, 30, true));
    assertThrows(IllegalArgumentException.class, () -> t.forward(new int[] {1}, -1, true));
    // a refused batch writes nothing: the cache still gives the one-at-a-time logits
    int[] tokens = randomTokens(7, 4, w.config().vocabSize());
    assertArrayEquals(oneByOne(new Transformer(w), tokens), t.forward(tokens, 0, true));
  }

  @Test
  void floatLinearOnRowsIsEachRowAlone() {
    Random r = new Random(9);
    int n = 5;
    int k = 7;
    float[] wt = new float[n * k];
    for (int i = 0; i < wt.length; i++) {
      wt[i] = r.nextFloat() * 2 - 1;
    }
    FloatLinear l = new FloatLinear(wt, n, k);
    float[] x = new float[3 * k];
    for (int i = 0; i < x.length; i++) {
      x[i] = r.nextFloat() * 2 - 1;
    }
    float[] batched = new float[3 * n];
    l.apply(3, x, batched);
    // the interface's default (row by row through apply(x, out)) on the same weights
    Linear rowByRow = Linear.of(n, k, l::apply);
    float[] viaDefault = new float[3 * n];
    rowByRow.apply(3, x, viaDefault);
    for (int row = 0; row < 3; row++) {
      float[] y = new float[n];
      l.apply(Arrays.copyOfRange(x, row * k, row * k + k), y);
      assertArrayEquals(y, Arrays.copyOfRange(batched, row * n, row * n + n), "row " + row);
      assertArrayEquals(y, Arrays.copyOfRange(viaDefault, row * n, row * n + n), "row " + row);
    }
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> l.apply(3, new float[3 * k - 1], batched));
    assertTrue(e.getMessage().startsWith("SHAPE:"), e.getMessage());
    assertThrows(IllegalArgumentException.class, () -> rowByRow.apply(0, x, viaDefault));
    assertThrows(IllegalArgumentException.class, () -> l.apply(3, x, new float[3 * n - 1]));
  }

  /**
   * stories260K (context 512) over 100 positions, so the batch is cut at MAX_BATCH = 64: float,
   * and q35 and q35-g32 on the reference (proved) kernel and on the fast backend.
   */
  @ParameterizedTest
  @CsvSource({"f32, reference", "q35, reference", "q35, fast", "q35-g32, fast", "int4, fast"})
  void storiesBatchedEqualsOneByOne(String format, String backend) throws Exception {
    LlamaWeights w = Llama2cReader.read(TestModels.storiesBin());
    LinearFactory factory = BackendLinear.factory(Backends.named(backend),
        WeightFormat.parse(format), true);
    int[] tokens = randomTokens(11, 100, w.config().vocabSize());
    assertTrue(tokens.length > Transformer.MAX_BATCH);
    float[] expected = oneByOne(new Transformer(w, factory, 128), tokens);
    float[] batched = new Transformer(w, factory, 128).forward(tokens, 0, true);
    assertEquals(expected.length, batched.length);
    assertArrayEquals(expected, batched, format + " on " + backend);
  }
}
