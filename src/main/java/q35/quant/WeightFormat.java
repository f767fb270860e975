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
 * {@code -f16}: its scales and offsets are stored as binary16 (spec/format.md section 7).
 */
public record WeightFormat(Kind kind, int groupSize, boolean halfScales) {

  /** A format with binary32 scales and offsets. */
  public WeightFormat(Kind kind, int groupSize) {
    this(kind, groupSize, false);
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
      Pattern.compile("(f32|q35|int4|q8)(?:-g([0-9]{1,9}))?(-f16)?");

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
          + " optionally ending in -f16)");
    }
    String id = String.valueOf(m.group(1));
    Kind kind = switch (id) {
      case "f32" -> Kind.F32;
      case "q35" -> Kind.Q35;
      case "int4" -> Kind.INT4;
      default -> Kind.Q8;
    };
    String g = m.group(2);
    boolean half = m.group(3) != null;
    if (kind == Kind.F32 && (g != null || half)) {
      throw new IllegalArgumentException("f32 takes no group size and no -f16: '" + name + "'");
    }
    if (g == null) {
      return new WeightFormat(kind, PER_ROW, half);
    }
    int size = Integer.parseInt(g);
    if (size < 2 || size % 2 != 0) {
      throw new IllegalArgumentException(
          "group size in '" + name + "' must be an even number >= 2");
    }
    return new WeightFormat(kind, size, half);
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

  /** Bytes of one stored scale or offset: 2 for binary16, else 4. */
  public int paramBytes() {
    return halfScales ? 2 : 4;
  }

  /** Bytes a rows x cols matrix takes in this format: codes, scales and offsets. */
  public long storedBytes(int rows, int cols) {
    if (kind == Kind.F32) {
      return 4L * rows * cols;
    }
    int g = groupFor(cols);
    long groups = (cols + g - 1) / g;
    return rows * rowBytes(cols) + 2L * paramBytes() * rows * groups;
  }

  @Override
  public String toString() {
    return kind.id + (groupSize == PER_ROW ? "" : "-g" + groupSize)
        + (halfScales ? "-f16" : "");
  }
}
