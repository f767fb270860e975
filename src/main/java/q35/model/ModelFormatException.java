package q35.model;

import java.io.IOException;

/**
 * A model, tokenizer or container file is malformed: wrong magic, truncated, inconsistent shapes,
 * non-finite weights, lengths that point beyond the end of the file. The message names the file
 * and, where it makes sense, the byte offset or tensor at fault.
 */
public final class ModelFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public ModelFormatException(String message) {
    super(message);
  }

  public ModelFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
