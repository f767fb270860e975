package q35.spec;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

/**
 * A small port of q35 written from spec/ alone, in plain Java float and double arithmetic (no
 * kernel code, no exact model), as an engineer porting q35 to another language would write it.
 * It computes the outputs of a valid conformance vector; {@link #mismatch} says whether they
 * differ from the vector's expected outputs.
 *
 * <p>Each {@link Mistake} switches on one deliberately wrong reading of the spec, so that
 * {@code WrongPortsTest} can check that the vectors catch it.
 */
final class PlainPort {

  /** Wrong readings of the spec a port might make. */
  enum Mistake {
    /** quantization.md 2.3: t = (w - m) / s computed in binary32 instead of binary64. */
    GRID_STEP_IN_BINARY32,
    /** quantization.md 3: x / scale taken in binary64, not rounded to binary32 before rint. */
    ACTIVATION_QUOTIENT_NOT_ROUNDED,
    /** matmul.md 3: the int32 accumulator used exactly instead of rounded to binary32. */
    ACCUMULATOR_NOT_ROUNDED,
    /** matmul.md 3: the float total starts at -0 instead of +0. */
    TOTAL_STARTS_AT_MINUS_ZERO,
    /** quantization.md 2.6: binary16 s and m stored, but the codes chosen with binary32 ones. */
    BINARY16_CODES_FROM_BINARY32_SCALES,
    /** quantization.md 2.7: a scale or offset code rounded half away from zero (C's round). */
    STEP_CODE_TIES_AWAY_FROM_ZERO
  }

  private final Set<Mistake> mistakes;

  PlainPort(Set<Mistake> mistakes) {
    this.mistakes = mistakes.isEmpty() ? EnumSet.noneOf(Mistake.class) : EnumSet.copyOf(mistakes);
  }

  /** An empty string when the port's outputs equal the vector's, else what differs. */
  String mismatch(String type, JsonObject t) {
    return switch (type) {
      case "PairCodeTest" -> same("code", pairCode(t.get("hi").getAsInt(),
          t.get("lo").getAsInt()), t.get("code").getAsInt());
      case "CodeStreamTest" -> Arrays.equals(stream(ints(t, "codes")), hex(t, "packed")) ? ""
          : "packed";
      case "WeightQuantTest" -> weightQuant(t);
      case "DequantizeTest" -> dequantize(t, hex(t, "packed"));
      case "ActivationQuantTest" -> activationQuant(t);
      case "MatvecTest" -> matvec(t);
      case "MatmulTest" -> matmul(t);
      case "InputOrderTest" -> inputOrder(t);
      default -> "unknown type " + type;
    };
  }

  // ------------------------------------------------------------------ format.md

  /** format.md section 6 on a valid vector: x in stored order, compared as bit patterns. */
  static String inputOrder(JsonObject t) {
    int[] order = ints(t, "order");
    JsonArray x = t.getAsJsonArray("x");
    JsonArray want = t.getAsJsonArray("gathered");
    for (int i = 0; i < order.length; i++) {
      if (!x.get(order[i]).getAsString().equals(want.get(i).getAsString())) {
        return "gathered[" + i + "]";
      }
    }
    return "";
  }

  static int pairCode(int hi, int lo) {
    return ((hi + 16) % 16) * 8 + (lo + 8) % 8;
  }

  /** Codes to the LSB-first stream of format.md section 2. */
  static byte[] stream(int[] codes) {
    byte[] out = new byte[(7 * codes.length + 7) / 8];
    long bits = 0;
    int have = 0;
    int o = 0;
    for (int c : codes) {
      bits |= (long) c << have;
      have += 7;
      while (have >= 8) {
        out[o++] = (byte) bits;
        bits >>>= 8;
        have -= 8;
      }
    }
    if (have > 0) {
      out[o] = (byte) bits;
    }
    return out;
  }

  static int rowBytes(String format, int k) {
    return switch (format) {
      case "q35" -> 7 * ((k + 15) / 16);
      case "q8" -> k;
      default -> (k + 1) / 2;
    };
  }

  static byte[] pack(String format, int[] lattice, int n, int k) {
    int rb = rowBytes(format, k);
    byte[] out = new byte[n * rb];
    for (int j = 0; j < n; j++) {
      byte[] row = new byte[rb];
      if (format.equals("q35")) {
        int[] codes = new int[8 * ((k + 15) / 16)];
        for (int p = 0; 2 * p < k; p++) {
          int b = 2 * p + 1 < k ? lattice[j * k + 2 * p + 1] / 2 : 0;
          codes[p] = pairCode(lattice[j * k + 2 * p], b);
        }
        row = stream(codes);
      } else if (format.equals("q8")) {
        for (int i = 0; i < k; i++) {
          row[i] = (byte) lattice[j * k + i];
        }
      } else {
        for (int i = 0; i < k; i++) {
          row[i / 2] |= (byte) ((lattice[j * k + i] & 15) << (4 * (i % 2)));
        }
      }
      System.arraycopy(row, 0, out, j * rb, rb);
    }
    return out;
  }

