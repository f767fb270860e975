package q35.container;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.zip.CRC32C;
import org.checkerframework.checker.nullness.qual.Nullable;
import q35.llama.LinearFactory;
import q35.model.Json;
import q35.model.LlamaConfig;
import q35.model.MappedFile;
import q35.model.WeightSource;
import q35.model.ModelFormatException;
import q35.model.Vocabulary;
import q35.quant.HalfBits;
import q35.quant.QuantizedMatrix;
import q35.quant.StepCodes;
import q35.quant.Quantizer;
import q35.quant.WeightFormat;

/**
 * Reads and writes the {@code .q35} container of spec/container.md: a 64-byte preamble, 64-byte
 * aligned tensor blobs with CRC-32C checksums, and a JSON header written last.
 */
public final class Q35Container {

  static final byte[] MAGIC = "Q35MODEL".getBytes(StandardCharsets.US_ASCII);
  /** The version written when no matrix has a stored input order (spec/container.md). */
  static final int VERSION = 1;
  /** The version written when a matrix has a stored input order; it adds the inputOrder blob. */
  static final int VERSION_INPUT_ORDER = 2;
  /** The version written when a matrix stores binary16 scales and offsets (scaleType f16). */
  static final int VERSION_HALF_SCALES = 3;
  /** The version written when a matrix stores 6-bit scale codes under row steps (scaleType k6). */
  static final int VERSION_STEP_CODES = 4;
  /** Input orders are stored as u8 or u16, so a matrix with one has at most this many cols. */
  static final int MAX_ORDERED_COLS = 1 << 16;
  static final int PREAMBLE = 64;
  static final int ALIGN = 64;
  static final long MAX_HEADER = 64L << 20;

  private Q35Container() {}

  /** A model read back from a container. */
  public record Contents(LlamaConfig config, String weightFormat, boolean classifierQuantized,
      Map<String, float[]> floats, Map<String, QuantizedMatrix> matrices,
      @Nullable Vocabulary vocabulary) {}

  // ------------------------------------------------------------------ writing

  /** One tensor to write: its table entry, and its blobs, made only when it is written. */
  private interface TensorSource {
    JsonObject describe();

    void writeBlobs(BlobWriter w) throws IOException;
  }

  /** Appends blobs to the file being written, each at a 64-byte aligned offset. */
  private static final class BlobWriter {
    private static final int CHUNK = 1 << 20;
    private final FileChannel ch;
    private final ByteBuffer chunk = ByteBuffer.allocate(CHUNK).order(ByteOrder.LITTLE_ENDIAN);
    private long pos = PREAMBLE;
    private JsonObject blobs = new JsonObject();
    /** Whether some matrix was written with an input order (container version 2). */
    boolean inputOrders;
    /** Whether some matrix was written with binary16 scales (container version 3). */
    boolean halfScales;
    /** Whether some matrix was written with 6-bit scale codes (container version 4). */
    boolean stepCodes;

    BlobWriter(FileChannel ch) {
      this.ch = ch;
    }

    void bytes(String key, byte[] data) throws IOException {
      long at = align(pos);
      writeFully(ch, ByteBuffer.wrap(data), at);
      finish(key, at, data.length, crc(data, 0, data.length));
    }

    /**
     * A stored input order (spec/container.md section 2): each entry a u8 when there are at
     * most 256, else a little-endian u16.
     */
    void inputOrder(String key, int[] order) throws IOException {
      int width = QuantizedMatrix.inputOrderEntryBytes(order.length);
      ByteBuffer b = ByteBuffer.allocate(width * order.length).order(ByteOrder.LITTLE_ENDIAN);
      for (int v : order) {
        if (width == 1) {
          b.put((byte) v);
        } else {
          b.putShort((short) v);
        }
      }
      bytes(key, b.array());
      inputOrders = true;
    }

    /** Binary16 values (spec/format.md section 7), little-endian. */
    void halves(String key, float[] data) throws IOException {
      ByteBuffer b = ByteBuffer.allocate(2 * data.length).order(ByteOrder.LITTLE_ENDIAN);
      for (float v : data) {
        b.putShort((short) HalfBits.toBits(v));
      }
      bytes(key, b.array());
      halfScales = true;
    }

