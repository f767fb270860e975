package q35.spec;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import q35.spec.SpecModel.Product;
import q35.spec.SpecModel.QuantizedActivations;
import q35.spec.SpecModel.QuantizedMatrix;
import q35.spec.SpecModel.SpecError;

/**
 * Writes spec/vectors/*.json from {@link SpecModel} (exact arithmetic written from the spec),
 * never from the kernel. Run: {@code mvn -q test-compile exec:java
 * -Dexec.classpathScope=test -Dexec.mainClass=q35.spec.VectorGenerator}, or via
 * VectorFilesTest, which fails when the committed files differ from what this produces.
 */
public final class VectorGenerator {

  static final String SCHEMA = "q35_vectors_schema.json";
  static final String SPEC_VERSION = "1.4";
  static final java.util.regex.Pattern FLAT_ARRAY =
      java.util.regex.Pattern.compile("\\[([^\\[\\]{}]*)\\]");

  private int tcId;
  private final Random random = new Random(0x35);

  /** Generates every vector file: name to JSON text. */
  public static Map<String, String> generateAll() {
    Map<String, String> files = new LinkedHashMap<>();
    files.put("pair_codes.json", new VectorGenerator().pairCodes());
    files.put("code_stream.json", new VectorGenerator().codeStream());
    files.put("weight_quant.json", new VectorGenerator().weightQuant());
    files.put("activation_quant.json", new VectorGenerator().activationQuant());
    files.put("matvec.json", new VectorGenerator().matvec());
    files.put("input_order.json", new VectorGenerator().inputOrder());
    return files;
  }

  public static void main(String[] args) throws IOException {
    Path dir = Path.of(args.length > 0 ? args[0] : "spec/vectors");
    Files.createDirectories(dir);
    for (Map.Entry<String, String> e : generateAll().entrySet()) {
      Path tmp = Files.createTempFile(dir, e.getKey(), ".tmp");
      Files.writeString(tmp, e.getValue(), StandardCharsets.UTF_8);
      Files.setPosixFilePermissions(tmp,
          java.nio.file.attribute.PosixFilePermissions.fromString("rw-r--r--"));
      Files.move(tmp, dir.resolve(e.getKey()), StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
      System.out.println("wrote " + dir.resolve(e.getKey()));
    }
  }

  // ------------------------------------------------------------------ input order

  String inputOrder() {
    JsonArray tests = new JsonArray();
    tests.add(orderTest("identity", new long[] {0, 1, 2, 3}, "Identity"));
    tests.add(orderTest("one input", new long[] {0}, "Single"));
    tests.add(orderTest("reversed, odd k", new long[] {4, 3, 2, 1, 0}, "Typical"));
    tests.add(orderTest("salience pairs: ranks 0, 5, 1, 4, 2, 3 of inputs by energy",
        new long[] {3, 0, 5, 1, 4, 2}, "Typical"));
    long[] big = new long[172];
    java.util.Random r = new java.util.Random(35);
    for (int i = 0; i < big.length; i++) {
      big[i] = i;
    }
    for (int i = big.length - 1; i > 0; i--) {
      int j = r.nextInt(i + 1);
      long t = big[i];
      big[i] = big[j];
      big[j] = t;
    }
    tests.add(orderTest("random permutation of 172", big, "Typical"));
    tests.add(orderTest("entry 4 repeats entry 0", new long[] {2, 0, 1, 3, 2}, "Repeated"));
    tests.add(orderTest("entry equal to k", new long[] {0, 1, 3}, "OutOfRange"));
    tests.add(orderTest("negative entry", new long[] {0, -1, 1}, "OutOfRange"));
    tests.add(orderTest("entry 65535, the largest u16", new long[] {65535, 0}, "OutOfRange"));
    tests.add(orderTest("empty order", new long[0], "BadShape"));
    Map<String, String> notes = new LinkedHashMap<>();
    notes.put("Identity", "the order every matrix without one has");
    notes.put("Single", "k = 1");
    notes.put("Typical", "a permutation; x' = x[order[i]], bit for bit (NaN never reaches it:"
        + " activations are checked by quantization.md section 3)");
    notes.put("Repeated", "an input appears twice: INPUT_ORDER");
    notes.put("OutOfRange", "an entry outside [0, k): INPUT_ORDER");
    notes.put("BadShape", "k = 0: a matrix has k >= 1 (SHAPE)");
    JsonArray groups = new JsonArray();
    groups.add(group("InputOrderTest", tests));
    return file("q35-input-order", notes, groups, tests.size());
  }

  JsonObject orderTest(String comment, long[] order, String flag) {
    JsonObject t = test(comment, flag);
    t.addProperty("k", order.length);
    t.add("order", longs(order));
    // x holds distinct values, signed zeros and a subnormal, so a wrong gather shows
    int[] x = new int[order.length];
    for (int i = 0; i < x.length; i++) {
      x[i] = i == 1 ? 0x80000000 : i == 2 ? 0x00000001 : f((float) (i * 1.25 - 3));
    }
    t.add("x", floats(x));
    if (order.length == 0) {
      invalid(t, "SHAPE");
    } else {
      try {
        t.add("gathered", floats(SpecModel.gather(x, order)));
        valid(t);
      } catch (SpecModel.SpecError e) {
        invalid(t, e.getMessage());
      }
    }
    return t;
  }

  // ------------------------------------------------------------------ helpers

  static String hexFloat(int bits) {
    return String.format(Locale.ROOT, "%08x", bits);
  }

  static String hexBytes(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) {
      sb.append(String.format(Locale.ROOT, "%02x", x & 0xff));
    }
    return sb.toString();
  }

  static JsonArray floats(int[] bits) {
    JsonArray a = new JsonArray();
    for (int b : bits) {
      a.add(hexFloat(b));
    }
    return a;
  }

  static JsonArray ints(int[] v) {
    JsonArray a = new JsonArray();
    for (int x : v) {
      a.add(x);
    }
    return a;
  }

  static JsonArray longs(long[] v) {
    JsonArray a = new JsonArray();
    for (long x : v) {
      a.add(x);
    }
    return a;
  }

  static JsonArray flags(String... f) {
    JsonArray a = new JsonArray();
    for (String s : f) {
      a.add(s);
    }
    return a;
  }

  JsonObject test(String comment, String... flags) {
    JsonObject t = new JsonObject();
    t.addProperty("tcId", ++tcId);
    t.addProperty("comment", comment);
    t.add("flags", flags(flags));
    return t;
  }

  static void valid(JsonObject t) {
    t.addProperty("result", "valid");
  }

  static void invalid(JsonObject t, String error) {
    t.addProperty("result", "invalid");
    t.addProperty("error", error);
  }

