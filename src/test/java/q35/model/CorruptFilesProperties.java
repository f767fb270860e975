package q35.model;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.Tuple;
import net.jqwik.api.Tuple.Tuple2;

/**
 * Every reader, fed corrupted files, either rejects them with {@link ModelFormatException} or (for
 * changes that keep the file well-formed) reads them; never another exception, never an
 * OutOfMemoryError. Truncation and non-finite weights must always be rejected.
 */
class CorruptFilesProperties {

  /** A reader under test: bytes in, anything out. */
  interface Reader {
    Object read(byte[] bytes) throws Exception;
  }

  record Format(String name, byte[] bytes, Reader reader) {
    @Override
    public String toString() {
      return name + "(" + bytes.length + " bytes)";
    }
  }

  static final LlamaWeights TINY;
  static final LlamaWeights TINY_UNSHARED;
  static final LlamaWeights TINY_BF16;
  static final String HF_CONFIG;

  static {
    try {
      TINY = TinyModels.random(11, true);
      TINY_UNSHARED = TinyModels.random(12, false);
      TINY_BF16 = TinyModels.random(13, true, 64);
      HF_CONFIG = TinyModels.hfConfig(TINY.config());
    } catch (ModelFormatException e) {
      throw new ExceptionInInitializerError(e);
    }
  }

  static List<Format> formats() {
    List<Format> f = new ArrayList<>();
    f.add(new Format("llama2c-shared", Llama2cWriter.toBytes(TINY), b -> Llama2cReader.read(b, "c.bin")));
    f.add(new Format("llama2c-unshared", Llama2cWriter.toBytes(TINY_UNSHARED), b -> Llama2cReader.read(b, "u.bin")));
    f.add(new Format("tokenizer", TinyModels.tokenizerBytes(40), b -> Llama2cTokenizerReader.read(b, 40, "t.bin")));
    f.add(new Format("gguf-f32", TinyModels.ggufOf(TINY_UNSHARED, 0, true), b -> GgufLlamaReader.read(b, "f.gguf")));
    f.add(new Format("gguf-f16", TinyModels.ggufOf(TINY, 1, true), b -> GgufLlamaReader.read(b, "h.gguf")));
    f.add(new Format("safetensors-f32", TinyModels.hfSafetensors(TINY, "F32"),
        b -> HfLlamaReader.fromBytes(HF_CONFIG, b, "hf32")));
    f.add(new Format("safetensors-bf16", TinyModels.hfSafetensors(TINY_BF16, "BF16"),
        b -> HfLlamaReader.fromBytes(HF_CONFIG, b, "hfbf16")));
    return f;
  }

  /** Fails unless reading throws ModelFormatException. */
  static void assertRejected(Format f, byte[] bytes, String what) {
    try {
      f.reader().read(bytes);
    } catch (ModelFormatException e) {
      assertTrue(e.getMessage() != null && !e.getMessage().isBlank());
      return;
    } catch (Throwable t) {
      fail(f + " " + what + ": expected ModelFormatException, got " + t, t);
    }
    fail(f + " " + what + ": accepted");
  }

  /** Fails if reading throws anything but ModelFormatException. */
  static void assertRejectedOrRead(Format f, byte[] bytes, String what) {
    try {
      f.reader().read(bytes);
    } catch (ModelFormatException e) {
      // rejected with a clear error: fine
    } catch (Throwable t) {
      fail(f + " " + what + ": expected success or ModelFormatException, got " + t, t);
    }
  }

  @Example
  void intactFilesAreRead() throws Exception {
    for (Format f : formats()) {
      f.reader().read(f.bytes());
    }
  }

  @Example
  void truncationAtEveryOffsetIsRejected() {
    for (Format f : formats()) {
      for (int len = 0; len < f.bytes().length; len++) {
        assertRejected(f, Arrays.copyOf(f.bytes(), len), "truncated to " + len);
      }
    }
  }

  @Example
  void llama2cTruncationAtEveryTensorBoundaryIsRejected() {
    LlamaConfig c = TINY_UNSHARED.config();
    long d = c.dim();
    long kv = c.kvDim();
    long h = c.hiddenDim();
    long n = c.nLayers();
    long[] tensorFloats = {c.vocabSize() * d, n * d, n * d * d, n * kv * d, n * kv * d, n * d * d, n * d,
        n * h * d, n * d * h, n * h * d, d, (long) c.seqLen() * c.headSize() / 2,
        (long) c.seqLen() * c.headSize() / 2, c.vocabSize() * d};
    byte[] bytes = Llama2cWriter.toBytes(TINY_UNSHARED);
    Format f = formats().get(1);
    long at = Llama2cReader.HEADER_BYTES;
    List<Long> boundaries = new ArrayList<>(List.of(0L, at));
    for (long t : tensorFloats) {
      at += 4 * t;
      boundaries.add(at);
    }
    assertTrue(at == bytes.length, "boundaries add up to the file size");
    for (long b : boundaries.subList(0, boundaries.size() - 1)) {
      assertRejected(f, Arrays.copyOf(bytes, (int) b), "truncated at boundary " + b);
      assertRejected(f, Arrays.copyOf(bytes, (int) b + 1), "truncated at boundary+1 " + b);
    }
    // one extra byte is rejected too: the shapes no longer add up
    assertRejected(f, Arrays.copyOf(bytes, bytes.length + 1), "one trailing byte");
  }

