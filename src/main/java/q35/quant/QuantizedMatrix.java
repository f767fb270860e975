package q35.quant;

import org.checkerframework.checker.index.qual.IndexFor;
import org.checkerframework.checker.index.qual.Positive;
import org.checkerframework.checker.nullness.qual.Nullable;
import q35.kernel.Binary16;
import q35.kernel.InputOrder;
import q35.kernel.QuantMatrix;
import q35.kernel.Rounding;
import q35.kernel.WeightQuant;

/**
 * A quantized weight matrix as stored in a {@code .q35} container: rows x cols, grouped along
 * cols, packed codes plus one scale and one offset per group ({@code spec/format.md}).
 *
 * <p>The constructor checks the shape and the array lengths, so {@code rows * cols} fits an int
 * array, {@code packed} holds {@code rows} packed rows, and {@code scales} and {@code offsets}
 * hold {@code rows * groups()} values each; the values themselves are checked by
 * {@link #checkValues()}.
 *
 * <p>{@code inputOrder}, when not null, is the stored input order (spec/format.md section 6):
 * stored column j holds original input {@code inputOrder[j]}, so the matrix stands for
 * W[r][inputOrder[j]] = the stored row r's value j, and its product reads x in that order.
 *
 * <p>{@code halfScales} says that the scales and offsets are stored as binary16 (spec/format.md
 * section 7); the arrays hold their binary32 values, which {@link #checkValues()} checks.
 */
