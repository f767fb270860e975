package q35.container;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
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
import q35.model.LlamaConfig;
import q35.model.LlamaWeights;
import q35.model.ModelFormatException;
import q35.model.Vocabulary;
import q35.quant.Quantizer;
import q35.quant.QuantizedMatrix;
import q35.quant.WeightFormat;

/**
 * Reads and writes the {@code .q35} container of spec/container.md: a 64-byte preamble, 64-byte
 * aligned tensor blobs with CRC-32C checksums, and a JSON header written last.
 */
public final class Q35Container {

  static final byte[] MAGIC = "Q35MODEL".getBytes(StandardCharsets.US_ASCII);
  static final int VERSION = 1;
  static final int PREAMBLE = 64;
  static final int ALIGN = 64;
  static final long MAX_HEADER = 64L << 20;

  private Q35Container() {}

  /** A model read back from a container. */
  public record Contents(LlamaConfig config, String weightFormat, boolean classifierQuantized,
      Map<String, float[]> floats, Map<String, QuantizedMatrix> matrices,
      @Nullable Vocabulary vocabulary) {}

  // ------------------------------------------------------------------ writing

  /** One tensor to write: its name, and a function that makes its blobs when called. */
  interface TensorSource {
    JsonObject describe();

    Map<String, byte[]> blobs();
  }

  /**
   * Quantizes {@code weights} tensor by tensor into {@code out} atomically: a temporary file in
   * the same folder, fsync, then rename. {@code progress} receives the number of tensors done.
   */
  public static void write(Path out, LlamaWeights weights, @Nullable Vocabulary vocabulary,
      WeightFormat format, boolean quantizeClassifier, String source, IntConsumer progress)
      throws IOException {
    write(out, weights, vocabulary, format, quantizeClassifier, source, progress,
        Quantizer.roundToNearest(format));
  }

