package q35.container;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;
import q35.llama.Transformer;
import q35.model.LlamaWeights;
import q35.model.LoadedModel;
import q35.model.ModelLoader;
import q35.model.TinyModels;
import q35.model.Vocabulary;
import q35.backend.BackendLinear;
import q35.backend.ReferenceBackend;
import q35.quant.QuantizedMatrix;
import q35.quant.WeightFormat;

/** The .q35 container round-trips bit for bit and refuses every corruption (spec/container.md). */
class Q35ContainerTest {

  static final Path dir;
  static final Path good;
  static final byte[] goodBytes;

  // One small container shared by every test (JUnit and jqwik lifecycles differ; a static
  // initializer serves both). It lives under target/, which mvn clean removes.
  static {
    try {
      Path base = Path.of(System.getProperty("q35.projectDir", "."), "target");
      Files.createDirectories(base);
      dir = Files.createTempDirectory(base, "q35-container");
      good = dir.resolve("tiny.q35");
      LlamaWeights w = TinyModels.random(7, false);
      Q35Container.write(good, w, vocabulary(w), WeightFormat.parse("q35-g8"), false, "tiny",
          i -> { });
      goodBytes = Files.readAllBytes(good);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static Vocabulary vocabulary(LlamaWeights w) throws IOException {
    return q35.model.Llama2cTokenizerReader.read(
        TinyModels.tokenizerBytes(w.config().vocabSize()), w.config().vocabSize(), "tiny");
  }

  @Property(tries = 12)
  void roundTripsBitForBit(@ForAll @IntRange(min = 0, max = 9) int formatIndex,
      @ForAll boolean shared, @ForAll boolean quantizeClassifier) throws IOException {
    String[] names = {"q35", "q35-g8", "int4", "int4-g4", "q8-g2", "f32", "q35-g8-f16",
        "q8-g4-f16", "q35-g6-k6", "int4-g4-k6"};
    WeightFormat f = WeightFormat.parse(names[formatIndex]);
    LlamaWeights w = TinyModels.random(formatIndex * 31L + (shared ? 1 : 0), shared);
    Path out = dir.resolve("rt-" + formatIndex + shared + quantizeClassifier + ".q35");
    Q35Container.write(out, w, vocabulary(w), f, quantizeClassifier, "tiny", i -> { });
    Q35Container.Contents c = Q35Container.read(out);
    assertEquals(w.config(), c.config());
    assertEquals(f.toString(), c.weightFormat());
    assertArrayEquals(w.tokenEmbedding, c.floats().get("token_embedding"));
    assertArrayEquals(w.rmsFinal, c.floats().get("rms_final"));
    for (int l = 0; l < w.config().nLayers(); l++) {
      assertArrayEquals(w.rmsAtt[l], c.floats().get("layers." + l + ".rms_att"));
      float[][] mats = {w.wq[l], w.wk[l], w.wv[l], w.wo[l], w.w1[l], w.w2[l], w.w3[l]};
      String[] mn = {"wq", "wk", "wv", "wo", "w1", "w2", "w3"};
      for (int i = 0; i < mats.length; i++) {
        String name = q35.llama.LinearFactory.tensorName(mn[i], l);
        if (f.kind() == WeightFormat.Kind.F32) {
          assertArrayEquals(mats[i], c.floats().get(name));
          continue;
        }
        QuantizedMatrix stored = c.matrices().get(name);
        assertNotNull(stored, name);
        QuantizedMatrix fresh = QuantizedMatrix.quantize(f, mats[i], stored.rows(),
            stored.cols());
        assertArrayEquals(fresh.packed(), stored.packed(), name);
        assertArrayEquals(fresh.scales(), stored.scales(), name);
        assertArrayEquals(fresh.offsets(), stored.offsets(), name);
        assertEquals(f.scales(), stored.scaleType(), name);
        if (fresh.rowSteps() != null) {
          assertArrayEquals(fresh.rowSteps().scale(), stored.rowSteps().scale(), name);
          assertArrayEquals(fresh.rowSteps().offset(), stored.rowSteps().offset(), name);
        }
      }
    }
    assertEquals(quantizeClassifier && f.kind() != WeightFormat.Kind.F32,
        c.matrices().containsKey("wcls"));
    Vocabulary v = c.vocabulary();
    assertNotNull(v);
    assertEquals(w.config().vocabSize(), v.size());
    // The file is 64-byte aligned and has no temporary left beside it.
    try (Stream<Path> s = Files.list(dir)) {
      assertTrue(s.noneMatch(p -> p.toString().endsWith(".tmp")));
    }
  }

  @Test
  void aQ35ModelRunsTheSameLogitsAsOnTheFlyQuantization() throws IOException {
    LoadedModel m = ModelLoader.load(good);
    LinearFactoryCheck.assertSameLogits(m, TinyModels.random(7, false),
        BackendLinear.factory(new ReferenceBackend(), WeightFormat.parse("q35-g8"), false));
  }

  /** Helper kept apart so the test reads as one sentence. */
  static final class LinearFactoryCheck {
    static void assertSameLogits(LoadedModel m, LlamaWeights original,
        q35.llama.LinearFactory onTheFly) {
      assertFalse(m.quantized().isEmpty());
      q35.llama.LinearFactory stored = BackendLinear.stored(new ReferenceBackend(), m.quantized());
      Transformer a = new Transformer(m.weights(), stored);
      Transformer b = new Transformer(original, onTheFly);
      for (int pos = 0; pos < 5; pos++) {
        assertArrayEquals(b.forward(pos + 3, pos), a.forward(pos + 3, pos));
      }
    }
  }

  @Property(tries = 300)
  void everyFlippedByteIsDetected(@ForAll @IntRange(min = 0, max = 1 << 20) int where,
      @ForAll @IntRange(min = 1, max = 255) int mask) throws IOException {
    int at = where % goodBytes.length;
    byte[] bad = goodBytes.clone();
    bad[at] ^= (byte) mask;
    Path p = dir.resolve("flip.q35");
    Files.write(p, bad);
    if (isPaddingByte(at)) {
      // Zero bytes between blobs carry no data; a flip there is harmless and must still load.
      Q35Container.read(p);
      return;
    }
    ContainerFormatException e =
        assertThrows(ContainerFormatException.class, () -> Q35Container.read(p), "byte " + at);
    assertTrue(e.getMessage().contains("flip.q35"), e.getMessage());
  }

  /**
   * True for the alignment gaps between blobs, which no checksum covers. (The preamble's reserved
   * tail, bytes 40..63, is not among them: a reader refuses it unless it is zero.)
   */
  static boolean isPaddingByte(int at) throws IOException {
    if (at < 64) {
      return false;
    }
    java.nio.ByteBuffer pre = java.nio.ByteBuffer.wrap(goodBytes, 0, 64)
        .order(java.nio.ByteOrder.LITTLE_ENDIAN);
    long headerOffset = pre.getLong(16);
    if (at >= headerOffset) {
      return false;
    }
    String header = new String(goodBytes, (int) headerOffset, (int) pre.getLong(24),
        java.nio.charset.StandardCharsets.UTF_8);
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("\"offset\":(\\d+),\"length\":(\\d+)").matcher(header);
    while (m.find()) {
      long off = Long.parseLong(m.group(1));
      long len = Long.parseLong(m.group(2));
      if (at >= off && at < off + len) {
        return false;
      }
    }
    return at >= 64;
  }

  @Test
  void everyTruncationIsDetected() throws IOException {
    Path p = dir.resolve("cut.q35");
    for (int len = 0; len < goodBytes.length; len += Math.max(1, len / 50)) {
      Files.write(p, java.util.Arrays.copyOf(goodBytes, len));
      final int l = len;
      assertThrows(ContainerFormatException.class, () -> Q35Container.read(p), "length " + l);
    }
  }

  @Test
  void aFailedWriteLeavesTheOldFileAndNoTemporary() throws IOException {
    Path target = dir.resolve("keep.q35");
    Files.write(target, goodBytes);
    LlamaWeights w = TinyModels.random(3, true);
    // A group size the 24-wide hidden rows accept but the writer's quantizer refuses mid-way:
    // an odd group size is invalid for every matrix, found when the first matrix is quantized.
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Q35Container.write(target, w, null, new WeightFormat(WeightFormat.Kind.Q35, 3),
            false, "tiny", i -> { }));
    assertTrue(e.getMessage().startsWith("GROUP_SIZE"), e.getMessage());
    assertArrayEquals(goodBytes, Files.readAllBytes(target));
    try (Stream<Path> s = Files.list(dir)) {
      List<Path> tmps = s.filter(x -> x.toString().endsWith(".tmp")).toList();
      assertEquals(List.of(), tmps);
    }
  }

  @Test
  void reservedPreambleFieldsMustBeZero() throws IOException {
    Path p = dir.resolve("reserved.q35");
    for (int at : new int[] {12, 15, 40, 63}) {
      byte[] b = goodBytes.clone();
      b[at] = 1;
      // a writer that set them would also have covered bytes 0..35 with the preamble CRC
      int crc = Q35Container.crc(b, 0, 36);
      java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(36, crc);
      Files.write(p, b);
      String msg = assertThrows(ContainerFormatException.class, () -> Q35Container.read(p))
          .getMessage();
      assertTrue(msg.contains(at < 16 ? "flags" : "reserved preamble byte " + at), msg);
    }
  }

  @Test
  void wrongMagicAndVersionAreNamed() throws IOException {
    Path p = dir.resolve("magic.q35");
    byte[] b = goodBytes.clone();
    b[0] = 'X';
    Files.write(p, b);
    assertTrue(assertThrows(ContainerFormatException.class, () -> Q35Container.read(p))
        .getMessage().contains("wrong magic"));
    Files.write(p, new byte[10]);
    assertTrue(assertThrows(ContainerFormatException.class, () -> Q35Container.read(p))
        .getMessage().contains("shorter than the 64-byte preamble"));
  }

  /** Reversed inputs: the codes of w with its columns reversed, and that order stored. */
  static final q35.quant.Quantizer REVERSED = (tensor, w, n, k) -> {
    int[] order = new int[k];
    float[] wp = new float[n * k];
    for (int i = 0; i < k; i++) {
      order[i] = k - 1 - i;
    }
    for (int j = 0; j < n; j++) {
      q35.kernel.InputOrder.gather(w, j * k, order, k, wp, j * k);
    }
    return QuantizedMatrix.quantize(WeightFormat.parse("q35-g8"), wp, n, k).withInputOrder(order);
  };

  @Test
  void storedInputOrdersRoundTripAsVersion2AndRunTheSameLogits() throws IOException {
    assertEquals(1, goodBytes[8], "a file without input orders stays version 1");
    LlamaWeights w = TinyModels.random(7, false);
    Path p = dir.resolve("ordered.q35");
    WeightFormat f = WeightFormat.parse("q35-g8");
    Q35Container.write(p, w, vocabulary(w), f, false, "tiny", i -> { }, REVERSED);
    byte[] b = Files.readAllBytes(p);
    assertEquals(2, b[8], "a file with input orders is version 2");
    Q35Container.Contents c = Q35Container.read(p);
    QuantizedMatrix q = c.matrices().get("layers.0.wq");
    assertNotNull(q.inputOrder());
    assertEquals(q.cols() - 1, q.inputOrder()[0]);
    assertEquals(0, q.inputOrder()[q.cols() - 1]);
    LinearFactoryCheck.assertSameLogits(ModelLoader.load(p), w,
        BackendLinear.factory(new ReferenceBackend(), f, false, REVERSED));
  }

  @Test
  void anInputOrderThatIsNotAPermutationIsRefused() throws IOException {
    LlamaWeights w = TinyModels.random(7, false);
    Path p = dir.resolve("bad-order.q35");
    Q35Container.write(p, w, vocabulary(w), WeightFormat.parse("q35-g8"), false, "tiny",
        i -> { }, REVERSED);
    byte[] b = Files.readAllBytes(p);
    com.google.gson.JsonObject h = header(b);
    com.google.gson.JsonObject blob = tensor(h, "layers.1.wo").getAsJsonObject("blobs")
        .getAsJsonObject("inputOrder");
    int at = blob.get("offset").getAsInt();
    int len = blob.get("length").getAsInt();
    // entry 1 := entry 0 (u8 entries: the tiny model has at most 256 inputs), with the blob's
    // checksum fixed: only the order check can catch it
    assertEquals(len, blob.get("length").getAsInt());
    assertTrue(len <= 256, "u8 entries");
    b[at + 1] = b[at];
    blob.addProperty("crc32c", Q35Container.crc(b, at, len) & 0xffffffffL);
    Files.write(p, withHeader(b, h, b[8]));
    String msg = assertThrows(ContainerFormatException.class, () -> Q35Container.read(p))
        .getMessage();
    assertTrue(msg.contains("INPUT_ORDER: entry 1 repeats input"), msg);
  }

  /** The JSON header of a container's bytes. */
  static com.google.gson.JsonObject header(byte[] b) {
    java.nio.ByteBuffer pre = java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    return com.google.gson.JsonParser.parseString(new String(b, (int) pre.getLong(16),
        (int) pre.getLong(24), java.nio.charset.StandardCharsets.UTF_8)).getAsJsonObject();
  }

  /** The header's entry of tensor {@code name}. */
  static com.google.gson.JsonObject tensor(com.google.gson.JsonObject h, String name) {
    return h.getAsJsonArray("tensors").asList().stream()
        .map(com.google.gson.JsonElement::getAsJsonObject)
        .filter(t -> t.get("name").getAsString().equals(name)).findFirst().orElseThrow();
  }

  /**
   * The container's bytes with header {@code h} (and preamble version {@code version}) in
   * place of its own, every checksum fixed: only the reader's other checks can refuse it.
   */
  static byte[] withHeader(byte[] b, com.google.gson.JsonObject h, int version) {
    int headerOffset = (int) java.nio.ByteBuffer.wrap(b).order(java.nio.ByteOrder.LITTLE_ENDIAN)
        .getLong(16);
    h.addProperty("version", version);
    byte[] header = Q35Container.GSON.toJson(h).getBytes(java.nio.charset.StandardCharsets.UTF_8);
    byte[] out = java.util.Arrays.copyOf(b, headerOffset + header.length);
    System.arraycopy(header, 0, out, headerOffset, header.length);
    java.nio.ByteBuffer o = java.nio.ByteBuffer.wrap(out).order(java.nio.ByteOrder.LITTLE_ENDIAN);
    o.putInt(8, version);
    o.putLong(24, header.length);
    o.putInt(32, Q35Container.crc(header, 0, header.length));
    o.putInt(36, Q35Container.crc(out, 0, 36));
    return out;
  }

  @Test
  void binary16ScalesRoundTripAsVersion3AndRunTheSameLogits() throws IOException {
    LlamaWeights w = TinyModels.random(7, false);
    Path p = dir.resolve("half.q35");
    WeightFormat f = WeightFormat.parse("q35-g8-f16");
    Q35Container.write(p, w, vocabulary(w), f, false, "tiny", i -> { });
    byte[] b = Files.readAllBytes(p);
    assertEquals(3, b[8], "a file with binary16 scales is version 3");
    assertEquals("f16", tensor(header(b), "layers.0.wq").get("scaleType").getAsString());
    Q35Container.Contents c = Q35Container.read(p);
    QuantizedMatrix q = c.matrices().get("layers.0.w2");
    assertTrue(q.halfScales());
    for (float v : q.scales()) {
      assertTrue(q35.kernel.Binary16.isBinary16(v), "scale " + v);
    }
    // 32 bits less per group than binary32: 4 bits per weight at g = 8
    assertEquals(WeightFormat.parse("q35-g8").bitsPerWeight(q.rows(), q.cols()) - 32.0 / 8,
        q.bitsPerWeight(), 1e-12);
    assertTrue(b.length < goodBytes.length, b.length + " vs " + goodBytes.length);
    LinearFactoryCheck.assertSameLogits(ModelLoader.load(p), w,
        BackendLinear.factory(new ReferenceBackend(), f, false));
  }

  @Test
  void badBinary16ScalesAndScaleTypesAreRefused() throws IOException {
    LlamaWeights w = TinyModels.random(7, false);
    Path p = dir.resolve("half-bad.q35");
    Q35Container.write(p, w, vocabulary(w), WeightFormat.parse("q35-g8-f16"), false, "tiny",
        i -> { });
    byte[] good = Files.readAllBytes(p);
    // scale 0 := +infinity (0x7c00), with the blob's checksum fixed
    String msg = refusal(p, good, 3, "layers.1.w3", "scales", 0, new byte[] {0x00, 0x7c});
    assertTrue(msg.contains("BAD_SCALE: binary16 0x7c00 is infinite"), msg);
    // scaleType f16 in a version-2 file
    Files.write(p, withHeader(good, header(good), 2));
    msg = assertThrows(ContainerFormatException.class, () -> Q35Container.read(p)).getMessage();
    assertTrue(msg.contains("scaleType f16 needs container version 3"), msg);
    // an unknown scale type
    com.google.gson.JsonObject h2 = header(good);
    tensor(h2, "layers.0.wk").addProperty("scaleType", "bf16");
    Files.write(p, withHeader(good, h2, 3));
    msg = assertThrows(ContainerFormatException.class, () -> Q35Container.read(p)).getMessage();
    assertTrue(msg.contains("scaleType 'bf16' is not f32, f16 or k6"), msg);
    // version 5 is refused by name
    Files.write(p, withHeader(good, header(good), 5));
    msg = assertThrows(ContainerFormatException.class, () -> Q35Container.read(p)).getMessage();
    assertTrue(msg.contains("container version 5 is not supported"), msg);
  }

  @Test
  void scaleCodesRoundTripAsVersion4AndRunTheSameLogits() throws IOException {
    LlamaWeights w = TinyModels.random(7, false);
    Path p = dir.resolve("k6.q35");
    WeightFormat f = WeightFormat.parse("q35-g8-k6");
    Q35Container.write(p, w, vocabulary(w), f, false, "tiny", i -> { });
    byte[] b = Files.readAllBytes(p);
    assertEquals(4, b[8], "a file with scale codes is version 4");
    com.google.gson.JsonObject wq = tensor(header(b), "layers.0.wq");
    assertEquals("k6", wq.get("scaleType").getAsString());
    assertFalse(wq.getAsJsonObject("blobs").has("scales"));
    Q35Container.Contents c = Q35Container.read(p);
    QuantizedMatrix q = c.matrices().get("layers.0.w2");
    QuantizedMatrix.RowSteps steps = q.rowSteps();
    assertNotNull(steps);
    int groups = q.groups();
    for (int j = 0; j < q.rows(); j++) {
      for (int gi = 0; gi < groups; gi++) {
        float s = q.scales()[j * groups + gi];
        float m = q.offsets()[j * groups + gi];
        float sc = s / steps.scale()[j];
        float mc = m / steps.offset()[j];
        assertTrue(sc == Math.rint(sc) && sc >= 0 && sc <= 63, "scale code " + sc);
        assertTrue(mc == Math.rint(mc) && mc >= -32 && mc <= 31, "offset code " + mc);
      }
    }
    // 12 bits per group and 32 per row, against 64 per group with binary32
    assertEquals(WeightFormat.parse("q35-g8").bitsPerWeight(q.rows(), q.cols())
        - 8.0 * (8 * groups - (3 * groups + 1) / 2 - 4) / q.cols(), q.bitsPerWeight(), 1e-12);
    LinearFactoryCheck.assertSameLogits(ModelLoader.load(p), w,
        BackendLinear.factory(new ReferenceBackend(), f, false));
  }

  @Test
  void badStepsCodesAndVersionsOfScaleCodesAreRefused() throws IOException {
    LlamaWeights w = TinyModels.random(7, false);
    Path p = dir.resolve("k6-bad.q35");
    // k = 16 (wq) has 3 groups of 6: an odd count, so each row of codes ends in a half byte
    Q35Container.write(p, w, vocabulary(w), WeightFormat.parse("q35-g6-k6"), false, "tiny",
        i -> { });
    byte[] good = Files.readAllBytes(p);
    // row 0's offset step := +infinity; its scale step := -0 (sign bit set)
    String msg = refusal(p, good, 4, "layers.1.w3", "steps", 2, new byte[] {0x00, 0x7c});
    assertTrue(msg.contains("BAD_SCALE: binary16 0x7c00 is infinite"), msg);
    msg = refusal(p, good, 4, "layers.0.wq", "steps", 0, new byte[] {0x00, (byte) 0x80});
    assertTrue(msg.contains("BAD_SCALE: row 0 has a negative step"), msg);
    // the last byte of row 0's codes: 3 groups take 4.5 bytes, its top half byte must be 0
    msg = refusal(p, good, 4, "layers.0.wq", "codes", (3 * 3 + 1) / 2 - 1,
        new byte[] {(byte) 0x10});
    assertTrue(msg.contains("PADDING: row 0"), msg);
    Files.write(p, withHeader(good, header(good), 3));
    msg = assertThrows(ContainerFormatException.class, () -> Q35Container.read(p))
        .getMessage();
    assertTrue(msg.contains("scaleType k6 needs container version 4"), msg);
    // a codes blob one byte short
    com.google.gson.JsonObject h = header(good);
    com.google.gson.JsonObject codes = tensor(h, "layers.0.wq").getAsJsonObject("blobs")
        .getAsJsonObject("codes");
    codes.addProperty("length", codes.get("length").getAsInt() - 1);
    Files.write(p, withHeader(good, h, 4));
    msg = assertThrows(ContainerFormatException.class, () -> Q35Container.read(p)).getMessage();
    assertTrue(msg.contains("blob codes"), msg);
  }

  /**
   * Writes {@code good} as a file of {@code version} with {@code bytes} at byte {@code at} of
   * blob {@code blobName} of {@code tensor}, its checksum fixed, and returns the reader's error.
   */
  static String refusal(Path p, byte[] good, int version, String tensor, String blobName, int at,
      byte[] bytes) throws IOException {
    byte[] b = good.clone();
    com.google.gson.JsonObject h = header(b);
    com.google.gson.JsonObject blob = tensor(h, tensor).getAsJsonObject("blobs")
        .getAsJsonObject(blobName);
    int off = blob.get("offset").getAsInt();
    System.arraycopy(bytes, 0, b, off + at, bytes.length);
    blob.addProperty("crc32c", Q35Container.crc(b, off, blob.get("length").getAsInt())
        & 0xffffffffL);
    Files.write(p, withHeader(b, h, version));
    return assertThrows(ContainerFormatException.class, () -> Q35Container.read(p))
        .getMessage();
  }

  @Test
  void ordersOfMoreThan256InputsAreReadAsLittleEndianU16() {
    assertEquals(1, QuantizedMatrix.inputOrderEntryBytes(256));
    assertEquals(2, QuantizedMatrix.inputOrderEntryBytes(257));
    byte[] b = new byte[2 * 300];
    for (int i = 0; i < 300; i++) {
      int v = 299 - i;
      b[2 * i] = (byte) (v & 0xff);
      b[2 * i + 1] = (byte) (v >> 8);
    }
    int[] order = Q35Container.inputOrder(b, 300);
    assertEquals(299, order[0]);
    assertEquals(256, order[43]);
    assertEquals(0, order[299]);
    assertArrayEquals(new int[] {200, 7}, Q35Container.inputOrder(new byte[] {(byte) 200, 7}, 2));
  }
}
