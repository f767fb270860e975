package q35.model;

/**
 * Hyperparameters of a Llama-2-architecture model, as in llama2.c's {@code Config} plus the two
 * constants llama2.c hard-codes (RoPE theta 10000, RMSNorm epsilon 1e-5).
 *
 * @param dim transformer width (embedding length)
 * @param hiddenDim width of the SwiGLU MLP
 * @param nLayers number of transformer blocks
 * @param nHeads number of query heads
 * @param nKvHeads number of key/value heads (grouped-query attention when smaller than nHeads)
 * @param vocabSize number of tokens
 * @param seqLen maximum sequence length (KV cache size)
 * @param sharedClassifier whether the classifier reuses the token embedding matrix
 * @param ropeTheta RoPE base frequency
 * @param rmsEps RMSNorm epsilon
 */
public record LlamaConfig(
    int dim,
    int hiddenDim,
    int nLayers,
    int nHeads,
    int nKvHeads,
    int vocabSize,
    int seqLen,
    boolean sharedClassifier,
    float ropeTheta,
    float rmsEps) {

  public static final float DEFAULT_ROPE_THETA = 10000.0f;
  public static final float DEFAULT_RMS_EPS = 1e-5f;

  // Caps of spec/readers.md section 3: far above any released Llama (405B: dim 16,384, hidden
  // 53,248, 126 layers, vocabulary 128,256, context 131,072), and low enough that nothing sized
  // from a config can exhaust memory before the file's length is checked.
  /** Largest {@code dim} accepted. */
  public static final int MAX_DIM = 1 << 16;
  /** Largest {@code hiddenDim} accepted. */
  public static final int MAX_HIDDEN_DIM = 1 << 18;
  /** Largest {@code nLayers} accepted. */
  public static final int MAX_LAYERS = 1 << 12;
  /** Largest {@code vocabSize} accepted. */
  public static final int MAX_VOCAB = 1 << 24;
  /** Largest {@code seqLen} accepted. */
  public static final int MAX_SEQ_LEN = 1 << 20;

  /** A config with llama2.c's constants. */
  public LlamaConfig(
      int dim, int hiddenDim, int nLayers, int nHeads, int nKvHeads, int vocabSize, int seqLen,
      boolean sharedClassifier) {
    this(dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize, seqLen, sharedClassifier,
        DEFAULT_ROPE_THETA, DEFAULT_RMS_EPS);
  }

  /** Width of one attention head. */
  public int headSize() {
    return dim / nHeads;
  }

  /** Width of the key and value vectors: nKvHeads * headSize. */
  public int kvDim() {
    return nKvHeads * headSize();
  }

  /** The same config with another sequence length (e.g. to cap a GGUF 2048 context). */
  public LlamaConfig withSeqLen(int newSeqLen) {
    return new LlamaConfig(dim, hiddenDim, nLayers, nHeads, nKvHeads, vocabSize, newSeqLen,
        sharedClassifier, ropeTheta, rmsEps);
  }

  /**
   * Checks that the numbers describe a model this code can run: all positive and within the caps
   * of spec/readers.md, heads divide the width into even head sizes, query heads a multiple of KV
   * heads, and every weight matrix small enough for one Java array.
   */
  public void validate(String source) throws ModelFormatException {
    String where = source + ": config " + this;
    if (dim <= 0 || hiddenDim <= 0 || nLayers <= 0 || nHeads <= 0 || nKvHeads <= 0
        || vocabSize <= 0 || seqLen <= 0) {
      throw new ModelFormatException(where + ": every dimension must be positive");
    }
    cap(where, "dim", dim, MAX_DIM);
    cap(where, "hiddenDim", hiddenDim, MAX_HIDDEN_DIM);
    cap(where, "nLayers", nLayers, MAX_LAYERS);
    cap(where, "vocabSize", vocabSize, MAX_VOCAB);
    cap(where, "seqLen", seqLen, MAX_SEQ_LEN);
    if (dim % nHeads != 0 || (dim / nHeads) % 2 != 0) {
      throw new ModelFormatException(where + ": dim must split into nHeads heads of even size");
    }
    if (nKvHeads > nHeads || nHeads % nKvHeads != 0) {
      throw new ModelFormatException(where + ": nHeads must be a multiple of nKvHeads");
    }
    if (Tensors.elementCount(vocabSize, dim) < 0 || Tensors.elementCount(hiddenDim, dim) < 0
        || Tensors.elementCount(nLayers, seqLen, kvDim()) < 0
        || Tensors.elementCount(nHeads, seqLen) < 0) {
      throw new ModelFormatException(where + ": a weight matrix or the KV cache exceeds 2^31 elements");
    }
    if (!(ropeTheta > 0) || !Float.isFinite(ropeTheta) || !(rmsEps > 0) || !Float.isFinite(rmsEps)) {
      throw new ModelFormatException(where + ": ropeTheta and rmsEps must be positive and finite");
    }
  }

  private static void cap(String where, String field, int value, int max) throws ModelFormatException {
    if (value > max) {
      throw new ModelFormatException(where + ": " + field + " " + value + " exceeds the cap "
          + max + " (spec/readers.md)");
    }
  }

  /**
   * The number of weights the model holds (every tensor's elements, the classifier once when it
   * is shared). Readers compare it with the file's length before allocating anything per layer.
   * Exact for a validated config: the caps keep it below 2^53.
   */
  public long weightCount() {
    long d = dim;
    long perLayer = 2 * d + 2 * d * d + 2 * (long) kvDim() * d + 3 * d * hiddenDim;
    return vocabSize * d * (sharedClassifier ? 1 : 2) + nLayers * perLayer + d;
  }
}
