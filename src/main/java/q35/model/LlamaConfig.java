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
   * Checks that the numbers describe a model this code can run: all positive, heads divide the
   * width into even head sizes, query heads a multiple of KV heads, and every weight matrix small
   * enough for one Java array.
   */
  public void validate(String source) throws ModelFormatException {
    String where = source + ": config " + this;
    if (dim <= 0 || hiddenDim <= 0 || nLayers <= 0 || nHeads <= 0 || nKvHeads <= 0
        || vocabSize <= 0 || seqLen <= 0) {
      throw new ModelFormatException(where + ": every dimension must be positive");
    }
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
}
