package q35.conformance;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import q35.backend.Backend;
import q35.backend.PreparedMatrix;
import q35.backend.ReferenceBackend;
import q35.kernel.Activations;
import q35.kernel.Codes;
import q35.kernel.InputOrder;
import q35.kernel.QuantMatrix;
import q35.kernel.WeightQuant;
import q35.quant.HalfBits;
import q35.quant.QuantizedMatrix;
import q35.quant.StepCodes;
import q35.quant.WeightFormat;

/**
 * Runs the kernel against every Wycheproof-style vector in spec/vectors and reports, per file,
 * how many passed. A port in another language does the same against its own kernel.
 *
 * <p>The runner only decodes a vector and hands it to the operation under test: it checks
 * nothing itself, so every {@code invalid} vector must be refused by that operation (arrays are
 * sized from the vector's own data, never from a shape the runner would have to validate).
 */
public final class ConformanceRunner {

  /** Outcome of one vector. */
  public record Outcome(String file, int tcId, boolean passed, String detail) {}

  /** Outcomes of all vectors, with counts per file. */
  public record Report(List<Outcome> outcomes) {
    public long passed() {
      return outcomes.stream().filter(Outcome::passed).count();
    }

    public long failed() {
      return outcomes.size() - passed();
    }

    public Map<String, long[]> perFile() {
      Map<String, long[]> m = new LinkedHashMap<>();
      for (Outcome o : outcomes) {
        long[] c = m.computeIfAbsent(o.file(), f -> new long[2]);
        c[o.passed() ? 0 : 1]++;
      }
      return m;
    }
  }

  private ConformanceRunner() {}

  /** Runs every vector through the {@code reference} backend (the verified kernel). */
  public static Report run(Path dir) throws IOException {
    return run(dir, new ReferenceBackend());
  }

