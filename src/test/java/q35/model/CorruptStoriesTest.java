package q35.model;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The real shared files, truncated at every tensor boundary and at random offsets. */
class CorruptStoriesTest {

  @Test
  void binTruncatedAtTensorBoundariesAndRandomly() throws Exception {
    byte[] bin = Files.readAllBytes(TestModels.storiesBin());
    LlamaConfig c = Llama2cReader.read(bin, "ok").config();
    long d = c.dim();
    long kv = c.kvDim();
    long h = c.hiddenDim();
    long n = c.nLayers();
    long half = (long) c.seqLen() * c.headSize() / 2;
    long[] sizes = {c.vocabSize() * d, n * d, n * d * d, n * kv * d, n * kv * d, n * d * d, n * d, n * h * d,
        n * d * h, n * h * d, d, half, half};
    List<Integer> cuts = new ArrayList<>(List.of(0, 1, 27, 28));
    long at = 28;
    for (long s : sizes) {
      at += 4 * s;
      cuts.add((int) at - 1);
      cuts.add((int) at);
    }
    assertTrue(at == bin.length, "the tensors of the shared .bin add up to its size");
    cuts.remove(cuts.size() - 1);
    Random r = new Random(1);
    for (int i = 0; i < 20; i++) {
      cuts.add(r.nextInt(bin.length));
    }
    for (int cut : cuts) {
      byte[] t = Arrays.copyOf(bin, cut);
      assertThrows(ModelFormatException.class, () -> Llama2cReader.read(t, "cut" + cut), "cut at " + cut);
    }
  }

  @Test
  void ggufTruncatedAtTensorBoundariesAndRandomly() throws Exception {
    byte[] g = Files.readAllBytes(TestModels.storiesGguf());
    GgufFile f = GgufFile.parse(g, "ok");
    // the data section starts at the first multiple of the alignment after the tensor infos;
    // the last tensor's end is the file's end: every tensor start and end is a cut point
    long last = 0;
    for (GgufFile.TensorInfo t : f.tensors().values()) {
      last = Math.max(last, t.offset() + t.byteSize());
    }
    long base = g.length - last;
    List<Integer> cuts = new ArrayList<>(List.of(0, 4, 8, 23, 24, (int) base - 1, (int) base));
    for (GgufFile.TensorInfo t : f.tensors().values()) {
      cuts.add((int) (base + t.offset() + t.byteSize() - 1));
      cuts.add((int) (base + t.offset() + 1));
    }
    Random r = new Random(2);
    for (int i = 0; i < 20; i++) {
      cuts.add(r.nextInt(g.length));
    }
    for (int cut : cuts) {
      byte[] t = Arrays.copyOf(g, cut);
      assertThrows(ModelFormatException.class, () -> GgufLlamaReader.read(t, "cut" + cut), "cut at " + cut);
    }
  }

  @Test
  void ggufWithNanInAWeight() throws Exception {
    byte[] g = Files.readAllBytes(TestModels.storiesGguf()).clone();
    ByteBuffer.wrap(g).order(ByteOrder.LITTLE_ENDIAN).putFloat(g.length - 4, Float.NaN);
    ModelFormatException e = assertThrows(ModelFormatException.class, () -> GgufLlamaReader.read(g, "nan.gguf"));
    assertTrue(e.getMessage().contains("blk.4.ffn_norm.weight") && e.getMessage().contains("non-finite"),
        e.getMessage());
  }
}
