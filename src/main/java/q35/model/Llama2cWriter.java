package q35.model;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Writes {@link LlamaWeights} as a llama2.c checkpoint that {@link Llama2cReader} (and run.c) can
 * read. The freq_cis tables are written as zeros: neither reader uses them.
 */
public final class Llama2cWriter {
  private Llama2cWriter() {}

  public static byte[] toBytes(LlamaWeights w) {
    LlamaConfig c = w.config();
    ByteBuffer b = ByteBuffer.allocate((int) Llama2cReader.expectedFileSize(c)).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(c.dim()).putInt(c.hiddenDim()).putInt(c.nLayers()).putInt(c.nHeads()).putInt(c.nKvHeads())
        .putInt(c.sharedClassifier() ? c.vocabSize() : -c.vocabSize()).putInt(c.seqLen());
    put(b, w.tokenEmbedding);
    put(b, w.rmsAtt);
    put(b, w.wq);
    put(b, w.wk);
    put(b, w.wv);
    put(b, w.wo);
    put(b, w.rmsFfn);
    put(b, w.w1);
    put(b, w.w2);
    put(b, w.w3);
    put(b, w.rmsFinal);
    b.position(b.position() + (int) (2 * 4 * Llama2cReader.freqCisLength(c)));
    if (!c.sharedClassifier()) {
      put(b, w.wcls);
    }
    return b.array();
  }

  public static void write(LlamaWeights w, OutputStream out) throws IOException {
    out.write(toBytes(w));
  }

  private static void put(ByteBuffer b, float[][] t) {
    for (float[] layer : t) {
      put(b, layer);
    }
  }

  private static void put(ByteBuffer b, float[] t) {
    for (float f : t) {
      b.putFloat(f);
    }
  }
}
