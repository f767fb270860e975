package q35.spec;

import java.util.ArrayList;
import java.util.List;
import q35.spec.Exact.Format;
import q35.spec.Exact.Q;

/**
 * An executable transcription of spec/ in exact arithmetic: every float or double operation the
 * spec pins is computed as an exact rational, then rounded to nearest-even, with IEEE signed-zero
 * rules. It shares no code with the kernel; the conformance vectors come from here.
 */
public final class SpecModel {

  /** A floating-point value: exact magnitude plus the sign of zero. */
  public record Val(Q q, boolean negZero) {
    static Val of(Q q) {
      return new Val(q, false);
    }

    static Val ofFloatBits(int bits) {
      Q q = Exact.fromFloatBits(bits);
      return new Val(q, q.signum() == 0 && bits < 0);
    }

    static Val ofInt(long v) {
      return of(Q.of(v));
    }

    boolean isZero() {
      return q.signum() == 0;
    }

    /** True for negative values and -0. */
    boolean signBit() {
      return q.signum() < 0 || negZero;
    }

    public int floatBits() {
      return Exact.floatBits(q, negZero);
    }
  }

  private SpecModel() {}

  static Val round(Val v, Format f) {
    Q r = Exact.round(v.q(), f);
    if (r.signum() == 0) {
      return new Val(r, v.isZero() ? v.negZero() : v.q().signum() < 0);
    }
    return Val.of(r);
  }

  /** IEEE addition followed by rounding to f. */
  static Val add(Val a, Val b, Format f) {
    Q s = a.q().add(b.q());
    if (s.signum() == 0) {
      return new Val(s, a.isZero() && b.isZero() && a.negZero() && b.negZero());
    }
    return round(Val.of(s), f);
  }

  static Val neg(Val a) {
    return new Val(a.q().negate(), a.isZero() && !a.negZero());
  }

  static Val sub(Val a, Val b, Format f) {
    return add(a, neg(b), f);
  }

  static Val mul(Val a, Val b, Format f) {
    Q p = a.q().mul(b.q());
    if (p.signum() == 0) {
      return new Val(p, a.signBit() ^ b.signBit());
    }
    return round(Val.of(p), f);
  }

  static Val div(Val a, Val b, Format f) {
    Q p = a.q().div(b.q());
    if (p.signum() == 0) {
      return new Val(p, a.signBit() ^ b.signBit());
    }
    return round(Val.of(p), f);
  }

  // ---------------------------------------------------------------- pair codes and streams

  /** Code of a pair: upper 4 bits two's complement hi, lower 3 bits two's complement lo. */
  public static int pairCode(int hi, int lo) {
    if (hi < -8 || hi > 7 || lo < -4 || lo > 3) {
      throw new SpecError("CODE_RANGE");
    }
    return ((hi & 0xf) << 3) | (lo & 0x7);
  }

  /** Packs codes LSB-first into a bit stream of ceil(7n/8) bytes, built bit by bit. */
  public static byte[] packStream(int[] codes) {
    for (int c : codes) {
      if (c < 0 || c > 127) {
        throw new SpecError("CODE_RANGE");
      }
    }
    byte[] out = new byte[(7 * codes.length + 7) / 8];
    for (int i = 0; i < codes.length; i++) {
      for (int b = 0; b < 7; b++) {
        int bit = 7 * i + b;
        if (((codes[i] >> b) & 1) != 0) {
          out[bit / 8] |= (byte) (1 << (bit % 8));
        }
      }
    }
    return out;
  }

  // ---------------------------------------------------------------- weights

  /**
   * Result of quantizing one matrix; with scale codes (format.md section 8) also each row's two
   * steps (binary32 patterns of binary16 values, scale step then offset step) and the codes
   * blob, both empty otherwise.
   */
  public record QuantizedMatrix(int[][] lattice, int[] scaleBits, int[] offsetBits, byte[] packed,
      int[] dequantizedBits, int[] stepBits, byte[] stepCodes) {

    /** A matrix without scale codes. */
    public QuantizedMatrix(int[][] lattice, int[] scaleBits, int[] offsetBits, byte[] packed,
        int[] dequantizedBits) {
      this(lattice, scaleBits, offsetBits, packed, dequantizedBits, new int[0], new byte[0]);
    }
  }

  /** How a matrix stores its scales and offsets (format.md sections 4, 7 and 8). */
  public enum ScaleType { BINARY32, BINARY16, K6 }

