package q35.model;

import java.io.IOException;
import java.nio.file.Path;

/** One model file format that {@link ModelLoader} can dispatch to. */
public interface ModelFormat {
  /** Short name for messages, e.g. "gguf". */
  String name();

  /** Whether this format claims the path (usually by extension, or a directory layout). */
  boolean accepts(Path path);

  LoadedModel load(Path path) throws IOException;
}
