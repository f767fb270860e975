package q35.gptq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Map;
import org.junit.jupiter.api.Test;
import q35.llama.Tokenizer;
import q35.llama.Transformer;
import q35.model.Llama2cReader;
import q35.model.Llama2cTokenizerReader;
import q35.model.LlamaWeights;
import q35.model.TestModels;
import q35.quant.WeightFormat;

/**
 * The folded transforms leave the float model's function unchanged (up to float rounding), on
 * stories260K: same logits at every position of a short sequence.
 */
class TransformsTest {

  /** Largest |difference| of the logits of a and b over 24 positions of one token sequence. */
  static double maxLogitDifference(LlamaWeights a, LlamaWeights b) {
    Transformer ta = new Transformer(a);
    Transformer tb = new Transformer(b);
    double worst = 0;
    int token = 1;
    for (int pos = 0; pos < 24; pos++) {
      float[] la = ta.forward(token, pos);
      float[] lb = tb.forward(token, pos);
      int argmax = 0;
      for (int i = 0; i < la.length; i++) {
        worst = Math.max(worst, Math.abs(la[i] - lb[i]));
        argmax = la[i] > la[argmax] ? i : argmax;
      }
      token = argmax;
    }
    return worst;
  }

  @Test
  void theRotatedModelComputesTheSameLogits() throws IOException {
    LlamaWeights w = Llama2cReader.read(TestModels.storiesBin());
    LlamaWeights r = Transforms.rotate(w, 35);
    assertFalse(r.config().sharedClassifier(), "the classifier is untied from the embedding");
    assertEquals(1f, r.rmsAtt[0][5]);
    assertTrue(Math.abs(r.wq[0][0] - w.wq[0][0]) > 1e-6, "the weights did change");
    double diff = maxLogitDifference(w, r);
    assertTrue(diff < 1e-3, "max logit difference " + diff);
  }

  @Test
  void theAwqModelComputesTheSameLogitsAndScalesSomeChannels() throws IOException {
    LlamaWeights w = Llama2cReader.read(TestModels.storiesBin());
    Tokenizer tok = new Tokenizer(Llama2cTokenizerReader.read(TestModels.tok512(), 512));
    Map<String, double[]> h = Gptq.calibrate(w, tok, 4, 128, 1001);
    WeightFormat f = WeightFormat.parse("q35-g32");
    LlamaWeights a = Transforms.awq(w, h, t -> f);
    int changedNorms = 0;
    for (int l = 0; l < w.config().nLayers(); l++) {
      changedNorms += w.rmsAtt[l][0] != a.rmsAtt[l][0] ? 1 : 0;
      changedNorms += w.rmsFfn[l][0] != a.rmsFfn[l][0] ? 1 : 0;
    }
    assertTrue(changedNorms > 0, "the search chose alpha = 0 (no scaling) everywhere");
    double diff = maxLogitDifference(w, a);
    assertTrue(diff < 1e-3, "max logit difference " + diff);
  }

  @Test
  void theWalshHadamardRotationIsOrthonormal() {
    int n = 16;
    double[] signs = new double[n];
    for (int i = 0; i < n; i++) {
      signs[i] = i % 3 == 0 ? -1 : 1;
    }
    double[][] q = new double[n][];
    for (int i = 0; i < n; i++) {
      q[i] = new double[n];
      q[i][i] = 1;
      Transforms.rotateVector(q[i], signs); // column i of Q
    }
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < n; j++) {
        double dot = 0;
        for (int t = 0; t < n; t++) {
          dot += q[i][t] * q[j][t];
        }
        assertEquals(i == j ? 1.0 : 0.0, dot, 1e-12, i + "," + j);
      }
      for (int t = 0; t < n; t++) {
        assertEquals(0.25, Math.abs(q[i][t]), 1e-12, "every entry is +-1/sqrt(16)");
      }
    }
  }

  @Test
  void aTiedClassifierIsUntiedAndTheLogitsStayTheSame() throws IOException {
    LlamaWeights w = q35.model.TinyModels.random(3, true);
    assertTrue(w.config().sharedClassifier());
    LlamaWeights r = Transforms.rotate(w, 7);
    assertFalse(r.wcls == r.tokenEmbedding);
    double diff = maxLogitDifference(w, r);
    assertTrue(diff < 1e-4, "max logit difference " + diff);
  }

  @Test
  void awqScalesHaveGeometricMeanOneAndAlphaZeroIsTheIdentity() {
    double[] a = {1, 4, 0.25, 2, 0};
    double[] id = Transforms.scales(a, 0);
    for (double s : id) {
      assertEquals(1.0, s);
    }
    double[] s = Transforms.scales(a, 1);
    assertEquals(1.0, s[0] * s[1] * s[2] * s[3], 1e-12);
    assertEquals(1.0, s[4], "a dead channel keeps scale 1");
    assertEquals(4.0, s[1] / s[0], 1e-12);
  }
}