    /** Little-endian float32, through a 1 MiB buffer (no byte copy of the whole tensor). */
    void floats(String key, float[] data) throws IOException {
      long at = align(pos);
      CRC32C crc = new CRC32C();
      long p = at;
      for (int i = 0; i < data.length; ) {
        int n = Math.min(CHUNK / 4, data.length - i);
        chunk.clear();
        chunk.asFloatBuffer().put(data, i, n);
        chunk.limit(4 * n);
        crc.update(chunk.array(), 0, 4 * n);
        writeFully(ch, chunk, p);
        p += 4L * n;
        i += n;
      }
      finish(key, at, 4L * data.length, (int) crc.getValue());
    }

    private void finish(String key, long at, long length, int crc) {
      JsonObject bj = new JsonObject();
      bj.addProperty("offset", at);
      bj.addProperty("length", length);
      bj.addProperty("crc32c", crc & 0xffffffffL);
      blobs.add(key, bj);
      pos = at + length;
    }

    JsonObject takeBlobs() {
      JsonObject b = blobs;
      blobs = new JsonObject();
      return b;
    }
  }

  /**
   * Quantizes {@code weights} tensor by tensor into {@code out} atomically (spec/container.md
   * section 5). {@code progress} receives the number of tensors done.
   */
  public static void write(Path out, WeightSource weights, @Nullable Vocabulary vocabulary,
      WeightFormat format, boolean quantizeClassifier, String source, IntConsumer progress)
      throws IOException {
    write(out, weights, vocabulary, format, quantizeClassifier, source, progress,
        Quantizer.roundToNearest(format));
  }

  /**
   * As {@link #write(Path, WeightSource, Vocabulary, WeightFormat, boolean, String,
   * IntConsumer)}, with the codes of each matrix chosen by {@code quantizer}. Only one tensor of
   * {@code weights} is asked for, and held, at a time.
   */
  public static void write(Path out, WeightSource weights, @Nullable Vocabulary vocabulary,
      WeightFormat format, boolean quantizeClassifier, String source, IntConsumer progress,
      Quantizer quantizer) throws IOException {
    write(out, weights, vocabulary, format, t -> format, quantizeClassifier, source, progress,
        quantizer);
  }

