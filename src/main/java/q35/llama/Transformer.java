package q35.llama;

import java.util.Arrays;
import q35.model.LlamaConfig;
import q35.model.LlamaWeights;

/**
 * Float reference forward pass of a Llama-2 transformer, following llama2.c's run.c step for
 * step, one token at a time or a batch of consecutive positions (prefill, evaluation):
 * RMSNorm, RoPE on interleaved pairs, grouped-query attention over a KV cache, SwiGLU MLP,
 * residual connections, final RMSNorm and the classifier. All arithmetic is float32 in the same
 * order as run.c; transcendental functions are computed in double and rounded to float. Every
 * matrix product goes through a {@link Linear} made by a {@link LinearFactory}.
 *
 * <p>Not thread-safe: one instance holds one sequence's KV cache and scratch buffers.
 */
public final class Transformer {
  private final LlamaConfig c;
  private final LlamaWeights w;
  private final int contextLength; // positions the KV cache holds

  // linear layers, [layer]
  private final Linear[] wq;
  private final Linear[] wk;
  private final Linear[] wv;
  private final Linear[] wo;
  private final Linear[] w1;
  private final Linear[] w2;
  private final Linear[] w3;
  private final Linear wcls;

  // activations of the m positions of one call, row r at [r * width, (r + 1) * width)
  private int m; // rows the buffers below hold
  private float[] x; // residual stream (m x dim)
  private float[] xb; // normalized input / attention output (m x dim)
  private float[] xb2; // output of wo (m x dim)
  private float[] hb; // w1 output, then the gated hidden state (m x hiddenDim)
  private float[] hb2; // w3 output (m x hiddenDim)
  private float[] q; // queries (m x dim)
  private float[] k; // keys (m x kvDim)
  private float[] v; // values (m x kvDim)
  private float[] logits; // classifier output (m x vocabSize)
  private final float[] att; // attention scores of one head of one position (seqLen)
  // KV cache: [layer][pos * kvDim + i]
  private final float[][] keyCache;
  private final float[][] valueCache;

  public Transformer(LlamaWeights weights) {
    this(weights, FloatLinear.FACTORY);
  }

  public Transformer(LlamaWeights weights, LinearFactory factory) {
    this(weights, factory, weights.config().seqLen());
  }

  /**
   * @param contextLength positions to keep in the KV cache, at most the model's seqLen (a GGUF
   *     file may declare a context far longer than a run needs)
   * @throws IllegalArgumentException if the context is out of range or its KV cache would not fit
   *     in half of the JVM's maximum heap
   */
  public Transformer(LlamaWeights weights, LinearFactory factory, int contextLength) {
    this.w = weights;
    this.c = weights.config();
    if (contextLength < 1 || contextLength > c.seqLen()) {
      throw new IllegalArgumentException("context length " + contextLength + " outside 1.." + c.seqLen());
    }
    long kvBytes = 2L * 4 * c.nLayers() * contextLength * c.kvDim();
    if (kvBytes > Runtime.getRuntime().maxMemory() / 2) {
      throw new IllegalArgumentException("the KV cache for " + contextLength + " positions needs "
          + (kvBytes >> 20) + " MiB, more than half the heap; use a shorter context");
    }
    this.contextLength = contextLength;
    int dim = c.dim();
    int kvDim = c.kvDim();
    int hidden = c.hiddenDim();
    int layers = c.nLayers();
    wq = new Linear[layers];
    wk = new Linear[layers];
    wv = new Linear[layers];
    wo = new Linear[layers];
    w1 = new Linear[layers];
    w2 = new Linear[layers];
    w3 = new Linear[layers];
    for (int l = 0; l < layers; l++) {
      wq[l] = make(factory, LinearFactory.WQ, l, weights.wq[l], dim, dim);
      wk[l] = make(factory, LinearFactory.WK, l, weights.wk[l], kvDim, dim);
      wv[l] = make(factory, LinearFactory.WV, l, weights.wv[l], kvDim, dim);
      wo[l] = make(factory, LinearFactory.WO, l, weights.wo[l], dim, dim);
      w1[l] = make(factory, LinearFactory.W1, l, weights.w1[l], hidden, dim);
      w2[l] = make(factory, LinearFactory.W2, l, weights.w2[l], dim, hidden);
      w3[l] = make(factory, LinearFactory.W3, l, weights.w3[l], hidden, dim);
    }
    wcls = make(factory, LinearFactory.WCLS, -1, weights.wcls, c.vocabSize(), dim);
    m = 1;
    x = new float[dim];
    xb = new float[dim];
    xb2 = new float[dim];
    hb = new float[hidden];
    hb2 = new float[hidden];
    q = new float[dim];
    k = new float[kvDim];
    v = new float[kvDim];
    logits = new float[c.vocabSize()];
    att = new float[contextLength];
    keyCache = new float[layers][contextLength * kvDim];
    valueCache = new float[layers][contextLength * kvDim];
  }

