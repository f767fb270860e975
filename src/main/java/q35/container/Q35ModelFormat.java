package q35.container;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;
import q35.llama.LinearFactory;
import q35.model.LlamaConfig;
import q35.model.LlamaWeights;
import q35.model.LoadedModel;
import q35.model.ModelFormat;
import q35.model.ModelFormatException;
import q35.model.ModelLoader;
import q35.quant.QuantizedLinear;
import q35.quant.QuantizedMatrix;

/** Plugs the {@code .q35} container into {@link ModelLoader}. */
public final class Q35ModelFormat {

  /** The format: files ending in {@code .q35}. */
  public static final ModelFormat FORMAT = ModelLoader.format("q35",
      p -> ModelLoader.hasExtension(p, ".q35"), Q35ModelFormat::load);

  private Q35ModelFormat() {}

  /** Registers the format once; later calls do nothing. */
  public static synchronized void register() {
    if (!registered) {
      ModelLoader.register(FORMAT);
      registered = true;
    }
  }

  private static boolean registered;

  /**
   * Loads a container: float tensors as they are, quantized matrices dequantized into the
   * weights (for inspection) and served to the transformer by {@link #linears}.
   */
  public static LoadedModel load(Path file) throws IOException {
    Q35Container.Contents c = Q35Container.read(file);
    return new LoadedModel(weights(c, file.toString()), c.vocabulary(), linears(c));
  }

  /** A factory that serves each matrix from the container's quantized tensors. */
  public static LinearFactory linears(Q35Container.Contents c) {
    Map<String, QuantizedMatrix> m = c.matrices();
    return (name, layer, w, n, k) -> {
      QuantizedMatrix q = m.get(QuantizedLinear.tensorName(name, layer));
      if (q == null) {
        return q35.llama.FloatLinear.FACTORY.create(name, layer, w, n, k);
      }
      if (q.rows() != n || q.cols() != k) {
        throw new IllegalArgumentException(name + " is " + q.rows() + " x " + q.cols()
            + ", the model needs " + n + " x " + k);
      }
      return new QuantizedLinear(q);
    };
  }

  static LlamaWeights weights(Q35Container.Contents c, String src) throws ModelFormatException {
    LlamaConfig cfg = c.config();
    int layers = cfg.nLayers();
    // Nothing is sized from the config before the table is known to hold its tensors.
    long needed = 9L * layers + 2;
    if (c.floats().size() + c.matrices().size() < needed) {
      throw new ModelFormatException(src + ": the config's " + layers + " layers need at least "
          + needed + " tensors, the container has " + (c.floats().size() + c.matrices().size()));
    }
    float[][] rmsAtt = new float[layers][];
    float[][] rmsFfn = new float[layers][];
    float[][][] mats = new float[7][layers][];
    String[] names = {LinearFactory.WQ, LinearFactory.WK, LinearFactory.WV, LinearFactory.WO,
        LinearFactory.W1, LinearFactory.W2, LinearFactory.W3};
    for (int l = 0; l < layers; l++) {
      rmsAtt[l] = floats(c, "layers." + l + ".rms_att", src);
      rmsFfn[l] = floats(c, "layers." + l + ".rms_ffn", src);
      for (int i = 0; i < names.length; i++) {
        mats[i][l] = matrix(c, QuantizedLinear.tensorName(names[i], l), src);
      }
    }
    float[] emb = floats(c, "token_embedding", src);
    // A shared classifier is the embedding; a quantized copy of it is served by linears().
    float[] wcls = cfg.sharedClassifier() ? emb : matrix(c, "wcls", src);
    return new LlamaWeights(cfg, emb, rmsAtt, mats[0], mats[1], mats[2], mats[3], rmsFfn,
        mats[4], mats[5], mats[6], floats(c, "rms_final", src), wcls, src);
  }

  private static float[] floats(Q35Container.Contents c, String name, String src)
      throws ModelFormatException {
    float[] f = c.floats().get(name);
    if (f == null) {
      throw new ModelFormatException(src + ": tensor " + name + " is missing");
    }
    return f;
  }

  private static float[] matrix(Q35Container.Contents c, String name, String src)
      throws ModelFormatException {
    QuantizedMatrix q = c.matrices().get(name);
    if (q != null) {
      return q.dequantize();
    }
    return floats(c, name, src);
  }
}