  /**
   * As above, with each matrix in the format {@code formatOf} gives its tensor name (mixed
   * precision; {@code format} is the header's {@code weightFormat}, the main one).
   */
  public static void write(Path out, WeightSource weights, @Nullable Vocabulary vocabulary,
      WeightFormat format, java.util.function.Function<String, WeightFormat> formatOf,
      boolean quantizeClassifier, String source, IntConsumer progress, Quantizer quantizer)
      throws IOException {
    LlamaConfig c = weights.config();
    List<TensorSource> tensors = new ArrayList<>();
    addFloat(tensors, "token_embedding", weights::tokenEmbedding, c.vocabSize(), c.dim());
    String[] matrices = {LinearFactory.WQ, LinearFactory.WK, LinearFactory.WV, LinearFactory.WO,
        LinearFactory.W1, LinearFactory.W2, LinearFactory.W3};
    WeightSource.LayerTensor[] kinds = {WeightSource.LayerTensor.WQ, WeightSource.LayerTensor.WK,
        WeightSource.LayerTensor.WV, WeightSource.LayerTensor.WO, WeightSource.LayerTensor.W1,
        WeightSource.LayerTensor.W2, WeightSource.LayerTensor.W3};
    for (int l = 0; l < c.nLayers(); l++) {
      final int layer = l;
      addFloat(tensors, "layers." + l + ".rms_att",
          () -> weights.layer(WeightSource.LayerTensor.RMS_ATT, layer), 1, c.dim());
      addFloat(tensors, "layers." + l + ".rms_ffn",
          () -> weights.layer(WeightSource.LayerTensor.RMS_FFN, layer), 1, c.dim());
      for (int i = 0; i < matrices.length; i++) {
        WeightSource.LayerTensor kind = kinds[i];
        boolean wide = kind == WeightSource.LayerTensor.W2;
        boolean kv = kind == WeightSource.LayerTensor.WK || kind == WeightSource.LayerTensor.WV;
        boolean hidden = kind == WeightSource.LayerTensor.W1 || kind == WeightSource.LayerTensor.W3;
        int rows = hidden ? c.hiddenDim() : kv ? c.kvDim() : c.dim();
        int cols = wide ? c.hiddenDim() : c.dim();
        String tensor = name(matrices[i], l);
        addMatrix(tensors, tensor, formatOf.apply(tensor), () -> weights.layer(kind, layer), rows,
            cols, quantizer);
      }
    }
    addFloat(tensors, "rms_final", weights::rmsFinal, 1, c.dim());
    if (quantizeClassifier) {
      addMatrix(tensors, "wcls", formatOf.apply("wcls"), weights::classifier, c.vocabSize(),
          c.dim(), quantizer);
    } else if (!c.sharedClassifier()) {
      addFloat(tensors, "wcls", weights::classifier, c.vocabSize(), c.dim());
    }
    if (vocabulary != null) {
      byte[] tok = tokenizerBytes(vocabulary);
      tensors.add(new TensorSource() {
        @Override
        public JsonObject describe() {
          JsonObject t = new JsonObject();
          t.addProperty("name", "tokenizer");
          t.addProperty("kind", "tokenizer");
          t.addProperty("format", "llama2c-tokenizer");
          return t;
        }

        @Override
        public void writeBlobs(BlobWriter w) throws IOException {
          w.bytes("data", tok);
        }
      });
    }
    AtomicFile.write(out, ch -> {
      BlobWriter w = new BlobWriter(ch);
      // the oldest version that can hold what was written, so files without input orders stay
      // readable by version-1 readers
      JsonArray table = new JsonArray();
      int count = 0;
      for (TensorSource t : tensors) {
        JsonObject d = t.describe();
        t.writeBlobs(w);
        d.add("blobs", w.takeBlobs());
        table.add(d);
        progress.accept(++count);
      }
      JsonObject header = new JsonObject();
      header.addProperty("format", "q35-container");
      int version = w.stepCodes ? VERSION_STEP_CODES : w.halfScales ? VERSION_HALF_SCALES
          : w.inputOrders ? VERSION_INPUT_ORDER : VERSION;
      header.addProperty("version", version);
      header.add("config", configJson(c));
      header.addProperty("weightFormat", format.toString());
      header.addProperty("classifierQuantized", quantizeClassifier);
      header.addProperty("source", source);
      header.add("tensors", table);
      byte[] headerBytes = GSON.toJson(header).getBytes(StandardCharsets.UTF_8);
      long headerOffset = align(w.pos);
      writeFully(ch, ByteBuffer.wrap(headerBytes), headerOffset);
      ByteBuffer pre = ByteBuffer.allocate(PREAMBLE).order(ByteOrder.LITTLE_ENDIAN);
      pre.put(MAGIC).putInt(version).putInt(0).putLong(headerOffset)
          .putLong(headerBytes.length).putInt(crc(headerBytes, 0, headerBytes.length));
      pre.putInt(36, crc(pre.array(), 0, 36));
      writeFully(ch, ByteBuffer.wrap(pre.array()), 0);
    });
  }

  static String name(String matrix, int layer) {
    return LinearFactory.tensorName(matrix, layer);
  }

  static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  /** A tensor fetched only when it is written, so that one tensor at a time is in memory. */
  private interface FloatSupplier {
    float[] get() throws IOException;
  }

  private static void addFloat(List<TensorSource> tensors, String name, FloatSupplier data,
      int rows, int cols) {
    tensors.add(new TensorSource() {
      @Override
      public JsonObject describe() {
        JsonObject t = new JsonObject();
        t.addProperty("name", name);
        t.addProperty("kind", rows == 1 ? "vector" : "matrix");
        t.addProperty("format", "f32");
        if (rows == 1) {
          t.addProperty("length", cols);
        } else {
          t.addProperty("rows", rows);
          t.addProperty("cols", cols);
        }
        return t;
      }

      @Override
      public void writeBlobs(BlobWriter w) throws IOException {
        w.floats("data", data.get());
      }
    });
  }