  private static Linear make(LinearFactory f, String name, int layer, float[] weights, int n, int k) {
    Linear lin = f.create(name, layer, weights, n, k);
    if (lin.outputs() != n || lin.inputs() != k) {
      throw new IllegalArgumentException("factory made " + name + "[" + layer + "] as " + lin.outputs()
          + " x " + lin.inputs() + ", expected " + n + " x " + k);
    }
    return lin;
  }

  public LlamaConfig config() {
    return c;
  }

  /** Positions the KV cache holds: forward accepts pos in 0..contextLength()-1. */
  public int contextLength() {
    return contextLength;
  }

  /** The float weights this transformer was built from (norms and embeddings are used directly). */
  public LlamaWeights weights() {
    return w;
  }

  /**
   * Runs the token at position {@code pos} (0-based; positions 0..pos-1 must have been run before,
   * they are read from the KV cache) and returns the logits over the vocabulary. The returned
   * array may be reused by the next call.
   */
  public float[] forward(int token, int pos) {
    return forward(new int[] {token}, pos, false);
  }

  /** Positions that go through the layers as one batch; longer runs are cut into such batches. */
  public static final int MAX_BATCH = 64;

  /**
   * Runs {@code tokens[0..m)} at positions {@code pos..pos+m-1} (prefill, evaluation); positions
   * 0..pos-1 must have been run before. Up to {@link #MAX_BATCH} positions go through the layers
   * as one batch: every weight matrix multiplies their rows in one call, and each position
   * attends to the cache up to itself. Returns the logits of every position (row-major m x
   * vocabSize) with {@code allLogits}, else those of the last one: bit for bit what m calls of
   * {@link #forward(int, int)} return, since each row goes through the same operations in the
   * same order. The returned array may be reused by the next call.
   */
  public float[] forward(int[] tokens, int pos, boolean allLogits) {
    int count = tokens.length;
    if (count < 1) {
      throw new IllegalArgumentException("no tokens to run");
    }
    for (int token : tokens) {
      if (token < 0 || token >= c.vocabSize()) {
        throw new IllegalArgumentException("token " + token + " outside 0.." + (c.vocabSize() - 1));
      }
    }
    if (pos < 0 || pos > contextLength - count) {
      throw new IllegalArgumentException("positions " + pos + ".." + (pos + count - 1)
          + " outside 0.." + (contextLength - 1));
    }
    int vocab = c.vocabSize();
    int dim = c.dim();
    float[] out = new float[allLogits ? count * vocab : 0];
    for (int from = 0; from < count; from += MAX_BATCH) {
      int rows = Math.min(MAX_BATCH, count - from);
      layers(tokens, from, rows, pos + from);
      if (allLogits) {
        for (int r = 0; r < rows; r++) {
          rmsnorm(x, x, r * dim, w.rmsFinal);
        }
        wcls.apply(rows, x, logits);
        System.arraycopy(logits, 0, out, from * vocab, rows * vocab);
      } else if (from + rows == count) {
        float[] last = rows == 1 ? x : Arrays.copyOfRange(x, (rows - 1) * dim, rows * dim);
        rmsnorm(last, last, 0, w.rmsFinal);
        wcls.apply(1, last, logits);
      }
    }
    if (allLogits) {
      return out;
    }
    return logits.length == vocab ? logits : Arrays.copyOf(logits, vocab);
  }

  /**
   * The transformer blocks on {@code rows} positions: {@code tokens[from..from+rows)} at
   * positions {@code pos..pos+rows-1}; leaves their residual streams in x.
   */
  private void layers(int[] tokens, int from, int rows, int pos) {
    allocate(rows);
    int dim = c.dim();
    int kvDim = c.kvDim();
    int headSize = c.headSize();
    int hidden = c.hiddenDim();

    // token embeddings
    for (int r = 0; r < rows; r++) {
      System.arraycopy(w.tokenEmbedding, tokens[from + r] * dim, x, r * dim, dim);
    }

    for (int l = 0; l < c.nLayers(); l++) {
      // ---- attention ----
      for (int r = 0; r < rows; r++) {
        rmsnorm(xb, x, r * dim, w.rmsAtt[l]);
      }
      wq[l].apply(rows, xb, q);
      wk[l].apply(rows, xb, k);
      wv[l].apply(rows, xb, v);

      // RoPE: rotate each pair (i, i+1) of every q and k head by the angle
      // pos * theta^(-d/headSize), d = i mod headSize (the pair's even index inside its head)
      for (int r = 0; r < rows; r++) {
        for (int i = 0; i < dim; i += 2) {
          float val = ropeAngle(c, pos + r, i % headSize);
          float fcr = (float) Math.cos(val);
          float fci = (float) Math.sin(val);
          rotate(q, r * dim + i, fcr, fci);
          if (i < kvDim) {
            rotate(k, r * kvDim + i, fcr, fci);
          }
        }
      }

      // append the keys and values to the cache, then attend: position pos + r reads 0..pos + r
      System.arraycopy(k, 0, keyCache[l], pos * kvDim, rows * kvDim);
      System.arraycopy(v, 0, valueCache[l], pos * kvDim, rows * kvDim);
      for (int r = 0; r < rows; r++) {
        attention(l, r, pos + r);
      }
      wo[l].apply(rows, xb, xb2);
      for (int i = 0; i < rows * dim; i++) {
        x[i] += xb2[i];
      }

      // ---- SwiGLU MLP: w2(silu(w1(x)) * w3(x)) ----
      for (int r = 0; r < rows; r++) {
        rmsnorm(xb, x, r * dim, w.rmsFfn[l]);
      }
      w1[l].apply(rows, xb, hb);
      w3[l].apply(rows, xb, hb2);
      for (int i = 0; i < rows * hidden; i++) {
        float a = hb[i];
        a = a * (1.0f / (1.0f + (float) Math.exp(-a))); // silu
        hb[i] = a * hb2[i];
      }
      w2[l].apply(rows, hb, xb);
      for (int i = 0; i < rows * dim; i++) {
        x[i] += xb[i];
      }
    }
  }