  @Provide
  Arbitrary<Format> format() {
    return Arbitraries.of(formats());
  }

  /** A format and a cut point: random, 0, 1, len-1, and every tensor boundary are all likely. */
  @Provide
  Arbitrary<Tuple2<Format, Integer>> truncation() {
    return format().flatMap(f -> Arbitraries.oneOf(
            Arbitraries.integers().between(0, f.bytes().length - 1),
            Arbitraries.of(0, 1, 4, 8, f.bytes().length - 1, f.bytes().length / 2))
        .map(len -> Tuple.of(f, len)));
  }

  @Property(tries = 300)
  void truncatedFilesAreRejected(@ForAll("truncation") Tuple2<Format, Integer> t) {
    assertRejected(t.get1(), Arrays.copyOf(t.get1().bytes(), t.get2()), "truncated to " + t.get2());
  }

  /** Interesting values for length and count fields. */
  @Provide
  Arbitrary<Long> nasty() {
    return Arbitraries.oneOf(
        Arbitraries.of(0L, 1L, -1L, 2L, 255L, 0x7fffffffL, 0x80000000L, 0xffffffffL, Long.MAX_VALUE,
            Long.MIN_VALUE, 1L << 32, 1L << 40, 1L << 62),
        Arbitraries.longs());
  }

  @Property(tries = 400)
  void overwrittenHeaderFieldsNeverCrash(@ForAll("format") Format f, @ForAll("nasty") long value,
      @ForAll("fieldOffset") int rawOffset, @ForAll boolean wide) {
    byte[] b = f.bytes().clone();
    int headerEnd = Math.min(b.length - 8, headerLength(f));
    int offset = Math.floorMod(rawOffset, Math.max(1, headerEnd)) & ~3; // field-aligned
    ByteBuffer bb = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
    if (wide) {
      bb.putLong(offset, value);
    } else {
      bb.putInt(offset, (int) value);
    }
    assertRejectedOrRead(f, b, "field at " + offset + " := " + value);
  }

  @Provide
  Arbitrary<Integer> fieldOffset() {
    return Arbitraries.integers().between(0, 1 << 16);
  }

