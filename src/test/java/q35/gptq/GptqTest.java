package q35.gptq;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import q35.llama.Tokenizer;
import q35.model.Llama2cReader;
import q35.model.Llama2cTokenizerReader;
import q35.model.LlamaWeights;
import q35.model.TestModels;
import q35.quant.QuantizedMatrix;
import q35.quant.WeightFormat;

class GptqTest {

  @Test
  void inverseCholeskyFactorInvertsTheDampedMatrix() {
    int k = 7;
    Random r = new Random(3);
    double[] a = new double[k * k];
    double[] h = new double[k * k];
    for (int i = 0; i < a.length; i++) {
      a[i] = r.nextGaussian();
    }
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        for (int t = 0; t < k; t++) {
          h[i * k + j] += a[t * k + i] * a[t * k + j];
        }
      }
    }
    double mean = 0;
    for (int i = 0; i < k; i++) {
      mean += h[i * k + i] / k;
    }
    double[] u = Gptq.inverseCholeskyUpper(h, k);
    for (int i = 0; i < k; i++) {
      for (int j = 0; j < k; j++) {
        // (U^T U) (H + damp I) = I
        double prod = 0;
        for (int t = 0; t < k; t++) {
          double utu = 0;
          for (int c = 0; c <= Math.min(i, t); c++) {
            utu += u[c * k + i] * u[c * k + t];
          }
          prod += utu * (h[t * k + j] + (t == j ? Gptq.DAMP * mean : 0));
        }
        assertEquals(i == j ? 1.0 : 0.0, prod, 1e-9, "(" + i + ", " + j + ")");
        assertTrue(i <= j || u[i * k + j] == 0.0, "upper triangular");
      }
    }
  }

  @Test
  void gptqLowersTheLayerOutputErrorOfStories260K() throws IOException {
    LlamaWeights w = Llama2cReader.read(TestModels.storiesBin());
    Tokenizer tok = new Tokenizer(Llama2cTokenizerReader.read(TestModels.tok512(), 512));
    Map<String, double[]> h = Gptq.calibrate(w, tok, 4, 128, 1001);
    WeightFormat f = WeightFormat.parse("q35-g32");
    double rtn = 0;
    double gptq = 0;
    float[][][] all = {w.wq, w.wk, w.wv, w.wo, w.w1, w.w2, w.w3};
    String[] names = {"wq", "wk", "wv", "wo", "w1", "w2", "w3"};
    for (int l = 0; l < w.config().nLayers(); l++) {
      for (int i = 0; i < all.length; i++) {
        String name = q35.llama.LinearFactory.tensorName(names[i], l);
        double[] hn = h.get(name);
        int k = (int) Math.round(Math.sqrt(hn.length));
        int n = all[i][l].length / k;
        float[] m = all[i][l];
        rtn += outputError(m, QuantizedMatrix.quantize(f, m, n, k).dequantize(), hn, n, k);
        QuantizedMatrix g = Gptq.quantize(f, m, n, k, hn);
        assertEquals(QuantizedMatrix.quantize(f, m, n, k).packed().length, g.packed().length);
        gptq += outputError(m, g.dequantize(), hn, n, k);
      }
    }
    // E ||(W - W^) x||^2 = sum_j d_j^T H d_j over the calibration inputs.
    assertTrue(gptq < 0.8 * rtn, "GPTQ " + gptq + " vs round-to-nearest " + rtn);
  }

  static double outputError(float[] w, float[] deq, double[] h, int n, int k) {
    double total = 0;
    for (int j = 0; j < n; j++) {
      for (int a = 0; a < k; a++) {
        double da = w[j * k + a] - deq[j * k + a];
        for (int b = 0; b < k; b++) {
          total += da * h[a * k + b] * (w[j * k + b] - deq[j * k + b]);
        }
      }
    }
    return total;
  }

  @Test
  void refusesWhatPlainQuantizationRefuses() {
    double[] h = {1, 0, 0, 1};
    assertThrows(IllegalArgumentException.class,
        () -> Gptq.quantize(WeightFormat.parse("q35"), new float[] {1f, Float.NaN}, 1, 2, h));
    assertThrows(IllegalArgumentException.class,
        () -> Gptq.quantize(WeightFormat.parse("f32"), new float[] {1f, 2f}, 1, 2, h));
  }
}
