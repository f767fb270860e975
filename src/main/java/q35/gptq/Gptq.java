package q35.gptq;

import java.util.HashMap;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;
import q35.kernel.Binary16;
import q35.kernel.InputOrder;
import q35.kernel.WeightQuant;
import q35.llama.FloatLinear;
import q35.llama.Generator;
import q35.llama.Linear;
import q35.llama.LinearFactory;
import q35.llama.Sampler;
import q35.llama.Tokenizer;
import q35.llama.Transformer;
import q35.model.LlamaWeights;
import q35.quant.Q8Baseline;
import q35.quant.QuantizedMatrix;
import q35.quant.Quantizer;
import q35.quant.WeightFormat;

/**
 * GPTQ (Frantar et al., 2022): quantizes a matrix one input column at a time and spreads each
 * column's rounding error over the columns not yet quantized, weighted by the inverse of the
 * input second-moment matrix H = E[x x^T] measured on calibration text. It chooses the codes,
 * scales and offsets offline; the stored format and the kernel's matmul are unchanged, so every
 * GPTQ-quantized matrix is an ordinary q35 / INT4 / q8 matrix (spec/format.md).
 *
 * <p>Groups take their scale and offset from the error-compensated weights when the column loop
 * reaches the group's first column, with the kernel's own rules ({@code WeightQuant.scale},
 * {@code offset}, {@code latticeValue}). The same calibration also serves round-to-nearest with
 * a clipping search and no error feedback ({@link Options}: eval's +clip rows).
 */
public final class Gptq {

  /** Relative damping added to H's diagonal, as in the GPTQ reference implementation. */
  static final double DAMP = 0.01;

  private Gptq() {}

  /**
   * Second moments of every linear layer's input, from sequences the float model samples itself
   * (temperature 1, seeds {@code firstSeed ..}): no evaluation text is used.
   */
  public static Map<String, double[]> calibrate(LlamaWeights w, Tokenizer tok, int sequences,
      int steps, long firstSeed) {
    Map<String, double[]> h = new HashMap<>();
    Map<String, long[]> counts = new HashMap<>();
    LinearFactory recording = (name, layer, wt, n, k) -> {
      Linear inner = FloatLinear.FACTORY.create(name, layer, wt, n, k);
      String key = LinearFactory.tensorName(name, layer);
      double[] acc = h.computeIfAbsent(key, x -> new double[k * k]);
      long[] count = counts.computeIfAbsent(key, x -> new long[1]);
      return Linear.of(n, k, (x, out) -> {
        for (int a = 0; a < k; a++) {
          double xa = x[a];
          int row = a * k;
          for (int b = 0; b < k; b++) {
            acc[row + b] += xa * x[b];
          }
        }
        count[0]++;
        inner.apply(x, out);
      });
    };
    Transformer t = new Transformer(w, recording, Math.min(steps, w.config().seqLen()));
    for (int s = 0; s < sequences; s++) {
      Sampler sampler = new Sampler(w.config().vocabSize(), 1.0f, 1.0f, firstSeed + s);
      Generator.generate(t, tok, sampler, "", steps, null);
    }
    for (Map.Entry<String, double[]> e : h.entrySet()) {
      long c = Math.max(1, counts.getOrDefault(e.getKey(), new long[] {1})[0]);
      double[] m = e.getValue();
      for (int i = 0; i < m.length; i++) {
        m[i] /= c;
      }
    }
    return h;
  }

  /**
   * How the codes are chosen from the calibration: with GPTQ's error feedback or each weight
   * to its nearest lattice value ({@code compensate}), and each group's range by a symmetric
   * or a two-sided clipping search ({@code twoSidedClip}), both weighted by the calibration's
   * input energy (H's diagonal); with {@code salience}, the inputs are first stored in
   * salience order ({@link #salienceOrder}).
   */
  public record Options(boolean compensate, boolean twoSidedClip, boolean salience) {

