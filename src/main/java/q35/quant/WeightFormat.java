package q35.quant;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A weight format as named on the command line: {@code f32}, {@code q35}, {@code q35-g<G>},
 * {@code int4}, {@code int4-g<G>}, {@code q8}, {@code q8-g<G>}. Without {@code -g<G>} the group
 * is the whole row (the original design's per-column scheme). A quantized format may end in
 * {@code -f16}: its scales and offsets are stored as binary16 (spec/format.md section 7); or in
 * {@code -k6}: as 6-bit codes under two binary16 steps per row (spec/format.md section 8).
 */
public record WeightFormat(Kind kind, int groupSize, Scales scales) {

  /** A format with binary32 scales and offsets. */
  public WeightFormat(Kind kind, int groupSize) {
    this(kind, groupSize, Scales.F32);
  }

  /** How a group's scale and offset are stored. */
  public enum Scales {
    /** binary32 each (spec/format.md section 4). */
    F32(""),
    /** binary16 each (spec/format.md section 7). */
    F16("-f16"),
    /** 6-bit codes times a binary16 step of the row (spec/format.md section 8). */
    K6("-k6");

    final String suffix;

    Scales(String suffix) {
      this.suffix = suffix;
    }
  }

  /** Whether each scale and offset is stored as binary16. */
  public boolean halfScales() {
    return scales == Scales.F16;
  }

  /** The lattice of a format. */
  public enum Kind {
    F32("f32"),
    Q35("q35"),
    INT4("int4"),
    Q8("q8");

    final String id;

    Kind(String id) {
      this.id = id;
    }

    /** The name used in the container and on the command line. */
    public String id() {
      return id;
    }
  }

  /** Group size meaning "one group per row". */
  public static final int PER_ROW = 0;

  private static final Pattern NAME =
      Pattern.compile("(f32|q35|int4|q8)(?:-g([0-9]{1,9}))?(-f16|-k6)?");

  /**
   * Parses a comma-separated list of format names (as {@code --formats} takes them); throws
   * IllegalArgumentException for an empty list, an empty item or any name {@link #parse}
   * refuses.
   */
  public static List<WeightFormat> parseList(String names) {
    List<WeightFormat> formats = new ArrayList<>();
    for (String name : names.split(",", -1)) {
      if (name.isBlank()) {
        throw new IllegalArgumentException("empty format name in '" + names + "'");
      }
      formats.add(parse(name));
    }
    return formats;
  }

  /** Parses a format name; throws IllegalArgumentException naming the accepted forms. */
  public static WeightFormat parse(String name) {
    Matcher m = NAME.matcher(name.trim().toLowerCase(Locale.ROOT));
    if (!m.matches()) {
      throw new IllegalArgumentException("unknown weight format '" + name
          + "' (use f32, q35, q35-g<G>, int4, int4-g<G>, q8 or q8-g<G>, the quantized ones"
          + " optionally ending in -f16 or -k6)");
    }
    String id = String.valueOf(m.group(1));
    Kind kind = switch (id) {
      case "f32" -> Kind.F32;
      case "q35" -> Kind.Q35;
      case "int4" -> Kind.INT4;
      default -> Kind.Q8;
    };
    String g = m.group(2);
    String suffix = m.group(3);
    Scales scales = suffix == null ? Scales.F32
        : suffix.equals("-f16") ? Scales.F16 : Scales.K6;
    if (kind == Kind.F32 && (g != null || scales != Scales.F32)) {
      throw new IllegalArgumentException(
          "f32 takes no group size, -f16 or -k6: '" + name + "'");
    }
    if (g == null) {
      return new WeightFormat(kind, PER_ROW, scales);
    }
    int size = Integer.parseInt(g);
    if (size < 2 || size % 2 != 0) {
      throw new IllegalArgumentException(
          "group size in '" + name + "' must be an even number >= 2");
    }
    return new WeightFormat(kind, size, scales);
  }

  /**
   * The group size for a matrix with {@code cols} inputs: the format's, or the whole row when the
   * row is not longer than one group.
   */
  public int groupFor(int cols) {
    return groupSize == PER_ROW ? cols : Math.min(groupSize, cols);
  }

  /** Bytes of one packed row of {@code cols} inputs. */
  public long rowBytes(int cols) {
    return switch (kind) {
      case F32 -> 4L * cols;
      case Q35 -> 7L * ((cols + 15) / 16);
      case INT4 -> (cols + 1) / 2;
      case Q8 -> cols;
    };
  }

  /** Bits stored per weight of a rows x cols matrix, scales and offsets included. */
  public double bitsPerWeight(int rows, int cols) {
    return 8.0 * storedBytes(rows, cols) / ((double) rows * cols);
  }

  /** Bytes a rows x cols matrix takes in this format: codes, scales and offsets. */
  public long storedBytes(int rows, int cols) {
    if (kind == Kind.F32) {
      return 4L * rows * cols;
    }
    int g = groupFor(cols);
    int groups = (cols + g - 1) / g;
    return rows * (rowBytes(cols) + paramBytes(scales, groups));
  }

  /**
   * Bytes of one row's scales and offsets with {@code groups} groups: 8 or 4 per group for
   * binary32 or binary16; for 6-bit codes, 3 bytes per two groups (rounded up) plus the row's
   * two binary16 steps (spec/format.md section 8).
   */
  public static int paramBytes(Scales scales, int groups) {
    return switch (scales) {
      case F32 -> 8 * groups;
      case F16 -> 4 * groups;
      case K6 -> StepCodes.rowBytes(groups) + 4;
    };
  }

  @Override
  public String toString() {
    return kind.id + (groupSize == PER_ROW ? "" : "-g" + groupSize) + scales.suffix;
  }
}