  static final Val FIFTEEN = Val.ofInt(15);
  static final Val EIGHT = Val.ofInt(8);
  static final Val TWO = Val.ofInt(2);

  /**
   * The lattice of a weight format: its levels (scale divisor), the offset's lattice point, the
   * lattice range and the largest k whose int32 accumulators stay exact (format.md, container.md
   * section 3). An unknown format name is {@code FORMAT}.
   */
  public enum Lattice {
    Q35(15, 8, -8, 7, 2113665),
    INT4(15, 8, -8, 7, 2113665),
    Q8(255, 128, -128, 127, 132104);

    final int divisor;
    final int offsetPoint;
    final int min;
    final int max;
    final int maxK;

    Lattice(int divisor, int offsetPoint, int min, int max, int maxK) {
      this.divisor = divisor;
      this.offsetPoint = offsetPoint;
      this.min = min;
      this.max = max;
      this.maxK = maxK;
    }

    /** The lattice of a format name ({@code q35}, {@code int4}, {@code q8}); else FORMAT. */
    public static Lattice of(String format) {
      return switch (format) {
        case "q35" -> Q35;
        case "int4" -> INT4;
        case "q8" -> Q8;
        default -> throw new SpecError("FORMAT");
      };
    }
  }

  /** Validates a matrix shape (spec/quantization.md section 5, check order). */
  public static void checkShape(int n, int k, int g) {
    checkShape(n, k, g, Lattice.Q35.maxK);
  }

  static void checkShape(int n, int k, int g, int maxK) {
    if (k > maxK) {
      throw new SpecError("K_TOO_LARGE");
    }
    if (n < 1 || k < 1) {
      throw new SpecError("SHAPE");
    }
    if (g < 1 || g > k || (g != k && g % 2 != 0)) {
      throw new SpecError("GROUP_SIZE");
    }
  }

  static void checkLength(long actual, long expected) {
    if (actual != expected) {
      throw new SpecError("SHAPE");
    }
  }

  static final Q VALUE_LIMIT = Q.of(1L << 32);
  static final Q HALF_SCALE_VALUE_LIMIT = Q.of(1L << 15);

  static void requireFinite(int[] bits) {
    requireFinite(bits, VALUE_LIMIT);
  }

  static void requireFinite(int[] bits, Q limit) {
    for (int b : bits) {
      if ((b & 0x7f800000) == 0x7f800000) {
        throw new SpecError((b & 0x7fffff) != 0 ? "NAN_INPUT" : "INF_INPUT");
      }
      if (Exact.fromFloatBits(b).abs().compareTo(limit) > 0) {
        throw new SpecError("TOO_LARGE");
      }
    }
  }

  /** Quantizes a row-major n x k float matrix (given as bit patterns) in format q35, int4 or q8. */
  public static QuantizedMatrix quantize(String format, int[] wBits, int n, int k, int g) {
    return quantize(format, wBits, n, k, g, false);
  }

  /**
   * As {@link #quantize(String, int[], int, int, int)}; with {@code half}, binary16 scales and
   * offsets (quantization.md section 2.6): s and m rounded to binary16, then the codes.
   */
  public static QuantizedMatrix quantize(String format, int[] wBits, int n, int k, int g,
      boolean half) {
    return quantize(format, wBits, n, k, g, half ? ScaleType.BINARY16 : ScaleType.BINARY32);
  }