    /** Options without a salience order. */
    public Options(boolean compensate, boolean twoSidedClip) {
      this(compensate, twoSidedClip, false);
    }
  }

  /** GPTQ as the accuracy table's +gptq rows run it: error feedback, symmetric clipping. */
  public static final Options GPTQ = new Options(true, false, false);

  /**
   * The codes of one matrix: GPTQ with its calibration matrix, or round-to-nearest when the
   * calibration saw no input for that tensor.
   */
  public static Quantizer quantizer(WeightFormat format,
      Map<String, double[]> hessians) {
    return quantizer(format, hessians, GPTQ);
  }

  /**
   * The codes of one matrix chosen with {@code options} and its calibration matrix, or
   * round-to-nearest on min/max when the calibration saw no input for that tensor.
   */
  public static Quantizer quantizer(WeightFormat format, Map<String, double[]> hessians,
      Options options) {
    return (tensor, w, n, k) -> {
      double[] h = hessians.get(tensor);
      return h == null ? QuantizedMatrix.quantize(format, w, n, k)
          : quantize(format, w, n, k, h, options);
    };
  }

  /** GPTQ-quantizes a row-major n x k matrix given H (k x k, row-major). */
  public static QuantizedMatrix quantize(WeightFormat format, float[] w, int n, int k,
      double[] hessian) {
    return quantize(format, w, n, k, hessian, GPTQ);
  }

