package q35.llama;

/**
 * Makes the {@link Linear} for one weight matrix of a model. The transformer calls it once per
 * matrix when it is built.
 */
@FunctionalInterface
public interface LinearFactory {
  /** Names passed as {@code name}, llama2.c style. */
  String WQ = "wq";
  String WK = "wk";
  String WV = "wv";
  String WO = "wo";
  String W1 = "w1";
  String W2 = "w2";
  String W3 = "w3";
  String WCLS = "wcls";

  /**
   * @param name one of {@link #WQ}, {@link #WK}, {@link #WV}, {@link #WO}, {@link #W1}, {@link #W2},
   *     {@link #W3}, {@link #WCLS}
   * @param layer the transformer block, or -1 for the classifier
   * @param weights row-major (outputs x inputs) float weights in llama2.c layout; do not modify
   * @param outputs rows, n
   * @param inputs columns, k
   */
  Linear create(String name, int layer, float[] weights, int outputs, int inputs);

  /** The container name of a transformer matrix: {@code layers.L.name}, or {@code wcls}. */
  static String tensorName(String name, int layer) {
    return layer < 0 ? name : "layers." + layer + "." + name;
  }
}