public record QuantizedMatrix(WeightFormat.Kind kind, @Positive int rows, @Positive int cols,
    @Positive int groupSize, byte[] packed, float[] scales, float[] offsets,
    int @Nullable [] inputOrder, boolean halfScales, @Nullable RowSteps rowSteps) {

  /**
   * The two binary16 steps of each row of a matrix with 6-bit scale codes (spec/format.md
   * section 8): group p of row j has scale {@code scale[j] * sc} and offset
   * {@code offset[j] * mc}, with sc in [0, 63] and mc in [-32, 31]; both products are exact in
   * binary32.
   */
  public record RowSteps(float[] scale, float[] offset) {}

  /** Largest scale code of a -k6 matrix. */
  public static final int SCALE_CODE_MAX = 63;

  /** Offset codes of a -k6 matrix lie in [OFFSET_CODE_MIN, OFFSET_CODE_MAX]. */
  public static final int OFFSET_CODE_MIN = -32;

  /** Largest offset code of a -k6 matrix. */
  public static final int OFFSET_CODE_MAX = 31;

  /** A matrix without row steps; as the canonical constructor. */
  public QuantizedMatrix(WeightFormat.Kind kind, int rows, int cols, int groupSize, byte[] packed,
      float[] scales, float[] offsets, int @Nullable [] inputOrder, boolean halfScales) {
    this(kind, rows, cols, groupSize, packed, scales, offsets, inputOrder, halfScales, null);
  }

  /** A matrix in the identity input order with binary32 scales; as the canonical constructor. */
  public QuantizedMatrix(WeightFormat.Kind kind, int rows, int cols, int groupSize, byte[] packed,
      float[] scales, float[] offsets) {
    this(kind, rows, cols, groupSize, packed, scales, offsets, null, false);
  }

  /** A matrix with binary32 scales; as the canonical constructor. */
  public QuantizedMatrix(WeightFormat.Kind kind, int rows, int cols, int groupSize, byte[] packed,
      float[] scales, float[] offsets, int @Nullable [] inputOrder) {
    this(kind, rows, cols, groupSize, packed, scales, offsets, inputOrder, false);
  }

  /**
   * Checks shape and lengths (message prefix {@code SHAPE}) and that {@code inputOrder}, if
   * any, is a permutation of the cols inputs ({@code INPUT_ORDER}); the arrays are not copied.
   * A matrix has binary16 scales or row steps, not both.
   */
  public QuantizedMatrix(WeightFormat.Kind kind, int rows, int cols, int groupSize, byte[] packed,
      float[] scales, float[] offsets, int @Nullable [] inputOrder, boolean halfScales,
      @Nullable RowSteps rowSteps) {
    if (kind == WeightFormat.Kind.F32) {
      throw new IllegalArgumentException("f32 is not a quantized format");
    }
    checkShape(kind, rows, cols, groupSize);
    // Restated for the Index Checker, and rows * cols must fit an int array.
    if (rows < 1 || cols < 1 || groupSize < 1 || (long) rows * cols > Integer.MAX_VALUE) {
      throw new IllegalArgumentException("SHAPE: bad matrix shape " + rows + " x " + cols
          + " group " + groupSize);
    }
    long rowBytes = kind == WeightFormat.Kind.Q8 ? cols
        : QuantMatrix.rowBytes(kernelFormat(kind), cols);
    // The kernel's length checks, in its order: packed, scales, offsets.
    WeightQuant.checkLength("packed", packed.length, rows * rowBytes);
    long groups = (long) rows * groupCount(cols, groupSize);
    WeightQuant.checkLength("scales", scales.length, groups);
    WeightQuant.checkLength("offsets", offsets.length, groups);
    if (inputOrder != null) {
      WeightQuant.checkLength("inputOrder", inputOrder.length, cols);
      InputOrder.check(inputOrder, cols, new int[cols]);
    }
    if (rowSteps != null) {
      if (halfScales) {
        throw new IllegalArgumentException("SHAPE: a matrix has binary16 scales or row steps");
      }
      WeightQuant.checkLength("row scale steps", rowSteps.scale().length, rows);
      WeightQuant.checkLength("row offset steps", rowSteps.offset().length, rows);
    }
    this.kind = kind;
    this.rows = rows;
    this.cols = cols;
    this.groupSize = groupSize;
    this.packed = packed;
    this.scales = scales;
    this.offsets = offsets;
    this.inputOrder = inputOrder;
    this.halfScales = halfScales;
    this.rowSteps = rowSteps;
  }

  /** How this matrix stores its scales and offsets. */
  public WeightFormat.Scales scaleType() {
    return rowSteps != null ? WeightFormat.Scales.K6
        : halfScales ? WeightFormat.Scales.F16 : WeightFormat.Scales.F32;
  }

  /** This matrix's codes, scales and offsets with the stored input order {@code order}. */
  public QuantizedMatrix withInputOrder(int @Nullable [] order) {
    return new QuantizedMatrix(kind, rows, cols, groupSize, packed, scales, offsets, order,
        halfScales, rowSteps);
  }

  /**
   * Quantizes a row-major float matrix by round-to-nearest (spec/quantization.md section 2, and
   * 2.6 for a format with binary16 scales); q35 and int4 go through the verified kernel.
   */
  // Index: the kernel's quantize checked w.length == rows * cols, and s has rows * groups values
  @SuppressWarnings("index")
  public static QuantizedMatrix quantize(WeightFormat format, float[] w, int rows, int cols) {
    QuantizedMatrix q = quantizeBinary32(format, w, rows, cols);
    if (format.scales() == WeightFormat.Scales.F32) {
      return q;
    }
    checkHalfRange(w);
    int g = q.groupSize;
    int groups = q.groups();
    float[] s = new float[q.scales.length];
    float[] m = new float[s.length];
    RowSteps steps = null;
    if (format.scales() == WeightFormat.Scales.K6) {
      steps = rowSteps(q.scales, q.offsets, rows, groups);
      for (int j = 0; j < rows; j++) {
        for (int p = j * groups; p < (j + 1) * groups; p++) {
          s[p] = onScaleStep(q.scales[p], steps.scale()[j]);
          m[p] = onOffsetStep(q.offsets[p], steps.offset()[j]);
        }
      }
    } else {
      for (int p = 0; p < s.length; p++) {
        s[p] = Binary16.round(q.scales[p]);
        m[p] = Binary16.round(q.offsets[p]);
      }
    }
    int[][] lattice = new int[rows][cols];
    for (int j = 0; j < rows; j++) {
      for (int i = 0; i < cols; i++) {
        int p = j * groups + i / g;
        lattice[j][i] = latticeValue(format.kind(), w[j * cols + i], s[p], m[p], i);
      }
    }
    return fromLattice(format.kind(), rows, cols, g, lattice, s, m, format.halfScales(), steps);
  }

  /**
   * The row steps of a -k6 matrix from its binary32 scales and offsets (spec/quantization.md
   * section 2.7): per row, h(max s / 63) and h(max |m| / 31), h rounding to binary16.
   */
  // Index: the callers pass the rows x groups parameters of a checked matrix
  @SuppressWarnings("index")
  public static RowSteps rowSteps(float[] scales, float[] offsets, int rows, int groups) {
    float[] d = new float[rows];
    float[] e = new float[rows];
    for (int j = 0; j < rows; j++) {
      float maxScale = 0f;
      float maxOffset = 0f;
      for (int p = j * groups; p < (j + 1) * groups; p++) {
        maxScale = Math.max(maxScale, scales[p]);
        maxOffset = Math.max(maxOffset, Math.abs(offsets[p]));
      }
      d[j] = Binary16.round(maxScale / SCALE_CODE_MAX);
      e[j] = Binary16.round(maxOffset / OFFSET_CODE_MAX);
    }
    return new RowSteps(d, e);
  }

  /**
   * The code of value {@code v} on {@code step}: rint(v / step) in binary64, ties to even,
   * clamped to [lo, hi]; 0 for a zero step (spec/quantization.md section 2.7).
   */
  public static int stepCode(float v, float step, int lo, int hi) {
    return step == 0f ? 0
        : Rounding.clamp(Rounding.roundHalfEven((double) v / (double) step), lo, hi);
  }

  /** The scale nearest {@code s} that a row with scale step {@code step} can store. */
  public static float onScaleStep(float s, float step) {
    return step * stepCode(s, step, 0, SCALE_CODE_MAX);
  }

  /** The offset nearest {@code m} that a row with offset step {@code step} can store. */
  public static float onOffsetStep(float m, float step) {
    return step * stepCode(m, step, OFFSET_CODE_MIN, OFFSET_CODE_MAX);
  }

  /**
   * Refuses a weight beyond 2^15, which a matrix with binary16 scales cannot take
   * (spec/quantization.md section 2.6; {@code TOO_LARGE}).
   */
  static void checkHalfRange(float[] w) {
    for (int i = 0; i < w.length; i++) {
      if (!(Binary16.WEIGHT_MIN <= w[i] && w[i] <= Binary16.WEIGHT_LIMIT)) {
        throw new IllegalArgumentException("TOO_LARGE: weight " + i + " is " + w[i]
            + "; a matrix with binary16 scales takes |w| <= 2^15");
      }
    }
  }

  /**
   * The lattice value of weight {@code w} at stored position {@code i} of a group with scale
   * {@code s} and offset {@code m}, by the format's rule (q35's odd positions on the 3-bit half).
   */
  public static int latticeValue(WeightFormat.Kind kind, float w, float s, float m, int i) {
    return kind == WeightFormat.Kind.Q8 ? Q8Baseline.latticeValue(w, s, m)
        : WeightQuant.latticeValue(w, s, m, kind == WeightFormat.Kind.Q35 && i % 2 == 1);
  }

  /**
   * A matrix from its lattice values (rows x cols, in the format's range; q35's odd positions
   * even), packed by the kernel's packRow (q8: one byte each), and its scales and offsets.
   */
  // Index: rows, cols >= 1 and lattice's rows x cols are checked first; rowBytes >= 1
  @SuppressWarnings("index")
  public static QuantizedMatrix fromLattice(WeightFormat.Kind kind, int rows, int cols, int g,
      int[][] lattice, float[] scales, float[] offsets, boolean halfScales,
      @Nullable RowSteps rowSteps) {
    if (rows < 1 || cols < 1 || lattice.length != rows) {
      throw new IllegalArgumentException("SHAPE: " + lattice.length + " lattice rows for a "
          + rows + " x " + cols + " matrix");
    }
    for (int[] row : lattice) {
      WeightQuant.checkLength("lattice row", row.length, cols);
    }
    byte[] packed;
    if (kind == WeightFormat.Kind.Q8) {
      packed = new byte[Math.multiplyExact(rows, cols)];
      for (int j = 0; j < rows; j++) {
        for (int i = 0; i < cols; i++) {
          packed[j * cols + i] = (byte) lattice[j][i];
        }
      }
    } else {
      int rowBytes = QuantMatrix.rowBytes(kernelFormat(kind), cols);
      packed = new byte[Math.multiplyExact(rows, rowBytes)];
      for (int j = 0; j < rows; j++) {
        QuantMatrix.packRow(kernelFormat(kind), lattice[j], cols, packed, j * rowBytes);
      }
    }
    return new QuantizedMatrix(kind, rows, cols, g, packed, scales, offsets, null, halfScales,
        rowSteps);
  }

  /**
   * The kernel's shape rules for a matrix of {@code kind}, in the kernel's order (K_TOO_LARGE,
   * SHAPE, GROUP_SIZE), so that every backend refuses a bad matrix with the kernel's code; q8
   * adds its own bound.
   */
  public static void checkShape(WeightFormat.Kind kind, int rows, int cols, int groupSize) {
    if (kind == WeightFormat.Kind.Q8) {
      Q8Baseline.checkShape(rows, cols, groupSize);
    } else {
      WeightQuant.checkShape(rows, cols, groupSize);
    }
  }

  /** Round-to-nearest with binary32 scales and offsets (spec/quantization.md section 2). */
  private static QuantizedMatrix quantizeBinary32(WeightFormat format, float[] w, int rows,
      int cols) {
    int g = format.groupFor(cols);
    return switch (format.kind()) {
      case Q35, INT4 -> {
        int kernelFormat = kernelFormat(format.kind());
        WeightQuant.checkShape(rows, cols, g);
        int groups = WeightQuant.groupCount(cols, g);
        // checkShape throws unless rows >= 1 and 1 <= g <= cols <= MAX_K; then rowBytes >= 1
        @SuppressWarnings("index")
        byte[] packed = new byte[Math.multiplyExact(rows, QuantMatrix.rowBytes(kernelFormat, cols))];
        // checkShape throws unless rows >= 1 and 1 <= g <= cols <= MAX_K; then groups >= 1
        @SuppressWarnings("index")
        float[] s = new float[Math.multiplyExact(rows, groups)];
        float[] m = new float[s.length];
        QuantMatrix.quantize(kernelFormat, w, rows, cols, g, packed, s, m);
        yield new QuantizedMatrix(format.kind(), rows, cols, g, packed, s, m);
      }
      case Q8 -> Q8Baseline.quantize(w, rows, cols, g);
      case F32 -> throw new IllegalArgumentException("f32 is not a quantized format");
    };
  }

  /**
   * Checks the stored values as the kernel checks them before it computes: every scale in
   * [0, 2^30] and offset in [-2^33, 2^33] ({@code BAD_SCALE}) and, for q35 and int4, zero
   * padding ({@code PADDING}), one row at a time through the kernel's {@code dequantize}; q8
   * has no padding and gets the same parameter rule from {@link Q8Baseline}.
   *
   * @throws IllegalArgumentException with the kernel's error code
   */
  public void checkValues() {
    if (halfScales) {
      checkBinary16("scale", scales);
      checkBinary16("offset", offsets);
    }
    RowSteps steps = rowSteps;
    if (steps != null) {
      checkOnSteps(steps);
    }
    if (kind == WeightFormat.Kind.Q8) {
      Q8Baseline.checkParams(scales, offsets);
      return;
    }
    // One call, so the kernel's order holds: every scale and offset, then each row's padding.
    QuantMatrix.dequantize(kernelFormat(kind), packed, scales, offsets, rows, cols, groupSize,
        new float[rows * cols]);
  }

  /** Refuses a value that is not a binary16 number ({@code BAD_SCALE}). */
  private static void checkBinary16(String what, float[] values) {
    for (int p = 0; p < values.length; p++) {
      if (!Binary16.isBinary16(values[p])) {
        throw new IllegalArgumentException("BAD_SCALE: " + what + " " + p + " is " + values[p]
            + ", not a binary16 value");
      }
    }
  }

  /**
   * Refuses row steps that are not binary16 numbers with a clear sign bit, and a scale or
   * offset that is not its row's step times a code in range ({@code BAD_SCALE}).
   */
  // Index: the constructor checked rows steps and rows * groups() scales and offsets
  @SuppressWarnings("index")
  private void checkOnSteps(RowSteps steps) {
    checkBinary16("row scale step", steps.scale());
    checkBinary16("row offset step", steps.offset());
    int groups = groups();
    for (int j = 0; j < rows; j++) {
      float d = steps.scale()[j];
      float e = steps.offset()[j];
      // The sign bit must be clear: -0 would give a scale of -0, whose products keep the sign.
      if (Float.floatToRawIntBits(d) < 0 || Float.floatToRawIntBits(e) < 0) {
        throw new IllegalArgumentException("BAD_SCALE: row " + j + " has a negative step");
      }
      for (int p = j * groups; p < (j + 1) * groups; p++) {
        if (scales[p] != onScaleStep(scales[p], d) || offsets[p] != onOffsetStep(offsets[p], e)) {
          throw new IllegalArgumentException("BAD_SCALE: scale " + scales[p] + " or offset "
              + offsets[p] + " of group " + p + " is not a code times its row's step");
        }
      }
    }
  }

  /** The kernel's format constant of a q35 or int4 kind. */
  public static int kernelFormat(WeightFormat.Kind kind) {
    return kind == WeightFormat.Kind.Q35 ? QuantMatrix.FORMAT_Q35 : QuantMatrix.FORMAT_INT4;
  }

  /** Number of groups of size {@code g} covering {@code cols} inputs: ceil(cols / g). */
  static @Positive int groupCount(@Positive int cols, @Positive int g) {
    return (cols - 1) / g + 1;
  }

  /** Number of groups per row. */
  public @Positive int groups() {
    return groupCount(cols, groupSize);
  }

  /** Lattice values, row-major rows x cols, unpacked once (q35 and int4 through the kernel). */
  public byte[] lattice() {
    if (kind == WeightFormat.Kind.Q8) {
      return packed.clone();
    }
    byte[] out = new byte[rows * cols];
    int[] row = new int[cols];
    for (int j = 0; j < rows; j++) {
      QuantMatrix.unpackRow(kernelFormat(kind), packed, j, cols, row);
      for (int i = 0; i < cols; i++) {
        // j < rows and i < cols, so j * cols + i < rows * cols == out.length
        @SuppressWarnings("index")
        @IndexFor("out") int p = j * cols + i;
        out[p] = (byte) row[i];
      }
    }
    return out;
  }

  /**
   * The dequantized float matrix in the original input order, s * q + m per weight
   * (spec/quantization.md section 2.5; stored column j goes to column inputOrder[j]).
   */
  public float[] dequantize() {
    float[] stored = dequantizeStored();
    int[] order = inputOrder;
    if (order == null) {
      return stored;
    }
    float[] out = new float[stored.length];
    for (int j = 0; j < rows; j++) {
      for (int i = 0; i < cols; i++) {
        // order is a permutation of 0 .. cols - 1 (constructor), j < rows, i < cols
        @SuppressWarnings("index")
        @IndexFor("out") int to = j * cols + order[i];
        @SuppressWarnings("index")
        @IndexFor("stored") int from = j * cols + i;
        out[to] = stored[from];
      }
    }
    return out;
  }

  /** The dequantized float matrix in stored input order. */
  public float[] dequantizeStored() {
    byte[] lat = lattice();
    float[] out = new float[lat.length];
    int groups = groups();
    for (int j = 0; j < rows; j++) {
      for (int i = 0; i < cols; i++) {
        // j < rows and i < cols, so j * cols + i < rows * cols == lat.length (lattice())
        @SuppressWarnings("index")
        @IndexFor("lat") int q = j * cols + i;
        // i / groupSize < groups, so p < rows * groups == scales.length == offsets.length
        @SuppressWarnings("index")
        @IndexFor({"scales", "offsets"}) int p = j * groups + i / groupSize;
        out[q] = WeightQuant.dequantizeValue(lat[q], scales[p], offsets[p]);
      }
    }
    return out;
  }

  /** Bytes per entry of a stored input order of {@code cols} inputs: 1 up to 256, else 2. */
  public static int inputOrderEntryBytes(int cols) {
    return cols <= 256 ? 1 : 2;
  }

  /** Bits stored per weight, scales, offsets and the input order included. */
  public double bitsPerWeight() {
    double orderBytes = inputOrder == null ? 0 : (double) inputOrderEntryBytes(cols) * cols;
    double paramBytes = (double) rows * WeightFormat.paramBytes(scaleType(), groups());
    return 8.0 * (packed.length + paramBytes + orderBytes) / ((double) rows * cols);
  }
}
