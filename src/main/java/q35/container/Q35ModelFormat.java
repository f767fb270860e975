package q35.container;

import java.io.IOException;
import java.nio.file.Path;
import q35.llama.LinearFactory;
import q35.model.LlamaConfig;
import q35.model.LlamaWeights;
import q35.model.LoadedModel;
import q35.model.ModelFormat;
import q35.model.ModelFormatException;
import q35.model.ModelLoader;

/**
 * The {@code .q35} container as a {@link ModelFormat} service: files ending in {@code .q35}. Its
 * quantized matrices come back as they are stored ({@link LoadedModel#quantized()}), for a
 * backend to run.
 */
public final class Q35ModelFormat implements ModelFormat {

  @Override
  public String name() {
    return "q35";
  }

  @Override
  public boolean accepts(Path path) {
    return ModelLoader.hasExtension(path, ".q35");
  }

  /**
   * Loads a container: float tensors as they are, quantized matrices as stored and nowhere
   * else (the weights hold {@link LlamaWeights#HELD_QUANTIZED} for them; LoadedModel's
   * floatWeights dequantizes on request), so a loaded model takes about its file's size.
   */
  @Override
  public LoadedModel load(Path file) throws IOException {
    Q35Container.Contents c = Q35Container.read(file);
    return new LoadedModel(weights(c, file.toString()), c.vocabulary(), c.matrices());
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
        mats[i][l] = matrix(c, LinearFactory.tensorName(names[i], l), src);
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
    if (c.matrices().containsKey(name)) {
      return LlamaWeights.HELD_QUANTIZED;
    }
    return floats(c, name, src);
  }
}
