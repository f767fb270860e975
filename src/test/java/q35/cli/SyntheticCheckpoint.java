package q35.cli;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import q35.model.Llama2cReader;
import q35.model.LlamaConfig;

/**
 * Writes a llama2.c checkpoint of any size without holding it in memory: the header, then every
 * float of the file in order, from a cheap deterministic generator (values in [-1, 1), RMSNorm
 * weights near 1). The process's own quantize command and reader then treat it like any model.
 */
final class SyntheticCheckpoint {
  private SyntheticCheckpoint() {}

  /** Value {@code i} of the file's float stream. */
  static float value(long i) {
    long h = (i + 0x9E3779B97F4A7C15L) * 0xBF58476D1CE4E5B9L;
    h ^= h >>> 31;
    return ((int) (h >>> 40) & 0xffff) / 32768f - 1f;
  }

  static void write(Path file, LlamaConfig c) throws IOException {
    long bytes = Llama2cReader.expectedFileSize(c);
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.CREATE,
        StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
      ByteBuffer b = ByteBuffer.allocate(8 << 20).order(ByteOrder.LITTLE_ENDIAN);
      b.putInt(c.dim()).putInt(c.hiddenDim()).putInt(c.nLayers()).putInt(c.nHeads())
          .putInt(c.nKvHeads()).putInt(c.sharedClassifier() ? c.vocabSize() : -c.vocabSize())
          .putInt(c.seqLen());
      long floats = (bytes - Llama2cReader.HEADER_BYTES) / 4;
      for (long i = 0; i < floats; i++) {
        if (!b.hasRemaining()) {
          b.flip();
          while (b.hasRemaining()) {
            ch.write(b);
          }
          b.clear();
        }
        b.putFloat(value(i));
      }
      b.flip();
      while (b.hasRemaining()) {
        ch.write(b);
      }
    }
  }

  /** The command line of a child JVM running the CLI with this test's class path. */
  static List<String> cli(String maxHeap, String... args) {
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx" + maxHeap);
    cmd.add("-cp");
    cmd.add(System.getProperty("java.class.path"));
    cmd.add("q35.cli.Q35Cli");
    cmd.addAll(List.of(args));
    return cmd;
  }
}
