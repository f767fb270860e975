package q35.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import q35.model.Llama2cReader;
import q35.model.LlamaWeights;
import q35.model.LoadedModel;
import q35.model.ModelLoader;
import q35.model.TestModels;
import q35.model.TinyModels;

/** stories260K written as a Hugging Face directory (rotate-half Q/K) must behave like the .bin. */
class SafetensorsStoriesTest {

  @Test
  void hfLayoutRoundTripMatchesTheBinModel(@TempDir Path tmp) throws Exception {
    LlamaWeights bin = Llama2cReader.read(TestModels.storiesBin());
    Path dir = Files.createDirectories(tmp.resolve("stories260K-hf"));
    Files.writeString(dir.resolve("config.json"), TinyModels.hfConfig(bin.config()));
    Files.write(dir.resolve("model.safetensors"), TinyModels.hfSafetensors(bin, "F32"));
    LoadedModel hf = ModelLoader.load(dir);
    assertTrue(bin.sameTensors(hf.weights()));

    // the file really is in HF layout: its q_proj rows differ from wq until un-permuted
    LlamaWeights raw = q35.model.HfLlamaReader.fromBytes(
        TinyModels.hfConfig(bin.config()), Files.readAllBytes(dir.resolve("model.safetensors")), "raw");
    assertArrayEquals(bin.wq[0], raw.wq[0]);
    assertFalse(Arrays.equals(bin.wq[0], TinyModels.hfPermute(bin.wq[0], 8, 64)));

    // and it generates the run.c reference tokens
    int[] ref = Reference.ints("stories260K_greedy_256.txt", "ids");
    int[] prompt = Reference.ints("stories260K_greedy_256.txt", "prompt_ids");
    Transformer t = new Transformer(hf.weights());
    int token = ref[0];
    for (int pos = 0; pos < 256; pos++) {
      float[] logits = t.forward(token, pos);
      token = pos + 1 < prompt.length ? prompt[pos + 1] : Sampler.argmax(logits, logits.length);
      assertEquals(ref[pos + 1], token, "position " + (pos + 1));
    }
  }

  @Test
  void hfF16CopyGeneratesTheSameStoryStart(@TempDir Path tmp) throws Exception {
    // F16 rounds the weights, so only the beginning of the greedy story is expected to agree
    LlamaWeights bin = Llama2cReader.read(TestModels.storiesBin());
    LlamaWeights rounded = roundedToHalf(bin);
    Path dir = Files.createDirectories(tmp.resolve("f16"));
    Files.writeString(dir.resolve("config.json"), TinyModels.hfConfig(bin.config()));
    Files.write(dir.resolve("model.safetensors"), TinyModels.hfSafetensors(rounded, "F16"));
    LoadedModel hf = ModelLoader.load(dir);
    assertTrue(rounded.sameTensors(hf.weights()));
    Tokenizer tok = new Tokenizer(q35.model.Llama2cTokenizerReader.read(TestModels.tok512(), 512));
    Generator.Result r = Generator.generate(new Transformer(hf.weights()), tok, new Sampler(512, 0f, 0.9f, 1),
        "Once upon a time", 30, null);
    assertTrue(r.text().startsWith("Once upon a time, there was a little"), r.text());
  }

  private static LlamaWeights roundedToHalf(LlamaWeights w) throws Exception {
    float[] emb = r(w.tokenEmbedding); // shared classifier: the same array
    return new LlamaWeights(w.config(), emb, r(w.rmsAtt), r(w.wq), r(w.wk), r(w.wv), r(w.wo),
        r(w.rmsFfn), r(w.w1), r(w.w2), r(w.w3), r(w.rmsFinal), emb, "f16");
  }

  private static float[] r(float[] a) {
    float[] o = new float[a.length];
    for (int i = 0; i < a.length; i++) {
      o[i] = q35.model.Tensors.halfToFloat(q35.model.Tensors.floatToHalf(a[i]));
    }
    return o;
  }

  private static float[][] r(float[][] a) {
    float[][] o = new float[a.length][];
    for (int i = 0; i < a.length; i++) {
      o[i] = r(a[i]);
    }
    return o;
  }
}
