package q35.gptq;

import java.util.Map;
import java.util.Random;
import java.util.function.Function;
import q35.llama.LinearFactory;
import q35.model.LlamaConfig;
import q35.model.LlamaWeights;
import q35.model.ModelFormatException;
import q35.quant.QuantizedMatrix;
import q35.quant.WeightFormat;

/**
 * Transforms of the float model that are folded into its weights before quantization (eval's
 * {@code +awq} and {@code +rot}, {@code quantize --awq} and {@code --rotate}). The transformed
 * model computes the same function as the original up to float rounding, and nothing is stored
 * besides its weights: the container format, the spec and the product do not change.
 *
 * <ul>
 *   <li>{@link #awq}: activation-aware channel scales (AWQ-style). Input channel i of a matrix
 *       group is multiplied by {@code s_i} and its activation divided by it, which the previous
 *       operation absorbs: the RMSNorm weight (wq, wk, wv; w1, w3), w3's output row (w2's
 *       input is silu(w1 x) * w3 x) and wv's output row (wo's input is a mix of v).
 *   <li>{@link #rotate}: a random-sign Walsh-Hadamard rotation Q of the residual stream
 *       (QuaRot-style): RMSNorm weights folded into the next matrices, then every matrix that
 *       reads the residual multiplied by Q^T on its inputs and every one that writes it by Q on
 *       its outputs, the token embedding rotated, the classifier untied from it.
 * </ul>
 */
public final class Transforms {

  /** The exponents tried by the AWQ search: s_i = a_i^alpha, alpha = 0, 0.1, ..., 1. */
  static final int ALPHA_STEPS = 10;

  private Transforms() {}

  /**
   * AWQ-style channel scales chosen from the calibration {@code h} (E[x x^T] per tensor, as
   * {@link Gptq#calibrate} returns): for each matrix group, s_i = a_i^alpha with a_i the input
   * channel's root mean square activation, normalised to a geometric mean of 1, and alpha the
   * one of 0, 0.1, ..., 1 whose round-to-nearest quantization (in the tensor's format) has the
   * least output error, the sum over rows of d^T H d with d = W - Q(W S) S^-1. alpha = 0 is the
   * identity, so the search never picks a worse scale by that measure.
   */
  public static LlamaWeights awq(LlamaWeights w, Map<String, double[]> h,
      Function<String, WeightFormat> formatOf) throws ModelFormatException {
    LlamaConfig c = w.config();
    int layers = c.nLayers();
    float[][] rmsAtt = copy(w.rmsAtt);
    float[][] rmsFfn = copy(w.rmsFfn);
    float[][] wq = copy(w.wq);
    float[][] wk = copy(w.wk);
    float[][] wv = copy(w.wv);
    float[][] wo = copy(w.wo);
    float[][] w1 = copy(w.w1);
    float[][] w2 = copy(w.w2);
    float[][] w3 = copy(w.w3);
    int d = c.dim();
    int hd = c.hiddenDim();
    int kvDim = c.kvDim();
    for (int l = 0; l < layers; l++) {
      // wq, wk, wv read RMSNorm(x) * rms_att: the norm weight absorbs 1 / s.
      double[] sa = search(h, l, new String[] {"wq", "wk", "wv"},
          new float[][] {wq[l], wk[l], wv[l]}, new int[] {d, kvDim, kvDim}, d,
          rms(hessian(h, LinearFactory.tensorName("wq", l), d), d), formatOf);
      scaleColumns(wq[l], d, sa);
      scaleColumns(wk[l], d, sa);
      scaleColumns(wv[l], d, sa);
      divide(rmsAtt[l], sa);
      // w1 and w3 read RMSNorm(x) * rms_ffn.
      double[] sf = search(h, l, new String[] {"w1", "w3"}, new float[][] {w1[l], w3[l]},
          new int[] {hd, hd}, d, rms(hessian(h, LinearFactory.tensorName("w1", l), d), d),
          formatOf);
      scaleColumns(w1[l], d, sf);
      scaleColumns(w3[l], d, sf);
      divide(rmsFfn[l], sf);
      // w2 reads silu(w1 x) * (w3 x): w3's output row j absorbs 1 / s_j.
      double[] s2 = search(h, l, new String[] {"w2"}, new float[][] {w2[l]}, new int[] {d}, hd,
          rms(hessian(h, LinearFactory.tensorName("w2", l), hd), hd), formatOf);
      scaleColumns(w2[l], hd, s2);
      scaleRows(w3[l], d, s2);
      // wo reads the heads' mixes of v: wv's output row r absorbs 1 / s for every query head
      // that reads KV head r / headSize, so those heads share one scale per channel.
      double[] ao = rms(hessian(h, LinearFactory.tensorName("wo", l), d), d);
      double[] so = search(h, l, new String[] {"wo"}, new float[][] {wo[l]}, new int[] {d}, d,
          sharedAcrossKvGroups(ao, c), formatOf);
      scaleColumns(wo[l], d, so);
      double[] sv = new double[kvDim];
      int kvMul = c.nHeads() / c.nKvHeads();
      for (int i = 0; i < d; i++) {
        sv[kvRow(i, c.headSize(), kvMul)] = so[i];
      }
      scaleRows(wv[l], d, sv);
    }
    return new LlamaWeights(c, w.tokenEmbedding, rmsAtt, wq, wk, wv, wo, rmsFfn, w1, w2, w3,
        w.rmsFinal, w.wcls, "awq");
  }

