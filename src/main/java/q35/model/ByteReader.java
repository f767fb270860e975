package q35.model;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;

/**
 * Little-endian cursor over the bytes of one file. Every read checks the remaining length first,
 * so a count taken from a header can never make a reader allocate more than the file can back.
 */
final class ByteReader {
  private final ByteBuffer buf;
  private final String source;

  ByteReader(byte[] bytes, String source) {
    this.buf = ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN);
    this.source = source;
  }

  String source() {
    return source;
  }

  int position() {
    return buf.position();
  }

  int size() {
    return buf.limit();
  }

  long remaining() {
    return buf.remaining();
  }

  void seek(long offset, String what) throws ModelFormatException {
    if (offset < 0 || offset > buf.limit()) {
      throw error(what + " at offset " + offset + " lies beyond the end of the file (" + buf.limit() + " bytes)");
    }
    buf.position((int) offset);
  }

  ModelFormatException error(String message) {
    return new ModelFormatException(source + ": " + message);
  }

  /** Fails unless {@code count} items of {@code itemBytes} bytes each are left. */
  void need(long count, int itemBytes, String what) throws ModelFormatException {
    if (count < 0) {
      throw error(what + ": negative length " + count + " at offset " + buf.position());
    }
    if (count > buf.remaining() / itemBytes) {
      throw error("truncated: " + what + " needs " + count + " x " + itemBytes + " bytes at offset "
          + buf.position() + " but only " + buf.remaining() + " bytes remain");
    }
  }

  byte int8(String what) throws ModelFormatException {
    need(1, 1, what);
    return buf.get();
  }

  short int16(String what) throws ModelFormatException {
    need(1, 2, what);
    return buf.getShort();
  }

  int int32(String what) throws ModelFormatException {
    need(1, 4, what);
    return buf.getInt();
  }

  long int64(String what) throws ModelFormatException {
    need(1, 8, what);
    return buf.getLong();
  }

  float float32(String what) throws ModelFormatException {
    need(1, 4, what);
    return buf.getFloat();
  }

  double float64(String what) throws ModelFormatException {
    need(1, 8, what);
    return buf.getDouble();
  }

  byte[] bytes(long count, String what) throws ModelFormatException {
    need(count, 1, what);
    byte[] out = new byte[(int) count];
    buf.get(out);
    return out;
  }

  String utf8(long length, String what) throws ModelFormatException {
    int at = buf.position();
    byte[] raw = bytes(length, what);
    try {
      return StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(raw))
          .toString();
    } catch (CharacterCodingException e) {
      throw error(what + " at offset " + at + " is not valid UTF-8");
    }
  }

  /** Reads {@code count} little-endian float32 values, rejecting NaN and infinities. */
  float[] float32s(long count, String what) throws ModelFormatException {
    need(count, 4, what);
    float[] out = new float[(int) count];
    int start = buf.position();
    buf.asFloatBuffer().get(out);
    buf.position(start + 4 * out.length);
    Tensors.requireFinite(out, source + ": " + what);
    return out;
  }
}
