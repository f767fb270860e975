package q35.gptq;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
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

  /** A way to quantize one calibrated matrix: weights, n x k, and its H. */
  interface MatrixQuantizer {
    QuantizedMatrix quantize(float[] w, int n, int k, double[] h);
  }

  /**
   * E ||(W - W^) x||^2 = sum_j d_j^T H d_j over the calibration inputs, summed over every
   * linear matrix of stories260K quantized by {@code q} (calibration: 4 self-sampled sequences).
   */
  static double stories260KOutputError(MatrixQuantizer q) throws IOException {
    LlamaWeights w = Llama2cReader.read(TestModels.storiesBin());
    Tokenizer tok = new Tokenizer(Llama2cTokenizerReader.read(TestModels.tok512(), 512));
    Map<String, double[]> h = Gptq.calibrate(w, tok, 4, 128, 1001);
    double total = 0;
    float[][][] all = {w.wq, w.wk, w.wv, w.wo, w.w1, w.w2, w.w3};
    String[] names = {"wq", "wk", "wv", "wo", "w1", "w2", "w3"};
    for (int l = 0; l < w.config().nLayers(); l++) {
      for (int i = 0; i < all.length; i++) {
        double[] hn = h.get(q35.llama.LinearFactory.tensorName(names[i], l));
        int k = (int) Math.round(Math.sqrt(hn.length));
        int n = all[i][l].length / k;
        float[] m = all[i][l];
        // dequantize() puts each weight back on its original input, ordered or not
        total += outputError(m, q.quantize(m, n, k, hn).dequantize(), hn, n, k);
      }
    }
    return total;
  }

  static final WeightFormat Q35_G32 = WeightFormat.parse("q35-g32");

  @Test
  void gptqLowersTheLayerOutputErrorOfStories260K() throws IOException {
    double rtn = stories260KOutputError((m, n, k, h) -> QuantizedMatrix.quantize(Q35_G32, m, n, k));
    double gptq = stories260KOutputError((m, n, k, h) -> {
      QuantizedMatrix g = Gptq.quantize(Q35_G32, m, n, k, h);
      assertEquals(QuantizedMatrix.quantize(Q35_G32, m, n, k).packed().length, g.packed().length);
      return g;
    });
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

  @Test
  void salienceOrderPairsTheMostWithTheLeastSalientInputs() {
    // energies (H's diagonal) 1, 5, 3, 2, 4, 3: ranks 1, 4, 2, 5, 3, 0 (tie 2 before 5)
    double[] diag = {1, 5, 3, 2, 4, 3};
    double[] h = new double[36];
    for (int i = 0; i < 6; i++) {
      h[i * 6 + i] = diag[i];
    }
    assertArrayEquals(new int[] {1, 0, 4, 3, 2, 5}, Gptq.salienceOrder(h, 6));
    // odd k: the middle rank sits alone on the last (4-bit) position
    double[] h3 = {2, 0, 0, 0, 1, 0, 0, 0, 3};
    assertArrayEquals(new int[] {2, 1, 0}, Gptq.salienceOrder(h3, 3));
    assertArrayEquals(new int[] {0}, Gptq.salienceOrder(new double[] {7}, 1));
  }

  @Test
  void salienceOrderLowersTheLayerOutputErrorOfStories260K() throws IOException {
    Gptq.Options salience = new Gptq.Options(false, false, true);
    double rtn = stories260KOutputError((m, n, k, h) -> QuantizedMatrix.quantize(Q35_G32, m, n, k));
    double ordered = stories260KOutputError((m, n, k, h) -> {
      QuantizedMatrix q = Gptq.quantize(Q35_G32, m, n, k, h, salience);
      assertArrayEquals(Gptq.salienceOrder(h, k), q.inputOrder());
      return q;
    });
    assertTrue(ordered < 0.8 * rtn, "salience order " + ordered + " vs plain " + rtn);
  }

  @Test
  void binary16ScalesBuyGroupsOf16ForTheBitsOfGroupsOf32() throws IOException {
    Gptq.Options all = new Gptq.Options(true, true, true);
    WeightFormat g16Half = WeightFormat.parse("q35-g16-f16");
    double half = stories260KOutputError((m, n, k, h) -> {
      QuantizedMatrix q = Gptq.quantize(g16Half, m, n, k, h, all);
      assertTrue(q.halfScales());
      for (int p = 0; p < q.scales().length; p++) {
        assertTrue(q35.kernel.Binary16.isBinary16(q.scales()[p]), "scale " + q.scales()[p]);
        assertTrue(q35.kernel.Binary16.isBinary16(q.offsets()[p]), "offset " + q.offsets()[p]);
      }
      return q;
    });
    double single = stories260KOutputError(
        (m, n, k, h) -> Gptq.quantize(WeightFormat.parse("q35-g16"), m, n, k, h, all));
    double g32 = stories260KOutputError((m, n, k, h) -> Gptq.quantize(Q35_G32, m, n, k, h, all));
    assertTrue(half < 1.05 * single, "g16 binary16 " + half + " vs binary32 " + single);
    assertTrue(half < 0.9 * g32, "g16 binary16 " + half + " vs g32 binary32 " + g32);
  }

  @Test
  void scaleCodesBuyGroupsOf8ForTheBitsOfGroupsOf16WithBinary16() throws IOException {
    Gptq.Options all = new Gptq.Options(true, true, true);
    WeightFormat g8Codes = WeightFormat.parse("q35-g8-k6");
    double codes = stories260KOutputError((m, n, k, h) -> {
      QuantizedMatrix q = Gptq.quantize(g8Codes, m, n, k, h, all);
      q.checkValues(); // every scale and offset is a code times its row's step
      assertEquals(WeightFormat.Scales.K6, q.scaleType());
      // 12 bits per 8 weights plus 32 per row: at k = 64 exactly g16-f16's 32 per 16, less on
      // wider rows (k = 172: 1.72 against 2.05); plus the input order's 8 bits per row
      assertTrue(q.bitsPerWeight() <= WeightFormat.parse("q35-g16-f16").bitsPerWeight(n, k)
          + 8.0 / n + 1e-12, "bits " + q.bitsPerWeight());
      return q;
    });
    double half = stories260KOutputError(
        (m, n, k, h) -> Gptq.quantize(WeightFormat.parse("q35-g8-f16"), m, n, k, h, all));
    double g16 = stories260KOutputError(
        (m, n, k, h) -> Gptq.quantize(WeightFormat.parse("q35-g16-f16"), m, n, k, h, all));
    assertTrue(codes < 1.15 * half, "g8 codes " + codes + " vs g8 binary16 " + half);
    assertTrue(codes < 0.85 * g16, "g8 codes " + codes + " vs g16 binary16 " + g16);
  }
}