  /**
   * Quantizes with scales and offsets stored as {@code type} says: binary32 (section 2.2),
   * binary16 (2.6) or 6-bit codes under row steps (2.7); the codes are chosen against the
   * stored values.
   */
  public static QuantizedMatrix quantize(String format, int[] wBits, int n, int k, int g,
      ScaleType type) {
    Lattice lat = Lattice.of(format);
    checkShape(n, k, g, lat.maxK);
    checkLength(wBits.length, (long) n * k);
    requireFinite(wBits, type == ScaleType.BINARY32 ? VALUE_LIMIT : HALF_SCALE_VALUE_LIMIT);
    boolean q35 = lat == Lattice.Q35;
    Val divisor = Val.ofInt(lat.divisor);
    Val offsetPoint = Val.ofInt(lat.offsetPoint);
    int groups = (k + g - 1) / g;
    int[][] lattice = new int[n][k];
    int[] scaleBits = new int[n * groups];
    int[] offsetBits = new int[n * groups];
    int[] deq = new int[n * k];
    boolean k6 = type == ScaleType.K6;
    int[] stepBits = new int[k6 ? 2 * n : 0];
    int rowCodeBytes = (3 * groups + 1) / 2;
    byte[] stepCodes = new byte[k6 ? n * rowCodeBytes : 0];
    for (int j = 0; j < n; j++) {
      Val[] rowS = new Val[groups];
      Val[] rowM = new Val[groups];
      for (int gi = 0; gi < groups; gi++) {
        int start = gi * g;
        int end = Math.min(k, start + g);
        Val lo = Val.ofFloatBits(wBits[j * k + start]);
        Val hi = lo;
        for (int i = start + 1; i < end; i++) {
          Val v = Val.ofFloatBits(wBits[j * k + i]);
          if (v.q().compareTo(lo.q()) < 0) {
            lo = v;
          }
          if (v.q().compareTo(hi.q()) > 0) {
            hi = v;
          }
        }
        // s = (float) (((double) hi - (double) lo) / 15.0)   (255.0 for q8)
        Val range = sub(hi, lo, Format.BINARY64);
        Val s = round(div(range, divisor, Format.BINARY64), Format.BINARY32);
        // m = (float) ((double) lo + 8.0 * (double) s)        (128.0 for q8)
        Val m = round(add(lo, mul(offsetPoint, s, Format.BINARY64), Format.BINARY64),
            Format.BINARY32);
        if (type == ScaleType.BINARY16) {
          s = round(s, Format.BINARY16);
          m = round(m, Format.BINARY16);
        }
        rowS[gi] = s;
        rowM[gi] = m;
      }
      if (k6) {
        // d = h(f32(max s / 63)), e = h(f32(max |m| / 31)); each value := step * code
        Val maxS = Val.ofInt(0);
        Val maxM = Val.ofInt(0);
        for (int gi = 0; gi < groups; gi++) {
          if (rowS[gi].q().compareTo(maxS.q()) > 0) {
            maxS = Val.of(rowS[gi].q());
          }
          if (rowM[gi].q().abs().compareTo(maxM.q()) > 0) {
            maxM = Val.of(rowM[gi].q().abs());
          }
        }
        Val d = round(div(maxS, Val.ofInt(63), Format.BINARY32), Format.BINARY16);
        Val e = round(div(maxM, Val.ofInt(31), Format.BINARY32), Format.BINARY16);
        stepBits[2 * j] = d.floatBits();
        stepBits[2 * j + 1] = e.floatBits();
        for (int gi = 0; gi < groups; gi++) {
          int sc = stepCode(rowS[gi], d, 0, 63);
          int mc = stepCode(rowM[gi], e, -32, 31);
          rowS[gi] = mul(d, Val.ofInt(sc), Format.BINARY32);
          rowM[gi] = mul(e, Val.ofInt(mc), Format.BINARY32);
          int word = sc + 64 * (mc + 32);
          for (int b = 0; b < 12; b++) {
            int bit = 12 * gi + b;
            if (((word >> b) & 1) != 0) {
              stepCodes[j * rowCodeBytes + bit / 8] |= (byte) (1 << (bit % 8));
            }
          }
        }
      }
      for (int gi = 0; gi < groups; gi++) {
        int start = gi * g;
        int end = Math.min(k, start + g);
        Val s = rowS[gi];
        Val m = rowM[gi];
        scaleBits[j * groups + gi] = s.floatBits();
        offsetBits[j * groups + gi] = m.floatBits();
        for (int i = start; i < end; i++) {
          Val w = Val.ofFloatBits(wBits[j * k + i]);
          int q;
          if (s.isZero()) {
            q = 0;
          } else {
            Val t = div(sub(w, m, Format.BINARY64), s, Format.BINARY64);
            if (q35 && i % 2 == 1) {
              q = 2 * Exact.rintHalfEven(Exact.clamp(t.q().div(Q.of(2)), -4, 3)).intValueExact();
            } else {
              q = Exact.rintHalfEven(Exact.clamp(t.q(), lat.min, lat.max)).intValueExact();
            }
          }
          lattice[j][i] = q;
          deq[j * k + i] = dequantizeValue(q, s, m).floatBits();
        }
      }
    }
    return new QuantizedMatrix(lattice, scaleBits, offsetBits, packMatrix(format, lattice, k),
        deq, stepBits, stepCodes);
  }