  static String file(String algorithm, Map<String, String> notes, JsonArray groups, int count) {
    JsonObject root = new JsonObject();
    root.addProperty("algorithm", algorithm);
    root.addProperty("schema", SCHEMA);
    root.addProperty("specVersion", SPEC_VERSION);
    root.addProperty("generator", "q35.spec.VectorGenerator (exact rational arithmetic, "
        + "independent of the kernel)");
    root.addProperty("numberOfTests", count);
    JsonObject n = new JsonObject();
    notes.forEach(n::addProperty);
    root.add("notes", n);
    root.add("testGroups", groups);
    String pretty = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create()
        .toJson(root);
    // Arrays of numbers and strings go on one line each, so that long vectors stay readable.
    java.util.regex.Matcher m = FLAT_ARRAY.matcher(pretty);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, java.util.regex.Matcher.quoteReplacement(
          "[" + m.group(1).trim().replaceAll(",\\s+", ", ") + "]"));
    }
    m.appendTail(sb);
    return sb + "\n";
  }

  static JsonObject group(String type, JsonArray tests) {
    JsonObject g = new JsonObject();
    g.addProperty("type", type);
    g.add("tests", tests);
    return g;
  }

  static int f(float v) {
    return Float.floatToRawIntBits(v);
  }

  // ------------------------------------------------------------------ pair codes

  String pairCodes() {
    JsonArray tests = new JsonArray();
    for (int hi = -8; hi <= 7; hi++) {
      for (int lo = -4; lo <= 3; lo++) {
        JsonObject t = test("hi " + hi + ", lo " + lo, hi == -8 || hi == 7 || lo == -4 || lo == 3
            ? new String[] {"Extreme"} : new String[0]);
        t.addProperty("hi", hi);
        t.addProperty("lo", lo);
        t.addProperty("code", SpecModel.pairCode(hi, lo));
        valid(t);
        tests.add(t);
      }
    }
    int[][] bad = {{8, 0}, {-9, 0}, {0, 4}, {0, -5}, {7, 4}, {-8, -5}, {16, 0}, {0, 8}};
    for (int[] p : bad) {
      JsonObject t = test("pair (" + p[0] + ", " + p[1] + ") is out of range", "OutOfRange");
      t.addProperty("hi", p[0]);
      t.addProperty("lo", p[1]);
      invalid(t, expectError(() -> SpecModel.pairCode(p[0], p[1])));
      tests.add(t);
    }
    Map<String, String> notes = new LinkedHashMap<>();
    notes.put("Extreme", "a half at the end of its range");
    notes.put("OutOfRange", "a half outside [-8, 7] or [-4, 3]: packing must be refused");
    JsonArray groups = new JsonArray();
    groups.add(group("PairCodeTest", tests));
    return file("q35-pair-code", notes, groups, tests.size());
  }

  static String expectError(Runnable r) {
    try {
      r.run();
    } catch (SpecError e) {
      return e.getMessage();
    }
    throw new IllegalStateException("expected the spec model to reject this input");
  }

  // ------------------------------------------------------------------ streams

  String codeStream() {
    JsonArray tests = new JsonArray();
    for (int n = 0; n <= 24; n++) {
      int[] codes = new int[n];
      for (int i = 0; i < n; i++) {
        codes[i] = random.nextInt(128);
      }
      tests.add(streamTest("random codes, length " + n + " (tail " + (n % 8) + ")", codes,
          n % 8 == 0 ? "FullBlocks" : "Tail"));
    }
    for (int n = 1; n <= 8; n++) {
      int[] ones = new int[n];
      java.util.Arrays.fill(ones, 127);
      tests.add(streamTest("all bits set, length " + n, ones, "AllOnes"));
    }
    for (int i = 0; i < 8; i++) {
      for (int bit = 0; bit < 7; bit += 6) {
        int[] codes = new int[8];
        codes[i] = 1 << bit;
        tests.add(streamTest("single bit " + bit + " of code " + i + " in a block", codes,
            "SingleBit"));
      }
    }
    for (int n : new int[] {31, 32, 33, 100, 257}) {
      int[] codes = new int[n];
      for (int i = 0; i < n; i++) {
        codes[i] = random.nextInt(128);
      }
      tests.add(streamTest("random codes, length " + n, codes, "Long"));
    }
    for (int[] codes : new int[][] {{128}, {0, -1}, {5, 6, 7, 8, 9, 10, 11, 200}}) {
      JsonObject t = test("a code outside [0, 127] must be refused", "OutOfRange");
      t.addProperty("n", codes.length);
      t.add("codes", ints(codes));
      invalid(t, expectError(() -> SpecModel.packStream(codes)));
      tests.add(t);
    }
    for (int[] nb : new int[][] {{9, 7}, {1, 0}, {8, 6}, {3, 2}}) {
      JsonObject t = test(nb[0] + " codes need " + ((7 * nb[0] + 7) / 8) + " bytes; the stream"
          + " has " + nb[1], "Truncated");
      t.addProperty("n", nb[0]);
      t.addProperty("packed", hexBytes(new byte[nb[1]]));
      invalid(t, "TRUNCATED");
      tests.add(t);
    }
    Map<String, String> notes = new LinkedHashMap<>();
    notes.put("FullBlocks", "length a multiple of 8: whole 7-byte blocks");
    notes.put("Tail", "length not a multiple of 8: the last byte's unused high bits are zero");
    notes.put("AllOnes", "every code 127: checks that no bit is lost at block edges");
    notes.put("SingleBit", "one set bit: pins the bit order (LSB first)");
    notes.put("Long", "several blocks");
    notes.put("OutOfRange", "packing must refuse a code outside [0, 127]");
    notes.put("Truncated", "unpacking must refuse a stream shorter than ceil(7n/8) bytes");
    JsonArray groups = new JsonArray();
    groups.add(group("CodeStreamTest", tests));
    return file("q35-code-stream", notes, groups, tests.size());
  }

  JsonObject streamTest(String comment, int[] codes, String flag) {
    JsonObject t = test(comment, flag);
    t.addProperty("n", codes.length);
    t.add("codes", ints(codes));
    t.addProperty("packed", hexBytes(SpecModel.packStream(codes)));
    valid(t);
    return t;
  }

  // ------------------------------------------------------------------ weights

  float[] gaussian(int count, float sigma) {
    float[] w = new float[count];
    for (int i = 0; i < count; i++) {
      w[i] = (float) (random.nextGaussian() * sigma);
    }
    return w;
  }

  static int[] bits(float[] w) {
    int[] b = new int[w.length];
    for (int i = 0; i < w.length; i++) {
      b[i] = f(w[i]);
    }
    return b;
  }

  String weightQuant() {
    JsonArray groups = new JsonArray();
    for (String format : new String[] {"q35", "int4"}) {
      JsonArray tests = new JsonArray();
      float[] ramp = new float[16];
      for (int i = 0; i < 16; i++) {
        ramp[i] = i;
      }
      tests.add(weightTest(format, "ramp 0..15: lattice points; 4-bit positions exact", bits(ramp), 1, 16, 16,
          "Exact"));
      tests.add(weightTest(format, "rounding ties: lo 0, hi 15, s 1, m 8; t = k + 0.5",
          bits(new float[] {0f, 15f, 8.5f, 9.5f, 10.5f, 7.5f, 6.5f, 5.5f, 11f, 13f, 12.5f, 3f,
              4.5f, 1.5f, 2.5f, 0.5f}), 1, 16, 16, "Tie"));
      tests.add(weightTest(format, "ties on the 3-bit lattice: t / 2 = k + 0.5",
          bits(new float[] {0f, 15f, 0f, 9f, 0f, 11f, 0f, 5f, 0f, 7f, 0f, 13f, 0f, 3f, 0f, 1f}),
          1, 16, 16, "Tie"));
      tests.add(weightTest(format, "constant group: scale 0, offset = the value",
          bits(new float[] {3.25f, 3.25f, 3.25f, 3.25f, 3.25f}), 1, 5, 5, "ConstantGroup"));
      tests.add(weightTest(format, "signed zeros only",
          new int[] {0x80000000, 0, 0x80000000, 0}, 1, 4, 4, "SignedZero", "ConstantGroup"));
      tests.add(weightTest(format, "subnormal weights",
          new int[] {1, 2, 3, 0x007fffff, 0x80000005, 0x00400000, 7, 0}, 1, 8, 8, "Subnormal"));
      tests.add(weightTest(format, "range too small: scale underflows to 0",
          new int[] {0, 1, 0, 1}, 1, 4, 4, "Subnormal", "ScaleUnderflow"));
      tests.add(weightTest(format, "extreme range: -2^32 to +2^32, the accepted limits",
          new int[] {0xcf800000, 0x4f800000, 0, 0x3f800000, 0xbf800000, 0x4f000000}, 1, 6, 6,
          "ExtremeRange"));
      tests.add(weightTest(format, "huge and tiny magnitudes in one group",
          new int[] {0x4f7fffff, 0x00000001, 0x80000001, 0x3eaaaaab, 0xcf7fffff, 0x1}, 1, 6, 6,
          "ExtremeRange", "Subnormal"));
      tests.add(weightTest(format, "negative-only row",
          bits(new float[] {-1f, -2f, -3.5f, -0.25f, -7f, -1e-3f}), 1, 6, 6, "Negative"));
      for (int k : new int[] {1, 2, 3, 7, 15, 16, 17, 31, 33}) {
        tests.add(weightTest(format, "k = " + k + ": pair and block padding", bits(gaussian(2 * k,
            0.5f)), 2, k, k, "Padding"));
      }
      tests.add(weightTest(format, "grouped, k 64, g 16", bits(gaussian(3 * 64, 0.1f)), 3, 64, 16,
          "Grouped"));
      tests.add(weightTest(format, "grouped, k 64, g 32", bits(gaussian(2 * 64, 0.1f)), 2, 64, 32,
          "Grouped"));
      tests.add(weightTest(format, "grouped, k 172, g 32: last group holds 12",
          bits(gaussian(2 * 172, 0.05f)), 2, 172, 32, "Grouped", "PartialGroup"));
      tests.add(weightTest(format, "grouped, k 10, g 4: last group holds 2",
          bits(gaussian(10, 1f)), 1, 10, 4, "Grouped", "PartialGroup"));
      tests.add(weightTest(format, "per row, k 64, 4 rows", bits(gaussian(4 * 64, 0.02f)), 4, 64,
          64, "PerRow"));
      tests.add(weightTest(format, "outlier row: one large weight",
          bits(new float[] {0.01f, -0.02f, 0.03f, 0.0f, 5.0f, -0.01f, 0.02f, 0.015f}), 1, 8, 8,
          "Outlier"));

      float[] withNan = {1f, 2f, Float.NaN, 3f};
      tests.add(invalidWeight(format, "NaN weight", bits(withNan), 1, 4, 4, "NaN"));
      tests.add(invalidWeight(format, "+Inf weight",
          bits(new float[] {1f, Float.POSITIVE_INFINITY}), 1, 2, 2, "Infinity"));
      tests.add(invalidWeight(format, "-Inf weight",
          bits(new float[] {Float.NEGATIVE_INFINITY, 1f}), 1, 2, 2, "Infinity"));
      tests.add(invalidWeight(format, "|w| just above 2^32",
          new int[] {0x3f800000, 0x4f800001}, 1, 2, 2, "TooLarge"));
      tests.add(invalidWeight(format, "largest finite float",
          new int[] {0xff7fffff, 0x3f800000}, 1, 2, 2, "TooLarge"));
      tests.add(invalidWeight(format, "odd group size below k", bits(gaussian(8, 1f)), 1, 8, 3,
          "BadShape"));
      tests.add(invalidWeight(format, "group size 0", bits(gaussian(8, 1f)), 1, 8, 0,
          "BadShape"));
      tests.add(invalidWeight(format, "group size above k", bits(gaussian(8, 1f)), 1, 8, 16,
          "BadShape"));
      tests.add(invalidWeight(format, "k = 0 (no group size is valid then: SHAPE comes first)",
          new int[0], 1, 0, 1, "BadShape", "CheckOrder"));
      tests.add(invalidWeight(format, "n = 0", new int[0], 0, 4, 4, "BadShape"));
      tests.add(invalidWeight(format, "weights shorter than n * k", bits(gaussian(7, 1f)), 1, 8,
          8, "BadShape"));
      tests.add(invalidWeight(format, "k = 2,113,666: one over the int32 safety bound (no"
          + " weights given: K_TOO_LARGE comes before the length check)",
          new int[0], 1, 2113666, 2113666, "KTooLarge", "CheckOrder"));
      groups.add(group("WeightQuantTest", tests));
    }
    groups.add(group("WeightQuantTest", weightQuantAdded()));
    groups.add(group("DequantizeTest", dequantizeTests()));
    groups.add(group("WeightQuantTest", weightQuantBinary16()));
    groups.add(group("WeightQuantTest", weightQuantStepCodes()));
    Map<String, String> notes = new LinkedHashMap<>();
    notes.put("Exact", "weights on the lattice: dequantization is exact");
    notes.put("Tie", "(w - m) / s, or its half on 3-bit positions, is exactly k + 0.5: ties to even");
    notes.put("ConstantGroup", "hi == lo: scale 0, offset lo, every lattice value 0");
    notes.put("SignedZero", "-0 and +0 compare equal; the first is the minimum");
    notes.put("Subnormal", "subnormal inputs are used as they are (no flush to zero)");
    notes.put("ScaleUnderflow", "(hi - lo) / 15 rounds to 0 in binary32");
    notes.put("ExtremeRange", "the widest accepted range, or mixed magnitudes");
    notes.put("TooLarge", "|w| above 2^32 is refused");
    notes.put("Negative", "all weights negative");
    notes.put("Padding", "k not a multiple of 16: padding codes are 0");
    notes.put("Grouped", "several groups per row");
    notes.put("PartialGroup", "the last group is shorter than g");
    notes.put("PerRow", "one group per row (the original design's per-column scheme)");
    notes.put("Outlier", "one outlier stretches the range");
    notes.put("NaN", "NaN weights are refused");
    notes.put("Infinity", "infinite weights are refused");
    notes.put("BadShape", "n, k or g violate the shape rules");
    notes.put("KTooLarge", "k above 2,113,665 (q8: 132,104) could overflow the int32 accumulator");
    notes.put("CheckOrder", "two defects that cannot be separated (k = 0 leaves no valid group"
        + " size; a k above the bound would need millions of weights): the expected error is the"
        + " first in the check order of quantization.md section 5");
    notes.put("Binary64Grid", "t = (w - m) / s must be computed in binary64: in binary32, w - m"
        + " rounds to a tie k + 0.5 that binary64 does not reach, and the lattice value differs");
    notes.put("UnknownFormat", "a format name other than q35, int4 and q8 is refused");
    notes.put("Q8", "the 8-bit baseline of container.md section 3: 256 levels, s = (hi - lo) / 255,"
        + " m = lo + 128 s, lattice values in [-128, 127], one byte each");
    notes.put("AllCodes", "every one of the 128 pair codes (q35) or 16 nibbles (int4) once");
    notes.put("RowAlignment", "several rows whose length is not a multiple of 16: every row"
        + " starts on its own byte (q35: its own 7-byte block)");
    notes.put("BlockPadding", "q35 codes past the last pair of a row, up to the 8-code block,"
        + " are padding and must be zero");
    notes.put("BadScale", "scales must lie in [0, 2^30], offsets in [-2^33, 2^33], never NaN");
    notes.put("Binary16", "scaleType binary16 (spec 1.3, quantization.md section 2.6): s and m"
        + " rounded to binary16, ties to even, then the codes chosen against them; scales16 and"
        + " offsets16 give their 16-bit patterns (format.md section 7)");
    notes.put("Binary16Requantized", "a code differs from the one the binary32 s and m give:"
        + " the codes must be chosen against the rounded values");
    notes.put("Binary16Underflow", "s is at most 2^-25 and rounds to binary16 0: every code 0");
    notes.put("Binary16Subnormal", "s rounds to a subnormal binary16 value");
    notes.put("StepCodes", "scaleType k6 (spec 1.4, quantization.md section 2.7): per row"
        + " d = h(f32(max s / 63)) and e = h(f32(max |m| / 31)); each group's s and m replaced by"
        + " d * sc and e * mc, sc = code(s, d, 0, 63), mc = code(m, e, -32, 31), then the codes"
        + " chosen against them; steps16 gives d and e of each row (16-bit patterns), stepCodes"
        + " the codes blob of format.md section 8");
    notes.put("StepCodeTie", "s / d or m / e is exactly k + 0.5: the code rounds to even");
    notes.put("ZeroStep", "a row's largest scale (or offset) rounds to a binary16 0: every code 0");
    notes.put("SmallScale", "a group's scale is below d / 2: its code is 0, every lattice value 0");
    notes.put("OddGroups", "an odd number of groups per row: each row of codes ends in a half"
        + " byte of zero bits");
    return file("q35-weight-quantization", notes, groups, countTests(groups));
  }

  /** Weight vectors added in spec version 1.1, after the first two groups (tcIds stay stable). */
  JsonArray weightQuantAdded() {
    JsonArray tests = new JsonArray();
    for (String format : new String[] {"q35", "int4"}) {
      // lo 0, hi 15: s = 1, m = 8. w = 0.5 + 2^-23 gives t = -7.5 + 2^-23 in binary64 (lattice
      // -7); in binary32, w - m rounds to -7.5, a tie, and rounds to even (-8).
      tests.add(weightTest(format, "t just above the tie -7.5: binary64 gives -7, a binary32 t"
          + " gives -8", new int[] {0, f(15f), 0x3f000002, f(3f), 0, f(15f), 0x3f000002, f(9f)}, 1,
          8, 8, "Binary64Grid", "Tie"));
      // lo -15, hi 0: s = 1, m = -7. w = -0.5 + 2^-25 gives t = 6.5 + 2^-25 (lattice 7); in
      // binary32, w - m rounds to the tie 6.5 (lattice 6).
      tests.add(weightTest(format, "t just above the tie 6.5: binary64 gives 7, a binary32 t"
          + " gives 6", new int[] {f(-15f), 0, 0xbeffffff, f(-3f)}, 1, 4, 4, "Binary64Grid",
          "Tie"));
      tests.add(invalidWeight(format.equals("q35") ? "q3" : "int3", "unknown format name",
          bits(gaussian(4, 1f)), 1, 4, 4, "UnknownFormat"));
    }
    float[] ramp = new float[256];
    for (int i = 0; i < 256; i++) {
      ramp[i] = i;
    }
    tests.add(weightTest("q8", "ramp 0..255: every lattice value once, exact", bits(ramp), 1,
        256, 256, "Q8", "Exact"));
    tests.add(weightTest("q8", "ties: lo 0, hi 255, s 1, m 128; t = k + 0.5",
        bits(new float[] {0f, 255f, 128.5f, 129.5f, 0.5f, 1.5f, 254.5f, 253.5f}), 1, 8, 8, "Q8",
        "Tie"));
    tests.add(weightTest("q8", "constant group and signed zeros",
        new int[] {f(2.5f), f(2.5f), 0x80000000, 0, 0x80000000, 0}, 1, 6, 2, "Q8",
        "ConstantGroup", "SignedZero", "Grouped"));
    tests.add(weightTest("q8", "subnormal weights", new int[] {1, 2, 0x007fffff, 0x80000005},
        1, 4, 4, "Q8", "Subnormal"));
    tests.add(weightTest("q8", "extreme range: -2^32 to +2^32",
        new int[] {0xcf800000, 0x4f800000, 0, 0x3f800000}, 1, 4, 4, "Q8", "ExtremeRange"));
    tests.add(weightTest("q8", "grouped, k 40, g 16: last group holds 8",
        bits(gaussian(3 * 40, 0.1f)), 3, 40, 16, "Q8", "Grouped", "PartialGroup"));
    tests.add(weightTest("q8", "per row, k 33, 2 rows", bits(gaussian(2 * 33, 0.5f)), 2, 33, 33,
        "Q8", "PerRow"));
    tests.add(invalidWeight("q8", "NaN weight", bits(new float[] {1f, Float.NaN}), 1, 2, 2,
        "Q8", "NaN"));
    tests.add(invalidWeight("q8", "|w| just above 2^32", new int[] {0x4f800001, 0}, 1, 2, 2,
        "Q8", "TooLarge"));
    tests.add(invalidWeight("q8", "k = 132,105: one over q8's int32 bound (no weights given)",
        new int[0], 1, 132105, 132105, "Q8", "KTooLarge", "CheckOrder"));
    tests.add(invalidWeight("q8", "odd group size below k", bits(gaussian(8, 1f)), 1, 8, 3,
        "Q8", "BadShape"));
    return tests;
  }

  /** Binary16 scales and offsets (spec 1.3): the last group, so earlier tcIds stay stable. */
  JsonArray weightQuantBinary16() {
    JsonArray tests = new JsonArray();
    for (String format : new String[] {"q35", "int4"}) {
      float[] ramp = new float[16];
      for (int i = 0; i < 16; i++) {
        ramp[i] = i;
      }
      tests.add(halfTest(weightTest(format, "binary16: ramp 0..15, s 1 and m 8 are binary16"
          + " values already", bits(ramp), 1, 16, 16, true, "Binary16", "Exact")));
      // s = 1 + 2^-11 and m = 8 + 2^-8: each halfway between two binary16 values; even wins
      tests.add(halfTest(weightTest(format, "binary16: s = 1 + 2^-11 and m = 8 + 2^-8 are ties,"
          + " rounded to even (1 and 8)", bits(new float[] {0f, 15.00732421875f, 3.2f, 7.9f,
              11.5f, 12.01f, 0.4f, 14.9f}), 1, 8, 8, true, "Binary16", "Tie")));
      tests.add(halfTest(weightTest(format, "binary16: m = 2049 is a tie between 2048 and 2050",
          bits(new float[] {2041f, 2056f, 2045.5f, 2049f, 2050.5f, 2052f}), 1, 6, 6, true,
          "Binary16", "Tie")));
      tests.add(halfTest(weightTest(format, "binary16: range 2^-22, s rounds to 0",
          bits(new float[] {1f, 1.0000002f, 1.0000001f, 1f}), 1, 4, 4, true, "Binary16",
          "Binary16Underflow", "ConstantGroup")));
      tests.add(halfTest(weightTest(format, "binary16: s about 1e-6, a subnormal binary16",
          bits(new float[] {-7e-6f, 8e-6f, 1e-6f, -2e-6f, 3.3e-6f, 0f}), 1, 6, 6, true,
          "Binary16", "Binary16Subnormal")));
      tests.add(halfTest(weightTest(format, "binary16: -2^15 to 2^15, the accepted limits",
          new int[] {0xc7000000, 0x47000000, 0, 0x3f800000, 0x46fffe00, 0xc6000000}, 1, 6, 6,
          true, "Binary16", "ExtremeRange")));
      tests.add(halfTest(weightTest(format, "binary16: negative-only row", bits(new float[] {
          -1f, -2f, -3.5f, -0.25f, -7f, -1e-3f}), 1, 6, 6, true, "Binary16", "Negative")));
      tests.add(halfTest(weightTest(format, "binary16: grouped, k 64, g 16",
          bits(gaussian(3 * 64, 0.05f)), 3, 64, 16, true, "Binary16", "Grouped")));
      // m near 10.08 moves by up to 2^-8 (0.4 s) when rounded: codes move with it
      tests.add(halfTest(weightTest(format, "binary16: offset far from zero, s 0.01: m moves by"
          + " a large part of s", bits(new float[] {10f, 10.15f, 10.056f, 10.094f, 10.1135f,
              10.0455f, 10.03f, 10.12f}), 1, 8, 8, true, "Binary16",
          "Binary16Requantized")));
      tests.add(halfTest(weightTest(format, "binary16: grouped, k 172, g 16: last group holds 12",
          bits(gaussian(2 * 172, 0.02f)), 2, 172, 16, true, "Binary16", "Grouped",
          "PartialGroup")));
      tests.add(halfTest(invalidWeight(format, "binary16: |w| just above 2^15",
          new int[] {0x3f800000, 0x47000001}, 1, 2, 2, true, "Binary16", "TooLarge")));
      tests.add(halfTest(invalidWeight(format, "binary16: NaN weight",
          bits(new float[] {1f, Float.NaN}), 1, 2, 2, true, "Binary16", "NaN")));
    }
    tests.add(halfTest(weightTest("q8", "binary16: grouped, k 40, g 16",
        bits(gaussian(2 * 40, 0.1f)), 2, 40, 16, true, "Q8", "Binary16", "Grouped",
        "PartialGroup", "Binary16Requantized")));
    return tests;
  }

  /** Scale codes under row steps (spec 1.4): the last group, so earlier tcIds stay stable. */
  JsonArray weightQuantStepCodes() {
    JsonArray tests = new JsonArray();
    for (String format : new String[] {"q35", "int4"}) {
      float[] ramp = new float[16];
      for (int i = 0; i < 16; i++) {
        ramp[i] = i;
      }
      tests.add(stepTest(weightTest(format, "k6: ramp 0..15, g 4: equal scales, offsets 1.6 to"
          + " 13.6", bits(ramp), 1, 16, 4, SpecModel.ScaleType.K6, "StepCodes", "Grouped")));
      // d = 3.9375 / 63 = 1/16 exactly; s = 0.15625 = 2.5 d and 0.21875 = 3.5 d: ties to 2, 4
      tests.add(stepTest(weightTest(format, "k6: scale codes 2.5 and 3.5 are ties, rounded to"
          + " even (2 and 4)", bits(new float[] {0f, 59.0625f, 0f, 2.34375f, 0f, 3.28125f}), 1, 6,
          2, SpecModel.ScaleType.K6, "StepCodes", "StepCodeTie", "Grouped")));
      tests.add(stepTest(weightTest(format, "k6: grouped, 3 rows of 64, g 8",
          bits(gaussian(3 * 64, 0.05f)), 3, 64, 8, SpecModel.ScaleType.K6, "StepCodes",
          "Grouped")));
      tests.add(stepTest(weightTest(format, "k6: 2 rows of 172, g 16: 11 groups, the last of 12",
          bits(gaussian(2 * 172, 0.02f)), 2, 172, 16, SpecModel.ScaleType.K6, "StepCodes",
          "Grouped", "PartialGroup", "OddGroups")));
      tests.add(stepTest(weightTest(format, "k6: a constant row (d = 0) and a zero row (d = e ="
          + " 0)", bits(new float[] {3f, 3f, 3f, 3f, 0f, 0f, 0f, 0f}), 2, 4, 2,
          SpecModel.ScaleType.K6, "StepCodes", "ZeroStep", "ConstantGroup")));
      tests.add(stepTest(weightTest(format, "k6: range 2^-22 next to range 1: the small group's"
          + " scale code is 0", bits(new float[] {1f, 1.0000002f, 1.0000001f, 1f, -0.5f, 0.5f,
              0.25f, 0f}), 1, 8, 4, SpecModel.ScaleType.K6, "StepCodes", "SmallScale",
          "Grouped")));
      tests.add(stepTest(weightTest(format, "k6: -2^15 to 2^15, the accepted limits",
          new int[] {0xc7000000, 0x47000000, 0, 0x3f800000, 0x46fffe00, 0xc6000000}, 1, 6, 2,
          SpecModel.ScaleType.K6, "StepCodes", "ExtremeRange", "Grouped")));
      tests.add(stepTest(weightTest(format, "k6: negative-only row, one group per row",
          bits(new float[] {-1f, -2f, -3.5f, -0.25f, -7f, -1e-3f}), 1, 6, 6,
          SpecModel.ScaleType.K6, "StepCodes", "Negative", "PerRow")));
      tests.add(invalidWeight(format, "k6: |w| just above 2^15", new int[] {0x3f800000,
          0x47000001}, 1, 2, 2, SpecModel.ScaleType.K6, "StepCodes", "TooLarge"));
    }
    tests.add(stepTest(weightTest("q8", "k6: grouped, k 40, g 16", bits(gaussian(2 * 40, 0.1f)),
        2, 40, 16, SpecModel.ScaleType.K6, "Q8", "StepCodes", "Grouped", "PartialGroup",
        "OddGroups")));
    return tests;
  }

  /** Marks a weight test as having scale codes; its steps16 and stepCodes come from the model. */
  JsonObject stepTest(JsonObject t) {
    JsonObject out = new JsonObject();
    for (Map.Entry<String, com.google.gson.JsonElement> e : t.entrySet()) {
      if (!e.getKey().equals("steps16") && !e.getKey().equals("stepCodes")) {
        out.add(e.getKey(), e.getValue());
      }
      if (e.getKey().equals("format")) {
        out.addProperty("scaleType", "k6");
      }
    }
    if (out.get("result").getAsString().equals("valid")) {
      out.add("steps16", t.get("steps16"));
      out.add("stepCodes", t.get("stepCodes"));
    }
    return out;
  }

  /**
   * Marks a weight test as binary16 and adds the 16-bit patterns of its scales and offsets,
   * taken from the binary32 bits of each (exact) binary16 value by bit arithmetic; checks the
   * Binary16Requantized flag against the codes the binary32 rule gives.
   */
  JsonObject halfTest(JsonObject t) {
    JsonObject out = new JsonObject();
    for (Map.Entry<String, com.google.gson.JsonElement> e : t.entrySet()) {
      out.add(e.getKey(), e.getValue());
      if (e.getKey().equals("format")) {
        out.addProperty("scaleType", "binary16");
      }
    }
    if (out.get("result").getAsString().equals("valid")) {
      out.add("scales16", halves(out.getAsJsonArray("scales")));
      out.add("offsets16", halves(out.getAsJsonArray("offsets")));
    }
    return out;
  }

  static JsonArray halves(JsonArray binary32) {
    JsonArray out = new JsonArray();
    for (int i = 0; i < binary32.size(); i++) {
      out.add(String.format("%04x", halfBits((int) Long.parseLong(binary32.get(i).getAsString(),
          16))));
    }
    return out;
  }

  /** The binary16 pattern of a binary32 pattern whose value is a binary16 number. */
  static int halfBits(int b) {
    int sign = b >>> 31 << 15;
    int exp = (b >>> 23 & 0xff) - 127;
    int frac = b & 0x7fffff;
    if ((b & 0x7fffffff) == 0) {
      return sign;
    }
    if (exp >= -14) {
      if ((frac & 0x1fff) != 0 || exp > 15) {
        throw new IllegalStateException("not a binary16 value: " + Integer.toHexString(b));
      }
      return sign | (exp + 15) << 10 | frac >>> 13;
    }
    int mant = frac | 0x800000; // 2^exp * mant / 2^23 = f * 2^-24
    int shift = 13 - 14 - exp;
    if (shift > 23 || (mant & ((1 << shift) - 1)) != 0) {
      throw new IllegalStateException("not a binary16 value: " + Integer.toHexString(b));
    }
    return sign | mant >>> shift;
  }

  /** Packed matrices to unpack and dequantize, in every format, and their errors. */
  JsonArray dequantizeTests() {
    JsonArray tests = new JsonArray();
    // q35: all 128 codes once, in pairs 0..127 of a 256-wide row.
    int[][] all = new int[1][256];
    for (int c = 0; c < 128; c++) {
      all[0][2 * c] = SpecModel.signExtend(c >> 3, 4);
      all[0][2 * c + 1] = 2 * SpecModel.signExtend(c & 7, 3);
    }
    tests.add(dequantizeTest("q35", "every pair code once", all, 256, 128, "AllCodes"));
    int[][] nibbles = new int[2][16];
    for (int i = 0; i < 16; i++) {
      nibbles[0][i] = i - 8;
      nibbles[1][i] = 7 - i;
    }
    tests.add(dequantizeTest("int4", "every nibble once, both orders", nibbles, 16, 8,
        "AllCodes"));
    for (String format : new String[] {"q35", "int4", "q8"}) {
      tests.add(dequantizeTest(format, "3 rows of 17: each row starts on its own byte",
          randomLattice(format, 3, 17), 17, 17, "RowAlignment", "Padding"));
      tests.add(dequantizeTest(format, "2 rows of 40, groups of 16", randomLattice(format, 2, 40),
          40, 16, "Grouped", "PartialGroup"));
    }
    int[][] lat = randomLattice("q35", 2, 17);
    byte[] packed = SpecModel.packMatrix("q35", lat, 17);
    int rb = SpecModel.rowBytes("q35", 17);
    byte[] block = packed.clone();
    // Row 1, code 12 (positions 24 and 25, past k = 17): stream bits 84..90, byte 10 bit 4.
    block[rb + 10] |= (byte) 0x10;
    tests.add(invalidDequantize("q35", "row 1: a code past the row's pairs is not zero", block,
        2, 17, 17, "BlockPadding"));
    byte[] pair = packed.clone();
    // Row 0, pair 8 (position 16 is the last input; position 17 is padding): its 3-bit half is
    // stream bits 56..58, byte 7 bits 0..2.
    pair[7] |= (byte) 0x01;
    tests.add(invalidDequantize("q35", "row 0: the 3-bit half of the last pair (k odd) is not"
        + " zero", pair, 2, 17, 17, "Padding"));
    int[][] lat4 = randomLattice("int4", 2, 17);
    byte[] nib = SpecModel.packMatrix("int4", lat4, 17);
    nib[2 * 9 - 1] |= (byte) 0x30; // row 1's last byte: its high nibble is padding
    tests.add(invalidDequantize("int4", "row 1: the last high nibble (k odd) is not zero", nib,
        2, 17, 17, "Padding"));
    byte[] good = SpecModel.packMatrix("q35", lat, 17);
    tests.add(invalidDequantize("q35", "packed one byte short", java.util.Arrays.copyOf(good,
        good.length - 1), 2, 17, 17, "BadShape"));
    tests.add(invalidDequantize("int5", "unknown format name", good, 2, 17, 17,
        "UnknownFormat"));
    JsonObject negScale = dequantizeInputs("q35", "a negative scale", good, 2, 17, 17,
        new int[] {f(0.5f), f(-0.5f)}, new int[] {0, 0}, "BadScale");
    invalid(negScale, expectError(() -> SpecModel.dequantizePacked("q35", good,
        new int[] {f(0.5f), f(-0.5f)}, new int[] {0, 0}, 2, 17, 17)));
    tests.add(negScale);
    JsonObject nanOffset = dequantizeInputs("int4", "a NaN offset", nibblesPacked(lat4), 2, 17,
        17, new int[] {f(0.5f), f(0.5f)}, new int[] {0x7fc00000, 0}, "BadScale");
    invalid(nanOffset, expectError(() -> SpecModel.dequantizePacked("int4",
        nibblesPacked(lat4), new int[] {f(0.5f), f(0.5f)}, new int[] {0x7fc00000, 0}, 2, 17,
        17)));
    tests.add(nanOffset);
    return tests;
  }

  static byte[] nibblesPacked(int[][] lattice) {
    return SpecModel.packMatrix("int4", lattice, lattice[0].length);
  }

  /** Random lattice rows of a format (q35: even values at odd positions). */
  int[][] randomLattice(String format, int n, int k) {
    int[][] lat = new int[n][k];
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < k; i++) {
        lat[j][i] = switch (format) {
          case "q8" -> random.nextInt(256) - 128;
          case "q35" -> i % 2 == 1 ? 2 * (random.nextInt(8) - 4) : random.nextInt(16) - 8;
          default -> random.nextInt(16) - 8;
        };
      }
    }
    return lat;
  }

  /** Random scales (in [0, 0.1)) and offsets (in [-0.5, 0.5)) of n rows of G groups. */
  int[][] randomParams(int n, int groups) {
    int[] s = new int[n * groups];
    int[] m = new int[n * groups];
    for (int i = 0; i < s.length; i++) {
      s[i] = f(random.nextFloat() * 0.1f);
      m[i] = f(random.nextFloat() - 0.5f);
    }
    return new int[][] {s, m};
  }

  JsonObject dequantizeInputs(String format, String comment, byte[] packed, int n, int k, int g,
      int[] scales, int[] offsets, String... flags) {
    JsonObject t = test(comment, flags);
    putMatrix(t, format, n, k, g, packed, scales, offsets);
    return t;
  }

  JsonObject dequantizeTest(String format, String comment, int[][] lattice, int k, int g,
      String... flags) {
    int n = lattice.length;
    int[][] p = randomParams(n, (k + g - 1) / g);
    byte[] packed = SpecModel.packMatrix(format, lattice, k);
    JsonObject t = dequantizeInputs(format, comment, packed, n, k, g, p[0], p[1], flags);
    SpecModel.Dequantized d = SpecModel.dequantizePacked(format, packed, p[0], p[1], n, k, g);
    JsonArray flat = new JsonArray();
    for (int[] row : d.lattice()) {
      for (int v : row) {
        flat.add(v);
      }
    }
    t.add("lattice", flat);
    t.add("dequantized", floats(d.dequantizedBits()));
    valid(t);
    return t;
  }

  JsonObject invalidDequantize(String format, String comment, byte[] packed, int n, int k,
      int g, String... flags) {
    int groups = (k + g - 1) / g;
    int[][] p = randomParams(n, groups);
    JsonObject t = dequantizeInputs(format, comment, packed, n, k, g, p[0], p[1], flags);
    invalid(t, expectError(() -> SpecModel.dequantizePacked(format, packed, p[0], p[1], n, k,
        g)));
    return t;
  }

  static int countTests(JsonArray groups) {
    int c = 0;
    for (int i = 0; i < groups.size(); i++) {
      c += groups.get(i).getAsJsonObject().getAsJsonArray("tests").size();
    }
    return c;
  }

  JsonObject weightTest(String format, String comment, int[] w, int n, int k, int g,
      String... flags) {
    return weightTest(format, comment, w, n, k, g, false, flags);
  }

  JsonObject weightTest(String format, String comment, int[] w, int n, int k, int g,
      boolean half, String... flags) {
    return weightTest(format, comment, w, n, k, g,
        half ? SpecModel.ScaleType.BINARY16 : SpecModel.ScaleType.BINARY32, flags);
  }

  JsonObject weightTest(String format, String comment, int[] w, int n, int k, int g,
      SpecModel.ScaleType type, String... flags) {
    JsonObject t = test(comment, flags);
    t.addProperty("format", format);
    t.addProperty("n", n);
    t.addProperty("k", k);
    t.addProperty("g", g);
    t.add("weights", floats(w));
    QuantizedMatrix q = SpecModel.quantize(format, w, n, k, g, type);
    if (java.util.Arrays.asList(flags).contains("Binary16Requantized")
        && java.util.Arrays.deepEquals(q.lattice(),
            SpecModel.quantize(format, w, n, k, g).lattice())) {
      throw new IllegalStateException(comment + ": the binary32 rule gives the same codes");
    }
    t.add("scales", floats(q.scaleBits()));
    t.add("offsets", floats(q.offsetBits()));
    JsonArray lattice = new JsonArray();
    for (int[] row : q.lattice()) {
      for (int v : row) {
        lattice.add(v);
      }
    }
    t.add("lattice", lattice);
    t.addProperty("packed", hexBytes(q.packed()));
    t.add("dequantized", floats(q.dequantizedBits()));
    if (type == SpecModel.ScaleType.K6) {
      t.add("steps16", halves(floats(q.stepBits())));
      t.addProperty("stepCodes", hexBytes(q.stepCodes()));
      checkFlags(comment, q, flags);
    }
    int[][] back = SpecModel.unpackMatrix(format, q.packed(), n, k);
    if (!java.util.Arrays.deepEquals(back, q.lattice())) {
      throw new IllegalStateException("reference packing does not round-trip");
    }
    valid(t);
    return t;
  }

  JsonObject invalidWeight(String format, String comment, int[] w, int n, int k, int g,
      String... flags) {
    return invalidWeight(format, comment, w, n, k, g, false, flags);
  }

  JsonObject invalidWeight(String format, String comment, int[] w, int n, int k, int g,
      boolean half, String... flags) {
    return invalidWeight(format, comment, w, n, k, g,
        half ? SpecModel.ScaleType.BINARY16 : SpecModel.ScaleType.BINARY32, flags);
  }

  JsonObject invalidWeight(String format, String comment, int[] w, int n, int k, int g,
      SpecModel.ScaleType type, String... flags) {
    JsonObject t = test(comment, flags);
    t.addProperty("format", format);
    if (type == SpecModel.ScaleType.K6) {
      t.addProperty("scaleType", "k6");
    }
    t.addProperty("n", n);
    t.addProperty("k", k);
    t.addProperty("g", g);
    t.add("weights", floats(w));
    invalid(t, expectError(() -> SpecModel.quantize(format, w, n, k, g, type)));
    return t;
  }

  /** Checks that a scale-code vector shows what its flags claim (ties, zero steps, ...). */
  static void checkFlags(String comment, QuantizedMatrix q, String... flags) {
    java.util.List<String> f = java.util.Arrays.asList(flags);
    byte[] c = q.stepCodes();
    int rows = q.lattice().length;
    int groups = q.scaleBits().length / rows;
    int rowBytes = (3 * groups + 1) / 2;
    boolean zeroStep = false;
    boolean zeroScaleCode = false;
    boolean tie = false;
    for (int j = 0; j < rows; j++) {
      zeroStep |= q.stepBits()[2 * j] == 0 || q.stepBits()[2 * j + 1] == 0;
      for (int gi = 0; gi < groups; gi++) {
        int bit = 12 * gi;
        int word = ((c[j * rowBytes + bit / 8] & 255) | (c[j * rowBytes + bit / 8 + 1] & 255) << 8)
            >> (bit % 8) & 4095;
        zeroScaleCode |= (word & 63) == 0 && q.stepBits()[2 * j] != 0;
        tie |= (word & 63) == 2 || (word & 63) == 4;
      }
      if (groups % 2 == 1 && (c[j * rowBytes + rowBytes - 1] & 0xf0) != 0) {
        throw new IllegalStateException(comment + ": non-zero bits after the last code");
      }
    }
    if (f.contains("ZeroStep") && !zeroStep || f.contains("SmallScale") && !zeroScaleCode
        || f.contains("StepCodeTie") && !tie || f.contains("OddGroups") && groups % 2 == 0) {
      throw new IllegalStateException(comment + ": the flags do not match the codes");
    }
  }

  // ------------------------------------------------------------------ activations

  String activationQuant() {
    JsonArray tests = new JsonArray();
    tests.add(actTest("ramp", bits(new float[] {-1f, -0.5f, 0f, 0.25f, 0.5f, 1f}), "Typical"));
    tests.add(actTest("ties: max 127 gives scale 1; x = k + 0.5",
        bits(new float[] {127f, 2.5f, 3.5f, -2.5f, -3.5f, 0.5f, -0.5f, 126.5f}), "Tie"));
    tests.add(actTest("all zeros", bits(new float[] {0f, 0f, 0f}), "Zero"));
    tests.add(actTest("signed zeros", new int[] {0x80000000, 0, 0x80000000}, "Zero",
        "SignedZero"));
    tests.add(actTest("single element", bits(new float[] {-3.75f}), "Single"));
    tests.add(actTest("max|x| subnormal: scale underflows to 0, codes 0",
        new int[] {1, 0x80000010, 5}, "Subnormal", "ScaleUnderflow"));
    tests.add(actTest("subnormal scale", new int[] {0x00400000, 0x80200000, 0x00000100},
        "Subnormal"));
    tests.add(actTest("largest accepted magnitudes, 2^32", new int[] {0x4f800000, 0xcf800000,
        0x3f800000}, "Extreme"));
    tests.add(invalidAct("|x| above 2^32", new int[] {0x3f800000, 0x7f7fffff}, "TooLarge"));
    tests.add(actTest("one outlier", bits(new float[] {0.01f, 0.02f, -0.015f, 40f}), "Outlier"));
    tests.add(actTest("random, 64 values", bits(gaussian(64, 1.5f)), "Typical"));
    tests.add(actTest("random, 172 values", bits(gaussian(172, 0.3f)), "Typical"));
    tests.add(invalidAct("NaN activation", bits(new float[] {1f, Float.NaN}), "NaN"));
    tests.add(invalidAct("+Inf activation", bits(new float[] {Float.POSITIVE_INFINITY}),
        "Infinity"));
    tests.add(invalidAct("empty vector", new int[0], "BadShape"));
    // max|x| = 1, scale = f32(1/127). Each other x is the float nearest (k + 0.5) * scale: the
    // exact x / scale misses the tie by about 2e-6, and binary32 rounds the quotient onto it.
    tests.add(actTest("x / scale rounded to binary32 lands on a tie k + 0.5 (4.5, 5.5, 6.5, 7.5,"
        + " -124.5, -119.5) that the exact quotient misses", new int[] {f(1f), 0x3d112245,
            0x3d3162c5, 0x3d51a347, 0x3d71e3c7, 0xbf7af5ec, 0xbf70e1c3}, "Binary32Quotient",
        "Tie"));
    Map<String, String> notes = new LinkedHashMap<>();
    notes.put("Typical", "ordinary values");
    notes.put("Tie", "x / scale is exactly k + 0.5: ties to even");
    notes.put("Zero", "max|x| = 0: scale 0, codes 0");
    notes.put("SignedZero", "-0 inputs");
    notes.put("Single", "a vector of one value");
    notes.put("Subnormal", "subnormal inputs are used as they are (no flush to zero)");
    notes.put("ScaleUnderflow", "max|x| / 127 rounds to 0: codes 0");
    notes.put("Extreme", "largest finite values");
    notes.put("Outlier", "one value dominates the scale");
    notes.put("NaN", "NaN is refused");
    notes.put("Infinity", "infinity is refused");
    notes.put("TooLarge", "|x| above 2^32 is refused");
    notes.put("BadShape", "an empty vector is refused");
    notes.put("Binary32Quotient", "x / scale must be rounded to binary32 before rint: without"
        + " that rounding, some codes differ by one");
    JsonArray groups = new JsonArray();
    groups.add(group("ActivationQuantTest", tests));
    return file("q35-activation-quantization", notes, groups, tests.size());
  }

  JsonObject actTest(String comment, int[] x, String... flags) {
    JsonObject t = test(comment, flags);
    t.add("x", floats(x));
    QuantizedActivations a = SpecModel.quantizeActivations(x);
    t.addProperty("scale", hexFloat(a.scaleBits()));
    t.add("codes", ints(a.codes()));
    valid(t);
    return t;
  }

  JsonObject invalidAct(String comment, int[] x, String flag) {
    JsonObject t = test(comment, flag);
    t.add("x", floats(x));
    invalid(t, expectError(() -> SpecModel.quantizeActivations(x)));
    return t;
  }

  // ------------------------------------------------------------------ matvec

  String matvec() {
    JsonArray groups = new JsonArray();
    for (String format : new String[] {"q35", "int4"}) {
      JsonArray tests = new JsonArray();
      tests.add(endToEnd(format, "4 x 16, per row", 4, 16, 16, "PerRow"));
      tests.add(endToEnd(format, "3 x 64, g 32", 3, 64, 32, "Grouped"));
      tests.add(endToEnd(format, "2 x 172, g 32, partial last group", 2, 172, 32, "Grouped",
          "PartialGroup"));
      tests.add(endToEnd(format, "5 x 17, per row, padding", 5, 17, 17, "Padding"));
      tests.add(endToEnd(format, "1 x 1", 1, 1, 1, "Padding"));
      // Extreme accumulators: every product at the bound.
      for (int[] spec : new int[][] {{4096, -127, -8}, {17000, 127, -8}, {17000, -127, 7}}) {
        int k = spec[0];
        int[] xq = new int[k];
        java.util.Arrays.fill(xq, spec[1]);
        int[][] lattice = new int[1][k];
        for (int i = 0; i < k; i++) {
          lattice[0][i] = format.equals("q35") && i % 2 == 1 ? (spec[2] == 7 ? 6 : -8) : spec[2];
        }
        tests.add(matvecTest(format, "k " + k + ", activations " + spec[1] + ", lattice "
            + spec[2] + ": " + accumulatorNote(lattice, xq), lattice, new int[] {f(0.001f)},
            new int[] {f(-0.25f)}, 1, k, k, xq, f(0.01f), "LargeAccumulator"));
      }
      {
        int k = 16;
        int[][] lattice = SpecModel.quantize(format, bits(gaussian(2 * k, 1f)), 2, k, k)
            .lattice();
        int[] xq = new int[k];
        for (int i = 0; i < k; i++) {
          xq[i] = random.nextInt(255) - 127;
        }
        QuantizedMatrix q = SpecModel.quantize(format, bits(gaussian(2 * k, 1f)), 2, k, k);
        tests.add(matvecTest(format, "activation scale 0 with nonzero codes: outputs are +0 or"
            + " -0 by IEEE sign rules", lattice, q.scaleBits(), q.offsetBits(), 2, k, k, xq,
            0, "SignedZero"));
        int[] bad = xq.clone();
        bad[3] = -128;
        tests.add(invalidMatvec(format, "activation code -128", q, 2, k, k, bad, f(1f), "ACT_RANGE",
            "ActRange"));
        int[] nanScale = q.scaleBits().clone();
        nanScale[1] = 0x7fc00000;
        tests.add(invalidMatvec(format, "NaN scale", new QuantizedMatrix(q.lattice(), nanScale,
            q.offsetBits(), q.packed(), q.dequantizedBits()), 2, k, k, xq, f(1f), "BAD_SCALE",
            "BadScale"));
        int[] negScale = q.scaleBits().clone();
        negScale[0] = f(-1f);
        tests.add(invalidMatvec(format, "negative scale", new QuantizedMatrix(q.lattice(),
            negScale, q.offsetBits(), q.packed(), q.dequantizedBits()), 2, k, k, xq, f(1f),
            "BAD_SCALE", "BadScale"));
        tests.add(invalidMatvec(format, "infinite activation scale", q, 2, k, k, xq,
            0x7f800000, "BAD_SCALE", "BadScale"));
        tests.add(invalidMatvec(format, "activation scale above 2^30", q, 2, k, k, xq,
            0x4e800001, "BAD_SCALE", "BadScale"));
        tests.add(invalidMatvec(format, "activation vector shorter than k", q, 2, k, k,
            java.util.Arrays.copyOf(xq, k - 1), f(1f), "SHAPE", "BadShape"));
      }
      {
        int k = 15;
        QuantizedMatrix q = SpecModel.quantize(format, bits(gaussian(k, 1f)), 1, k, k);
        byte[] packed = q.packed().clone();
        // Position 15 (beyond k) is padding: set its bits.
        if (format.equals("q35")) {
          packed[6] |= (byte) 0x02; // code 7 occupies bits 49..55; its 3-bit half is bits 49..51
        } else {
          packed[7] |= (byte) 0x10;
        }
        int[] xq = new int[k];
        tests.add(invalidMatvec(format, "nonzero padding beyond k", new QuantizedMatrix(
            q.lattice(), q.scaleBits(), q.offsetBits(), packed, q.dequantizedBits()), 1, k, k, xq,
            f(1f), "PADDING", "Padding"));
      }
      groups.add(group("MatvecTest", tests));
    }
    groups.add(group("MatvecTest", matvecAdded()));
    groups.add(group("MatmulTest", matmulTests()));
    Map<String, String> notes = new LinkedHashMap<>();
    notes.put("PerRow", "one group per row");
    notes.put("Grouped", "several groups per row");
    notes.put("PartialGroup", "the last group is shorter than g");
    notes.put("Padding", "k not a multiple of 16");
    notes.put("LargeAccumulator", "every product at +-1016 or near: accumulators near the"
        + " int32 bound's edge; the comment says whether f32(acc) rounds");
    notes.put("RoundedAccumulator", "an odd |acc| above 2^24: f32(acc) rounds, and converting"
        + " acc to float without that rounding changes the output");
    notes.put("ZeroTotal", "every group term is -0: the total starts at +0, so it is +0, and so"
        + " is the output (a total that starts at -0 would give -0)");
    notes.put("BlockPadding", "q35 codes past the last pair of a row, up to the 8-code block,"
        + " are padding and must be zero");
    notes.put("UnknownFormat", "a format name other than q35 and int4 is refused");
    notes.put("Rows", "several activation rows, each with its own scale");
    notes.put("SignedZero", "zero results keep IEEE signs");
    notes.put("ActRange", "activation codes lie in [-127, 127]");
    notes.put("BadScale", "scales must lie in [0, 2^30]; offsets in [-2^33, 2^33]");
    notes.put("BadShape", "array lengths must match the shape");
    notes.put("Padding", "k not a multiple of 16; or nonzero padding, which must be refused");
    return file("q35-matvec", notes, groups, countTests(groups));
  }

  /** Whether binary32 represents every accumulator of a one-row product exactly. */
  static String accumulatorNote(int[][] lattice, int[] xq) {
    long acc = 0;
    for (int i = 0; i < xq.length; i++) {
      acc += (long) xq[i] * lattice[0][i];
    }
    Exact.Q exact = Exact.Q.of(acc);
    Exact.Q rounded = Exact.f32(exact);
    return rounded.equals(exact) ? "acc = " + acc + ", exact in binary32"
        : "acc = " + acc + ", which binary32 rounds to " + rounded.num();
  }

  /** Matvec vectors added in spec version 1.1, after the first two groups. */
  JsonArray matvecAdded() {
    JsonArray tests = new JsonArray();
    for (String format : new String[] {"q35", "int4"}) {
      // Two rows of 16,528 inputs, every product 1016 except one, three (or five) of 889:
      // odd accumulators just above 2^24, which f32 rounds.
      int k = 16528;
      int[] xq = new int[k];
      java.util.Arrays.fill(xq, -127);
      int[][] lattice = new int[2][k];
      for (int j = 0; j < 2; j++) {
        java.util.Arrays.fill(lattice[j], -8);
        for (int c = 0; c < 1 + 2 * j; c++) {
          lattice[j][2 * c] = -7;
        }
      }
      tests.add(matvecTest(format, "two rows with odd accumulators above 2^24 ("
          + accumulatorNote(new int[][] {lattice[0]}, xq) + "; " + accumulatorNote(
              new int[][] {lattice[1]}, xq) + ")", lattice, new int[] {f(0.75f), f(0.3f)},
          new int[] {f(-0.25f), f(0.5f)}, 2, k, k, xq, f(0.37f), "RoundedAccumulator",
          "LargeAccumulator"));
      // Scales +0 and -0, offsets +0, negative activation sum: every term is -0.
      int[][] nonzero = new int[2][16];
      for (int i = 0; i < 16; i++) {
        nonzero[0][i] = i % 2 == 0 ? 7 : 6;
        nonzero[1][i] = i % 2 == 0 ? -3 : -2;
      }
      int[] minusOnes = new int[16];
      java.util.Arrays.fill(minusOnes, -1);
      tests.add(matvecTest(format, "scales +0 and -0, offsets +0, activation sums negative:"
          + " every group term is -0, the outputs are +0", nonzero,
          new int[] {0, 0, 0x80000000, 0x80000000}, new int[] {0, 0, 0, 0}, 2, 16, 8, minusOnes,
          f(1f), "ZeroTotal", "SignedZero", "Grouped"));
      QuantizedMatrix q = SpecModel.quantize(format, bits(gaussian(2 * 17, 1f)), 2, 17, 17);
      int[] xq17 = new int[17];
      for (int i = 0; i < 17; i++) {
        xq17[i] = random.nextInt(255) - 127;
      }
      tests.add(invalidMatvec(format.equals("q35") ? "q3" : "int3", "unknown format name", q, 2,
          17, 17, xq17, f(1f), "FORMAT", "UnknownFormat"));
      if (format.equals("q35")) {
        byte[] packed = q.packed().clone();
        // Row 1 (bytes 14..27), code 12 (past the 9 pairs of k = 17): byte 10 of the row, bit 4.
        packed[14 + 10] |= (byte) 0x10;
        tests.add(invalidMatvec(format, "row 1: a code past the row's pairs is not zero",
            new QuantizedMatrix(q.lattice(), q.scaleBits(), q.offsetBits(), packed,
                q.dequantizedBits()), 2, 17, 17, xq17, f(1f), "PADDING", "BlockPadding"));
      }
    }
    return tests;
  }

  /** Products of several activation rows with one matrix (matmul.md section 5). */
  JsonArray matmulTests() {
    JsonArray tests = new JsonArray();
    for (String format : new String[] {"q35", "int4"}) {
      tests.add(matmulTest(format, "3 rows x 4 x 40, g 16; the second row has scale 0", 4, 40,
          16, 3, true, "Rows", "Grouped", "PartialGroup"));
      tests.add(matmulTest(format, "one row, 2 x 17", 2, 17, 17, 1, false, "Padding"));
      tests.add(matmulTest(format, "5 rows x 3 x 64, per row", 3, 64, 64, 5, false, "Rows",
          "PerRow"));
    }
    QuantizedMatrix q = SpecModel.quantize("q35", bits(gaussian(2 * 16, 1f)), 2, 16, 16);
    int[] two = randomCodes(2 * 16);
    tests.add(invalidMatmul("q35", "m = 0 activation rows", q, 2, 16, 16, 0, new int[0],
        new int[0], "BadShape"));
    tests.add(invalidMatmul("q35", "one activation scale for two rows", q, 2, 16, 16, 2, two,
        new int[] {f(1f)}, "BadShape"));
    int[] bad = two.clone();
    bad[16 + 5] = -128;
    tests.add(invalidMatmul("int4", "row 1 holds the code -128", SpecModel.quantize("int4",
        bits(gaussian(2 * 16, 1f)), 2, 16, 16), 2, 16, 16, 2, bad, new int[] {f(1f), f(1f)},
        "ActRange"));
    tests.add(invalidMatmul("q35", "row 1's scale is NaN", q, 2, 16, 16, 2, two,
        new int[] {f(1f), 0x7fc00000}, "BadScale"));
    return tests;
  }

  int[] randomCodes(int count) {
    int[] c = new int[count];
    for (int i = 0; i < count; i++) {
      c[i] = random.nextInt(255) - 127;
    }
    return c;
  }

  /** The inputs every packed-matrix vector has: format, shape, packed rows and parameters. */
  static void putMatrix(JsonObject t, String format, int n, int k, int g, byte[] packed,
      int[] scales, int[] offsets) {
    t.addProperty("format", format);
    t.addProperty("n", n);
    t.addProperty("k", k);
    t.addProperty("g", g);
    t.addProperty("packed", hexBytes(packed));
    t.add("scales", floats(scales));
    t.add("offsets", floats(offsets));
  }

  JsonObject matmulInputs(String format, String comment, QuantizedMatrix q, int n, int k, int g,
      int m, int[] xq, int[] xScales, String... flags) {
    JsonObject t = test(comment, flags);
    putMatrix(t, format, n, k, g, q.packed(), q.scaleBits(), q.offsetBits());
    t.addProperty("m", m);
    t.add("xq", ints(xq));
    t.add("xScales", floats(xScales));
    return t;
  }

  JsonObject matmulTest(String format, String comment, int n, int k, int g, int m,
      boolean zeroScaleRow, String... flags) {
    QuantizedMatrix q = SpecModel.quantize(format, bits(gaussian(n * k, 0.2f)), n, k, g);
    int[] xq = new int[m * k];
    int[] xScales = new int[m];
    for (int r = 0; r < m; r++) {
      QuantizedActivations a = SpecModel.quantizeActivations(bits(gaussian(k, 1f + r)));
      System.arraycopy(a.codes(), 0, xq, r * k, k);
      xScales[r] = zeroScaleRow && r == 1 ? 0 : a.scaleBits();
    }
    JsonObject t = matmulInputs(format, comment, q, n, k, g, m, xq, xScales, flags);
    t.add("out", floats(SpecModel.matmulPacked(format, q.packed(), q.scaleBits(),
        q.offsetBits(), n, k, g, m, xq, xScales)));
    valid(t);
    return t;
  }

  JsonObject invalidMatmul(String format, String comment, QuantizedMatrix q, int n, int k,
      int g, int m, int[] xq, int[] xScales, String flag) {
    JsonObject t = matmulInputs(format, comment, q, n, k, g, m, xq, xScales, flag);
    invalid(t, expectError(() -> SpecModel.matmulPacked(format, q.packed(), q.scaleBits(),
        q.offsetBits(), n, k, g, m, xq, xScales)));
    return t;
  }

  JsonObject endToEnd(String format, String comment, int n, int k, int g, String... flags) {
    QuantizedMatrix q = SpecModel.quantize(format, bits(gaussian(n * k, 0.2f)), n, k, g);
    QuantizedActivations a = SpecModel.quantizeActivations(bits(gaussian(k, 2f)));
    return matvecTest(format, comment, q.lattice(), q.scaleBits(), q.offsetBits(), n, k, g,
        a.codes(), a.scaleBits(), flags);
  }

  JsonObject matvecTest(String format, String comment, int[][] lattice, int[] scales,
      int[] offsets, int n, int k, int g, int[] xq, int xScale, String... flags) {
    JsonObject t = test(comment, flags);
    putMatrix(t, format, n, k, g, SpecModel.packMatrix(format, lattice, k), scales, offsets);
    t.add("xq", ints(xq));
    t.addProperty("xScale", hexFloat(xScale));
    Product p = SpecModel.matvec(lattice, scales, offsets, n, k, g, xq, xScale);
    t.add("acc", longs(p.acc()));
    t.add("sums", longs(p.sums()));
    t.add("out", floats(p.outBits()));
    valid(t);
    return t;
  }

  JsonObject invalidMatvec(String format, String comment, QuantizedMatrix q, int n, int k, int g,
      int[] xq, int xScale, String error, String flag) {
    JsonObject t = test(comment, flag);
    putMatrix(t, format, n, k, g, q.packed(), q.scaleBits(), q.offsetBits());
    t.add("xq", ints(xq));
    t.addProperty("xScale", hexFloat(xScale));
    String fromModel = expectError(() -> SpecModel.matvecPacked(format, q.packed(),
        q.scaleBits(), q.offsetBits(), n, k, g, xq, xScale));
    if (!fromModel.equals(error)) {
      throw new IllegalStateException(comment + ": the model says " + fromModel + ", not "
          + error);
    }
    invalid(t, fromModel);
    return t;
  }
}
