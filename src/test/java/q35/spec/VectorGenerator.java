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
  static final String SPEC_VERSION = "1.0";
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
      tests.add(invalidWeight(format, "k = 0", new int[0], 1, 0, 1, "BadShape"));
      tests.add(invalidWeight(format, "n = 0", new int[0], 0, 4, 4, "BadShape"));
      tests.add(invalidWeight(format, "weights shorter than n * k", bits(gaussian(7, 1f)), 1, 8,
          8, "BadShape"));
      tests.add(invalidWeight(format, "k = 2,113,666: one over the int32 safety bound",
          new int[0], 1, 2113666, 2113666, "KTooLarge"));
      groups.add(group("WeightQuantTest", tests));
    }
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
    notes.put("KTooLarge", "k above 2,113,665 could overflow the int32 accumulator");
    return file("q35-weight-quantization", notes, groups, countTests(groups));
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
    JsonObject t = test(comment, flags);
    t.addProperty("format", format);
    t.addProperty("n", n);
    t.addProperty("k", k);
    t.addProperty("g", g);
    t.add("weights", floats(w));
    QuantizedMatrix q = SpecModel.quantize(format, w, n, k, g);
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
    int[][] back = SpecModel.unpackMatrix(format, q.packed(), n, k);
    if (!java.util.Arrays.deepEquals(back, q.lattice())) {
      throw new IllegalStateException("reference packing does not round-trip");
    }
    valid(t);
    return t;
  }

  JsonObject invalidWeight(String format, String comment, int[] w, int n, int k, int g,
      String flag) {
    JsonObject t = test(comment, flag);
    t.addProperty("format", format);
    t.addProperty("n", n);
    t.addProperty("k", k);
    t.addProperty("g", g);
    t.add("weights", floats(w));
    invalid(t, expectError(() -> SpecModel.quantize(format, w, n, k, g)));
    return t;
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
            + spec[2] + ": large accumulator, rounded when converted to float", lattice,
            new int[] {f(0.001f)}, new int[] {f(-0.25f)}, 1, k, k, xq, f(0.01f),
            "LargeAccumulator"));
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
    Map<String, String> notes = new LinkedHashMap<>();
    notes.put("PerRow", "one group per row");
    notes.put("Grouped", "several groups per row");
    notes.put("PartialGroup", "the last group is shorter than g");
    notes.put("Padding", "k not a multiple of 16");
    notes.put("LargeAccumulator", "every product at +-1016 or near: |acc| above 2^24");
    notes.put("SignedZero", "zero results keep IEEE signs");
    notes.put("ActRange", "activation codes lie in [-127, 127]");
    notes.put("BadScale", "scales must lie in [0, 2^30]; offsets in [-2^33, 2^33]");
    notes.put("BadShape", "array lengths must match the shape");
    notes.put("Padding", "k not a multiple of 16; or nonzero padding, which must be refused");
    return file("q35-matvec", notes, groups, countTests(groups));
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
    t.addProperty("format", format);
    t.addProperty("n", n);
    t.addProperty("k", k);
    t.addProperty("g", g);
    t.addProperty("packed", hexBytes(SpecModel.packMatrix(format, lattice, k)));
    t.add("scales", floats(scales));
    t.add("offsets", floats(offsets));
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
    t.addProperty("format", format);
    t.addProperty("n", n);
    t.addProperty("k", k);
    t.addProperty("g", g);
    t.addProperty("packed", hexBytes(q.packed()));
    t.add("scales", floats(q.scaleBits()));
    t.add("offsets", floats(q.offsetBits()));
    t.add("xq", ints(xq));
    t.addProperty("xScale", hexFloat(xScale));
    invalid(t, error);
    return t;
  }
}
