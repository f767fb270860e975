package q35.container;

import java.io.IOException;

/** A {@code .q35} file that is malformed, truncated or corrupted; the message says where. */
public final class ContainerFormatException extends IOException {
  private static final long serialVersionUID = 1L;

  public ContainerFormatException(String message) {
    super(message);
  }

  public ContainerFormatException(String message, Throwable cause) {
    super(message, cause);
  }
}
