package q35.fuzz;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.Test;
import q35.container.Q35Container;
import q35.model.GgufLlamaReader;
import q35.model.HfLlamaReader;
import q35.model.Llama2cReader;
import q35.model.Llama2cTokenizerReader;
import q35.model.Llama2cWriter;
import q35.model.ModelFormatException;

/**
 * The allocation budget (spec/readers.md section 3): headers that claim 2^30 layers, 2^31
 * tokens or 2^62 bytes get a clear error at once. This class runs in its own surefire execution
 * with {@code -Xmx64m} (pom.xml, execution small-heap), and each read must also allocate less
 * than 1 MiB before it fails.
 */
class HostileHeadersSmallHeapTest {
  static final long AT_ONCE = 1 << 20;

  interface Read {
    Object run() throws Exception;
  }

  static void refused(String what, Read read, Class<? extends Exception> documented,
      String... messageParts) throws Exception {
    try {
      read.run(); // once to load the classes on this path; the second run is measured
    } catch (Exception e) {
      // checked below
    }
    long before = ReaderFuzzing.allocated();
    try {
      read.run();
      fail(what + ": accepted");
    } catch (Exception e) {
      long used = ReaderFuzzing.allocated() - before;
      if (!documented.isInstance(e)) {
        throw e;
      }
      for (String part : messageParts) {
        assertTrue(String.valueOf(e.getMessage()).contains(part), what + ": " + e.getMessage());
      }
      assertTrue(used < AT_ONCE, what + ": allocated " + used + " bytes before failing");
    }
  }