  private static void addMatrix(List<TensorSource> tensors, String name, WeightFormat format,
      FloatSupplier weights, int rows, int cols, Quantizer quantizer) {
    if (format.kind() == WeightFormat.Kind.F32) {
      addFloat(tensors, name, weights, rows, cols);
      return;
    }
    int g = format.groupFor(cols);
    tensors.add(new TensorSource() {
      @Override
      public JsonObject describe() {
        JsonObject t = new JsonObject();
        t.addProperty("name", name);
        t.addProperty("kind", "matrix");
        t.addProperty("format", format.kind().id());
        t.addProperty("rows", rows);
        t.addProperty("cols", cols);
        t.addProperty("groupSize", g);
        if (format.scales() != WeightFormat.Scales.F32) {
          t.addProperty("scaleType", format.halfScales() ? "f16" : "k6");
        }
        return t;
      }

      @Override
      public void writeBlobs(BlobWriter w) throws IOException {
        QuantizedMatrix q = quantizer.quantize(name, weights.get(), rows, cols);
        if (q.kind() != format.kind() || q.rows() != rows || q.cols() != cols
            || q.groupSize() != g || q.scaleType() != format.scales()) {
          throw new IllegalStateException(name + ": the quantizer returned another shape");
        }
        int[] order = q.inputOrder();
        if (order != null && cols > MAX_ORDERED_COLS) {
          throw new IllegalArgumentException(name + ": an input order of " + cols
              + " inputs does not fit the container's u16 entries (at most " + MAX_ORDERED_COLS
              + ")");
        }
        w.bytes("packed", q.packed());
        QuantizedMatrix.RowSteps steps = q.rowSteps();
        if (steps != null) {
          w.halves("steps", StepCodes.steps(steps));
          w.bytes("codes", StepCodes.pack(q));
          w.stepCodes = true;
        } else if (q.halfScales()) {
          w.halves("scales", q.scales());
          w.halves("offsets", q.offsets());
        } else {
          w.floats("scales", q.scales());
          w.floats("offsets", q.offsets());
        }
        if (order != null) {
          w.inputOrder("inputOrder", order);
        }
      }
    });
  }

  static long align(long pos) {
    return (pos + ALIGN - 1) / ALIGN * ALIGN;
  }

  private static void writeFully(FileChannel ch, ByteBuffer buf, long pos) throws IOException {
    long p = pos;
    while (buf.hasRemaining()) {
      p += ch.write(buf, p);
    }
  }

  /** CRC-32C of {@code b[0, len)} as the preamble stores it (for tests and tools). */
  public static int crcOf(byte[] b, int len) {
    return crc(b, 0, len);
  }

  static int crc(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    return (int) c.getValue();
  }

  static JsonObject configJson(LlamaConfig c) {
    JsonObject j = new JsonObject();
    j.addProperty("dim", c.dim());
    j.addProperty("hiddenDim", c.hiddenDim());
    j.addProperty("nLayers", c.nLayers());
    j.addProperty("nHeads", c.nHeads());
    j.addProperty("nKvHeads", c.nKvHeads());
    j.addProperty("vocabSize", c.vocabSize());
    j.addProperty("seqLen", c.seqLen());
    j.addProperty("sharedClassifier", c.sharedClassifier());
    j.addProperty("ropeTheta", c.ropeTheta());
    j.addProperty("rmsEps", c.rmsEps());
    return j;
  }

  /** The llama2.c tokenizer file bytes of a vocabulary. */
  static byte[] tokenizerBytes(Vocabulary v) {
    int size = 4;
    for (byte[] p : v.pieces()) {
      size += 8 + p.length;
    }
    ByteBuffer b = ByteBuffer.allocate(size).order(ByteOrder.LITTLE_ENDIAN);
    b.putInt(v.maxTokenLength());
    for (int i = 0; i < v.size(); i++) {
      b.putFloat(v.scores()[i]).putInt(v.pieces()[i].length).put(v.pieces()[i]);
    }
    return b.array();
  }

  // ------------------------------------------------------------------ reading

  /** Random access to a container's bytes: a file, or (tests, fuzzing) an array. */
  private interface Input {
    long size();

    /** Exactly {@code len} bytes from {@code pos}; the caller has checked they lie in the file. */
    ByteBuffer read(long pos, int len) throws IOException;
  }

  /**
   * Reads and fully checks a container (spec/container.md section 4). Its regions are
   * memory-mapped ({@link MappedFile}) and copied once into the arrays the model keeps: the
   * packed codes at their stored size, no float copy of a quantized matrix.
   */
  public static Contents read(Path file) throws IOException {
    String src = file.toString();
    try (MappedFile mf = MappedFile.open(file)) {
      return read(new Input() {
        @Override
        public long size() {
          return mf.size();
        }

        @Override
        public ByteBuffer read(long pos, int len) throws IOException {
          return ByteBuffer.wrap(mf.bytes(pos, len, "region"));
        }
      }, src);
    }
  }

