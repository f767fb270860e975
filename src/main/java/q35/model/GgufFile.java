package q35.model;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A parsed GGUF (version 2 or 3) file: metadata key/values, tensor infos and the tensor data.
 * Metadata values map to Java as: unsigned and signed integers to {@link Long} (uint64 keeps its
 * bit pattern), float32 to {@link Float}, float64 to {@link Double}, bool to {@link Boolean},
 * string to {@link String}. An array of numbers or booleans becomes a primitive array of the
 * element's width, holding its bit patterns ({@code byte[]} for uint8/int8, {@code short[]},
 * {@code int[]}, {@code long[]} for 64-bit, {@code float[]}, {@code double[]}, {@code
 * boolean[]}); an array of strings or arrays an unmodifiable {@link List}. Tensor data types F32,
 * F16 and BF16 are supported; any other type is rejected while parsing the header.
 */
public final class GgufFile {
  public static final int MAGIC = 0x46554747; // "GGUF" little-endian
  public static final int DEFAULT_ALIGNMENT = 32;
  /** ggml type ids this reader understands. */
  public static final int TYPE_F32 = 0;
  public static final int TYPE_F16 = 1;
  public static final int TYPE_BF16 = 30;

  private static final int MAX_DIMS = 4;
  private static final int MAX_ARRAY_NESTING = 8;

  /** Name, ggml dims (dims[0] is the contiguous one), ggml type and offset into the data section. */
  public record TensorInfo(String name, long[] dims, int type, long offset, long elements) {
    public long byteSize() {
      return elements * (type == TYPE_F32 ? 4 : 2);
    }
  }

  private final String source;
  private final int version;
  private final Map<String, Object> metadata;
  private final Map<String, TensorInfo> tensors;
  private final int alignment;
  private final byte[] bytes;
  private final long dataStart;

  private GgufFile(String source, int version, Map<String, Object> metadata, Map<String, TensorInfo> tensors,
      int alignment, byte[] bytes, long dataStart) {
    this.source = source;
    this.version = version;
    this.metadata = Collections.unmodifiableMap(metadata);
    this.tensors = Collections.unmodifiableMap(tensors);
    this.alignment = alignment;
    this.bytes = bytes;
    this.dataStart = dataStart;
  }

  public static GgufFile read(Path file) throws IOException {
    return parse(ModelFiles.readAll(file), file.toString());
  }

