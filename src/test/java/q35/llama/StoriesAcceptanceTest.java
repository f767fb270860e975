package q35.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import q35.model.GgufLlamaReader;
import q35.model.Llama2cReader;
import q35.model.Llama2cTokenizerReader;
import q35.model.LoadedModel;
import q35.model.TestModels;
import q35.model.Vocabulary;

/** The acceptance story from issue 4, on the .bin and on the .gguf. */
class StoriesAcceptanceTest {
  static final String PROMPT = "Once upon a time";
  static final String EXPECTED = "Once upon a time, there was a little girl named Lily. She loved to play"
      + " outside in the park. One day, she saw a big, red ball.";

  @Test
  void binGreedyStory() throws Exception {
    Vocabulary v = Llama2cTokenizerReader.read(TestModels.tok512(), 512);
    Tokenizer tok = new Tokenizer(v);
    assertArrayEquals(new int[] {1, 403, 407, 261, 378}, tok.encode(PROMPT, true, false));
    Transformer t = new Transformer(Llama2cReader.read(TestModels.storiesBin()));
    Generator.Result r = Generator.generate(t, tok, new Sampler(512, 0f, 0.9f, 1), PROMPT, 200, null);
    assertTrue(r.text().startsWith(EXPECTED), r.text());
    assertEquals(5, r.promptTokens());
  }

  @Test
  void ggufGreedyStoryWithEmbeddedTokenizer() throws Exception {
    LoadedModel m = GgufLlamaReader.read(TestModels.storiesGguf());
    Vocabulary v = m.vocabulary();
    assertNotNull(v);
    Tokenizer tok = new Tokenizer(v);
    assertArrayEquals(new int[] {1, 403, 407, 261, 378}, tok.encode(PROMPT, true, false));
    Generator.Result r = Generator.generate(new Transformer(m.weights()), tok, new Sampler(512, 0f, 0.9f, 1),
        PROMPT, 200, null);
    assertTrue(r.text().startsWith(EXPECTED), r.text());
  }
}
