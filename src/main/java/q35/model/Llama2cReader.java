package q35.model;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads llama2.c checkpoints ({@code .bin}, the "legacy" version-0 export): seven int32 config
 * fields (dim, hidden_dim, n_layers, n_heads, n_kv_heads, vocab_size, seq_len), then float32
 * tensors in the order token_embedding, rms_att, wq, wk, wv, wo, rms_ffn, w1, w2, w3, rms_final,
 * freq_cis_real, freq_cis_imag (both skipped), and wcls when vocab_size is negative (unshared
 * classifier). The file must end exactly after the last tensor.
 */
public final class Llama2cReader {
  /** Bytes in the config header. */
  public static final int HEADER_BYTES = 7 * 4;

  private Llama2cReader() {}

  public static LlamaWeights read(Path file) throws IOException {
    return read(ModelFiles.readAll(file), file.toString());
  }

  public static LlamaWeights read(byte[] bytes, String source) throws ModelFormatException {
    ByteReader r = new ByteReader(bytes, source);
    LlamaConfig c = config(r.bytes(HEADER_BYTES, "config header"), bytes.length, source);
    Layout at = new Layout(c);
    int n = c.nLayers();
    float[][][] layers = new float[WeightSource.LayerTensor.values().length][n][];
    for (WeightSource.LayerTensor t : WeightSource.LayerTensor.values()) {
      for (int l = 0; l < n; l++) {
        r.seek(at.layer(t, l), name(t, l));
        layers[t.ordinal()][l] = r.float32s(WeightSource.elements(t, c), name(t, l));
      }
    }
    r.seek(at.tokenEmbedding(), "token_embedding");
    float[] emb = r.float32s((long) c.vocabSize() * c.dim(), "token_embedding");
    r.seek(at.rmsFinal(), "rms_final");
    float[] rmsFinal = r.float32s(c.dim(), "rms_final");
    float[] wcls = emb;
    if (!c.sharedClassifier()) {
      r.seek(at.classifier(), "wcls");
      wcls = r.float32s((long) c.vocabSize() * c.dim(), "wcls");
    }
    return new LlamaWeights(c, emb, layers[0], layers[1], layers[2], layers[3], layers[4],
        layers[5], layers[6], layers[7], layers[8], rmsFinal, wcls, source);
  }

  /**
   * Opens a checkpoint for streaming: the header and the file's length are checked now, and each
   * tensor is decoded from a memory mapping when asked for (see {@link MappedFile}), so the
   * model may be larger than the heap. Close it when done.
   */
  public static Streaming open(Path file) throws IOException {
    MappedFile f = MappedFile.open(file);
    try {
      byte[] header = f.bytes(0, (int) Math.min(f.size(), HEADER_BYTES), "config header");
      return new Streaming(f, config(header, f.size(), f.source()));
    } catch (IOException | RuntimeException e) {
      f.close();
      throw e;
    }
  }

  /** A checkpoint opened by {@link #open}: a {@link WeightSource} over a memory-mapped file. */
  public static final class Streaming implements WeightSource, java.io.Closeable {
    private final MappedFile file;
    private final LlamaConfig config;
    private final Layout at;

    Streaming(MappedFile file, LlamaConfig config) {
      this.file = file;
      this.config = config;
      this.at = new Layout(config);
    }

    @Override
    public LlamaConfig config() {
      return config;
    }

    @Override
    public float[] tokenEmbedding() throws IOException {
      return file.float32s(at.tokenEmbedding(), (long) config.vocabSize() * config.dim(),
          "token_embedding");
    }

    @Override
    public float[] layer(LayerTensor t, int layer) throws IOException {
      if (layer < 0 || layer >= config.nLayers()) {
        throw new IllegalArgumentException("layer " + layer + " of " + config.nLayers());
      }
      return file.float32s(at.layer(t, layer), WeightSource.elements(t, config), name(t, layer));
    }

    @Override
    public float[] rmsFinal() throws IOException {
      return file.float32s(at.rmsFinal(), config.dim(), "rms_final");
    }

    @Override
    public float[] classifier() throws IOException {
      return config.sharedClassifier() ? tokenEmbedding()
          : file.float32s(at.classifier(), (long) config.vocabSize() * config.dim(), "wcls");
    }

    @Override
    public void close() throws IOException {
      file.close();
    }
  }

  /** The config of a 28-byte header, checked against the file's length before anything else. */
  private static LlamaConfig config(byte[] header, long fileBytes, String source)
      throws ModelFormatException {
    ByteReader r = new ByteReader(header, source);
    int dim = r.int32("config.dim");
    int hiddenDim = r.int32("config.hidden_dim");
    int nLayers = r.int32("config.n_layers");
    int nHeads = r.int32("config.n_heads");
    int nKvHeads = r.int32("config.n_kv_heads");
    int vocab = r.int32("config.vocab_size");
    int seqLen = r.int32("config.seq_len");
    boolean shared = vocab > 0;
    if (vocab == Integer.MIN_VALUE) {
      throw r.error("config.vocab_size " + vocab + " is out of range");
    }
    LlamaConfig c = new LlamaConfig(dim, hiddenDim, nLayers, nHeads, nKvHeads, Math.abs(vocab), seqLen, shared);
    c.validate(source);
    long expected = expectedFileSize(c);
    if (expected != fileBytes) {
      throw r.error("file is " + fileBytes + " bytes but config " + c + " needs exactly " + expected
          + (fileBytes < expected ? " (truncated?)" : " (trailing bytes, or wrong config?)"));
    }
    return c;
  }

  private static String name(WeightSource.LayerTensor t, int layer) {
    return t.name().toLowerCase(java.util.Locale.ROOT) + "[layer " + layer + "]";
  }

  /** Byte offsets of the tensors in a checkpoint of a validated config. */
  private static final class Layout {
    private final LlamaConfig c;
    private final long[] blockStart = new long[WeightSource.LayerTensor.values().length];
    private final long rmsFinal;

    Layout(LlamaConfig c) {
      this.c = c;
      long at = HEADER_BYTES + 4L * c.vocabSize() * c.dim();
      for (WeightSource.LayerTensor t : WeightSource.LayerTensor.values()) {
        blockStart[t.ordinal()] = at;
        at += 4L * c.nLayers() * WeightSource.elements(t, c);
      }
      rmsFinal = at;
    }

    long tokenEmbedding() {
      return HEADER_BYTES;
    }

    long layer(WeightSource.LayerTensor t, int l) {
      return blockStart[t.ordinal()] + 4L * l * WeightSource.elements(t, c);
    }

    long rmsFinal() {
      return rmsFinal;
    }

    /** wcls follows rms_final and the two freq_cis tables. */
    long classifier() {
      return rmsFinal + 4L * c.dim() + 2L * 4 * freqCisLength(c);
    }
  }

  /** Length of freq_cis_real (and of freq_cis_imag): seq_len * head_size / 2. */
  static long freqCisLength(LlamaConfig c) {
    return (long) c.seqLen() * c.headSize() / 2;
  }

  /**
   * The exact size in bytes of a checkpoint with this config.
   *
   * @throws ArithmeticException if the size overflows a long
   */
  public static long expectedFileSize(LlamaConfig c) {
    long floats = Math.addExact(c.weightCount(), 2 * freqCisLength(c));
    return Math.addExact(HEADER_BYTES, Math.multiplyExact(4L, floats));
  }
}