  static byte[] le(int... v) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int i : v) {
      b.putInt(i);
    }
    return b.array();
  }

  static byte[] le64(long... v) {
    ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long i : v) {
      b.putLong(i);
    }
    return b.array();
  }

  @org.junit.jupiter.api.BeforeAll
  static void onlyInTheSmallHeapExecution() {
    org.junit.jupiter.api.Assumptions.assumeTrue(Boolean.getBoolean("q35.smallHeap"),
        "runs in surefire's small-heap execution (-Xmx64m)");
  }

  @Test
  void theHeapReallyIsSmall() {
    assertTrue(Runtime.getRuntime().maxMemory() <= 80L << 20,
        "run by the small-heap execution: max heap " + Runtime.getRuntime().maxMemory());
  }

  @Test
  void twoPow30Layers() throws Exception {
    refused("llama2.c", () -> Llama2cReader.read(le(8, 8, 1 << 30, 2, 1, 8, 4), "l.bin"),
        ModelFormatException.class, "nLayers 1073741824 exceeds the cap");
    Map<String, byte[]> gguf = SeedCorpora.all(projectDir()).get("q35.model.GgufFuzzTest#read");
    refused("gguf", () -> GgufLlamaReader.read(gguf.get("hostile-2pow30-layers.gguf"), "l.gguf"),
        ModelFormatException.class, "nLayers 1073741824 exceeds the cap");
    byte[] st = SeedCorpora.all(projectDir()).get("q35.model.SafetensorsFuzzTest#read")
        .get("valid-f32-tied.hf");
    int cl = ByteBuffer.wrap(st).order(ByteOrder.LITTLE_ENDIAN).getInt(0);
    String cfg = new String(st, 4, cl, StandardCharsets.UTF_8)
        .replace("\"num_hidden_layers\":1", "\"num_hidden_layers\":1073741824");
    byte[] tensors = Arrays.copyOfRange(st, 4 + cl, st.length);
    refused("hf", () -> HfLlamaReader.fromBytes(cfg.getBytes(StandardCharsets.UTF_8), tensors,
        "l-hf"), ModelFormatException.class, "nLayers 1073741824 exceeds the cap");
    // a container whose (checksummed) config claims 2^30 layers
    byte[] q = SeedCorpora.all(projectDir()).get("q35.container.ContainerFuzzTest#read")
        .get("valid-f32.q35");
    refused("q35", () -> Q35Container.read(withConfig(q, "\"nLayers\":1", "\"nLayers\":1073741824"),
        "l.q35"), java.io.IOException.class, "nLayers 1073741824 exceeds the cap");
  }

  @Test
  void twoPow31Tokens() throws Exception {
    byte[] tok = q35.model.TinyModels.tokenizerBytes(8);
    refused("tokenizer", () -> Llama2cTokenizerReader.read(tok, Integer.MAX_VALUE, "t.bin"),
        ModelFormatException.class, "tokenizer entries for 2147483647 tokens");
    byte[] gguf = concat(le(0x46554747, 3), le64(0, 1, 21),
        "tokenizer.ggml.tokens".getBytes(StandardCharsets.US_ASCII), le(9, 8), le64(1L << 31));
    refused("gguf tokens", () -> GgufLlamaReader.read(gguf, "t.gguf"), ModelFormatException.class,
        "2147483648 elements");
    byte[] u8 = concat(le(0x46554747, 3), le64(0, 1, 1), "a".getBytes(StandardCharsets.US_ASCII),
        le(9, 0), le64(1L << 31));
    refused("gguf uint8 array", () -> GgufLlamaReader.read(u8, "u.gguf"),
        ModelFormatException.class, "2147483648 elements");
    String cfg = "{\"hidden_size\":8,\"intermediate_size\":8,\"num_hidden_layers\":1,"
        + "\"num_attention_heads\":2,\"vocab_size\":2147483648}";
    refused("hf vocab", () -> HfLlamaReader.fromBytes(cfg.getBytes(StandardCharsets.UTF_8),
        concat(le64(2), "{}".getBytes(StandardCharsets.US_ASCII)), "v-hf"),
        ModelFormatException.class, "'vocab_size'");
    refused("llama2.c vocab", () -> Llama2cReader.read(le(8, 8, 1, 2, 1, Integer.MAX_VALUE, 4),
        "v.bin"), ModelFormatException.class, "vocabSize 2147483647 exceeds the cap");
  }

  @Test
  void twoPow62Bytes() throws Exception {
    long big = 1L << 62;
    refused("gguf kv count", () -> GgufLlamaReader.read(concat(le(0x46554747, 3), le64(0, big)),
        "k.gguf"), ModelFormatException.class, "metadata_kv_count 4611686018427387904");
    refused("gguf string", () -> GgufLlamaReader.read(concat(le(0x46554747, 3), le64(0, 1, big),
        new byte[16]), "s.gguf"), ModelFormatException.class, "needs 4611686018427387904");
    refused("gguf tensor count", () -> GgufLlamaReader.read(concat(le(0x46554747, 3),
        le64(big, 0)), "t.gguf"), ModelFormatException.class, "tensor_count 4611686018427387904");
    refused("safetensors header", () -> HfLlamaReader.fromBytes("{}".getBytes(
        StandardCharsets.US_ASCII), le64(big), "h-hf"), ModelFormatException.class,
        "header length 4611686018427387904");
    byte[] h = "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4611686018427387904]}}"
        .getBytes(StandardCharsets.UTF_8);
    refused("safetensors offsets", () -> q35.model.SafetensorsFile.parse(concat(le64(h.length), h),
        "o.st"), ModelFormatException.class, "data_offsets");
    byte[] pre = SeedCorpora.all(projectDir()).get("q35.container.ContainerFuzzTest#read")
        .get("hostile-2pow62-header.q35");
    refused("q35 header length", () -> Q35Container.read(pre, "h.q35"), java.io.IOException.class,
        "4611686018427387904");
    byte[] q = SeedCorpora.all(projectDir()).get("q35.container.ContainerFuzzTest#read")
        .get("valid-f32.q35");
    refused("q35 blob length", () -> Q35Container.read(withConfig(q, "\"length\":256,",
        "\"length\":4611686018427387904,"), "b.q35"), java.io.IOException.class,
        "4611686018427387904");
    byte[] model = Llama2cWriter.toBytes(SeedCorpora.micro(1, true));
    refused("llama2.c weights", () -> Llama2cReader.read(concat(le(32768, 32768, 4096, 256, 256,
        32768, 8), Arrays.copyOfRange(model, 28, model.length)), "w.bin"),
        ModelFormatException.class, "needs exactly");
  }

  static Path projectDir() {
    return Path.of(System.getProperty("q35.projectDir", "."));
  }

  static byte[] concat(byte[]... parts) {
    return SeedCorpora.concat(parts);
  }

  /** A container with one edit in its header JSON, checksums recomputed. */
  static byte[] withConfig(byte[] q35, String from, String to) throws Exception {
    ByteBuffer b = ByteBuffer.wrap(q35).order(ByteOrder.LITTLE_ENDIAN);
    int off = (int) b.getLong(16);
    int len = (int) b.getLong(24);
    String header = new String(q35, off, len, StandardCharsets.UTF_8);
    assertTrue(header.contains(from), header);
    byte[] h = header.replaceFirst(java.util.regex.Pattern.quote(from), to)
        .getBytes(StandardCharsets.UTF_8);
    byte[] out = Arrays.copyOf(Arrays.copyOf(q35, off), off + h.length);
    System.arraycopy(h, 0, out, off, h.length);
    ByteBuffer o = ByteBuffer.wrap(out).order(ByteOrder.LITTLE_ENDIAN);
    o.putLong(24, h.length);
    o.putInt(32, Q35Container.crcOf(h, h.length));
    o.putInt(36, Q35Container.crcOf(out, 36));
    return out;
  }
}