  /**
   * Multi-head attention of row {@code r} (position {@code pos}) of layer {@code l}: query head
   * h reads KV head h / kvMul over the cached positions 0..pos; the result goes to row r of xb.
   */
  private void attention(int l, int r, int pos) {
    int dim = c.dim();
    int kvDim = c.kvDim();
    int headSize = c.headSize();
    int kvMul = c.nHeads() / c.nKvHeads(); // query heads per KV head
    float[] kc = keyCache[l];
    float[] vc = valueCache[l];
    float scale = (float) Math.sqrt(headSize);
    for (int h = 0; h < c.nHeads(); h++) {
      int qOff = r * dim + h * headSize;
      int kvOff = (h / kvMul) * headSize;
      for (int t = 0; t <= pos; t++) {
        float score = 0.0f;
        for (int i = 0; i < headSize; i++) {
          score += q[qOff + i] * kc[t * kvDim + kvOff + i];
        }
        att[t] = score / scale;
      }
      softmax(att, pos + 1);
      // weighted sum of the values into xb
      for (int i = 0; i < headSize; i++) {
        xb[qOff + i] = 0.0f;
      }
      for (int t = 0; t <= pos; t++) {
        float a = att[t];
        for (int i = 0; i < headSize; i++) {
          xb[qOff + i] += a * vc[t * kvDim + kvOff + i];
        }
      }
    }
  }

  /** Sizes the activation buffers and the logits for {@code rows} positions. */
  private void allocate(int rows) {
    if (rows != m) {
      m = rows;
      x = new float[rows * c.dim()];
      xb = new float[rows * c.dim()];
      xb2 = new float[rows * c.dim()];
      hb = new float[rows * c.hiddenDim()];
      hb2 = new float[rows * c.hiddenDim()];
      q = new float[rows * c.dim()];
      k = new float[rows * c.kvDim()];
      v = new float[rows * c.kvDim()];
      logits = new float[rows * c.vocabSize()];
    }
  }

  /**
   * o = weight * x / sqrt(mean(x^2) + eps) on the row at {@code off}, as run.c's rmsnorm (o may
   * alias in).
   */
  private void rmsnorm(float[] o, float[] in, int off, float[] weight) {
    int size = weight.length;
    float ss = 0.0f;
    for (int j = 0; j < size; j++) {
      ss += in[off + j] * in[off + j];
    }
    ss /= size;
    ss += c.rmsEps();
    ss = 1.0f / (float) Math.sqrt(ss);
    for (int j = 0; j < size; j++) {
      o[off + j] = weight[j] * (ss * in[off + j]);
    }
  }

  /**
   * The RoPE angle of position {@code pos} for the pair whose even index inside its head is
   * {@code headDim}: pos * theta^(-headDim / headSize), in float32 as run.c computes it.
   */
  public static float ropeAngle(LlamaConfig c, int pos, int headDim) {
    float freq = 1.0f / (float) Math.pow(c.ropeTheta(), headDim / (float) c.headSize());
    return pos * freq;
  }

  private static void rotate(float[] vec, int i, float fcr, float fci) {
    float v0 = vec[i];
    float v1 = vec[i + 1];
    vec[i] = v0 * fcr - v1 * fci;
    vec[i + 1] = v0 * fci + v1 * fcr;
  }

  /** In-place softmax of x[0..size), subtracting the max first, as run.c. */
  public static void softmax(float[] x, int size) {
    float max = x[0];
    for (int i = 1; i < size; i++) {
      if (x[i] > max) {
        max = x[i];
      }
    }
    float sum = 0.0f;
    for (int i = 0; i < size; i++) {
      x[i] = (float) Math.exp(x[i] - max);
      sum += x[i];
    }
    for (int i = 0; i < size; i++) {
      x[i] /= sum;
    }
  }
}
