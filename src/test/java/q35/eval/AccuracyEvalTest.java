package q35.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import q35.llama.Tokenizer;
import q35.model.Llama2cReader;
import q35.model.Llama2cTokenizerReader;
import q35.model.LlamaWeights;
import q35.model.TestModels;
import q35.quant.WeightFormat;

/** The accuracy evaluation on stories260K and the shared evaluation text. */
class AccuracyEvalTest {

  static Path evalText() {
    Path p = TestModels.storiesBin().getParent().resolve("../eval/stories260K-sampled-64.txt")
        .normalize();
    if (!Files.isRegularFile(p)) {
      String msg = "evaluation text not found at " + p
          + " (it sits beside the shared models, in ../shared/eval/)";
      if (Boolean.getBoolean("q35.requireModels")) {
        org.junit.jupiter.api.Assertions.fail(msg);
      }
      org.junit.jupiter.api.Assumptions.abort(msg);
    }
    return p;
  }

  @Test
  void theStandardTextHasTheDocumentedTokenCount() throws IOException {
    LlamaWeights w = Llama2cReader.read(TestModels.storiesBin());
    Tokenizer tok = new Tokenizer(Llama2cTokenizerReader.read(TestModels.tok512(), 512));
    List<int[]> seqs = AccuracyEval.tokenizeStories(
        Files.readString(evalText(), StandardCharsets.UTF_8), tok);
    // ../shared/eval/README.md: 64 stories, 16,011 tokens each story with a BOS.
    assertEquals(64, seqs.size());
    assertEquals(16011, seqs.stream().mapToInt(s -> s.length).sum());
    assertEquals(512, w.config().seqLen());
  }

  @Test
  void floatRowIsExactAndQuantizedRowsAreOrdered() throws IOException {
    LlamaWeights w = Llama2cReader.read(TestModels.storiesBin());
    Tokenizer tok = new Tokenizer(Llama2cTokenizerReader.read(TestModels.tok512(), 512));
    List<int[]> seqs = AccuracyEval.tokenizeStories(
        Files.readString(evalText(), StandardCharsets.UTF_8), tok).subList(0, 3);
    AccuracyEval.Reference ref = AccuracyEval.reference(w, seqs, i -> { });
    AccuracyEval.Row f32 = AccuracyEval.evaluate(w, seqs, ref, WeightFormat.parse("f32"), false,
        i -> { });
    assertEquals(0.0, f32.meanKl());
    assertEquals(1.0, f32.top1Agreement());
    assertEquals(1.0, f32.perplexityRatio());
    AccuracyEval.Row q8 = AccuracyEval.evaluate(w, seqs, ref, WeightFormat.parse("q8"), false,
        i -> { });
    AccuracyEval.Row q35 = AccuracyEval.evaluate(w, seqs, ref, WeightFormat.parse("q35-g32"),
        false, i -> { });
    assertTrue(q8.meanKl() > 0 && q8.meanKl() < q35.meanKl(), q8 + " vs " + q35);
    assertTrue(q35.p99Kl() >= q35.meanKl());
    assertEquals(3.5 + 64.0 / 32, q35.bitsPerWeightAt4096());
    // Rows with 64 inputs (wq 64, wk 32, wv 32, wo 64, w1 172, w3 172 = 536 rows): 4 blocks of
    // 7 bytes and 2 groups. w2's 64 rows of 172 inputs: 11 blocks and 6 groups.
    double expectedBits = (536.0 * (4 * 7 * 8 + 2 * 64) + 64.0 * (11 * 7 * 8 + 6 * 64))
        / (536 * 64 + 64 * 172);
    assertEquals(expectedBits, q35.bitsPerWeight(), 1e-9);
  }

  @Test
  void klDivergenceIsZeroOnlyForEqualDistributions() {
    float[] p = AccuracyEval.logSoftmax(new float[] {1f, 2f, 3f});
    float[] q = AccuracyEval.logSoftmax(new float[] {3f, 2f, 1f});
    assertEquals(0.0, AccuracyEval.klDivergence(p, p));
    double kl = AccuracyEval.klDivergence(p, q);
    // By hand: p = softmax(1,2,3); KL = sum p_i (log p_i - log q_i) = 2 (p3 - p1).
    double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
    assertEquals(2 * (Math.exp(3) - Math.exp(1)) / z, kl, 1e-6);
  }
}