  /** Parses and validates the header; tensor data is decoded on demand by {@link #floats}. */
  public static GgufFile parse(byte[] bytes, String source) throws ModelFormatException {
    ByteReader r = new ByteReader(bytes, source);
    int magic = r.int32("magic");
    if (magic != MAGIC) {
      throw r.error(String.format("wrong magic 0x%08x, expected 0x%08x (\"GGUF\")", magic, MAGIC));
    }
    int version = r.int32("version");
    if (version != 2 && version != 3) {
      throw r.error("unsupported GGUF version " + version + " (this reader handles 2 and 3)");
    }
    long tensorCount = r.int64("tensor_count");
    long kvCount = r.int64("metadata_kv_count");
    // smallest metadata entry: 8-byte key length + 4-byte type + 1-byte value
    r.need(kvCount, 13, "metadata_kv_count " + kvCount);
    Map<String, Object> metadata = new LinkedHashMap<>();
    for (long i = 0; i < kvCount; i++) {
      int at = r.position();
      String key = string(r, "metadata key #" + i);
      int type = r.int32("type of metadata " + key);
      Object value = value(r, type, key, 0);
      if (metadata.put(key, value) != null) {
        throw r.error("duplicate metadata key '" + key + "' at offset " + at);
      }
    }
    int alignment = DEFAULT_ALIGNMENT;
    Object align = metadata.get("general.alignment");
    if (align != null) {
      if (!(align instanceof Long) || (Long) align <= 0 || (Long) align > (1 << 20)
          || Long.bitCount((Long) align) != 1) {
        throw r.error("general.alignment " + align + " must be a power of two up to 2^20");
      }
      alignment = (int) (long) (Long) align;
    }
    // smallest tensor info: 8 name length + 4 n_dims + 8 dim + 4 type + 8 offset
    r.need(tensorCount, 32, "tensor_count " + tensorCount);
    Map<String, TensorInfo> tensors = new LinkedHashMap<>();
    for (long i = 0; i < tensorCount; i++) {
      String name = string(r, "name of tensor #" + i);
      int nDims = r.int32("n_dims of tensor " + name);
      if (nDims < 1 || nDims > MAX_DIMS) {
        throw r.error("tensor " + name + " has " + nDims + " dims, expected 1.." + MAX_DIMS);
      }
      long[] dims = new long[nDims];
      for (int d = 0; d < nDims; d++) {
        dims[d] = r.int64("dim " + d + " of tensor " + name);
        if (dims[d] <= 0) {
          throw r.error("tensor " + name + " has dim " + d + " = " + Tensors.u64(dims[d]));
        }
      }
      int type = r.int32("type of tensor " + name);
      if (type != TYPE_F32 && type != TYPE_F16 && type != TYPE_BF16) {
        throw r.error("tensor " + name + " has ggml type " + type
            + "; only F32 (0), F16 (1) and BF16 (30) are supported");
      }
      long offset = r.int64("offset of tensor " + name);
      long elements = Tensors.elementCount(dims);
      if (elements < 0) {
        throw r.error("tensor " + name + " has too many elements (dims " + java.util.Arrays.toString(dims) + ")");
      }
      if (offset < 0 || offset % alignment != 0) {
        throw r.error("tensor " + name + " offset " + Tensors.u64(offset)
            + " is not a multiple of the alignment " + alignment);
      }
      if (tensors.put(name, new TensorInfo(name, dims, type, offset, elements)) != null) {
        throw r.error("duplicate tensor name '" + name + "'");
      }
    }
    long dataStart = (r.position() + (long) alignment - 1) / alignment * alignment;
    if (tensorCount > 0 && dataStart > bytes.length) {
      throw r.error("tensor data would start at offset " + dataStart + ", beyond the end of the file ("
          + bytes.length + " bytes)");
    }
    long dataBytes = bytes.length - dataStart;
    for (TensorInfo t : tensors.values()) {
      if (t.offset() > dataBytes || t.byteSize() > dataBytes - t.offset()) {
        throw r.error("truncated: tensor " + t.name() + " needs bytes " + t.offset() + ".."
            + (t.offset() + t.byteSize()) + " of the data section, which has only " + dataBytes + " bytes");
      }
    }
    return new GgufFile(source, version, metadata, tensors, alignment, bytes, dataStart);
  }

  private static String string(ByteReader r, String what) throws ModelFormatException {
    long len = r.int64("length of " + what);
    return r.utf8(len, what);
  }

  private static Object value(ByteReader r, int type, String key, int depth) throws ModelFormatException {
    String what = "value of " + key;
    switch (type) {
      case 0: return (long) (r.int8(what) & 0xff);
      case 1: return (long) r.int8(what);
      case 2: return (long) (r.int16(what) & 0xffff);
      case 3: return (long) r.int16(what);
      case 4: return r.int32(what) & 0xffffffffL;
      case 5: return (long) r.int32(what);
      case 6: return r.float32(what);
      case 7: {
        byte b = r.int8(what);
        if (b != 0 && b != 1) {
          throw r.error("bool " + key + " has byte value " + b);
        }
        return b == 1;
      }
      case 8: return string(r, what);
      case 9: {
        if (depth >= MAX_ARRAY_NESTING) {
          throw r.error("array " + key + " nests deeper than " + MAX_ARRAY_NESTING);
        }
        int elemType = r.int32("element type of " + key);
        long count = r.int64("length of array " + key);
        int minBytes = minValueBytes(elemType);
        if (minBytes < 0) {
          throw r.error("array " + key + " has unknown element type " + elemType);
        }
        r.need(count, minBytes, "array " + key + " of " + count + " elements");
        return array(r, elemType, (int) count, key, depth);
      }
      case 10: return r.int64(what);
      case 11: return r.int64(what);
      case 12: return r.float64(what);
      default:
        throw r.error("metadata " + key + " has unknown value type " + type + " at offset " + (r.position() - 4));
    }
  }

