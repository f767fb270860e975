package q35.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import q35.container.Q35Container;
import q35.model.Llama2cReader;
import q35.model.LlamaConfig;
import q35.model.TinyModels;
import q35.model.WeightSource;
import q35.quant.QuantizedMatrix;
import q35.quant.WeightFormat;

/**
 * Large models at bounded memory: {@code quantize} streams a llama2.c checkpoint larger than its
 * JVM's heap, tensor by tensor from a memory mapping: by default (in mvn verify) a 2.6 GB model
 * with Llama-3-8B-shaped layers under {@code -Xmx512m}; with {@code -Dq35.largeModel=false} a
 * 259 MB one under {@code -Xmx64m} (quicker, for development). It measures the child's peak RSS
 * with {@code /usr/bin/time -v} where that exists, and checks the output against direct
 * quantization of the same tensors.
 */
class LargeModelStreamingTest {

  @Test
  void quantizesAModelLargerThanTheHeap() throws Exception {
    boolean large = !"false".equals(System.getProperty("q35.largeModel"));
    // large: dim 4096, hidden 14336, 32 heads, 8 KV heads (Llama 3 8B's layer shapes), 3 layers
    LlamaConfig c = large ? new LlamaConfig(4096, 14336, 3, 32, 8, 512, 256, true)
        : new LlamaConfig(1024, 2816, 5, 16, 16, 512, 64, true);
    String heap = large ? "512m" : "64m";
    Path dir = Files.createTempDirectory(
        Files.createDirectories(Path.of(System.getProperty("q35.projectDir", "."), "target")),
        "q35-large");
    Path model = dir.resolve("model.bin");
    Path tok = dir.resolve("tok.bin");
    Path out = dir.resolve("model.q35");
    try {
      long t0 = System.nanoTime();
      SyntheticCheckpoint.write(model, c);
      double writeSeconds = (System.nanoTime() - t0) / 1e9;
      Files.write(tok, TinyModels.tokenizerBytes(c.vocabSize()));
      long inputBytes = Files.size(model);
      long heapBytes = parseHeap(heap);
      assertTrue(inputBytes > 3 * heapBytes, "the model must be larger than the heap");

      List<String> cmd = new ArrayList<>();
      boolean timed = Files.isExecutable(Path.of("/usr/bin/time"));
      if (timed) {
        cmd.add("/usr/bin/time");
        cmd.add("-v");
      }
      cmd.addAll(SyntheticCheckpoint.cli(heap, "quantize", "--in", model.toString(), "--out",
          out.toString(), "--format", "q35-g32", "--tokenizer", tok.toString()));
      Path err = dir.resolve("stderr.txt");
      long t1 = System.nanoTime();
      Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD)
          .redirectError(err.toFile()).start();
      int status = p.waitFor();
      double seconds = (System.nanoTime() - t1) / 1e9;
      String stderr = Files.readString(err, StandardCharsets.UTF_8);
      assertEquals(0, status, stderr);

      long largest = 0;
      for (WeightSource.LayerTensor t : WeightSource.LayerTensor.values()) {
        largest = Math.max(largest, 4 * WeightSource.elements(t, c));
      }
      largest = Math.max(largest, 4L * c.vocabSize() * c.dim());
      String rss = "not measured (no /usr/bin/time)";
      if (timed) {
        Matcher m = Pattern.compile("Maximum resident set size \\(kbytes\\): (\\d+)").matcher(stderr);
        assertTrue(m.find(), stderr);
        long rssBytes = Long.parseLong(m.group(1)) * 1024;
        rss = rssBytes / (1 << 20) + " MiB";
        // Bounded: far below the model; the heap cap plus the JVM's own memory.
        assertTrue(rssBytes < inputBytes / 2, "peak RSS " + rss + " for a " + inputBytes
            + "-byte model");
      }
      String figures = String.format(java.util.Locale.ROOT,
          "input %d bytes (%.2f GB, config %s), heap -Xmx%s, largest tensor %d MiB, output %d"
              + " bytes, quantize %.1f s wall, peak RSS %s; writing the input took %.1f s",
          inputBytes, inputBytes / 1e9, c, heap, largest >> 20, Files.size(out), seconds, rss,
          writeSeconds);
      System.out.println("LargeModelStreamingTest: " + figures);
      Files.writeString(Path.of(System.getProperty("q35.projectDir", "."), "target",
          "large-model-" + (large ? "large" : "small") + ".txt"), figures + "\n");

      // The streamed output equals direct quantization of the same tensors (first and last
      // layer's largest matrix, and the embedding kept as f32).
      Q35Container.Contents q = Q35Container.read(out);
      try (Llama2cReader.Streaming in = Llama2cReader.open(model)) {
        for (int layer : new int[] {0, c.nLayers() - 1}) {
          QuantizedMatrix direct = QuantizedMatrix.quantize(WeightFormat.parse("q35-g32"),
              in.layer(WeightSource.LayerTensor.W1, layer), c.hiddenDim(), c.dim());
          QuantizedMatrix stored = q.matrices().get("layers." + layer + ".w1");
          assertArrayEquals(direct.packed(), stored.packed());
          assertArrayEquals(direct.scales(), stored.scales());
          assertArrayEquals(direct.offsets(), stored.offsets());
        }
        assertArrayEquals(in.tokenEmbedding(), q.floats().get("token_embedding"));
      }
    } finally {
      for (Path f : new Path[] {model, tok, out, dir.resolve("stderr.txt")}) {
        Files.deleteIfExists(f);
      }
      Files.deleteIfExists(dir);
    }
  }

  static long parseHeap(String h) {
    return Long.parseLong(h.substring(0, h.length() - 1)) << 20;
  }

}