  /** Quantizes a row-major n x k matrix given H (k x k, row-major), as {@code options} say. */
  public static QuantizedMatrix quantize(WeightFormat format, float[] w, int n, int k,
      double[] hessian, Options options) {
    if (format.kind() == WeightFormat.Kind.F32) {
      throw new IllegalArgumentException("f32 is not a quantized format");
    }
    // Only q35 has pairs of unequal halves; int4 and q8 matrices keep their inputs in order.
    if (options.salience() && format.kind() == WeightFormat.Kind.Q35) {
      return salienceOrdered(format, w, n, k, hessian, options);
    }
    // Validate shape and values exactly as plain quantization does (NaN, 2^32, group size).
    QuantizedMatrix plain = QuantizedMatrix.quantize(format, w, n, k);
    int g = plain.groupSize();
    double[] u = options.compensate() ? inverseCholeskyUpper(hessian, k) : new double[0];
    int groups = plain.groups();
    float[] scales = new float[n * groups];
    float[] offsets = new float[n * groups];
    int[][] lattice = new int[n][k];
    double[] row = new double[k];
    // A -k6 row keeps round-to-nearest's steps; the search picks codes on them.
    QuantizedMatrix.RowSteps steps = plain.rowSteps();
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < k; i++) {
        row[i] = w[j * k + i];
      }
      float[] rowSteps = steps == null ? null
          : new float[] {steps.scale()[j], steps.offset()[j]};
      float s = 0f;
      float m = 0f;
      for (int i = 0; i < k; i++) {
        if (i % g == 0) {
          float[] sm = groupParams(format, row, i, Math.min(k, i + g), hessian, k,
              options.twoSidedClip(), rowSteps);
          s = sm[0];
          m = sm[1];
          scales[j * groups + i / g] = s;
          offsets[j * groups + i / g] = m;
        }
        int q = QuantizedMatrix.latticeValue(format.kind(), (float) row[i], s, m, i);
        lattice[j][i] = q;
        if (!options.compensate()) {
          continue;
        }
        double err = (row[i] - WeightQuant.dequantizeValue(q, s, m)) / u[i * k + i];
        for (int t = i + 1; t < k; t++) {
          row[t] -= err * u[i * k + t];
        }
      }
    }
    return QuantizedMatrix.fromLattice(format.kind(), n, k, g, lattice, scales, offsets,
        format.halfScales(), steps);
  }

  /**
   * The salience order of k inputs with calibration energies {@code h} (H's diagonal, k x k
   * row-major): inputs ranked by energy, highest first (ties by index), and stored position 2p
   * holds rank p while 2p + 1 holds rank k - 1 - p. So each pair puts one of the most salient
   * inputs on the 4-bit (even) position and one of the least salient on the 3-bit one.
   */
  public static int[] salienceOrder(double[] h, int k) {
    Integer[] rank = new Integer[k];
    for (int i = 0; i < k; i++) {
      rank[i] = i;
    }
    java.util.Arrays.sort(rank, (a, b) -> {
      int c = Double.compare(h[b * k + b], h[a * k + a]);
      return c != 0 ? c : Integer.compare(a, b);
    });
    int[] order = new int[k];
    for (int p = 0; 2 * p < k; p++) {
      order[2 * p] = rank[p];
      if (2 * p + 1 < k) {
        order[2 * p + 1] = rank[k - 1 - p];
      }
    }
    return order;
  }

  /**
   * Quantizes with the inputs in salience order: w's columns and H's rows and columns permuted
   * into that order, quantized as {@code options} say otherwise, and the order stored with the
   * matrix (spec/format.md section 6).
   */
  private static QuantizedMatrix salienceOrdered(WeightFormat format, float[] w, int n, int k,
      double[] hessian, Options options) {
    QuantizedMatrix.quantize(format, w, n, k); // the plain path's shape and value checks first
    int[] order = salienceOrder(hessian, k);
    float[] wp = new float[n * k];
    for (int j = 0; j < n; j++) {
      InputOrder.gather(w, j * k, order, k, wp, j * k);
    }
    double[] hp = new double[k * k];
    for (int a = 0; a < k; a++) {
      for (int b = 0; b < k; b++) {
        hp[a * k + b] = hessian[order[a] * k + order[b]];
      }
    }
    // Neither error feedback nor clipping: plain round-to-nearest on the permuted columns, so
    // a +sal row alone measures the order alone.
    Options stored = new Options(options.compensate(), options.twoSidedClip(), false);
    QuantizedMatrix q = options.compensate() || options.twoSidedClip()
        ? quantize(format, wp, n, k, hp, stored) : QuantizedMatrix.quantize(format, wp, n, k);
    return q.withInputOrder(order);
  }

  /** Shrink factors of the group range tried by the clipping search. */
  static final double[] SHRINK = {1.0, 0.975, 0.95, 0.925, 0.9, 0.875, 0.85, 0.825, 0.8, 0.775,
      0.75};

  /**
   * Scale and offset of the group {@code row[start..end)}: the kernel's min/max rule applied to
   * the range shrunk toward its midpoint by the factors (of {@link #SHRINK}) that minimise the
   * group's rounding error weighted by H's diagonal (outliers are clipped when that pays). The
   * symmetric search shrinks both ends by one factor; the two-sided search shrinks the low and
   * the high end by a factor each (every pair, the symmetric ones among them), because q35's
   * grid is not symmetric (its odd positions stop one step short of the high end). A format
   * with binary16 scales rounds each candidate's scale and offset to binary16 before its error
   * is measured, so the search picks among the values that will be stored; a -k6 format rounds
   * them onto the row's steps ({@code rowSteps}: scale step, offset step) in the same way.
   */
  static float[] groupParams(WeightFormat format, double[] row, int start, int end,
      double[] h, int k, boolean twoSided, float @Nullable [] rowSteps) {
    WeightFormat.Kind kind = format.kind();
    double lo = row[start];
    double hi = lo;
    for (int t = start; t < end; t++) {
      lo = Math.min(lo, row[t]);
      hi = Math.max(hi, row[t]);
    }
    double mid = (lo + hi) / 2;
    float[] best = null;
    double bestErr = Double.POSITIVE_INFINITY;
    for (double rl : SHRINK) {
      for (double rh : twoSided ? SHRINK : new double[] {rl}) {
        float l = (float) (mid - (mid - lo) * rl);
        float u = (float) (mid + (hi - mid) * rh);
        float s = kind == WeightFormat.Kind.Q8 ? Q8Baseline.scale(l, u) : WeightQuant.scale(l, u);
        float m = kind == WeightFormat.Kind.Q8 ? Q8Baseline.offset(l, s) : WeightQuant.offset(l, s);
        if (format.halfScales()) {
          s = Binary16.round(s);
          m = Binary16.round(m);
        } else if (rowSteps != null) {
          s = QuantizedMatrix.onScaleStep(s, rowSteps[0]);
          m = QuantizedMatrix.onOffsetStep(m, rowSteps[1]);
        }
        double err = groupError(kind, row, start, end, h, k, s, m);
        if (err < bestErr) {
          bestErr = err;
          best = new float[] {s, m};
        }
      }
    }
    if (best == null) {
      throw new IllegalStateException("no shrink factor was tried");
    }
    return best;
  }

  /**
   * The rounding error of the group {@code row[start..end)} with scale s and offset m: the sum
   * over its weights of H's diagonal times the squared difference to the nearest lattice value.
   */
  static double groupError(WeightFormat.Kind kind, double[] row, int start, int end, double[] h,
      int k, float s, float m) {
    double err = 0;
    for (int t = start; t < end; t++) {
      int q = QuantizedMatrix.latticeValue(kind, (float) row[t], s, m, t);
      double d = row[t] - WeightQuant.dequantizeValue(q, s, m);
      err += h[t * k + t] * d * d;
    }
    return err;
  }

  /**
   * The upper Cholesky factor U of (H + damping)^-1, so that (H + damping)^-1 = U^T U; dead
   * inputs (zero diagonal) get a unit diagonal.
   */
  static double[] inverseCholeskyUpper(double[] hIn, int k) {
    double[] h = hIn.clone();
    double mean = 0;
    for (int i = 0; i < k; i++) {
      mean += h[i * k + i];
    }
    mean /= k;
    for (int i = 0; i < k; i++) {
      if (h[i * k + i] == 0) {
        h[i * k + i] = 1;
      }
      h[i * k + i] += DAMP * (mean > 0 ? mean : 1);
    }
    double[] l = cholesky(h, k);          // H = L L^T
    double[] linv = invertLower(l, k);    // L^-1
    // H^-1 = L^-T L^-1; its upper Cholesky factor U satisfies H^-1 = U^T U.
    double[] hinv = new double[k * k];
    for (int a = 0; a < k; a++) {
      for (int b = 0; b < k; b++) {
        double s = 0;
        for (int c = Math.max(a, b); c < k; c++) {
          s += linv[c * k + a] * linv[c * k + b];
        }
        hinv[a * k + b] = s;
      }
    }
    double[] lower = cholesky(hinv, k);   // H^-1 = M M^T, so U = M^T
    double[] u = new double[k * k];
    for (int a = 0; a < k; a++) {
      for (int b = 0; b < k; b++) {
        u[a * k + b] = lower[b * k + a];
      }
    }
    return u;
  }

  static double[] cholesky(double[] a, int k) {
    double[] l = new double[k * k];
    for (int i = 0; i < k; i++) {
      for (int j = 0; j <= i; j++) {
        double s = a[i * k + j];
        for (int t = 0; t < j; t++) {
          s -= l[i * k + t] * l[j * k + t];
        }
        if (i == j) {
          if (!(s > 0)) {
            throw new IllegalArgumentException("calibration matrix is not positive definite");
          }
          l[i * k + i] = Math.sqrt(s);
        } else {
          l[i * k + j] = s / l[j * k + j];
        }
      }
    }
    return l;
  }

  static double[] invertLower(double[] l, int k) {
    double[] inv = new double[k * k];
    for (int c = 0; c < k; c++) {
      inv[c * k + c] = 1 / l[c * k + c];
      for (int i = c + 1; i < k; i++) {
        double s = 0;
        for (int t = c; t < i; t++) {
          s -= l[i * k + t] * inv[t * k + c];
        }
        inv[i * k + c] = s / l[i * k + i];
      }
    }
    return inv;
  }
}