  /**
   * Reads and fully checks a container held in memory.
   *
   * @throws ContainerFormatException the only exception it throws, for any malformed input
   */
  public static Contents read(byte[] bytes, String src) throws ContainerFormatException {
    try {
      return read(new Input() {
        @Override
        public long size() {
          return bytes.length;
        }

        @Override
        public ByteBuffer read(long pos, int len) {
          return ByteBuffer.wrap(java.util.Arrays.copyOfRange(bytes, (int) pos, (int) pos + len));
        }
      }, src);
    } catch (ContainerFormatException e) {
      throw e;
    } catch (IOException e) {
      throw new IllegalStateException("an in-memory read cannot fail with " + e, e);
    }
  }

  private static Contents read(Input in, String src) throws IOException {
    long size = in.size();
    if (size < PREAMBLE) {
      throw new ContainerFormatException(src + ": " + size + " bytes, shorter than the 64-byte"
          + " preamble (truncated or not a .q35 file)");
    }
    ByteBuffer pre = in.read(0, PREAMBLE).order(ByteOrder.LITTLE_ENDIAN);
    byte[] magic = new byte[8];
    pre.get(magic);
    if (!java.util.Arrays.equals(magic, MAGIC)) {
      throw new ContainerFormatException(src + ": wrong magic (not a .q35 file)");
    }
    if (crc(pre.array(), 0, 36) != pre.getInt(36)) {
      throw new ContainerFormatException(src + ": preamble checksum mismatch (corrupted)");
    }
    int version = pre.getInt(8);
    if (version < VERSION || version > VERSION_STEP_CODES) {
      throw new ContainerFormatException(src + ": container version "
          + (version & 0xffffffffL) + " is not supported (this build reads versions "
          + VERSION + " to " + VERSION_STEP_CODES + ")");
    }
    int flags = pre.getInt(12);
    if (flags != 0) {
      throw new ContainerFormatException(src + ": preamble flags 0x" + Integer.toHexString(flags)
          + " are reserved and must be 0 (a newer container?)");
    }
    for (int i = 40; i < PREAMBLE; i++) {
      if (pre.get(i) != 0) {
        throw new ContainerFormatException(src + ": reserved preamble byte " + i
            + " is not zero (corrupted or a newer container)");
      }
    }
    long headerOffset = pre.getLong(16);
    long headerLength = pre.getLong(24);
    if (headerLength < 2 || headerLength > MAX_HEADER || headerOffset < PREAMBLE
        || headerOffset > size - headerLength) {
      throw new ContainerFormatException(src + ": header at " + q35.model.Tensors.u64(headerOffset)
          + " + " + q35.model.Tensors.u64(headerLength) + " lies outside the file of " + size
          + " bytes, or is longer than " + MAX_HEADER + " (truncated?)");
    }
    byte[] hb = in.read(headerOffset, (int) headerLength).array();
    if (crc(hb, 0, hb.length) != pre.getInt(32)) {
      throw new ContainerFormatException(src + ": header checksum mismatch (corrupted)");
    }
    try {
      return parse(in, q35.model.Json.parseObject(hb, src + ": header"), headerOffset, src,
          version);
    } catch (ContainerFormatException e) {
      throw e;
    } catch (ModelFormatException e) {
      throw new ContainerFormatException(String.valueOf(e.getMessage()), e);
    } catch (IllegalArgumentException e) {
      // the documented shape and value errors of WeightFormat, QuantizedMatrix and the kernel
      throw new ContainerFormatException(src + ": " + e.getMessage(), e);
    }
  }

