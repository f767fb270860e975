package q35.kernel;

/**
 * Nibble packing of the INT4 baseline (spec/format.md section 5): two signed 4-bit values per
 * byte, the even position in the low nibble. Arithmetic only, as in {@link Codes}.
 */
public final class Int4Codes {

  private Int4Codes() {}

  /** Packs two values in [-8, 7] into one byte value in [0, 255], the first in the low nibble. */
  /*@ public normal_behavior
    @   requires -8 <= first && first <= 7 && -8 <= second && second <= 7;
    @   ensures 0 <= \result && \result <= 255;
    @   ensures \result == (first + 16) % 16 + ((second + 16) % 16) * 16;
    @   ensures lowValue(\result) == first && highValue(\result) == second;
    @   assignable \nothing;
    @ also public exceptional_behavior
    @   requires first < -8 || first > 7 || second < -8 || second > 7;
    @   signals_only IllegalArgumentException;
    @   assignable \nothing;
    @*/
  public static int packNibbles(int first, int second) {
    if (first < -8 || first > 7 || second < -8 || second > 7) {
      throw Errors.of("CODE_RANGE: nibble pair (", first, ", ", second, ") outside [-8, 7]");
    }
    return (first + 16) % 16 + ((second + 16) % 16) * 16;
  }

  /** The signed value in the low nibble of an unsigned byte value. */
  /*@ public normal_behavior
    @   requires 0 <= u && u <= 255;
    @   ensures -8 <= \result && \result <= 7;
    @   ensures \result == (u % 16 < 8 ? u % 16 : u % 16 - 16);
    @*/
  public static /*@ pure @*/ int lowValue(int u) {
    int nibble = u % 16;
    return nibble < 8 ? nibble : nibble - 16;
  }

  /** The signed value in the high nibble of an unsigned byte value. */
  /*@ public normal_behavior
    @   requires 0 <= u && u <= 255;
    @   ensures -8 <= \result && \result <= 7;
    @   ensures \result == (u / 16 < 8 ? u / 16 : u / 16 - 16);
    @*/
  public static /*@ pure @*/ int highValue(int u) {
    int nibble = u / 16;
    return nibble < 8 ? nibble : nibble - 16;
  }
}