  /** code(v, step, lo, hi) of quantization.md section 2.7: 0 for a zero step. */
  static int stepCode(Val v, Val step, int lo, int hi) {
    if (step.isZero()) {
      return 0;
    }
    // clamping before rint gives the same integer (the bounds are integers) and keeps it small
    Val t = div(v, step, Format.BINARY64);
    return Exact.rintHalfEven(Exact.clamp(t.q(), lo, hi)).intValueExact();
  }

  /** s * q + m in float32: two roundings. */
  static Val dequantizeValue(int q, Val s, Val m) {
    Val scaled = mul(s, Val.ofInt(q), Format.BINARY32);
    return add(scaled, m, Format.BINARY32);
  }

  /** Dequantizes given lattice values, scales and offsets (bit patterns). */
  public static int[] dequantize(int[][] lattice, int[] scaleBits, int[] offsetBits, int n, int k,
      int g) {
    int groups = (k + g - 1) / g;
    int[] out = new int[n * k];
    for (int j = 0; j < n; j++) {
      for (int i = 0; i < k; i++) {
        int p = j * groups + i / g;
        out[j * k + i] = dequantizeValue(lattice[j][i], Val.ofFloatBits(scaleBits[p]),
            Val.ofFloatBits(offsetBits[p])).floatBits();
      }
    }
    return out;
  }

  /** Row bytes of a format. */
  public static int rowBytes(String format, int k) {
    return switch (Lattice.of(format)) {
      case Q35 -> 7 * ((k + 15) / 16);
      case INT4 -> (k + 1) / 2;
      case Q8 -> k;
    };
  }

  /** Packs lattice rows: q35 pairs padded to 8 codes per 16 weights, or int4 nibbles. */
  public static byte[] packMatrix(String format, int[][] lattice, int k) {
    int rb = rowBytes(format, k);
    byte[] out = new byte[lattice.length * rb];
    for (int j = 0; j < lattice.length; j++) {
      byte[] row;
      if (format.equals("q35")) {
        int[] codes = new int[8 * ((k + 15) / 16)];
        for (int i = 0; 2 * i < k; i++) {
          int second = 2 * i + 1 < k ? lattice[j][2 * i + 1] : 0;
          if (second % 2 != 0) {
            throw new IllegalStateException("odd lattice value at a 3-bit position");
          }
          codes[i] = pairCode(lattice[j][2 * i], second / 2);
        }
        row = packStream(codes);
      } else if (format.equals("q8")) {
        row = new byte[rb];
        for (int i = 0; i < k; i++) {
          row[i] = (byte) lattice[j][i];
        }
      } else {
        row = new byte[rb];
        for (int i = 0; i < k; i++) {
          int nib = lattice[j][i] & 0xf;
          row[i / 2] |= (byte) (i % 2 == 0 ? nib : nib << 4);
        }
      }
      System.arraycopy(row, 0, out, j * rb, rb);
    }
    return out;
  }

  // ---------------------------------------------------------------- activations

  /** Result of activation quantization. */
  public record QuantizedActivations(int scaleBits, int[] codes) {}

  /** Per-vector symmetric int8 quantization (spec/quantization.md section 3). */
  public static QuantizedActivations quantizeActivations(int[] xBits) {
    if (xBits.length < 1) {
      throw new SpecError("SHAPE");
    }
    requireFinite(xBits);
    Val amax = Val.ofInt(0);
    for (int b : xBits) {
      Val a = Val.of(Val.ofFloatBits(b).q().abs());
      if (a.q().compareTo(amax.q()) > 0) {
        amax = a;
      }
    }
    Val scale = div(amax, Val.ofInt(127), Format.BINARY32);
    int[] codes = new int[xBits.length];
    for (int i = 0; i < xBits.length; i++) {
      if (scale.isZero()) {
        codes[i] = 0;
      } else {
        Val t = div(Val.ofFloatBits(xBits[i]), scale, Format.BINARY32);
        codes[i] = Exact.rintHalfEven(Exact.clamp(t.q(), -127, 127)).intValueExact();
      }
    }
    return new QuantizedActivations(scale.floatBits(), codes);
  }

  // ---------------------------------------------------------------- matmul

  /** Result of one matrix-vector product. */
  public record Product(long[] acc, long[] sums, int[] outBits) {}