  private static Contents parse(Input in, JsonObject h, long dataEnd, String src, int version)
      throws IOException {
    String what = src + ": header";
    if (!"q35-container".equals(Json.string(h, "format", what))) {
      throw new ContainerFormatException(what + ": 'format' is not q35-container");
    }
    if (Json.integer(h, "version", 0, Integer.MAX_VALUE, what) != version) {
      throw new ContainerFormatException(what + ": 'version' differs from the preamble's "
          + version);
    }
    JsonObject cj = Json.object(h, "config", what);
    String cw = what + ": config";
    LlamaConfig c = new LlamaConfig(positive(cj, "dim", cw), positive(cj, "hiddenDim", cw),
        positive(cj, "nLayers", cw), positive(cj, "nHeads", cw), positive(cj, "nKvHeads", cw),
        positive(cj, "vocabSize", cw), positive(cj, "seqLen", cw),
        Json.boolValue(cj, "sharedClassifier", null, cw),
        Json.floatValue(cj, "ropeTheta", null, cw), Json.floatValue(cj, "rmsEps", null, cw));
    c.validate(src);
    String weightFormat = Json.string(h, "weightFormat", what);
    boolean classifierQuantized = Json.boolValue(h, "classifierQuantized", null, what);
    JsonArray table = Json.array(h, "tensors", what);
    Map<String, float[]> floats = new HashMap<>();
    Map<String, QuantizedMatrix> matrices = new HashMap<>();
    Vocabulary vocab = null;
    for (int i = 0; i < table.size(); i++) {
      JsonObject t = Json.asObject(table.get(i), what + ": tensors[" + i + "]");
      String name = Json.string(t, "name", what + ": tensors[" + i + "]");
      String tw = what + ": tensor " + name;
      if (floats.containsKey(name) || matrices.containsKey(name)
          || (vocab != null && name.equals("tokenizer"))) {
        throw new ContainerFormatException(tw + " appears twice");
      }
      String format = Json.string(t, "format", tw);
      JsonObject blobs = Json.object(t, "blobs", tw);
      if (format.equals("llama2c-tokenizer")) {
        if (vocab != null) {
          throw new ContainerFormatException(tw + ": a second tokenizer");
        }
        byte[] data = blob(in, blobs, "data", -1, dataEnd, tw);
        vocab = q35.model.Llama2cTokenizerReader.read(data, c.vocabSize(), src + " tokenizer");
      } else if (format.equals("f32")) {
        long count;
        if (t.has("length")) {
          count = Json.integer(t, "length", 1, Integer.MAX_VALUE, tw);
        } else {
          count = Json.integer(t, "rows", 1, Integer.MAX_VALUE, tw)
              * Json.integer(t, "cols", 1, Integer.MAX_VALUE, tw);
          if (count > Integer.MAX_VALUE) {
            throw new ContainerFormatException(tw + ": " + count + " elements exceed 2^31 - 1");
          }
        }
        float[] f = floats(blob(in, blobs, "data", 4 * count, dataEnd, tw));
        for (int j = 0; j < f.length; j++) {
          if (!Float.isFinite(f[j])) {
            throw new ContainerFormatException(tw + ": element " + j + " is " + f[j]);
          }
        }
        floats.put(name, f);
      } else {
        WeightFormat wf = WeightFormat.parse(format);
        int rows = positive(t, "rows", tw);
        int cols = positive(t, "cols", tw);
        int g = positive(t, "groupSize", tw);
        if (g > cols || (g != cols && g % 2 != 0)) {
          throw new ContainerFormatException(tw + ": bad shape " + rows + " x " + cols
              + " group " + g);
        }
        long groups = (cols + (long) g - 1) / g;
        long codes = rows * wf.rowBytes(cols);
        WeightFormat.Scales scales = scaleType(t, version, tw);
        boolean half = scales == WeightFormat.Scales.F16;
        long params = (half ? 2L : 4L) * rows * groups;
        if (codes > Integer.MAX_VALUE - 8 || params > Integer.MAX_VALUE - 8) {
          throw new ContainerFormatException(tw + ": shape " + rows + " x " + cols
              + " is too large for one array");
        }
        byte[] packed = blob(in, blobs, "packed", codes, dataEnd, tw);
        float[] s;
        float[] m;
        QuantizedMatrix.RowSteps steps = null;
        if (scales == WeightFormat.Scales.K6) {
          steps = StepCodes.rowSteps(
              params(blob(in, blobs, "steps", 4L * rows, dataEnd, tw), true));
          byte[] stepCodes = blob(in, blobs, "codes",
              rows * (long) StepCodes.rowBytes((int) groups), dataEnd, tw);
          float[][] sm = StepCodes.unpack(stepCodes, steps, rows, (int) groups);
          s = sm[0];
          m = sm[1];
        } else {
          s = params(blob(in, blobs, "scales", params, dataEnd, tw), half);
          m = params(blob(in, blobs, "offsets", params, dataEnd, tw), half);
        }
        int @Nullable [] order = null;
        if (blobs.has("inputOrder")) {
          if (version < VERSION_INPUT_ORDER) {
            throw new ContainerFormatException(tw + ": blob inputOrder needs container version "
                + VERSION_INPUT_ORDER + ", the file says " + version);
          }
          if (cols > MAX_ORDERED_COLS) {
            throw new ContainerFormatException(tw + ": an input order needs at most "
                + MAX_ORDERED_COLS + " cols, the tensor has " + cols);
          }
          order = inputOrder(blob(in, blobs, "inputOrder",
              (long) QuantizedMatrix.inputOrderEntryBytes(cols) * cols, dataEnd, tw), cols);
        }
        // The constructor checks that the order is a permutation (INPUT_ORDER).
        QuantizedMatrix q = new QuantizedMatrix(wf.kind(), rows, cols, g, packed, s, m, order,
            half, steps);
        // The kernel's checks of the stored values (padding, scale and offset ranges), for
        // every format, q8 included; every backend makes them again when it prepares q.
        q.checkValues();
        matrices.put(name, q);
      }
    }
    return new Contents(c, weightFormat, classifierQuantized, floats, matrices, vocab);
  }