  /**
   * An array's elements: numbers and booleans in a primitive array of their own width (never
   * boxed, so memory stays proportional to the file), strings and nested arrays in a list.
   */
  private static Object array(ByteReader r, int type, int n, String key, int depth)
      throws ModelFormatException {
    String what = "element of array " + key;
    switch (type) {
      case 0: case 1: {
        return r.bytes(n, what);
      }
      case 2: case 3: {
        short[] a = new short[n];
        for (int i = 0; i < n; i++) {
          a[i] = r.int16(what);
        }
        return a;
      }
      case 4: case 5: {
        int[] a = new int[n];
        for (int i = 0; i < n; i++) {
          a[i] = r.int32(what);
        }
        return a;
      }
      case 6: {
        float[] a = new float[n];
        for (int i = 0; i < n; i++) {
          a[i] = r.float32(what);
        }
        return a;
      }
      case 7: {
        boolean[] a = new boolean[n];
        for (int i = 0; i < n; i++) {
          a[i] = (Boolean) value(r, 7, key, depth + 1);
        }
        return a;
      }
      case 10: case 11: {
        long[] a = new long[n];
        for (int i = 0; i < n; i++) {
          a[i] = r.int64(what);
        }
        return a;
      }
      case 12: {
        double[] a = new double[n];
        for (int i = 0; i < n; i++) {
          a[i] = r.float64(what);
        }
        return a;
      }
      default: {
        List<Object> list = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
          list.add(value(r, type, key + "[" + i + "]", depth + 1));
        }
        return Collections.unmodifiableList(list);
      }
    }
  }

  private static int minValueBytes(int type) {
    switch (type) {
      case 0: case 1: case 7: return 1;
      case 2: case 3: return 2;
      case 4: case 5: case 6: return 4;
      case 8: case 10: case 11: case 12: return 8;
      case 9: return 12;
      default: return -1;
    }
  }

  public String source() {
    return source;
  }

  public int version() {
    return version;
  }

  public int alignment() {
    return alignment;
  }

  /** Bytes of the tensor data section (from its aligned start to the end of the file). */
  public long dataBytes() {
    return Math.max(0, bytes.length - dataStart);
  }

  public Map<String, Object> metadata() {
    return metadata;
  }

  public Map<String, TensorInfo> tensors() {
    return tensors;
  }

  public @Nullable Object get(String key) {
    return metadata.get(key);
  }

  /** An integer metadata value, checked to fit an int; {@code fallback} if absent. */
  public int intValue(String key, @Nullable Integer fallback) throws ModelFormatException {
    Object v = metadata.get(key);
    if (v == null) {
      if (fallback == null) {
        throw new ModelFormatException(source + ": missing metadata key " + key);
      }
      return fallback;
    }
    if (!(v instanceof Long) || (Long) v < Integer.MIN_VALUE || (Long) v > Integer.MAX_VALUE) {
      throw new ModelFormatException(source + ": metadata " + key + " = " + v + " is not a 32-bit integer");
    }
    return (int) (long) (Long) v;
  }

  /** A float32 or float64 metadata value; {@code fallback} if absent. */
  public float floatValue(String key, float fallback) throws ModelFormatException {
    Object v = metadata.get(key);
    if (v == null) {
      return fallback;
    }
    if (v instanceof Float) {
      return (Float) v;
    }
    if (v instanceof Double) {
      return (float) (double) (Double) v;
    }
    throw new ModelFormatException(source + ": metadata " + key + " = " + v + " is not a float");
  }

  /** Decodes a tensor to floats, checking its ggml dims and that every value is finite. */
  public float[] floats(String name, long... expectedDims) throws ModelFormatException {
    TensorInfo t = tensors.get(name);
    if (t == null) {
      throw new ModelFormatException(source + ": missing tensor " + name);
    }
    if (!java.util.Arrays.equals(t.dims(), expectedDims)) {
      throw new ModelFormatException(source + ": tensor " + name + " has dims "
          + java.util.Arrays.toString(t.dims()) + ", expected " + java.util.Arrays.toString(expectedDims));
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, (int) (dataStart + t.offset()), (int) t.byteSize())
        .order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[(int) t.elements()];
    for (int i = 0; i < out.length; i++) {
      if (t.type() == TYPE_F32) {
        out[i] = b.getFloat();
      } else if (t.type() == TYPE_F16) {
        out[i] = Tensors.halfToFloat(b.getShort());
      } else {
        out[i] = Tensors.bf16ToFloat(b.getShort());
      }
    }
    Tensors.requireFinite(out, source + ": tensor " + name);
    return out;
  }
}