  /** The product of lattice rows with activation codes: exact accumulators and float outputs. */
  public static Product matvec(int[][] lattice, int[] scaleBits, int[] offsetBits, int n, int k,
      int g, int[] xq, int xScaleBits) {
    checkShape(n, k, g);
    for (int c : xq) {
      if (c < -127 || c > 127) {
        throw new SpecError("ACT_RANGE");
      }
    }
    int groups = (k + g - 1) / g;
    long[] acc = new long[n * groups];
    long[] sums = new long[groups];
    for (int gi = 0; gi < groups; gi++) {
      for (int i = gi * g; i < Math.min(k, gi * g + g); i++) {
        sums[gi] += xq[i];
      }
    }
    int[] out = new int[n];
    Val xScale = Val.ofFloatBits(xScaleBits);
    for (int j = 0; j < n; j++) {
      Val total = Val.ofInt(0);
      for (int gi = 0; gi < groups; gi++) {
        long a = 0;
        for (int i = gi * g; i < Math.min(k, gi * g + g); i++) {
          a += (long) xq[i] * lattice[j][i];
        }
        if (a > Integer.MAX_VALUE || a < Integer.MIN_VALUE) {
          throw new IllegalStateException("int32 bound violated");
        }
        acc[j * groups + gi] = a;
        Val s = Val.ofFloatBits(scaleBits[j * groups + gi]);
        Val m = Val.ofFloatBits(offsetBits[j * groups + gi]);
        Val accF = round(Val.ofInt(a), Format.BINARY32);
        Val sumF = round(Val.ofInt(sums[gi]), Format.BINARY32);
        Val term = add(mul(s, accF, Format.BINARY32), mul(m, sumF, Format.BINARY32),
            Format.BINARY32);
        total = add(total, term, Format.BINARY32);
      }
      out[j] = mul(xScale, total, Format.BINARY32).floatBits();
    }
    return new Product(acc, sums, out);
  }

  /** Unpacks a q35 or int4 matrix into lattice rows (for the reference check of packing). */
  public static int[][] unpackMatrix(String format, byte[] packed, int n, int k) {
    int rb = rowBytes(format, k);
    List<int[]> rows = new ArrayList<>();
    for (int j = 0; j < n; j++) {
      int[] row = new int[k];
      for (int i = 0; i < k; i++) {
        if (format.equals("q35")) {
          int bitStart = j * rb * 8 + 7 * (i / 2);
          int code = 0;
          for (int b = 0; b < 7; b++) {
            int bit = bitStart + b;
            code |= ((packed[bit / 8] >> (bit % 8)) & 1) << b;
          }
          row[i] = i % 2 == 0 ? signExtend(code >> 3, 4) : 2 * signExtend(code & 7, 3);
        } else if (format.equals("q8")) {
          row[i] = packed[j * rb + i];
        } else {
          int u = packed[j * rb + i / 2] & 0xff;
          row[i] = signExtend(i % 2 == 0 ? u & 0xf : u >> 4, 4);
        }
      }
      rows.add(row);
    }
    return rows.toArray(new int[0][]);
  }

  /**
   * Refuses a packed matrix whose padding is not zero (format.md section 3): for q35, the 3-bit
   * half of the last pair when k is odd and every code past the row's pairs; for int4, the high
   * nibble of the last byte when k is odd. q8 has no padding. Reads the stream bit by bit.
   */
  static void checkPadding(String format, byte[] packed, int n, int k) {
    int rb = rowBytes(format, k);
    for (int j = 0; j < n; j++) {
      if (format.equals("q35")) {
        for (int p = 0; p < 8 * ((k + 15) / 16); p++) {
          int code = 0;
          for (int b = 0; b < 7; b++) {
            int bit = j * rb * 8 + 7 * p + b;
            code |= ((packed[bit / 8] >> (bit % 8)) & 1) << b;
          }
          if ((2 * p >= k && (code >> 3) != 0) || (2 * p + 1 >= k && (code & 7) != 0)) {
            throw new SpecError("PADDING");
          }
        }
      } else if (format.equals("int4") && k % 2 == 1) {
        if (((packed[j * rb + rb - 1] & 0xff) >> 4) != 0) {
          throw new SpecError("PADDING");
        }
      }
    }
  }

  static final Q SCALE_LIMIT = Q.of(1L << 30);
  static final Q OFFSET_LIMIT = Q.of(1L << 33);

  /** A scale must lie in [0, 2^30] (-0 included), an offset in [-2^33, 2^33]; NaN never. */
  static void checkParams(int[] scaleBits, int[] offsetBits) {
    for (int b : scaleBits) {
      checkScale(b);
    }
    for (int b : offsetBits) {
      if ((b & 0x7f800000) == 0x7f800000
          || Exact.fromFloatBits(b).abs().compareTo(OFFSET_LIMIT) > 0) {
        throw new SpecError("BAD_SCALE");
      }
    }
  }

