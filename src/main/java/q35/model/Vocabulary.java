package q35.model;

/**
 * A llama2.c-style BPE vocabulary: the raw bytes of each token piece (spaces as ' ', not
 * SentencePiece's U+2581), its merge score, and the longest piece length.
 */
public record Vocabulary(byte[][] pieces, float[] scores, int maxTokenLength) {
  public Vocabulary {
    if (pieces.length != scores.length) {
      throw new IllegalArgumentException("pieces and scores differ in length");
    }
  }

  public int size() {
    return pieces.length;
  }
}