  /**
   * How a matrix entry stores its scales and offsets: its optional {@code scaleType}, "f32"
   * (the default), "f16" (container version 3 or later) or "k6" (version 4).
   */
  private static WeightFormat.Scales scaleType(JsonObject t, int version, String tw)
      throws ModelFormatException, ContainerFormatException {
    if (!t.has("scaleType")) {
      return WeightFormat.Scales.F32;
    }
    String type = Json.string(t, "scaleType", tw);
    WeightFormat.Scales scales;
    int needs;
    switch (type) {
      case "f32" -> {
        return WeightFormat.Scales.F32;
      }
      case "f16" -> {
        scales = WeightFormat.Scales.F16;
        needs = VERSION_HALF_SCALES;
      }
      case "k6" -> {
        scales = WeightFormat.Scales.K6;
        needs = VERSION_STEP_CODES;
      }
      default -> throw new ContainerFormatException(tw + ": scaleType '" + type
          + "' is not f32, f16 or k6");
    }
    if (version < needs) {
      throw new ContainerFormatException(tw + ": scaleType " + type + " needs container version "
          + needs + ", the file says " + version);
    }
    return scales;
  }

  /** Scales or offsets: little-endian binary16 when {@code half}, else binary32. */
  static float[] params(byte[] b, boolean half) {
    if (!half) {
      return floats(b);
    }
    float[] f = new float[b.length / 2];
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < f.length; i++) {
      f[i] = HalfBits.fromBits(Short.toUnsignedInt(bb.getShort(2 * i)));
    }
    return f;
  }

  /** A required int member in [1, 2^31 - 1]. */
  private static int positive(JsonObject o, String key, String what) throws ModelFormatException {
    return (int) Json.integer(o, key, 1, Integer.MAX_VALUE, what);
  }

  private static byte[] blob(Input in, JsonObject blobs, String key, long expected,
      long dataEnd, String tw) throws IOException {
    String bw = tw + ": blob " + key;
    JsonObject b = Json.object(blobs, key, tw + ": blobs");
    long off = Json.integer(b, "offset", PREAMBLE, Long.MAX_VALUE, bw);
    long len = Json.integer(b, "length", 0, Long.MAX_VALUE, bw);
    long crc = Json.integer(b, "crc32c", 0, 0xffffffffL, bw);
    if (off % ALIGN != 0) {
      throw new ContainerFormatException(bw + ": offset " + off + " is not 64-byte aligned");
    }
    if (off > dataEnd - len || len > Integer.MAX_VALUE - 8) {
      throw new ContainerFormatException(bw + ": [" + off + ", +" + len
          + ") runs past the data section, which ends at " + dataEnd + " (truncated?)");
    }
    if (expected >= 0 && len != expected) {
      throw new ContainerFormatException(bw + ": " + len + " bytes, the tensor's shape needs "
          + expected);
    }
    byte[] data = in.read(off, (int) len).array();
    if ((crc(data, 0, data.length) & 0xffffffffL) != crc) {
      throw new ContainerFormatException(bw + ": checksum mismatch (corrupted)");
    }
    return data;
  }

  /** The cols entries of a stored input order: u8 up to 256 inputs, else little-endian u16. */
  static int[] inputOrder(byte[] b, int cols) {
    int[] order = new int[cols];
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    boolean narrow = QuantizedMatrix.inputOrderEntryBytes(cols) == 1;
    for (int i = 0; i < cols; i++) {
      order[i] = narrow ? Byte.toUnsignedInt(bb.get(i)) : Short.toUnsignedInt(bb.getShort(2 * i));
    }
    return order;
  }

  static float[] floats(byte[] b) {
    float[] f = new float[b.length / 4];
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
    return f;
  }
}
