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
    long expected;
    try {
      expected = expectedFileSize(c);
    } catch (ArithmeticException e) {
      throw r.error("config " + c + " describes more weights than any file can hold");
    }
    if (expected != bytes.length) {
      throw r.error("file is " + bytes.length + " bytes but config " + c + " needs exactly " + expected
          + (bytes.length < expected ? " (truncated?)" : " (trailing bytes, or wrong config?)"));
    }
    int d = c.dim();
    int kv = c.kvDim();
    int h = c.hiddenDim();
    int n = c.nLayers();
    float[] emb = r.float32s((long) c.vocabSize() * d, "token_embedding");
    float[][] rmsAtt = layers(r, n, d, "rms_att");
    float[][] wq = layers(r, n, (long) d * d, "wq");
    float[][] wk = layers(r, n, (long) kv * d, "wk");
    float[][] wv = layers(r, n, (long) kv * d, "wv");
    float[][] wo = layers(r, n, (long) d * d, "wo");
    float[][] rmsFfn = layers(r, n, d, "rms_ffn");
    float[][] w1 = layers(r, n, (long) h * d, "w1");
    float[][] w2 = layers(r, n, (long) d * h, "w2");
    float[][] w3 = layers(r, n, (long) h * d, "w3");
    float[] rmsFinal = r.float32s(d, "rms_final");
    long freqBytes = 2L * 4 * freqCisLength(c);
    r.seek(r.position() + freqBytes, "freq_cis_real/imag end");
    float[] wcls = shared ? emb : r.float32s((long) c.vocabSize() * d, "wcls");
    return new LlamaWeights(c, emb, rmsAtt, wq, wk, wv, wo, rmsFfn, w1, w2, w3, rmsFinal, wcls, source);
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

  private static float[][] layers(ByteReader r, int n, long each, String name) throws ModelFormatException {
    float[][] out = new float[n][];
    for (int l = 0; l < n; l++) {
      out[l] = r.float32s(each, name + "[layer " + l + "]");
    }
    return out;
  }
}