  static int[] unpack(String format, byte[] packed, int n, int k) {
    int rb = rowBytes(format, k);
    int[] lattice = new int[n * k];
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < k; i++) {
        int v;
        if (format.equals("q35")) {
          int bit = 8 * j * rb + 7 * (i / 2);
          int code = (int) ((le64(packed, bit / 8) >>> (bit % 8)) & 127);
          v = i % 2 == 0 ? signed(code >> 3, 4) : 2 * signed(code & 7, 3);
        } else if (format.equals("q8")) {
          v = packed[j * rb + i];
        } else {
          v = signed(((packed[j * rb + i / 2] & 255) >> (4 * (i % 2))) & 15, 4);
        }
        lattice[j * k + i] = v;
      }
    }
    return lattice;
  }

  static long le64(byte[] b, int from) {
    long v = 0;
    for (int i = 0; i < 8 && from + i < b.length; i++) {
      v |= (long) (b[from + i] & 255) << (8 * i);
    }
    return v;
  }

  static int signed(int v, int bits) {
    return v >= 1 << (bits - 1) ? v - (1 << bits) : v;
  }

  // ------------------------------------------------------------------ quantization.md

  String weightQuant(JsonObject t) {
    String format = t.get("format").getAsString();
    int n = t.get("n").getAsInt();
    int k = t.get("k").getAsInt();
    int g = t.get("g").getAsInt();
    float[] w = floats(t, "weights");
    int levels = format.equals("q8") ? 255 : 15;
    int mid = format.equals("q8") ? 128 : 8;
    int groups = (k + g - 1) / g;
    float[] scales = new float[n * groups];
    float[] offsets = new float[n * groups];
    int[] lattice = new int[n * k];
    String type = t.has("scaleType") ? t.get("scaleType").getAsString() : "binary32";
    float[] steps = new float[2 * n];
    int rowCodeBytes = (3 * groups + 1) / 2;
    byte[] stepCodes = new byte[n * rowCodeBytes];
    for (int j = 0; j < n; j++) {
      float[] rowS = new float[groups];
      float[] rowM = new float[groups];
      for (int gi = 0; gi < groups; gi++) {
        int start = j * k + gi * g;
        int end = j * k + Math.min(k, gi * g + g);
        float lo = w[start];
        float hi = lo;
        for (int i = start + 1; i < end; i++) {
          lo = w[i] < lo ? w[i] : lo;
          hi = w[i] > hi ? w[i] : hi;
        }
        rowS[gi] = (float) (((double) hi - (double) lo) / levels);
        rowM[gi] = (float) ((double) lo + mid * (double) rowS[gi]);
      }
      float maxS = 0f;
      float maxM = 0f;
      for (int gi = 0; gi < groups; gi++) {
        maxS = Math.max(maxS, rowS[gi]);
        maxM = Math.max(maxM, Math.abs(rowM[gi]));
      }
      float d = toBinary16(maxS / 63);
      float e = toBinary16(maxM / 31);
      steps[2 * j] = d;
      steps[2 * j + 1] = e;
      for (int gi = 0; gi < groups; gi++) {
        int start = j * k + gi * g;
        int end = j * k + Math.min(k, gi * g + g);
        float s = rowS[gi];
        float m = rowM[gi];
        float codeS = s;
        float codeM = m;
        if (type.equals("binary16")) {
          s = toBinary16(s);
          m = toBinary16(m);
          if (!mistakes.contains(Mistake.BINARY16_CODES_FROM_BINARY32_SCALES)) {
            codeS = s;
            codeM = m;
          }
        } else if (type.equals("k6")) {
          int sc = stepCode(s, d, 0, 63);
          int mc = stepCode(m, e, -32, 31);
          s = d * sc;
          m = e * mc;
          codeS = s;
          codeM = m;
          int word = sc + 64 * (mc + 32);
          int at = j * rowCodeBytes + 12 * gi / 8;
          if (gi % 2 == 0) {
            stepCodes[at] = (byte) word;
            stepCodes[at + 1] |= (byte) (word >> 8);
          } else {
            stepCodes[at] |= (byte) ((word & 15) << 4);
            stepCodes[at + 1] = (byte) (word >> 4);
          }
        }
        scales[j * groups + gi] = s;
        offsets[j * groups + gi] = m;
        for (int i = start; i < end; i++) {
          lattice[i] = codeS == 0f ? 0
              : latticeValue(format, w[i], codeS, codeM, (i - j * k) % 2 == 1);
        }
      }
    }
    StringBuilder err = new StringBuilder();
    if (type.equals("k6")) {
      float[] expected = new float[2 * n];
      for (int i = 0; i < expected.length; i++) {
        expected[i] = fromBinary16(Integer.parseInt(
            t.getAsJsonArray("steps16").get(i).getAsString(), 16));
      }
      err.append(sameBits("steps16", steps, expected));
      err.append(Arrays.equals(stepCodes, hex(t, "stepCodes")) ? "" : "stepCodes; ");
    }
    err.append(sameBits("scales", scales, floats(t, "scales")));
    err.append(sameBits("offsets", offsets, floats(t, "offsets")));
    err.append(Arrays.equals(lattice, ints(t, "lattice")) ? "" : "lattice; ");
    err.append(Arrays.equals(pack(format, lattice, n, k), hex(t, "packed")) ? "" : "packed; ");
    err.append(dequantize(t, hex(t, "packed")));
    return err.toString();
  }

  /** The nearest binary16 value, ties to even: rint on the binade's spacing (format.md 7). */
  static float toBinary16(float x) {
    double a = Math.abs(x);
    double spacing = a < 0x1p-14 ? 0x1p-24 : Math.scalb(1.0, Math.getExponent(a) - 10);
    return (float) Math.copySign(Math.rint(a / spacing) * spacing, x);
  }

  /** code(v, step, lo, hi) of quantization.md 2.7. */
  int stepCode(float v, float step, int lo, int hi) {
    if (step == 0f) {
      return 0;
    }
    double t = (double) v / (double) step;
    double r = mistakes.contains(Mistake.STEP_CODE_TIES_AWAY_FROM_ZERO)
        ? Math.copySign(Math.floor(Math.abs(t) + 0.5), t) : Math.rint(t);
    return (int) clamp(r, lo, hi);
  }

  /** The binary16 value of a 16-bit pattern (format.md 7): sign, exponent, fraction. */
  static float fromBinary16(int h) {
    int exp = (h >> 10) & 31;
    int frac = h & 1023;
    double mag = exp == 0 ? frac * 0x1p-24 : (1024 + frac) * Math.scalb(1.0, exp - 25);
    return (float) ((h & 0x8000) != 0 ? -mag : mag);
  }

  int latticeValue(String format, float w, float s, float m, boolean odd) {
    double t = mistakes.contains(Mistake.GRID_STEP_IN_BINARY32) ? (double) ((w - m) / s)
        : ((double) w - (double) m) / (double) s;
    if (format.equals("q8")) {
      return (int) Math.rint(clamp(t, -128, 127));
    }
    if (format.equals("q35") && odd) {
      return 2 * (int) Math.rint(clamp(t / 2, -4, 3));
    }
    return (int) Math.rint(clamp(t, -8, 7));
  }

  static double clamp(double t, double lo, double hi) {
    return t < lo ? lo : t > hi ? hi : t;
  }

  String dequantize(JsonObject t, byte[] packed) {
    String format = t.get("format").getAsString();
    int n = t.get("n").getAsInt();
    int k = t.get("k").getAsInt();
    int g = t.get("g").getAsInt();
    int groups = (k + g - 1) / g;
    float[] s = floats(t, "scales");
    float[] m = floats(t, "offsets");
    int[] lattice = unpack(format, packed, n, k);
    float[] out = new float[n * k];
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < k; i++) {
        int p = j * groups + i / g;
        float scaled = s[p] * (float) lattice[j * k + i];
        out[j * k + i] = scaled + m[p];
      }
    }
    return (Arrays.equals(lattice, ints(t, "lattice")) ? "" : "unpacked lattice; ")
        + sameBits("dequantized", out, floats(t, "dequantized"));
  }

  String activationQuant(JsonObject t) {
    float[] x = floats(t, "x");
    float amax = 0f;
    for (float v : x) {
      amax = Math.max(amax, Math.abs(v));
    }
    float scale = amax / 127f;
    int[] codes = new int[x.length];
    for (int i = 0; i < x.length; i++) {
      double q = mistakes.contains(Mistake.ACTIVATION_QUOTIENT_NOT_ROUNDED)
          ? (double) x[i] / (double) scale : (double) (x[i] / scale);
      codes[i] = scale == 0f ? 0 : (int) Math.rint(clamp(q, -127, 127));
    }
    return sameBits("scale", new float[] {scale}, new float[] {floatOf(t.get("scale")
        .getAsString())}) + (Arrays.equals(codes, ints(t, "codes")) ? "" : "codes; ");
  }

  // ------------------------------------------------------------------ matmul.md

  /** One output row of codes xq (k of them, from xOff) and scale xScale. */
  float[] product(JsonObject t, int[] xq, int xOff, float xScale, int[] accOut, int[] sumsOut) {
    String format = t.get("format").getAsString();
    int n = t.get("n").getAsInt();
    int k = t.get("k").getAsInt();
    int g = t.get("g").getAsInt();
    int groups = (k + g - 1) / g;
    int[] lattice = unpack(format, hex(t, "packed"), n, k);
    float[] s = floats(t, "scales");
    float[] m = floats(t, "offsets");
    int[] sums = new int[groups];
    for (int i = 0; i < k; i++) {
      sums[i / g] += xq[xOff + i];
    }
    float[] out = new float[n];
    for (int j = 0; j < n; j++) {
      float total = mistakes.contains(Mistake.TOTAL_STARTS_AT_MINUS_ZERO) ? -0.0f : 0.0f;
      for (int gi = 0; gi < groups; gi++) {
        int acc = 0;
        for (int i = gi * g; i < Math.min(k, gi * g + g); i++) {
          acc += xq[xOff + i] * lattice[j * k + i];
        }
        accOut[j * groups + gi] = acc;
        int p = j * groups + gi;
        float wt = mistakes.contains(Mistake.ACCUMULATOR_NOT_ROUNDED)
            ? (float) ((double) s[p] * acc) : s[p] * (float) acc;
        float ot = m[p] * (float) sums[gi];
        total = total + (wt + ot);
      }
      out[j] = xScale * total;
    }
    System.arraycopy(sums, 0, sumsOut, 0, groups);
    return out;
  }

  String matvec(JsonObject t) {
    int n = t.get("n").getAsInt();
    int groups = (t.get("k").getAsInt() + t.get("g").getAsInt() - 1) / t.get("g").getAsInt();
    int[] acc = new int[n * groups];
    int[] sums = new int[groups];
    float[] out = product(t, ints(t, "xq"), 0, floatOf(t.get("xScale").getAsString()), acc,
        sums);
    return sameBits("out", out, floats(t, "out"))
        + (Arrays.equals(acc, ints(t, "acc")) ? "" : "acc; ")
        + (Arrays.equals(sums, ints(t, "sums")) ? "" : "sums; ");
  }

  String matmul(JsonObject t) {
    int n = t.get("n").getAsInt();
    int k = t.get("k").getAsInt();
    int mRows = t.get("m").getAsInt();
    int groups = (k + t.get("g").getAsInt() - 1) / t.get("g").getAsInt();
    float[] xScales = floats(t, "xScales");
    float[] out = new float[mRows * n];
    for (int r = 0; r < mRows; r++) {
      float[] row = product(t, ints(t, "xq"), r * k, xScales[r], new int[n * groups],
          new int[groups]);
      System.arraycopy(row, 0, out, r * n, n);
    }
    return sameBits("out", out, floats(t, "out"));
  }

  // ------------------------------------------------------------------ JSON

  static String same(String what, int actual, int expected) {
    return actual == expected ? "" : what + "; ";
  }

  static String sameBits(String what, float[] actual, float[] expected) {
    if (actual.length != expected.length) {
      return what + " length; ";
    }
    for (int i = 0; i < actual.length; i++) {
      if (Float.floatToRawIntBits(actual[i]) != Float.floatToRawIntBits(expected[i])) {
        return what + "[" + i + "]; ";
      }
    }
    return "";
  }

  static float floatOf(String hex) {
    return Float.intBitsToFloat((int) Long.parseLong(hex, 16));
  }

  static float[] floats(JsonObject t, String name) {
    JsonArray a = t.getAsJsonArray(name);
    float[] f = new float[a.size()];
    for (int i = 0; i < f.length; i++) {
      f[i] = floatOf(a.get(i).getAsString());
    }
    return f;
  }

  static int[] ints(JsonObject t, String name) {
    JsonArray a = t.getAsJsonArray(name);
    int[] v = new int[a.size()];
    for (int i = 0; i < v.length; i++) {
      v[i] = a.get(i).getAsInt();
    }
    return v;
  }

  static byte[] hex(JsonObject t, String name) {
    String s = t.get(name).getAsString();
    byte[] b = new byte[s.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(s.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }
}
