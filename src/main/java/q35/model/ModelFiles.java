package q35.model;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

/** Reads whole files, refusing ones a single Java byte array cannot hold. */
final class ModelFiles {
  private ModelFiles() {}

  static byte[] readAll(Path file) throws IOException {
    return readAll(file, Integer.MAX_VALUE - 8);
  }

  /** The whole file, refused when longer than {@code maxBytes}. */
  static byte[] readAll(Path file, long maxBytes) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new NoSuchFileException(file.toString(), null, "not a regular file");
    }
    long size = Files.size(file);
    if (size > maxBytes) {
      throw new ModelFormatException(file + ": " + size + " bytes is larger than this reader"
          + " accepts (" + maxBytes + " bytes)");
    }
    return Files.readAllBytes(file);
  }
}