  /** Bytes before the tensor data, where the lengths, counts, shapes and offsets live. */
  static int headerLength(Format f) {
    byte[] b = f.bytes();
    if (f.name().startsWith("llama2c")) {
      return Llama2cReader.HEADER_BYTES;
    }
    if (f.name().startsWith("safetensors")) {
      return 8 + (int) ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).getLong(0);
    }
    if (f.name().startsWith("gguf")) {
      int i = indexOf(b, "ffn_norm.weight".getBytes(StandardCharsets.US_ASCII), b.length);
      return i + 40; // past the last tensor info
    }
    return b.length; // tokenizer: lengths are spread over the whole file
  }

  static int indexOf(byte[] hay, byte[] needle, int from) {
    for (int i = Math.min(from, hay.length - needle.length); i >= 0; i--) {
      if (Arrays.equals(hay, i, i + needle.length, needle, 0, needle.length)) {
        return i;
      }
    }
    return -1;
  }

  @Property(tries = 400)
  void randomByteFlipsNeverCrash(@ForAll("format") Format f, @ForAll("fieldOffset") int rawOffset,
      @ForAll byte xor) {
    byte[] b = f.bytes().clone();
    int offset = Math.floorMod(rawOffset, b.length);
    b[offset] ^= (xor == 0 ? 1 : xor);
    assertRejectedOrRead(f, b, "byte " + offset + " ^= " + xor);
  }

  /** Offsets of float32 weights the readers use (not skipped regions such as freq_cis). */
  static List<Integer> weightOffsets(Format f) {
    byte[] b = f.bytes();
    List<Integer> out = new ArrayList<>();
    if (f.name().startsWith("llama2c")) {
      LlamaConfig c = f.name().endsWith("unshared") ? TINY_UNSHARED.config() : TINY.config();
      long freq = 2L * 4 * c.seqLen() * c.headSize() / 2;
      long end = f.name().endsWith("unshared") ? b.length - 4L * c.vocabSize() * c.dim() - freq : b.length - freq;
      for (int o = Llama2cReader.HEADER_BYTES; o < end; o += 4) {
        out.add(o);
      }
      if (f.name().endsWith("unshared")) {
        for (long o = end + freq; o < b.length; o += 4) {
          out.add((int) o);
        }
      }
    } else if (f.name().equals("gguf-f32") || f.name().equals("safetensors-f32")) {
      int start = f.name().startsWith("gguf")
          ? (headerLength(f) + 63) / 64 * 64
          : headerLength(f);
      for (int o = start; o + 4 <= b.length; o += 4) {
        out.add(o);
      }
    }
    return out;
  }

  @Provide
  Arbitrary<Tuple2<Format, Integer>> weightSlot() {
    List<Format> fs = new ArrayList<>();
    for (Format f : formats()) {
      if (!weightOffsets(f).isEmpty()) {
        fs.add(f);
      }
    }
    return Arbitraries.of(fs).flatMap(f -> {
      List<Integer> offs = weightOffsets(f);
      return Arbitraries.oneOf(Arbitraries.of(offs.get(0), offs.get(offs.size() - 1)), Arbitraries.of(offs))
          .map(o -> Tuple.of(f, o));
    });
  }

  @Property(tries = 300)
  void nonFiniteWeightsAreRejected(@ForAll("weightSlot") Tuple2<Format, Integer> slot,
      @ForAll("nonFinite") float bad) {
    byte[] b = slot.get1().bytes().clone();
    ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putFloat(slot.get2(), bad);
    assertRejected(slot.get1(), b, bad + " at offset " + slot.get2());
  }

  @Provide
  Arbitrary<Float> nonFinite() {
    return Arbitraries.of(Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY,
        Float.intBitsToFloat(0x7fc00001), Float.intBitsToFloat(0xffffffff));
  }

  @Example
  void f16NanAndInfAreRejected() {
    Format f = formats().get(4); // gguf-f16
    byte[] b = f.bytes().clone();
    int start = (headerLength(f) + 63) / 64 * 64; // token_embd.weight, F16
    for (short bad : new short[] {(short) 0x7c00, (short) 0xfc00, (short) 0x7e00}) {
      byte[] c = b.clone();
      ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putShort(start + 2 * 7, bad);
      assertRejected(f, c, "f16 " + Integer.toHexString(bad & 0xffff));
    }
  }

  @Example
  void hugeLengthsAreRejectedWithoutAllocating() {
    for (Format f : formats()) {
      int[] offsets;
      if (f.name().startsWith("gguf")) {
        offsets = new int[] {8, 16, 24}; // tensor_count, metadata_kv_count, first key length
      } else if (f.name().startsWith("safetensors")) {
        offsets = new int[] {0}; // header length
      } else if (f.name().equals("tokenizer")) {
        offsets = new int[] {0, 8}; // max_token_length, first token length (as int64 spills over)
      } else {
        offsets = new int[] {0, 4, 8, 20, 24}; // dim, hidden, layers, vocab, seq_len
      }
      for (int off : offsets) {
        for (long v : new long[] {Long.MAX_VALUE, -1L, 1L << 40, 0x7fffffffL}) {
          byte[] b = f.bytes().clone();
          ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putLong(off, v);
          assertRejected(f, b, "int64 " + v + " at " + off);
        }
      }
    }
  }

  @Example
  void ggufHugeArrayAndStringLengthsAreRejected() {
    Format f = formats().get(3);
    byte[] b = f.bytes();
    // tokenizer.ggml.tokens: key, type 9, element type 8, then the uint64 count
    int key = indexOf(b, "tokenizer.ggml.tokens".getBytes(StandardCharsets.US_ASCII), b.length);
    int count = key + "tokenizer.ggml.tokens".length() + 4 + 4;
    for (long v : new long[] {Long.MAX_VALUE, 1L << 31, 1L << 28}) {
      byte[] c = b.clone();
      ByteBuffer.wrap(c).order(ByteOrder.LITTLE_ENDIAN).putLong(count, v);
      assertRejected(f, c, "array count " + v);
      byte[] s = b.clone();
      ByteBuffer.wrap(s).order(ByteOrder.LITTLE_ENDIAN).putLong(count + 8, v); // first string's length
      assertRejected(f, s, "string length " + v);
    }
  }

  @Example
  void emptyAndTinyFilesAreRejected() {
    for (Format f : formats()) {
      assertRejected(f, new byte[0], "empty");
      assertRejected(f, new byte[] {0}, "one byte");
      assertRejected(f, new byte[64], "64 zero bytes");
    }
  }

  @Property(tries = 100)
  void randomBytesAreRejectedOrRead(@ForAll("format") Format f, @ForAll("garbage") byte[] junk) {
    // keep the real magic for GGUF so the parser gets past the first check
    if (f.name().startsWith("gguf") && junk.length >= 8) {
      System.arraycopy(f.bytes(), 0, junk, 0, 8);
    }
    assertRejectedOrRead(f, junk, "random " + junk.length + " bytes");
  }

  @Provide
  Arbitrary<byte[]> garbage() {
    return Arbitraries.bytes().array(byte[].class).ofMinSize(0).ofMaxSize(4096);
  }
}
