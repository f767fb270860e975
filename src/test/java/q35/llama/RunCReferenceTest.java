package q35.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import q35.model.Llama2cReader;
import q35.model.Llama2cTokenizerReader;
import q35.model.LlamaWeights;
import q35.model.GgufLlamaReader;
import q35.model.TestModels;
import q35.model.Vocabulary;

/** The float transformer against data produced by a float32 C transcription of run.c. */
class RunCReferenceTest {
  static final String PROMPT = "Once upon a time";

  static LlamaWeights weights(String format) throws Exception {
    return format.equals("bin")
        ? Llama2cReader.read(TestModels.storiesBin())
        : GgufLlamaReader.read(TestModels.storiesGguf()).weights();
  }

  static Tokenizer tokenizer() throws Exception {
    Vocabulary v = Llama2cTokenizerReader.read(TestModels.tok512(), 512);
    return new Tokenizer(v);
  }

  @ParameterizedTest
  @ValueSource(strings = {"bin", "gguf"})
  void greedy256StepsTokenForTokenAndLogitsWithin1e4(String format) throws Exception {
    Transformer t = new Transformer(weights(format));
    int[] ref = Reference.ints("stories260K_greedy_256.txt", "ids");
    int[] prompt = Reference.ints("stories260K_greedy_256.txt", "prompt_ids");
    assertEquals(257, ref.length);
    List<float[]> refLogits = Reference.logits("stories260K_greedy_logits.txt");
    int[] ours = new int[ref.length];
    ours[0] = ref[0];
    int checked = 0;
    double worst = 0;
    for (int pos = 0; pos < 256; pos++) {
      float[] logits = t.forward(ours[pos], pos);
      for (float[] row : refLogits) {
        if ((int) row[0] == pos) {
          assertEquals(logits.length, row.length - 1);
          for (int i = 0; i < logits.length; i++) {
            worst = Math.max(worst, Math.abs(logits[i] - row[i + 1]));
            assertEquals(row[i + 1], logits[i], 1e-4, "logit " + i + " at position " + pos);
          }
          checked++;
        }
      }
      ours[pos + 1] = pos + 1 < prompt.length ? prompt[pos + 1] : Sampler.argmax(logits, logits.length);
      assertEquals(ref[pos + 1], ours[pos + 1], "token at position " + (pos + 1) + " (" + format + ")");
    }
    assertEquals(6, checked);
    assertTrue(worst < 1e-4, "worst logit difference " + worst);
  }

  @ParameterizedTest
  @ValueSource(strings = {"bin", "gguf"})
  void seededSamplingMatchesRunC(String format) throws Exception {
    LlamaWeights w = weights(format);
    Tokenizer tok = tokenizer();
    String[][] runs = {
      {"stories260K_t0.8_p0.9_s42.txt", "0.8", "0.9", "42"},
      {"stories260K_t1.0_p1.0_s7.txt", "1.0", "1.0", "7"},
    };
    for (String[] run : runs) {
      int[] ref = Reference.ints(run[0], "ids");
      Sampler s = new Sampler(512, Float.parseFloat(run[1]), Float.parseFloat(run[2]), Long.parseLong(run[3]));
      Generator.Result r = Generator.generate(new Transformer(w), tok, s, PROMPT, 256, null);
      assertArrayEquals(ref, r.ids(), run[0] + " via " + format + ": " + Arrays.toString(r.ids()));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"bin", "gguf"})
  void emptyPromptGreedy(String format) throws Exception {
    int[] ref = Reference.ints("stories260K_empty_prompt_100.txt", "ids");
    Sampler greedy = new Sampler(512, 0f, 0.9f, 1);
    Generator.Result r = Generator.generate(new Transformer(weights(format)), tokenizer(), greedy, "", 100, null);
    assertArrayEquals(ref, r.ids());
  }
}