  /** The KV row that wo's input channel i (query head i / headSize) reads. */
  static int kvRow(int i, int headSize, int kvMul) {
    return (i / headSize / kvMul) * headSize + i % headSize;
  }

  /** Per-channel activation magnitudes averaged over the query heads that share a KV head. */
  static double[] sharedAcrossKvGroups(double[] a, LlamaConfig c) {
    int kvMul = c.nHeads() / c.nKvHeads();
    double[] sum = new double[c.kvDim()];
    for (int i = 0; i < a.length; i++) {
      sum[kvRow(i, c.headSize(), kvMul)] += a[i] / kvMul;
    }
    double[] out = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      out[i] = sum[kvRow(i, c.headSize(), kvMul)];
    }
    return out;
  }

  /** The calibration's k x k matrix of {@code tensor}; refuses a missing or misshapen one. */
  static double[] hessian(Map<String, double[]> h, String tensor, int k) {
    double[] hm = h.get(tensor);
    if (hm == null || hm.length != k * k) {
      throw new IllegalArgumentException("the calibration has no " + k + "-input matrix "
          + tensor);
    }
    return hm;
  }

  /** Root mean square activation of each of k inputs: sqrt(H_ii). */
  static double[] rms(double[] hm, int k) {
    double[] a = new double[k];
    for (int i = 0; i < k; i++) {
      a[i] = Math.sqrt(Math.max(hm[i * k + i], 0));
    }
    return a;
  }

  /**
   * The scales of one matrix group (the matrices {@code names} of layer l, each rows x k, the
   * same input): the alpha of the grid with the least summed output error.
   */
  static double[] search(Map<String, double[]> h, int l, String[] names, float[][] mats,
      int[] rows, int k, double[] a, Function<String, WeightFormat> formatOf) {
    double[] best = null;
    double bestErr = Double.POSITIVE_INFINITY;
    for (int step = 0; step <= ALPHA_STEPS; step++) {
      double[] s = scales(a, (double) step / ALPHA_STEPS);
      double err = 0;
      for (int m = 0; m < names.length; m++) {
        String tensor = LinearFactory.tensorName(names[m], l);
        err += outputError(mats[m], rows[m], k, s, hessian(h, tensor, k), formatOf.apply(tensor));
      }
      if (err < bestErr) {
        bestErr = err;
        best = s;
      }
    }
    if (best == null) {
      throw new IllegalStateException("no exponent was tried");
    }
    return best;
  }

  /** s_i = a_i^alpha over the geometric mean of those (1 where a_i is 0). */
  static double[] scales(double[] a, double alpha) {
    double logSum = 0;
    int positive = 0;
    for (double v : a) {
      if (v > 0) {
        logSum += Math.log(v);
        positive++;
      }
    }
    double mean = positive == 0 ? 0 : logSum / positive;
    double[] s = new double[a.length];
    for (int i = 0; i < a.length; i++) {
      s[i] = a[i] > 0 ? Math.exp(alpha * (Math.log(a[i]) - mean)) : 1.0;
    }
    return s;
  }

  /** Sum over rows of d^T H d, d = W - Q(W S) S^-1, Q round-to-nearest in {@code format}. */
  static double outputError(float[] w, int n, int k, double[] s, double[] hm,
      WeightFormat format) {
    float[] scaled = w.clone();
    scaleColumns(scaled, k, s);
    float[] deq = QuantizedMatrix.quantize(format, scaled, n, k).dequantize();
    double total = 0;
    double[] diff = new double[k];
    for (int r = 0; r < n; r++) {
      for (int i = 0; i < k; i++) {
        diff[i] = w[r * k + i] - deq[r * k + i] / s[i];
      }
      for (int i = 0; i < k; i++) {
        double hi = 0;
        for (int j = 0; j < k; j++) {
          hi += hm[i * k + j] * diff[j];
        }
        total += diff[i] * hi;
      }
    }
    return total;
  }

  /**
   * The residual stream rotated by Q = H D / sqrt(dim), H the Sylvester Walsh-Hadamard matrix
   * and D random signs from {@code seed}: dim must be a power of two. Each RMSNorm weight is
   * first folded into the matrices that read its output (the norms become 1, and
   * RMSNorm(Q x) = Q RMSNorm(x) for the orthogonal Q); then matrices that read the residual get
   * W Q^T, those that write it (wo, w2) get Q W, the token embedding's rows become Q e, and the
   * classifier (untied from the embedding) reads Q^T as well.
   */
  public static LlamaWeights rotate(LlamaWeights w, long seed) throws ModelFormatException {
    LlamaConfig c = w.config();
    int d = c.dim();
    if (Integer.bitCount(d) != 1) {
      throw new IllegalArgumentException("a Walsh-Hadamard rotation needs dim a power of two,"
          + " not " + d);
    }
    double[] signs = new double[d];
    Random random = new Random(seed);
    for (int i = 0; i < d; i++) {
      signs[i] = random.nextBoolean() ? 1.0 : -1.0;
    }
    int layers = c.nLayers();
    float[][] ones = new float[layers][];
    float[][] ones2 = new float[layers][];
    float[][] wq = new float[layers][];
    float[][] wk = new float[layers][];
    float[][] wv = new float[layers][];
    float[][] wo = new float[layers][];
    float[][] w1 = new float[layers][];
    float[][] w2 = new float[layers][];
    float[][] w3 = new float[layers][];
    for (int l = 0; l < layers; l++) {
      ones[l] = filled(d);
      ones2[l] = filled(d);
      wq[l] = readsResidual(w.wq[l], d, w.rmsAtt[l], signs);
      wk[l] = readsResidual(w.wk[l], d, w.rmsAtt[l], signs);
      wv[l] = readsResidual(w.wv[l], d, w.rmsAtt[l], signs);
      wo[l] = writesResidual(w.wo[l], d, signs);
      w1[l] = readsResidual(w.w1[l], d, w.rmsFfn[l], signs);
      w3[l] = readsResidual(w.w3[l], d, w.rmsFfn[l], signs);
      w2[l] = writesResidual(w.w2[l], d, signs);
    }
    float[] embedding = readsResidual(w.tokenEmbedding, d, filled(d), signs);
    float[] wcls = readsResidual(w.wcls, d, w.rmsFinal, signs);
    LlamaConfig untied = new LlamaConfig(c.dim(), c.hiddenDim(), c.nLayers(), c.nHeads(),
        c.nKvHeads(), c.vocabSize(), c.seqLen(), false, c.ropeTheta(), c.rmsEps());
    return new LlamaWeights(untied, embedding, ones, wq, wk, wv, wo, ones2, w1, w2, w3,
        filled(d), wcls, "rotated");
  }

  /** Rows of W (each dim wide) times the norm weight g, then each row r replaced by Q r. */
  static float[] readsResidual(float[] w, int d, float[] g, double[] signs) {
    float[] out = new float[w.length];
    double[] v = new double[d];
    for (int r = 0; r < w.length / d; r++) {
      for (int i = 0; i < d; i++) {
        v[i] = (double) w[r * d + i] * g[i];
      }
      rotateVector(v, signs);
      for (int i = 0; i < d; i++) {
        out[r * d + i] = (float) v[i];
      }
    }
    return out;
  }

  /** Each column c of W (dim rows) replaced by Q c. */
  static float[] writesResidual(float[] w, int d, double[] signs) {
    int k = w.length / d;
    float[] out = new float[w.length];
    double[] v = new double[d];
    for (int col = 0; col < k; col++) {
      for (int i = 0; i < d; i++) {
        v[i] = w[i * k + col];
      }
      rotateVector(v, signs);
      for (int i = 0; i < d; i++) {
        out[i * k + col] = (float) v[i];
      }
    }
    return out;
  }

  /** v := H D v / sqrt(n): signs, then the fast Walsh-Hadamard transform, then the norm. */
  static void rotateVector(double[] v, double[] signs) {
    int n = v.length;
    for (int i = 0; i < n; i++) {
      v[i] *= signs[i];
    }
    for (int len = 1; len < n; len <<= 1) {
      for (int i = 0; i < n; i += len << 1) {
        for (int j = i; j < i + len; j++) {
          double a = v[j];
          double b = v[j + len];
          v[j] = a + b;
          v[j + len] = a - b;
        }
      }
    }
    double norm = 1 / Math.sqrt(n);
    for (int i = 0; i < n; i++) {
      v[i] *= norm;
    }
  }

  static float[] filled(int n) {
    float[] f = new float[n];
    java.util.Arrays.fill(f, 1f);
    return f;
  }

  static float[][] copy(float[][] a) {
    float[][] out = new float[a.length][];
    for (int i = 0; i < a.length; i++) {
      out[i] = a[i].clone();
    }
    return out;
  }

  /** Column i of the row-major matrix w (k columns) times s_i. */
  static void scaleColumns(float[] w, int k, double[] s) {
    for (int p = 0; p < w.length; p++) {
      w[p] = (float) (w[p] * s[p % k]);
    }
  }

  /** Row r of the row-major matrix w (k columns) divided by s_r. */
  static void scaleRows(float[] w, int k, double[] s) {
    for (int p = 0; p < w.length; p++) {
      w[p] = (float) (w[p] / s[p / k]);
    }
  }

  /** g_i / s_i. */
  static void divide(float[] g, double[] s) {
    for (int i = 0; i < g.length; i++) {
      g[i] = (float) (g[i] / s[i]);
    }
  }
}
