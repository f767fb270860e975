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
import q35.kernel.Activations;
import q35.kernel.Codes;
import q35.kernel.QuantMatrix;
import q35.kernel.WeightQuant;

/**
 * Runs the kernel against every Wycheproof-style vector in spec/vectors and reports, per file,
 * how many passed. A port in another language does the same against its own kernel.
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

  /** Runs every {@code *.json} vector file in {@code dir} except the schema. */
  public static Report run(Path dir) throws IOException {
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
      outcomes.addAll(runFile(Files.readAllBytes(file), fileName(file)));
    }
    return new Report(outcomes);
  }

  /**
   * Runs the vectors of one file's bytes.
   *
   * @throws VectorFormatException if the file is malformed (the only exception it throws)
   */
  public static List<Outcome> runFile(byte[] content, String name) throws VectorFormatException {
    JsonObject root = VectorFile.parse(content, name);
    List<Outcome> outcomes = new ArrayList<>();
    int declared = root.get("numberOfTests").getAsInt();
    int seen = 0;
    for (JsonElement ge : root.getAsJsonArray("testGroups")) {
      JsonObject group = ge.getAsJsonObject();
      String type = group.get("type").getAsString();
      for (JsonElement te : group.getAsJsonArray("tests")) {
        JsonObject t = te.getAsJsonObject();
        outcomes.add(runOne(name, type, t));
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
    int tcId = t.get("tcId").getAsInt();
    boolean expectValid = t.get("result").getAsString().equals("valid");
    String expectedError = t.has("error") ? t.get("error").getAsString() : "";
    try {
      String mismatch = switch (type) {
        case "PairCodeTest" -> pairCode(t);
        case "CodeStreamTest" -> codeStream(t);
        case "WeightQuantTest" -> weightQuant(t);
        case "ActivationQuantTest" -> activationQuant(t);
        case "MatvecTest" -> matvec(t);
        default -> "unknown test type " + type;
      };
      if (!expectValid) {
        return new Outcome(file, tcId, false, "expected error " + expectedError + ", got none");
      }
      return new Outcome(file, tcId, mismatch.isEmpty(), mismatch);
    } catch (IllegalArgumentException e) {
      String msg = String.valueOf(e.getMessage());
      String code = msg.contains(":") ? msg.substring(0, msg.indexOf(':')) : msg;
      if (expectValid) {
        return new Outcome(file, tcId, false, "unexpected error: " + msg);
      }
      return new Outcome(file, tcId, code.equals(expectedError),
          code.equals(expectedError) ? "" : "expected " + expectedError + ", got " + msg);
    }
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

  static int format(JsonObject t) {
    String f = t.get("format").getAsString();
    return f.equals("q35") ? QuantMatrix.FORMAT_Q35 : QuantMatrix.FORMAT_INT4;
  }

  static String weightQuant(JsonObject t) {
    int format = format(t);
    int n = t.get("n").getAsInt();
    int k = t.get("k").getAsInt();
    int g = t.get("g").getAsInt();
    float[] w = floats(t.getAsJsonArray("weights"));
    // Shapes are checked before any array is sized, so invalid shapes fail with their own code.
    WeightQuant.checkShape(n, k, g);
    int groups = WeightQuant.groupCount(k, g);
    byte[] packed = new byte[n * QuantMatrix.rowBytes(format, k)];
    float[] scales = new float[n * groups];
    float[] offsets = new float[n * groups];
    QuantMatrix.quantize(format, w, n, k, g, packed, scales, offsets);
    StringBuilder err = new StringBuilder();
    compareBits(err, "scales", scales, floats(t.getAsJsonArray("scales")));
    compareBits(err, "offsets", offsets, floats(t.getAsJsonArray("offsets")));
    byte[] expectedPacked = hex(t.get("packed").getAsString());
    if (!Arrays.equals(packed, expectedPacked)) {
      err.append("packed gave ").append(toHex(packed)).append("; ");
    }
    int[] lattice = new int[k];
    int[] expectedLattice = ints(t.getAsJsonArray("lattice"));
    // unpackRow's precondition: the expected stream holds n whole rows (a fuzzed vector found
    // that the runner called it without checking)
    if (expectedPacked.length < (long) n * QuantMatrix.rowBytes(format, k)) {
      err.append("packed has ").append(expectedPacked.length).append(" bytes, fewer than n rows; ");
      return err.toString();
    }
    for (int j = 0; j < n; j++) {
      if ((long) (j + 1) * k > expectedLattice.length) {
        err.append("lattice has ").append(expectedLattice.length).append(" values, fewer than n * k; ");
        break;
      }
      QuantMatrix.unpackRow(format, expectedPacked, j, k, lattice);
      if (!Arrays.equals(lattice, Arrays.copyOfRange(expectedLattice, j * k, j * k + k))) {
        err.append("lattice of row ").append(j).append(" gave ").append(Arrays.toString(lattice))
            .append("; ");
      }
    }
    float[] deq = new float[n * k];
    QuantMatrix.dequantize(format, expectedPacked, floats(t.getAsJsonArray("scales")),
        floats(t.getAsJsonArray("offsets")), n, k, g, deq);
    compareBits(err, "dequantized", deq, floats(t.getAsJsonArray("dequantized")));
    return err.toString();
  }

  static String activationQuant(JsonObject t) {
    float[] x = floats(t.getAsJsonArray("x"));
    if (x.length == 0) {
      throw new IllegalArgumentException("SHAPE: empty activation vector");
    }
    byte[] q = new byte[x.length];
    float scale = Activations.quantize(x, 0, x.length, q, 0);
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

  static String matvec(JsonObject t) {
    int format = format(t);
    int n = t.get("n").getAsInt();
    int k = t.get("k").getAsInt();
    int g = t.get("g").getAsInt();
    byte[] packed = hex(t.get("packed").getAsString());
    float[] scales = floats(t.getAsJsonArray("scales"));
    float[] offsets = floats(t.getAsJsonArray("offsets"));
    int[] xqInts = ints(t.getAsJsonArray("xq"));
    byte[] xq = new byte[xqInts.length];
    for (int i = 0; i < xq.length; i++) {
      xq[i] = (byte) xqInts[i];
    }
    float xScale = floatOf(t.get("xScale"));
    float[] out = new float[n];
    QuantMatrix.matvec(format, packed, scales, offsets, n, k, g, xq, xScale, out);
    StringBuilder err = new StringBuilder();
    compareBits(err, "out", out, floats(t.getAsJsonArray("out")));
    int groups = WeightQuant.groupCount(k, g);
    int[] acc = new int[n * groups];
    QuantMatrix.matvecInt(format, packed, n, k, g, xq, acc);
    if (!Arrays.equals(acc, ints(t.getAsJsonArray("acc")))) {
      err.append("acc gave ").append(Arrays.toString(acc)).append("; ");
    }
    int[] sums = new int[groups];
    Activations.groupSums(xq, 0, k, g, sums);
    if (!Arrays.equals(sums, ints(t.getAsJsonArray("sums")))) {
      err.append("sums gave ").append(Arrays.toString(sums)).append("; ");
    }
    // The matmul entry point over two identical rows must give each row's matvec result.
    byte[] two = new byte[2 * k];
    System.arraycopy(xq, 0, two, 0, k);
    System.arraycopy(xq, 0, two, k, k);
    float[] outTwo = new float[2 * n];
    QuantMatrix.matmul(format, packed, scales, offsets, n, k, g, 2, two,
        new float[] {xScale, xScale}, outTwo);
    compareBits(err, "matmul row 0", Arrays.copyOfRange(outTwo, 0, n), out);
    compareBits(err, "matmul row 1", Arrays.copyOfRange(outTwo, n, 2 * n), out);
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