  static void checkScale(int bits) {
    if ((bits & 0x7f800000) == 0x7f800000) {
      throw new SpecError("BAD_SCALE");
    }
    Q v = Exact.fromFloatBits(bits);
    if (v.signum() < 0 || v.compareTo(SCALE_LIMIT) > 0) {
      throw new SpecError("BAD_SCALE");
    }
  }

  /** Checks format, shape and the lengths of the packed matrix and its parameters. */
  static Lattice checkMatrix(String format, byte[] packed, int[] scaleBits, int[] offsetBits,
      int n, int k, int g) {
    Lattice lat = Lattice.of(format);
    checkShape(n, k, g, lat.maxK);
    long groups = (k + g - 1) / g;
    checkLength(packed.length, (long) n * rowBytes(format, k));
    checkLength(scaleBits.length, n * groups);
    checkLength(offsetBits.length, n * groups);
    return lat;
  }

  /** Result of dequantizing a packed matrix: its lattice rows and the dequantized weights. */
  public record Dequantized(int[][] lattice, int[] dequantizedBits) {}

  /** Unpacks and dequantizes a packed matrix, with every check the spec makes. */
  public static Dequantized dequantizePacked(String format, byte[] packed, int[] scaleBits,
      int[] offsetBits, int n, int k, int g) {
    checkMatrix(format, packed, scaleBits, offsetBits, n, k, g);
    checkParams(scaleBits, offsetBits);
    checkPadding(format, packed, n, k);
    int[][] lattice = unpackMatrix(format, packed, n, k);
    return new Dequantized(lattice, dequantize(lattice, scaleBits, offsetBits, n, k, g));
  }

  /** The matrix-vector product of a packed matrix, with every check the spec makes. */
  public static Product matvecPacked(String format, byte[] packed, int[] scaleBits,
      int[] offsetBits, int n, int k, int g, int[] xq, int xScaleBits) {
    checkMatrix(format, packed, scaleBits, offsetBits, n, k, g);
    checkParams(scaleBits, offsetBits);
    checkScale(xScaleBits);
    checkLength(xq.length, k);
    checkPadding(format, packed, n, k);
    return matvec(unpackMatrix(format, packed, n, k), scaleBits, offsetBits, n, k, g, xq,
        xScaleBits);
  }

  /**
   * The product of m activation rows (row r: codes xq[r*k .. r*k + k), scale xScaleBits[r]) with
   * a packed matrix: out[r * n + j] (matmul.md section 5).
   */
  public static int[] matmulPacked(String format, byte[] packed, int[] scaleBits,
      int[] offsetBits, int n, int k, int g, int m, int[] xq, int[] xScaleBits) {
    checkMatrix(format, packed, scaleBits, offsetBits, n, k, g);
    if (m < 1) {
      throw new SpecError("SHAPE");
    }
    checkLength(xq.length, (long) m * k);
    checkLength(xScaleBits.length, m);
    int[] out = new int[m * n];
    for (int r = 0; r < m; r++) {
      Product p = matvecPacked(format, packed, scaleBits, offsetBits, n, k, g,
          java.util.Arrays.copyOfRange(xq, r * k, r * k + k), xScaleBits[r]);
      System.arraycopy(p.outBits(), 0, out, r * n, n);
    }
    return out;
  }

  static int signExtend(int v, int bits) {
    return v >= (1 << (bits - 1)) ? v - (1 << bits) : v;
  }

  /** Reference error: the spec's error code for an invalid input. */
  // ------------------------------------------------------------------ input order (format.md 6)

  /** format.md section 6: the order must be a permutation of 0 .. k - 1 (INPUT_ORDER). */
  static void checkInputOrder(long[] order) {
    boolean[] seen = new boolean[order.length];
    for (long v : order) {
      if (v < 0 || v >= order.length || seen[(int) v]) {
        throw new SpecError("INPUT_ORDER");
      }
      seen[(int) v] = true;
    }
  }

  /** The activations in stored order, x'[i] = x[order[i]], as binary32 bit patterns. */
  static int[] gather(int[] xBits, long[] order) {
    checkInputOrder(order);
    int[] out = new int[order.length];
    for (int i = 0; i < order.length; i++) {
      out[i] = xBits[(int) order[i]];
    }
    return out;
  }

  public static final class SpecError extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public SpecError(String code) {
      super(code);
    }
  }

}
