package q35.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A parsed safetensors file: an 8-byte little-endian header length, a JSON header mapping tensor
 * names to {dtype, shape, data_offsets}, then the tensor bytes. F32, F16 and BF16 tensors are
 * supported; offsets must lie inside the data section, match the shape and not overlap.
 */
public final class SafetensorsFile {
  /** Name, dtype ("F32", "F16", "BF16"), shape (row-major, last dim contiguous), byte range. */
  public record Tensor(String name, String dtype, long[] shape, long begin, long end) {}

  /** Headers larger than this are refused (the reference implementation uses 100 MB). */
  public static final long MAX_HEADER_BYTES = 100_000_000L;

  private final String source;
  private final Map<String, Tensor> tensors;
  private final byte[] bytes;
  private final long dataStart;

  private SafetensorsFile(String source, Map<String, Tensor> tensors, byte[] bytes, long dataStart) {
    this.source = source;
    this.tensors = Collections.unmodifiableMap(tensors);
    this.bytes = bytes;
    this.dataStart = dataStart;
  }

  public static SafetensorsFile read(Path file) throws IOException {
    return parse(ModelFiles.readAll(file), file.toString());
  }

  public static SafetensorsFile parse(byte[] bytes, String source) throws ModelFormatException {
    ByteReader r = new ByteReader(bytes, source);
    long headerLen = r.int64("header length");
    if (headerLen < 2 || headerLen > MAX_HEADER_BYTES || headerLen > r.remaining()) {
      throw r.error("header length " + Tensors.u64(headerLen) + " is impossible for a file of "
          + bytes.length + " bytes");
    }
    String text = r.utf8(headerLen, "JSON header");
    JsonObject header = Json.parseObject(text, source + ": header");
    long dataStart = 8 + headerLen;
    long dataBytes = bytes.length - dataStart;
    Map<String, Tensor> tensors = new LinkedHashMap<>();
    for (Map.Entry<String, JsonElement> e : header.entrySet()) {
      String name = e.getKey();
      if (name.equals("__metadata__")) {
        // the format allows only a flat map of strings here
        JsonObject meta = Json.asObject(e.getValue(), source + ": __metadata__");
        for (Map.Entry<String, JsonElement> m : meta.entrySet()) {
          Json.asString(m.getValue(), source + ": __metadata__." + m.getKey());
        }
        continue;
      }
      String what = source + ": tensor " + name;
      if (!e.getValue().isJsonObject()) {
        throw new ModelFormatException(what + ": header entry must be an object");
      }
      JsonObject t = e.getValue().getAsJsonObject();
      String dtype = Json.string(t, "dtype", what);
      int size = dtypeSize(dtype);
      if (size < 0) {
        throw new ModelFormatException(what + ": dtype " + dtype + " is not supported (F32, F16, BF16)");
      }
      JsonArray shapeJson = Json.array(t, "shape", what);
      if (shapeJson.size() > 8) {
        throw new ModelFormatException(what + ": shape has " + shapeJson.size() + " dims");
      }
      long[] shape = new long[shapeJson.size()];
      for (int i = 0; i < shape.length; i++) {
        shape[i] = Json.natural(shapeJson.get(i), what + ": shape[" + i + "]");
      }
      JsonArray offs = Json.array(t, "data_offsets", what);
      if (offs.size() != 2) {
        throw new ModelFormatException(what + ": data_offsets must be [begin, end]");
      }
      long begin = Json.natural(offs.get(0), what + ": data_offsets[0]");
      long end = Json.natural(offs.get(1), what + ": data_offsets[1]");
      long elements = Tensors.elementCount(shape);
      if (elements < 0) {
        throw new ModelFormatException(what + ": shape " + Arrays.toString(shape) + " is too large");
      }
      if (end < begin || end > dataBytes) {
        throw new ModelFormatException(what + ": data_offsets [" + begin + ", " + end
            + "] lie outside the data section of " + dataBytes + " bytes (truncated file?)");
      }
      if (end - begin != elements * size) {
        throw new ModelFormatException(what + ": shape " + Arrays.toString(shape) + " of " + dtype
            + " needs " + elements * size + " bytes but data_offsets span " + (end - begin));
      }
      tensors.put(name, new Tensor(name, dtype, shape, begin, end));
    }
    // As the format's reference implementation requires: the tensors tile the data section,
    // in some order, with no overlap, no gap and nothing after the last one.
    List<Tensor> sorted = new ArrayList<>(tensors.values());
    sorted.sort(Comparator.comparingLong(Tensor::begin).thenComparingLong(Tensor::end));
    long covered = 0;
    for (Tensor t : sorted) {
      if (t.begin() != covered) {
        throw new ModelFormatException(source + ": tensor " + t.name() + " starts at data offset "
            + t.begin() + ", expected " + covered + (t.begin() < covered ? " (overlap)" : " (gap)"));
      }
      covered = t.end();
    }
    if (covered != dataBytes) {
      throw new ModelFormatException(source + ": the tensors end at data offset " + covered
          + " but the data section has " + dataBytes + " bytes (trailing bytes)");
    }
    return new SafetensorsFile(source, tensors, bytes, dataStart);
  }

  static int dtypeSize(String dtype) {
    switch (dtype) {
      case "F32": return 4;
      case "F16": case "BF16": return 2;
      default: return -1;
    }
  }

  public String source() {
    return source;
  }

  /** Bytes of the data section (after the header). */
  public long dataBytes() {
    return bytes.length - dataStart;
  }

  public Map<String, Tensor> tensors() {
    return tensors;
  }

  /** Decodes a tensor to floats, checking its shape and that every value is finite. */
  public float[] floats(String name, long... expectedShape) throws ModelFormatException {
    Tensor t = tensors.get(name);
    if (t == null) {
      throw new ModelFormatException(source + ": missing tensor " + name);
    }
    if (!Arrays.equals(t.shape(), expectedShape)) {
      throw new ModelFormatException(source + ": tensor " + name + " has shape " + Arrays.toString(t.shape())
          + ", expected " + Arrays.toString(expectedShape));
    }
    ByteBuffer b = ByteBuffer.wrap(bytes, (int) (dataStart + t.begin()), (int) (t.end() - t.begin()))
        .order(ByteOrder.LITTLE_ENDIAN);
    float[] out = new float[(int) ((t.end() - t.begin()) / dtypeSize(t.dtype()))];
    for (int i = 0; i < out.length; i++) {
      switch (t.dtype()) {
        case "F32": out[i] = b.getFloat(); break;
        case "F16": out[i] = Tensors.halfToFloat(b.getShort()); break;
        default: out[i] = Tensors.bf16ToFloat(b.getShort()); break;
      }
    }
    Tensors.requireFinite(out, source + ": tensor " + name);
    return out;
  }
}