  /**
   * Runs every {@code *.json} vector file in {@code dir} except the schema. What a backend
   * computes goes through {@code backend}: matrix products and accumulators
   * ({@code MatvecTest}, {@code MatmulTest}), activation quantization
   * ({@code ActivationQuantTest}) and dequantized weights ({@code DequantizeTest},
   * {@code WeightQuantTest}). The storage codec (pair codes, code streams, unpacked lattice
   * values), the offline weight quantizer and the per-group code sums run on the kernel for
   * every backend: backends receive packed matrices and decode them through it.
   */
  public static Report run(Path dir, Backend backend) throws IOException {
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(p -> p.toString().endsWith(".json"))
          .filter(p -> !fileName(p).contains("schema"))
          .sorted()
          .toList();
    }
    if (files.isEmpty()) {
      throw new IOException("no vector files in " + dir);
    }
    List<Outcome> outcomes = new ArrayList<>();
    for (Path file : files) {
      outcomes.addAll(runFile(Files.readAllBytes(file), fileName(file), backend));
    }
    return new Report(outcomes);
  }

  /**
   * Runs the vectors of one file's bytes.
   *
   * @throws VectorFormatException if the file is malformed (the only exception it throws)
   */
  public static List<Outcome> runFile(byte[] content, String name, Backend backend)
      throws VectorFormatException {
    JsonObject root = VectorFile.parse(content, name);
    List<Outcome> outcomes = new ArrayList<>();
    int declared = root.get("numberOfTests").getAsInt();
    int seen = 0;
    for (JsonElement ge : root.getAsJsonArray("testGroups")) {
      JsonObject group = ge.getAsJsonObject();
      String type = group.get("type").getAsString();
      for (JsonElement te : group.getAsJsonArray("tests")) {
        JsonObject t = te.getAsJsonObject();
        outcomes.add(runOne(name, type, t, backend));
        seen++;
      }
    }
    if (seen != declared) {
      outcomes.add(new Outcome(name, 0, false,
          "numberOfTests says " + declared + " but the file holds " + seen));
    }
    return outcomes;
  }

  static String fileName(Path p) {
    Path name = p.getFileName();
    return name == null ? p.toString() : name.toString();
  }

  static Outcome runOne(String file, String type, JsonObject t) {
    return runOne(file, type, t, new ReferenceBackend());
  }

  static Outcome runOne(String file, String type, JsonObject t, Backend backend) {
    int tcId = t.get("tcId").getAsInt();
    boolean expectValid = t.get("result").getAsString().equals("valid");
    String expectedError = t.has("error") ? t.get("error").getAsString() : "";
    try {
      String mismatch = switch (type) {
        case "PairCodeTest" -> pairCode(t);
        case "CodeStreamTest" -> codeStream(t);
        case "WeightQuantTest" -> weightQuant(t, backend);
        case "DequantizeTest" -> dequantize(t, backend);
        case "ActivationQuantTest" -> activationQuant(t, backend);
        case "MatvecTest" -> matvec(t, backend);
        case "MatmulTest" -> matmul(t, backend);
        case "InputOrderTest" -> inputOrder(t);
        default -> "unknown test type " + type;
      };
      if (!expectValid) {
        return new Outcome(file, tcId, false, "expected error " + expectedError + ", got none");
      }
      return new Outcome(file, tcId, mismatch.isEmpty(), mismatch);
    } catch (IllegalArgumentException e) {
      String msg = String.valueOf(e.getMessage());
      if (thrownHere(e)) {
        return new Outcome(file, tcId, false, "refused by the runner, not by the code under"
            + " test: " + msg);
      }
      String code = msg.contains(":") ? msg.substring(0, msg.indexOf(':')) : msg;
      if (expectValid) {
        return new Outcome(file, tcId, false, "unexpected error: " + msg);
      }
      return new Outcome(file, tcId, code.equals(expectedError),
          code.equals(expectedError) ? "" : "expected " + expectedError + ", got " + msg);
    }
  }

  /** Whether the runner itself threw: the first frame outside the JDK is in this class. */
  static boolean thrownHere(Throwable e) {
    for (StackTraceElement f : e.getStackTrace()) {
      String c = f.getClassName();
      if (!c.startsWith("java.") && !c.startsWith("jdk.")) {
        return c.equals(ConformanceRunner.class.getName());
      }
    }
    return false;
  }

  // ------------------------------------------------------------------ per type

  static String pairCode(JsonObject t) {
    int hi = t.get("hi").getAsInt();
    int lo = t.get("lo").getAsInt();
    int code = Codes.packPair(hi, lo);
    int expected = t.get("code").getAsInt();
    if (code != expected) {
      return "packPair gave " + code + ", expected " + expected;
    }
    if (Codes.unpackHiValue(code) != hi || Codes.unpackLoValue(code) != lo) {
      return "unpack of " + code + " does not give the pair back";
    }
    return "";
  }

  /** format.md section 6: the kernel's order check (after the shape check) and its gather. */
  static String inputOrder(JsonObject t) {
    int k = t.get("k").getAsInt();
    int[] order = ints(t.getAsJsonArray("order"));
    float[] x = floats(t.getAsJsonArray("x"));
    if (order.length != k || x.length != k) {
      throw new IllegalStateException("vector: order and x must hold k entries");
    }
    WeightQuant.checkShape(1, k, k);
    InputOrder.check(order, k, new int[k]);
    float[] out = new float[k];
    InputOrder.gather(x, 0, order, k, out, 0);
    StringBuilder err = new StringBuilder();
    compareBits(err, "gathered", out, floats(t.getAsJsonArray("gathered")));
    return err.toString();
  }

  static String codeStream(JsonObject t) {
    int n = t.get("n").getAsInt();
    if (t.has("codes")) {
      int[] codes = ints(t.getAsJsonArray("codes"));
      byte[] out = new byte[Codes.streamBytes(n)];
      Codes.packStream(codes, n, out, 0);
      byte[] expected = hex(t.get("packed").getAsString());
      if (!Arrays.equals(out, expected)) {
        return "packStream gave " + toHex(out);
      }
      int[] back = new int[n];
      Codes.unpackStream(expected, 0, n, back);
      if (!Arrays.equals(back, codes)) {
        return "unpackStream gave " + Arrays.toString(back);
      }
      for (int i = 0; i < n; i++) {
        if (Codes.codeAt(expected, 0, i) != codes[i]) {
          return "codeAt(" + i + ") gave " + Codes.codeAt(expected, 0, i);
        }
      }
      return "";
    }
    int[] back = new int[n];
    Codes.unpackStream(hex(t.get("packed").getAsString()), 0, n, back);
    return "";
  }

  /**
   * The kernel's id of the vector's format; a name the kernel does not know maps to an id no
   * format has, so that the kernel itself refuses it ({@code FORMAT}).
   */
  static int format(JsonObject t) {
    return switch (t.get("format").getAsString()) {
      case "q35" -> QuantMatrix.FORMAT_Q35;
      case "int4" -> QuantMatrix.FORMAT_INT4;
      default -> UNKNOWN_FORMAT;
    };
  }

  /**
   * The vector's matrix as a backend receives it. Its shape and lengths are checked by the
   * kernel's own checks ({@link QuantizedMatrix}'s constructor calls them in the kernel's
   * order); an unknown format name is refused by the kernel's {@code checkFormat}.
   */
  static QuantizedMatrix matrix(JsonObject t, byte[] packed, float[] scales, float[] offsets,
      int n, int k, int g) {
    return new QuantizedMatrix(matrixKind(t), n, k, g, packed, scales, offsets);
  }

  /** The vector's format as a kind; an unknown name is refused by the kernel (FORMAT). */
  static WeightFormat.Kind matrixKind(JsonObject t) {
    WeightFormat.Kind kind = switch (t.get("format").getAsString()) {
      case "q35" -> WeightFormat.Kind.Q35;
      case "int4" -> WeightFormat.Kind.INT4;
      case "q8" -> WeightFormat.Kind.Q8;
      default -> null;
    };
    if (kind == null) {
      QuantMatrix.checkFormat(UNKNOWN_FORMAT);
      throw new AssertionError("the kernel accepted an unknown format");
    }
    return kind;
  }

  /** As above, with the vector's own scales and offsets. */
  static QuantizedMatrix matrix(JsonObject t, byte[] packed, int n, int k, int g) {
    return matrix(t, packed, floats(t.getAsJsonArray("scales")),
        floats(t.getAsJsonArray("offsets")), n, k, g);
  }

  /** A format id that names no format. */
  static final int UNKNOWN_FORMAT = -1;

  static boolean isQ8(JsonObject t) {
    return t.get("format").getAsString().equals("q8");
  }

  /**
   * Array lengths the shape of a vector implies, for output arrays only: non-negative and at
   * most 2^26 whatever the shape (an invalid shape is refused by the kernel before it writes).
   */
  static int length(long n) {
    return n < 0 || n > (1 << 26) ? 0 : (int) n;
  }

  /** Groups per row, or 0 for a group size the kernel refuses. */
  static long groups(int k, int g) {
    return g < 1 || k < 1 ? 0 : ((long) k + g - 1) / g;
  }

  /** Packed bytes of an n x k matrix, or 0 for a shape the kernel refuses. */
  static long packedLength(JsonObject t, int n, int k) {
    if (k < 1 || n < 0) {
      return 0;
    }
    long row = switch (t.get("format").getAsString()) {
      case "q35" -> 7L * ((k + 15L) / 16);
      case "q8" -> k;
      default -> (k + 1L) / 2;
    };
    return n * row;
  }

  static String weightQuant(JsonObject t, Backend backend) {
    int n = t.get("n").getAsInt();
    int k = t.get("k").getAsInt();
    int g = t.get("g").getAsInt();
    float[] w = floats(t.getAsJsonArray("weights"));
    if (t.has("scaleType")) {
      return binary16WeightQuant(t, w, n, k, g, backend);
    }
    if (isQ8(t)) {
      return q8WeightQuant(t, w, n, k, g, backend);
    }
    int format = format(t);
    byte[] packed = new byte[length(packedLength(t, n, k))];
    float[] scales = new float[length(n * groups(k, g))];
    float[] offsets = new float[scales.length];
    QuantMatrix.quantize(format, w, n, k, g, packed, scales, offsets);
    StringBuilder err = new StringBuilder();
    compareBits(err, "scales", scales, floats(t.getAsJsonArray("scales")));
    compareBits(err, "offsets", offsets, floats(t.getAsJsonArray("offsets")));
    byte[] expectedPacked = hex(t.get("packed").getAsString());
    if (!Arrays.equals(packed, expectedPacked)) {
      err.append("packed gave ").append(toHex(packed)).append("; ");
    }
    err.append(unpackAndDequantize(t, format, expectedPacked, n, k, g, backend));
    return err.toString();
  }

  /**
   * Unpacks the vector's packed rows and dequantizes them with its scales and offsets; compares
   * with its lattice values and dequantized weights.
   */
  static String unpackAndDequantize(JsonObject t, int format, byte[] packed, int n, int k,
      int g, Backend backend) {
    float[] deq = new float[length((long) n * k)];
    try (PreparedMatrix p = backend.prepare(matrix(t, packed, n, k, g))) {
      p.dequantize(deq);
    }
    StringBuilder err = new StringBuilder();
    int[] lattice = new int[k];
    int[] expectedLattice = ints(t.getAsJsonArray("lattice"));
    // unpackRow's precondition, n whole rows in packed (a fuzzed vector once broke it), holds:
    // matrix(...) above refused any other length (SHAPE) before this point.
    for (int j = 0; j < n; j++) {
      if ((long) (j + 1) * k > expectedLattice.length) {
        err.append("lattice has ").append(expectedLattice.length).append(" values, fewer than n * k; ");
        break;
      }
      QuantMatrix.unpackRow(format, packed, j, k, lattice);
      if (!Arrays.equals(lattice, Arrays.copyOfRange(expectedLattice, j * k, j * k + k))) {
        err.append("lattice of row ").append(j).append(" gave ").append(Arrays.toString(lattice))
            .append("; ");
      }
    }
    compareBits(err, "dequantized", deq, floats(t.getAsJsonArray("dequantized")));
    return err.toString();
  }

  /**
   * Binary16 scales and offsets (quantization.md section 2.6) or scale codes (2.7):
   * QuantizedMatrix.quantize, which runs the kernel's quantize, rounds with the kernel's
   * Binary16.round (and, for codes, StepCodes' rule) and chooses the codes with the kernel's
   * latticeValue; the 16-bit patterns are checked through HalfBits, the codes blob both ways
   * (packed from the matrix, and unpacked from the vector into its scales and offsets).
   */
  static String binary16WeightQuant(JsonObject t, float[] w, int n, int k, int g,
      Backend backend) {
    String type = t.get("scaleType").getAsString();
    if (!type.equals("binary16") && !type.equals("k6")) {
      throw new IllegalArgumentException("FORMAT: scaleType '" + type
          + "' is not binary16 or k6");
    }
    WeightFormat.Kind kind = matrixKind(t);
    // before quantize, whose groupFor caps g at k and would hide GROUP_SIZE
    QuantizedMatrix.checkShape(kind, n, k, g);
    boolean k6 = type.equals("k6");
    QuantizedMatrix q = QuantizedMatrix.quantize(new WeightFormat(kind, g,
        k6 ? WeightFormat.Scales.K6 : WeightFormat.Scales.F16), w, n, k);
    StringBuilder err = new StringBuilder();
    compareBits(err, "scales", q.scales(), floats(t.getAsJsonArray("scales")));
    compareBits(err, "offsets", q.offsets(), floats(t.getAsJsonArray("offsets")));
    QuantizedMatrix.RowSteps steps = q.rowSteps();
    if (steps == null) {
      compareHalves(err, "scales16", q.scales(), t.getAsJsonArray("scales16"));
      compareHalves(err, "offsets16", q.offsets(), t.getAsJsonArray("offsets16"));
    } else {
      compareHalves(err, "steps16", StepCodes.steps(steps), t.getAsJsonArray("steps16"));
      byte[] expectedCodes = hex(t.get("stepCodes").getAsString());
      byte[] codes = StepCodes.pack(q);
      if (!Arrays.equals(codes, expectedCodes)) {
        err.append("stepCodes gave ").append(toHex(codes)).append("; ");
      }
      JsonArray steps16 = t.getAsJsonArray("steps16");
      float[] stepValues = new float[steps16.size()];
      for (int i = 0; i < stepValues.length; i++) {
        stepValues[i] = HalfBits.fromBits(Integer.parseInt(steps16.get(i).getAsString(), 16));
      }
      float[][] decoded = StepCodes.unpack(expectedCodes, StepCodes.rowSteps(stepValues), n,
          q.groups());
      compareBits(err, "scales from stepCodes", decoded[0], floats(t.getAsJsonArray("scales")));
      compareBits(err, "offsets from stepCodes", decoded[1],
          floats(t.getAsJsonArray("offsets")));
    }
    byte[] expectedPacked = hex(t.get("packed").getAsString());
    if (!Arrays.equals(q.packed(), expectedPacked)) {
      err.append("packed gave ").append(toHex(q.packed())).append("; ");
    }
    err.append(kind == WeightFormat.Kind.Q8 ? q8Dequantize(t, n, k, g, backend)
        : unpackAndDequantize(t, format(t), expectedPacked, n, k, g, backend));
    return err.toString();
  }

  /** Compares the binary16 patterns of {@code actual} with the vector's 4-hex-digit ones. */
  static void compareHalves(StringBuilder err, String what, float[] actual, JsonArray expected) {
    if (actual.length != expected.size()) {
      err.append(what).append(" length ").append(actual.length).append(" != ")
          .append(expected.size()).append("; ");
      return;
    }
    for (int i = 0; i < actual.length; i++) {
      int bits = HalfBits.toBits(actual[i]);
      if (bits != Integer.parseInt(expected.get(i).getAsString(), 16)) {
        err.append(what).append('[').append(i).append("] gave ")
            .append(String.format(Locale.ROOT, "%04x", bits)).append("; ");
      }
    }
  }

  /** The q8 baseline (spec/container.md section 3) is not in the kernel: q35.quant has it. */
  static String q8WeightQuant(JsonObject t, float[] w, int n, int k, int g, Backend backend) {
    QuantizedMatrix q = QuantizedMatrix.quantize(q8Format(k, g), w, n, k);
    StringBuilder err = new StringBuilder();
    compareBits(err, "scales", q.scales(), floats(t.getAsJsonArray("scales")));
    compareBits(err, "offsets", q.offsets(), floats(t.getAsJsonArray("offsets")));
    if (!Arrays.equals(q.packed(), hex(t.get("packed").getAsString()))) {
      err.append("packed gave ").append(toHex(q.packed())).append("; ");
    }
    err.append(q8Dequantize(t, n, k, g, backend));
    return err.toString();
  }

  /** q8 with group size g: per row when g == k (a format name carries only an even g). */
  static WeightFormat q8Format(int k, int g) {
    return new WeightFormat(WeightFormat.Kind.Q8, g == k ? WeightFormat.PER_ROW : g);
  }

  static String q8Dequantize(JsonObject t, int n, int k, int g, Backend backend) {
    QuantizedMatrix q = new QuantizedMatrix(WeightFormat.Kind.Q8, n, k, g,
        hex(t.get("packed").getAsString()), floats(t.getAsJsonArray("scales")),
        floats(t.getAsJsonArray("offsets")));
    StringBuilder err = new StringBuilder();
    byte[] lattice = q.lattice();
    int[] expected = ints(t.getAsJsonArray("lattice"));
    for (int i = 0; i < expected.length; i++) {
      if (lattice[i] != expected[i]) {
        err.append("lattice[").append(i).append("] gave ").append(lattice[i]).append("; ");
      }
    }
    float[] deq = new float[length((long) n * k)];
    try (PreparedMatrix p = backend.prepare(q)) {
      p.dequantize(deq);
    }
    compareBits(err, "dequantized", deq, floats(t.getAsJsonArray("dequantized")));
    return err.toString();
  }

  static String dequantize(JsonObject t, Backend backend) {
    int n = t.get("n").getAsInt();
    int k = t.get("k").getAsInt();
    int g = t.get("g").getAsInt();
    if (isQ8(t)) {
      return q8Dequantize(t, n, k, g, backend);
    }
    return unpackAndDequantize(t, format(t), hex(t.get("packed").getAsString()), n, k, g,
        backend);
  }

  static String activationQuant(JsonObject t, Backend backend) {
    float[] x = floats(t.getAsJsonArray("x"));
    byte[] q = new byte[x.length];
    float[] scales = new float[1];
    backend.quantizeActivations(1, x.length, x, q, scales);
    float scale = scales[0];
    StringBuilder err = new StringBuilder();
    compareBits(err, "scale", new float[] {scale}, new float[] {floatOf(t.get("scale"))});
    int[] expected = ints(t.getAsJsonArray("codes"));
    if (expected.length != x.length) {
      return "codes has " + expected.length + " values for " + x.length + " inputs";
    }
    for (int i = 0; i < x.length; i++) {
      if (q[i] != expected[i]) {
        err.append("code ").append(i).append(" gave ").append(q[i]).append("; ");
      }
    }
    return err.toString();
  }

  static String matvec(JsonObject t, Backend backend) {
    int n = t.get("n").getAsInt();
    int k = t.get("k").getAsInt();
    int g = t.get("g").getAsInt();
    byte[] packed = hex(t.get("packed").getAsString());
    float[] scales = floats(t.getAsJsonArray("scales"));
    float[] offsets = floats(t.getAsJsonArray("offsets"));
    byte[] xq = codes(t.getAsJsonArray("xq"));
    float xScale = floatOf(t.get("xScale"));
    float[] out = new float[length(n)];
    int groups = WeightQuant.groupCount(k, g);
    int[] acc = new int[n * groups];
    try (PreparedMatrix p = backend.prepare(matrix(t, packed, scales, offsets, n, k, g))) {
      p.multiply(1, xq, new float[] {xScale}, out);
      p.accumulators(1, xq, acc);
    }
    StringBuilder err = new StringBuilder();
    compareBits(err, "out", out, floats(t.getAsJsonArray("out")));
    if (!Arrays.equals(acc, ints(t.getAsJsonArray("acc")))) {
      err.append("acc gave ").append(Arrays.toString(acc)).append("; ");
    }
    int[] sums = new int[groups];
    Activations.groupSums(xq, 0, k, g, sums);
    if (!Arrays.equals(sums, ints(t.getAsJsonArray("sums")))) {
      err.append("sums gave ").append(Arrays.toString(sums)).append("; ");
    }
    return err.toString();
  }

  static String matmul(JsonObject t, Backend backend) {
    int n = t.get("n").getAsInt();
    int m = t.get("m").getAsInt();
    float[] out = new float[length((long) m * n)];
    QuantizedMatrix q = matrix(t, hex(t.get("packed").getAsString()),
        floats(t.getAsJsonArray("scales")), floats(t.getAsJsonArray("offsets")), n,
        t.get("k").getAsInt(), t.get("g").getAsInt());
    try (PreparedMatrix p = backend.prepare(q)) {
      p.multiply(m, codes(t.getAsJsonArray("xq")), floats(t.getAsJsonArray("xScales")), out);
    }
    StringBuilder err = new StringBuilder();
    compareBits(err, "out", out, floats(t.getAsJsonArray("out")));
    return err.toString();
  }

  // ------------------------------------------------------------------ JSON helpers

  static void compareBits(StringBuilder err, String what, float[] actual, float[] expected) {
    if (actual.length != expected.length) {
      err.append(what).append(" length ").append(actual.length).append(" != ")
          .append(expected.length).append("; ");
      return;
    }
    for (int i = 0; i < actual.length; i++) {
      if (Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected[i])) {
        err.append(what).append('[').append(i).append("] gave ")
            .append(String.format(Locale.ROOT, "%08x", Float.floatToRawIntBits(actual[i])))
            .append(" expected ")
            .append(String.format(Locale.ROOT, "%08x", Float.floatToRawIntBits(expected[i])))
            .append("; ");
      }
    }
  }

  static float floatOf(JsonElement e) {
    return Float.intBitsToFloat((int) Long.parseLong(e.getAsString(), 16));
  }

  static float[] floats(JsonArray a) {
    float[] f = new float[a.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = floatOf(a.get(i));
    }
    return f;
  }

  /** Activation codes as bytes (two's complement), as the kernel takes them. */
  static byte[] codes(JsonArray a) {
    byte[] b = new byte[a.size()];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) a.get(i).getAsInt();
    }
    return b;
  }

  static int[] ints(JsonArray a) {
    int[] v = new int[a.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = a.get(i).getAsInt();
    }
    return v;
  }

  static byte[] hex(String s) {
    byte[] b = new byte[s.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }

  static String toHex(byte[] b) {
    StringBuilder sb = new StringBuilder();
    for (byte x : b) {
      sb.append(String.format(Locale.ROOT, "%02x", x & 0xff));
    }
    return sb.toString();
  }
}
