package q35.conformance;

import java.io.IOException;

/** A conformance vector file that is not valid JSON of the vector schema; the message says where. */
public final class VectorFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public VectorFormatException(String message) {
    super(message);
  }

  public VectorFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
