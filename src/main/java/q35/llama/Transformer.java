package q35.llama;

import q35.model.LlamaConfig;
import q35.model.LlamaWeights;

/**
 * Float reference forward pass of a Llama-2 transformer, one token at a time, following llama2.c's
 * run.c step for step: RMSNorm, RoPE on interleaved pairs, grouped-query attention over a KV
 * cache, SwiGLU MLP, residual connections, final RMSNorm and the classifier. All arithmetic is
 * float32 in the same order as run.c; transcendental functions are computed in double and rounded
 * to float. Every matrix product goes through a {@link Linear} made by a {@link LinearFactory}.
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

  // activations of the current position
  private final float[] x; // residual stream (dim)
  private final float[] xb; // normalized input / attention output (dim)
  private final float[] xb2; // output of wo (dim)
  private final float[] hb; // w1 output, then the gated hidden state (hiddenDim)
  private final float[] hb2; // w3 output (hiddenDim)
  private final float[] q; // query (dim)
  private final float[] k; // key (kvDim)
  private final float[] v; // value (kvDim)
  private final float[] att; // attention scores of one head (seqLen)
  private final float[] logits; // (vocabSize)
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
    x = new float[dim];
    xb = new float[dim];
    xb2 = new float[dim];
    hb = new float[hidden];
    hb2 = new float[hidden];
    q = new float[dim];
    k = new float[kvDim];
    v = new float[kvDim];
    att = new float[contextLength];
    logits = new float[c.vocabSize()];
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
   * array is reused by the next call.
   */
  public float[] forward(int token, int pos) {
    if (token < 0 || token >= c.vocabSize()) {
      throw new IllegalArgumentException("token " + token + " outside 0.." + (c.vocabSize() - 1));
    }
    if (pos < 0 || pos >= contextLength) {
      throw new IllegalArgumentException("position " + pos + " outside 0.." + (contextLength - 1));
    }
    int dim = c.dim();
    int kvDim = c.kvDim();
    int headSize = c.headSize();
    int kvMul = c.nHeads() / c.nKvHeads(); // query heads per KV head
    int hidden = c.hiddenDim();

    // token embedding
    System.arraycopy(w.tokenEmbedding, token * dim, x, 0, dim);

    for (int l = 0; l < c.nLayers(); l++) {
      // ---- attention ----
      rmsnorm(xb, x, w.rmsAtt[l]);
      wq[l].apply(xb, q);
      wk[l].apply(xb, k);
      wv[l].apply(xb, v);

      // RoPE: rotate each pair (i, i+1) of every q and k head by the angle
      // pos * theta^(-d/headSize), d = i mod headSize (the pair's even index inside its head)
      for (int i = 0; i < dim; i += 2) {
        float val = ropeAngle(c, pos, i % headSize);
        float fcr = (float) Math.cos(val);
        float fci = (float) Math.sin(val);
        rotate(q, i, fcr, fci);
        if (i < kvDim) {
          rotate(k, i, fcr, fci);
        }
      }

      // append k and v to the cache
      float[] kc = keyCache[l];
      float[] vc = valueCache[l];
      System.arraycopy(k, 0, kc, pos * kvDim, kvDim);
      System.arraycopy(v, 0, vc, pos * kvDim, kvDim);

      // multi-head attention; query head h reads KV head h / kvMul
      float scale = (float) Math.sqrt(headSize);
      for (int h = 0; h < c.nHeads(); h++) {
        int qOff = h * headSize;
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
      wo[l].apply(xb, xb2);
      for (int i = 0; i < dim; i++) {
        x[i] += xb2[i];
      }

      // ---- SwiGLU MLP: w2(silu(w1(x)) * w3(x)) ----
      rmsnorm(xb, x, w.rmsFfn[l]);
      w1[l].apply(xb, hb);
      w3[l].apply(xb, hb2);
      for (int i = 0; i < hidden; i++) {
        float a = hb[i];
        a = a * (1.0f / (1.0f + (float) Math.exp(-a))); // silu
        hb[i] = a * hb2[i];
      }
      w2[l].apply(hb, xb);
      for (int i = 0; i < dim; i++) {
        x[i] += xb[i];
      }
    }

    rmsnorm(x, x, w.rmsFinal);
    wcls.apply(x, logits);
    return logits;
  }

  /** o = weight * x / sqrt(mean(x^2) + eps), as run.c's rmsnorm (o may alias x). */
  private void rmsnorm(float[] o, float[] in, float[] weight) {
    int size = weight.length;
    float ss = 0.0f;
    for (int j = 0; j < size; j++) {
      ss += in[j] * in[j];
    }
    ss /= size;
    ss += c.rmsEps();
    ss = 1.0f / (float) Math.sqrt(ss);
    for (int j = 0; j < size; j++) {
      o[j] = weight[j] * (ss * in[j]);
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
