package q35.model;

import java.io.IOException;
import java.nio.file.Path;

/**
 * Reads llama2.c tokenizer files ({@code tokenizer.bin}, {@code tok512.bin}): int32
 * max_token_length, then for each of vocab_size tokens a float32 score, an int32 byte length and
 * the bytes. The token count is not stored; it comes from the model's config.
 */
public final class Llama2cTokenizerReader {
  private Llama2cTokenizerReader() {}

  public static Vocabulary read(Path file, int vocabSize) throws IOException {
    return read(ModelFiles.readAll(file), vocabSize, file.toString());
  }

  public static Vocabulary read(byte[] bytes, int vocabSize, String source) throws ModelFormatException {
    ByteReader r = new ByteReader(bytes, source);
    int maxLen = r.int32("max_token_length");
    if (maxLen <= 0 || maxLen > r.remaining()) {
      throw r.error("max_token_length " + maxLen + " must be positive and at most the "
          + r.remaining() + " bytes left in the file");
    }
    if (vocabSize <= 0) {
      throw r.error("vocabulary size " + vocabSize + " must be positive");
    }
    // each token takes at least 8 bytes (score + length): refuse counts the file cannot hold
    r.need(vocabSize, 8, "tokenizer entries for " + vocabSize + " tokens");
    byte[][] pieces = new byte[vocabSize][];
    float[] scores = new float[vocabSize];
    for (int i = 0; i < vocabSize; i++) {
      scores[i] = r.float32("score of token " + i);
      if (!Float.isFinite(scores[i])) {
        throw r.error("score of token " + i + " is " + scores[i]);
      }
      int at = r.position();
      int len = r.int32("length of token " + i);
      if (len < 0 || len > maxLen) {
        throw r.error("token " + i + " at offset " + at + " has length " + len
            + ", outside 0.." + maxLen + " (max_token_length)");
      }
      pieces[i] = r.bytes(len, "bytes of token " + i);
    }
    if (r.remaining() != 0) {
      throw r.error(r.remaining() + " trailing bytes after " + vocabSize
          + " tokens (does the tokenizer belong to this model?)");
    }
    return new Vocabulary(pieces, scores, maxLen);
  }
}
