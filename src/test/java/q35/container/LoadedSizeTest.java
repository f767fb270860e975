package q35.container;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import q35.llama.LinearFactory;
import q35.model.LlamaWeights;
import q35.model.LoadedModel;
import q35.model.ModelLoader;
import q35.quant.QuantizedMatrix;
import q35.quant.WeightFormat;

/**
 * A loaded {@code .q35} keeps its quantized matrices as stored and nowhere else: no float copy
 * of a quantized matrix is made (the weights hold {@link LlamaWeights#HELD_QUANTIZED}), the
 * arrays the model keeps add up to at most 1.2 times the file's size, and
 * {@link LoadedModel#floatWeights()} gives the dequantized floats on request.
 */
class LoadedSizeTest {

  @Test
  void aLoadedContainerHoldsNoFloatCopyOfAQuantizedMatrix() throws IOException {
    for (String format : new String[] {"q35", "q35-g8", "int4-g4", "q8-g2"}) {
      for (boolean shared : new boolean[] {false, true}) {
        LlamaWeights w = q35.model.TinyModels.random(format.length() + (shared ? 1 : 0), shared);
        Path file = Q35ContainerTest.dir.resolve("size-" + format + shared + ".q35");
        Q35Container.write(file, w, Q35ContainerTest.vocabulary(w), WeightFormat.parse(format),
            true, "tiny", i -> { });
        LoadedModel m = ModelLoader.load(file);
        String who = format + (shared ? " shared" : "");
        LlamaWeights lw = m.weights();
        int layers = lw.config().nLayers();
        for (int l = 0; l < layers; l++) {
          for (float[] mat : new float[][] {lw.wq[l], lw.wk[l], lw.wv[l], lw.wo[l], lw.w1[l],
              lw.w2[l], lw.w3[l]}) {
            assertSame(LlamaWeights.HELD_QUANTIZED, mat, who + " layer " + l);
          }
        }
        if (!shared) {
          assertSame(LlamaWeights.HELD_QUANTIZED, lw.wcls, who + " classifier");
        }
        long held = 4L * lw.tokenEmbedding.length + 4L * lw.rmsFinal.length;
        for (int l = 0; l < layers; l++) {
          held += 4L * lw.rmsAtt[l].length + 4L * lw.rmsFfn[l].length;
        }
        for (QuantizedMatrix q : m.quantized().values()) {
          held += q.packed().length + 4L * q.scales().length + 4L * q.offsets().length;
        }
        long size = Files.size(file);
        assertTrue(held <= 1.2 * size, who + ": " + held + " bytes held, file " + size);
        // The float copy on request: the dequantized stored matrices, the rest as loaded.
        LlamaWeights f = m.floatWeights();
        Map<String, QuantizedMatrix> q = m.quantized();
        for (int l = 0; l < layers; l++) {
          assertArrayEquals(q.get(LinearFactory.tensorName("w2", l)).dequantize(), f.w2[l], who);
          assertArrayEquals(q.get(LinearFactory.tensorName("wq", l)).dequantize(), f.wq[l], who);
          assertSame(lw.rmsAtt[l], f.rmsAtt[l]);
        }
        if (shared) {
          assertSame(f.tokenEmbedding, f.wcls, who);
        } else {
          assertArrayEquals(q.get("wcls").dequantize(), f.wcls, who);
        }
      }
    }
  }
}
