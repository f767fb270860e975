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
    return TestModels.evalText();
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
    List<AccuracyEval.Window> seqs = AccuracyEval.perStory(AccuracyEval.tokenizeStories(
        Files.readString(evalText(), StandardCharsets.UTF_8), tok).subList(0, 3));
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

  /**
   * llama-perplexity's chunks, by its rule (examples/perplexity): tokens / n whole chunks, each
   * chunk's first token replaced by BOS, logits from position n / 2 to n - 2 scored.
   */
  @Test
  void llamaPerplexityChunksFollowItsRule() {
    int[] tokens = new int[23];
    for (int i = 0; i < tokens.length; i++) {
      tokens[i] = 100 + i;
    }
    List<AccuracyEval.Window> w = AccuracyEval.chunks(tokens, 8);
    assertEquals(2, w.size(), "23 tokens make two whole chunks of 8; the rest is dropped");
    assertEquals(List.of(1, 101, 102, 103, 104, 105, 106, 107),
        java.util.Arrays.stream(w.get(0).tokens()).boxed().toList());
    assertEquals(List.of(1, 109, 110, 111, 112, 113, 114, 115),
        java.util.Arrays.stream(w.get(1).tokens()).boxed().toList());
    assertEquals(4, w.get(0).firstScored());
    // Odd lengths: llama-perplexity's first = n / 2 rounds down.
    assertEquals(3, AccuracyEval.chunks(tokens, 7).get(0).firstScored());
    assertEquals(0, AccuracyEval.chunks(new int[5], 8).size());
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> AccuracyEval.chunks(tokens, 1));
    assertEquals(AccuracyEval.Scoring.LLAMA_PERPLEXITY,
        AccuracyEval.Scoring.parse("llama-perplexity"));
    org.junit.jupiter.api.Assertions.assertThrows(IllegalArgumentException.class,
        () -> AccuracyEval.Scoring.parse("chunks"));
  }

  /**
   * On the standard text: the whole text with one BOS makes tokens / 512 chunks, and the float
   * reference scores 255 positions of each (positions 256 .. 510), no more.
   */
  @Test
  void llamaPerplexityScoringScoresTheSecondHalfOfEachChunk() throws IOException {
    LlamaWeights w = Llama2cReader.read(TestModels.storiesBin());
    Tokenizer tok = new Tokenizer(Llama2cTokenizerReader.read(TestModels.tok512(), 512));
    String text = Files.readString(evalText(), StandardCharsets.UTF_8);
    int[] all = tok.encode(text, true, false);
    List<AccuracyEval.Window> chunks =
        AccuracyEval.windows(text, tok, AccuracyEval.Scoring.LLAMA_PERPLEXITY, 512);
    assertEquals(all.length / 512, chunks.size());
    assertEquals(all[513], chunks.get(1).tokens()[1]);
    assertEquals(Tokenizer.BOS, chunks.get(1).tokens()[0]);
    List<AccuracyEval.Window> two = chunks.subList(0, 2);
    AccuracyEval.Reference ref = AccuracyEval.reference(w, two, i -> { });
    assertEquals(2 * 255, ref.nextTokens().length);
    assertEquals(all[257], ref.nextTokens()[0], "the first scored prediction is of token 257");
    assertEquals(all[512 + 511], ref.nextTokens()[509]);
    assertEquals(3, AccuracyEval.windows(text, tok, AccuracyEval.Scoring.STORY, 512).subList(0, 3)
        .size());
  }
}