  /** As {@link #write(Path, LlamaWeights, Vocabulary, WeightFormat, boolean, String,
   * IntConsumer)}, with the codes of each matrix chosen by {@code quantizer}. */
  public static void write(Path out, LlamaWeights weights, @Nullable Vocabulary vocabulary,
      WeightFormat format, boolean quantizeClassifier, String source, IntConsumer progress,
      Quantizer quantizer) throws IOException {
    LlamaConfig c = weights.config();
    List<String> names = new ArrayList<>();
    List<TensorSource> tensors = new ArrayList<>();
    addFloat(names, tensors, "token_embedding", weights.tokenEmbedding, c.vocabSize(), c.dim());
    for (int l = 0; l < c.nLayers(); l++) {
      final int layer = l;
      addFloat(names, tensors, "layers." + l + ".rms_att", weights.rmsAtt[l], 1, c.dim());
      addFloat(names, tensors, "layers." + l + ".rms_ffn", weights.rmsFfn[l], 1, c.dim());
      addMatrix(names, tensors, name(LinearFactory.WQ, l), format, () -> weights.wq[layer],
          c.dim(), c.dim(), quantizer);
      addMatrix(names, tensors, name(LinearFactory.WK, l), format, () -> weights.wk[layer],
          c.kvDim(), c.dim(), quantizer);
      addMatrix(names, tensors, name(LinearFactory.WV, l), format, () -> weights.wv[layer],
          c.kvDim(), c.dim(), quantizer);
      addMatrix(names, tensors, name(LinearFactory.WO, l), format, () -> weights.wo[layer],
          c.dim(), c.dim(), quantizer);
      addMatrix(names, tensors, name(LinearFactory.W1, l), format, () -> weights.w1[layer],
          c.hiddenDim(), c.dim(), quantizer);
      addMatrix(names, tensors, name(LinearFactory.W2, l), format, () -> weights.w2[layer],
          c.dim(), c.hiddenDim(), quantizer);
      addMatrix(names, tensors, name(LinearFactory.W3, l), format, () -> weights.w3[layer],
          c.hiddenDim(), c.dim(), quantizer);
    }
    addFloat(names, tensors, "rms_final", weights.rmsFinal, 1, c.dim());
    if (quantizeClassifier) {
      addMatrix(names, tensors, "wcls", format, () -> weights.wcls, c.vocabSize(), c.dim(),
          quantizer);
    } else if (!c.sharedClassifier()) {
      addFloat(names, tensors, "wcls", weights.wcls, c.vocabSize(), c.dim());
    }
    if (vocabulary != null) {
      byte[] tok = tokenizerBytes(vocabulary);
      names.add("tokenizer");
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
        public Map<String, byte[]> blobs() {
          return Map.of("data", tok);
        }
      });
    }

    Path dir = out.toAbsolutePath().getParent();
    if (dir == null) {
      throw new IOException(out + ": no parent folder");
    }
    Files.createDirectories(dir);
    Path tmp = Files.createTempFile(dir, "." + String.valueOf(out.getFileName()), ".tmp");
    boolean done = false;
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.WRITE,
        StandardOpenOption.TRUNCATE_EXISTING)) {
      long pos = PREAMBLE;
      JsonArray table = new JsonArray();
      int count = 0;
      for (TensorSource t : tensors) {
        JsonObject d = t.describe();
        JsonObject blobsJson = new JsonObject();
        for (Map.Entry<String, byte[]> b : t.blobs().entrySet()) {
          pos = align(pos);
          byte[] data = b.getValue();
          writeFully(ch, ByteBuffer.wrap(data), pos);
          JsonObject bj = new JsonObject();
          bj.addProperty("offset", pos);
          bj.addProperty("length", data.length);
          bj.addProperty("crc32c", crc(data, 0, data.length));
          blobsJson.add(b.getKey(), bj);
          pos += data.length;
        }
        d.add("blobs", blobsJson);
        table.add(d);
        progress.accept(++count);
      }
      JsonObject header = new JsonObject();
      header.addProperty("format", "q35-container");
      header.addProperty("version", VERSION);
      header.add("config", configJson(c));
      header.addProperty("weightFormat", format.toString());
      header.addProperty("classifierQuantized", quantizeClassifier);
      header.addProperty("source", source);
      header.add("tensors", table);
      byte[] headerBytes = GSON.toJson(header).getBytes(StandardCharsets.UTF_8);
      long headerOffset = align(pos);
      writeFully(ch, ByteBuffer.wrap(headerBytes), headerOffset);
      ByteBuffer pre = ByteBuffer.allocate(PREAMBLE).order(ByteOrder.LITTLE_ENDIAN);
      pre.put(MAGIC).putInt(VERSION).putInt(0).putLong(headerOffset)
          .putLong(headerBytes.length).putInt(crc(headerBytes, 0, headerBytes.length));
      pre.putInt(36, crc(pre.array(), 0, 36));
      writeFully(ch, ByteBuffer.wrap(pre.array()), 0);
      ch.force(true);
      done = true;
    } finally {
      if (!done) {
        Files.deleteIfExists(tmp);
      }
    }
    try {
      Files.move(tmp, out, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      Files.deleteIfExists(tmp);
      throw e;
    }
  }

  static String name(String matrix, int layer) {
    return LinearFactory.tensorName(matrix, layer);
  }

  static final Gson GSON = new GsonBuilder().disableHtmlEscaping().create();

  /** Quantization functions are deferred so that only one tensor is quantized at a time. */
  interface FloatSupplier {
    float[] get();
  }

  private static void addFloat(List<String> names, List<TensorSource> tensors, String name,
      float[] data, int rows, int cols) {
    names.add(name);
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
      public Map<String, byte[]> blobs() {
        return Map.of("data", floatBytes(data));
      }
    });
  }

  private static void addMatrix(List<String> names, List<TensorSource> tensors, String name,
      WeightFormat format, FloatSupplier weights, int rows, int cols,
      Quantizer quantizer) {
    if (format.kind() == WeightFormat.Kind.F32) {
      addFloat(names, tensors, name, weights.get(), rows, cols);
      return;
    }
    int g = format.groupFor(cols);
    names.add(name);
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
        return t;
      }

      @Override
      public Map<String, byte[]> blobs() {
        QuantizedMatrix q = quantizer.quantize(name, weights.get(), rows, cols);
        if (q.kind() != format.kind() || q.rows() != rows || q.cols() != cols
            || q.groupSize() != g) {
          throw new IllegalStateException(name + ": the quantizer returned another shape");
        }
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("packed", q.packed());
        m.put("scales", floatBytes(q.scales()));
        m.put("offsets", floatBytes(q.offsets()));
        return m;
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

  static int crc(byte[] b, int off, int len) {
    CRC32C c = new CRC32C();
    c.update(b, off, len);
    return (int) c.getValue();
  }

  static byte[] floatBytes(float[] f) {
    ByteBuffer b = ByteBuffer.allocate(4 * f.length).order(ByteOrder.LITTLE_ENDIAN);
    b.asFloatBuffer().put(f);
    return b.array();
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

  /** Reads and fully checks a container (spec/container.md section 4). */
  public static Contents read(Path file) throws IOException {
    String src = file.toString();
    long size = Files.size(file);
    if (size < PREAMBLE) {
      throw new ContainerFormatException(src + ": " + size + " bytes, shorter than the 64-byte"
          + " preamble (truncated or not a .q35 file)");
    }
    try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
      ByteBuffer pre = read(ch, 0, PREAMBLE, src).order(ByteOrder.LITTLE_ENDIAN);
      byte[] magic = new byte[8];
      pre.get(magic);
      if (!java.util.Arrays.equals(magic, MAGIC)) {
        throw new ContainerFormatException(src + ": wrong magic (not a .q35 file)");
      }
      if (crc(pre.array(), 0, 36) != pre.getInt(36)) {
        throw new ContainerFormatException(src + ": preamble checksum mismatch (corrupted)");
      }
      int version = pre.getInt(8);
      if (version != VERSION) {
        throw new ContainerFormatException(src + ": container version " + version
            + " is not supported (this build reads version " + VERSION + ")");
      }
      long headerOffset = pre.getLong(16);
      long headerLength = pre.getLong(24);
      if (headerLength < 2 || headerLength > MAX_HEADER || headerOffset < PREAMBLE
          || headerOffset > size - headerLength) {
        throw new ContainerFormatException(src + ": header at " + headerOffset + " + "
            + headerLength + " lies outside the file of " + size + " bytes (truncated?)");
      }
      byte[] hb = read(ch, headerOffset, (int) headerLength, src).array();
      if (crc(hb, 0, hb.length) != pre.getInt(32)) {
        throw new ContainerFormatException(src + ": header checksum mismatch (corrupted)");
      }
      JsonObject header;
      try {
        header = JsonParser.parseString(new String(hb, StandardCharsets.UTF_8)).getAsJsonObject();
      } catch (JsonParseException | IllegalStateException e) {
        throw new ContainerFormatException(src + ": header is not a JSON object: "
            + e.getMessage());
      }
      return parse(ch, header, headerOffset, src);
    }
  }

  private static ByteBuffer read(FileChannel ch, long pos, int len, String src)
      throws IOException {
    ByteBuffer b = ByteBuffer.allocate(len);
    long p = pos;
    while (b.hasRemaining()) {
      int n = ch.read(b, p);
      if (n < 0) {
        throw new ContainerFormatException(src + ": unexpected end of file at " + p);
      }
      p += n;
    }
    b.flip();
    return b;
  }

  private static Contents parse(FileChannel ch, JsonObject h, long dataEnd, String src)
      throws IOException {
    try {
      if (!"q35-container".equals(h.get("format").getAsString())) {
        throw new ContainerFormatException(src + ": header format is not q35-container");
      }
      JsonObject cj = h.getAsJsonObject("config");
      LlamaConfig c = new LlamaConfig(cj.get("dim").getAsInt(), cj.get("hiddenDim").getAsInt(),
          cj.get("nLayers").getAsInt(), cj.get("nHeads").getAsInt(),
          cj.get("nKvHeads").getAsInt(), cj.get("vocabSize").getAsInt(),
          cj.get("seqLen").getAsInt(), cj.get("sharedClassifier").getAsBoolean(),
          cj.get("ropeTheta").getAsFloat(), cj.get("rmsEps").getAsFloat());
      try {
        c.validate(src);
      } catch (ModelFormatException e) {
        throw new ContainerFormatException(String.valueOf(e.getMessage()));
      }
      Map<String, float[]> floats = new HashMap<>();
      Map<String, QuantizedMatrix> matrices = new HashMap<>();
      Vocabulary vocab = null;
      for (JsonElement te : h.getAsJsonArray("tensors")) {
        JsonObject t = te.getAsJsonObject();
        String name = t.get("name").getAsString();
        if (floats.containsKey(name) || matrices.containsKey(name)) {
          throw new ContainerFormatException(src + ": tensor " + name + " appears twice");
        }
        String format = t.get("format").getAsString();
        JsonObject blobs = t.getAsJsonObject("blobs");
        if (format.equals("llama2c-tokenizer")) {
          byte[] data = blob(ch, blobs, "data", -1, dataEnd, src, name);
          try {
            vocab = q35.model.Llama2cTokenizerReader.read(data, c.vocabSize(), src + " tokenizer");
          } catch (ModelFormatException e) {
            throw new ContainerFormatException(String.valueOf(e.getMessage()));
          }
        } else if (format.equals("f32")) {
          long count = t.has("length") ? t.get("length").getAsLong()
              : t.get("rows").getAsLong() * t.get("cols").getAsLong();
          float[] f = floats(blob(ch, blobs, "data", 4 * count, dataEnd, src, name));
          for (int i = 0; i < f.length; i++) {
            if (!Float.isFinite(f[i])) {
              throw new ContainerFormatException(src + ": tensor " + name + " element " + i
                  + " is " + f[i]);
            }
          }
          floats.put(name, f);
        } else {
          WeightFormat wf = WeightFormat.parse(format);
          int rows = t.get("rows").getAsInt();
          int cols = t.get("cols").getAsInt();
          int g = t.get("groupSize").getAsInt();
          if (rows < 1 || cols < 1 || g < 1 || g > cols || (g != cols && g % 2 != 0)) {
            throw new ContainerFormatException(src + ": tensor " + name + " has bad shape "
                + rows + " x " + cols + " group " + g);
          }
          long groups = (cols + g - 1) / g;
          byte[] packed = blob(ch, blobs, "packed", rows * wf.rowBytes(cols), dataEnd, src,
              name);
          float[] s = floats(blob(ch, blobs, "scales", 4 * rows * groups, dataEnd, src, name));
          float[] m = floats(blob(ch, blobs, "offsets", 4 * rows * groups, dataEnd, src, name));
          QuantizedMatrix q = new QuantizedMatrix(wf.kind(), rows, cols, g, packed, s, m);
          try {
            // The kernel's checks of the stored values (padding, scale and offset ranges), for
            // every format, q8 included; every backend makes them again when it prepares q.
            q.checkValues();
          } catch (IllegalArgumentException e) {
            throw new ContainerFormatException(src + ": tensor " + name + ": " + e.getMessage());
          }
          matrices.put(name, q);
        }
      }
      return new Contents(c, h.get("weightFormat").getAsString(),
          h.get("classifierQuantized").getAsBoolean(), floats, matrices, vocab);
    } catch (NullPointerException | ClassCastException | IllegalStateException
        | UnsupportedOperationException | NumberFormatException e) {
      throw new ContainerFormatException(src + ": header is missing a field or has a wrong"
          + " type: " + e);
    } catch (IllegalArgumentException e) {
      throw new ContainerFormatException(src + ": " + e.getMessage());
    }
  }

  private static byte[] blob(FileChannel ch, JsonObject blobs, String key, long expected,
      long dataEnd, String src, String tensor) throws IOException {
    JsonObject b = blobs.getAsJsonObject(key);
    if (b == null) {
      throw new ContainerFormatException(src + ": tensor " + tensor + " has no " + key + " blob");
    }
    long off = b.get("offset").getAsLong();
    long len = b.get("length").getAsLong();
    if (off % ALIGN != 0 || off < PREAMBLE) {
      throw new ContainerFormatException(src + ": tensor " + tensor + " " + key + " offset "
          + off + " is not 64-byte aligned");
    }
    if (len < 0 || off > dataEnd - len || len > Integer.MAX_VALUE - 8) {
      throw new ContainerFormatException(src + ": tensor " + tensor + " " + key + " ["
          + off + ", +" + len + ") runs past the data section (truncated?)");
    }
    if (expected >= 0 && len != expected) {
      throw new ContainerFormatException(src + ": tensor " + tensor + " " + key + " has "
          + len + " bytes, its shape needs " + expected);
    }
    byte[] data = read(ch, off, (int) len, src).array();
    if (crc(data, 0, data.length) != b.get("crc32c").getAsInt()) {
      throw new ContainerFormatException(src + ": tensor " + tensor + " " + key
          + " checksum mismatch (corrupted)");
    }
    return data;
  }

  static float[] floats(byte[] b) {
    float[] f = new float[b.length / 4];
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer().get(f);
    return f;
  }
}
