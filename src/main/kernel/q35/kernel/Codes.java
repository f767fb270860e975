package q35.kernel;

/**
 * The 7-bit pair code and the dense code stream (spec/format.md sections 1 and 2).
 *
 * <p>Written with arithmetic on small constants instead of shifts and masks, so that KeY can
 * prove the contracts automatically. Every code q35 reads goes through this class
 * ({@code q35.quant.QuantizedMatrix} unpacks each row once, through
 * {@code QuantMatrix.unpackRow}).
 */
public final class Codes {

  /** Smallest value of the 4-bit half. */
  public static final int HI_MIN = -8;
  /** Largest value of the 4-bit half. */
  public static final int HI_MAX = 7;
  /** Smallest value of the 3-bit half. */
  public static final int LO_MIN = -4;
  /** Largest value of the 3-bit half. */
  public static final int LO_MAX = 3;
  /** Number of distinct 7-bit codes. */
  public static final int CODE_COUNT = 128;
  /** Largest stream length in codes, so that 7 * n cannot overflow an int. */
  public static final int MAX_STREAM_CODES = 268435455;

  private Codes() {}

  /** Packs a 4-bit value and a 3-bit value (two's complement) into one 7-bit code. */
  /*@ public normal_behavior
    @   requires -8 <= hi && hi <= 7 && -4 <= lo && lo <= 3;
    @   ensures 0 <= \result && \result <= 127;
    @   ensures \result == ((hi + 16) % 16) * 8 + (lo + 8) % 8;
    @   ensures unpackHiValue(\result) == hi && unpackLoValue(\result) == lo;
    @   assignable \nothing;
    @ also public exceptional_behavior
    @   requires hi < -8 || hi > 7 || lo < -4 || lo > 3;
    @   signals_only IllegalArgumentException;
    @   assignable \nothing;
    @*/
  public static int packPair(int hi, int lo) {
    if (hi < HI_MIN || hi > HI_MAX || lo < LO_MIN || lo > LO_MAX) {
      throw Errors.of("CODE_RANGE: pair (", hi, ", ", lo, ") outside [-8, 7] x [-4, 3]");
    }
    return ((hi + 16) % 16) * 8 + (lo + 8) % 8;
  }

  /** The signed 4-bit value held in the upper 4 bits of a 7-bit code. */
  /*@ public normal_behavior
    @   requires 0 <= code && code <= 127;
    @   ensures -8 <= \result && \result <= 7;
    @   ensures \result == (code / 8 < 8 ? code / 8 : code / 8 - 16);
    @*/
  public static /*@ pure @*/ int unpackHiValue(int code) {
    int nibble = code / 8;
    return nibble < 8 ? nibble : nibble - 16;
  }

  /** The signed 3-bit value held in the lower 3 bits of a 7-bit code. */
  /*@ public normal_behavior
    @   requires 0 <= code && code <= 127;
    @   ensures -4 <= \result && \result <= 3;
    @   ensures \result == (code % 8 < 4 ? code % 8 : code % 8 - 8);
    @*/
  public static /*@ pure @*/ int unpackLoValue(int code) {
    int low = code % 8;
    return low < 4 ? low : low - 8;
  }

  /** Number of bytes of a stream of {@code n} codes: ceil(7n / 8). */
  /*@ public normal_behavior
    @   requires 0 <= n && n <= MAX_STREAM_CODES;
    @   ensures \result == (7 * n + 7) / 8;
    @   ensures 0 <= \result && \result <= n;
    @   ensures 7 * n <= 8 * \result && 8 * \result < 7 * n + 8;
    @*/
  public static /*@ pure @*/ int streamBytes(int n) {
    return (7 * n + 7) / 8;
  }

  /** Converts a byte value in [0, 255] to the Java byte with the same bits. */
  /*@ public normal_behavior
    @   requires 0 <= v && v <= 255;
    @   ensures \result == (v < 128 ? v : v - 256);
    @   ensures -128 <= \result && \result <= 127;
    @*/
  public static /*@ pure @*/ int toSignedByte(int v) {
    return v < 128 ? v : v - 256;
  }

  /** Converts a Java byte value in [-128, 127] to its unsigned value in [0, 255]. */
  /*@ public normal_behavior
    @   requires -128 <= b && b <= 127;
    @   ensures \result == (b < 0 ? b + 256 : b);
    @   ensures 0 <= \result && \result <= 255;
    @*/
  public static /*@ pure @*/ int toUnsignedByte(int b) {
    return b < 0 ? b + 256 : b;
  }

  /** The low bits of a byte value: {@code v % d} for d a power of two up to 128. */
  /*@ private normal_behavior
    @   requires 0 <= v && v <= 255;
    @   requires d == 1 || d == 2 || d == 4 || d == 8 || d == 16 || d == 32 || d == 64 || d == 128;
    @   ensures \result == v % d;
    @   ensures 0 <= \result && \result < d;
    @*/
  private static /*@ pure @*/ int lowBits(int v, int d) {
    return v % d;
  }

  /** The high bits of a byte value: {@code v / d} for d a power of two up to 128. */
  /*@ private normal_behavior
    @   requires 0 <= v && v <= 255;
    @   requires d == 1 || d == 2 || d == 4 || d == 8 || d == 16 || d == 32 || d == 64 || d == 128;
    @   ensures \result == v / d;
    @   ensures 0 <= \result && \result * d <= v && v < \result * d + d;
    @*/
  private static /*@ pure @*/ int highBits(int v, int d) {
    return v / d;
  }

  /**
   * Byte j (0..6) of a block, as a Java byte value: the high 7 - j bits of code a = code j and
   * the low j + 1 bits of code b = code j + 1; d = 2^j and e = 2^(7 - j). Its contract states
   * only the range, so that proofs of its callers need no division facts.
   */
  /*@ private normal_behavior
    @   requires 0 <= a && a <= 127 && 0 <= b && b <= 127;
    @   requires (d == 1 && e == 128) || (d == 2 && e == 64) || (d == 4 && e == 32)
    @         || (d == 8 && e == 16) || (d == 16 && e == 8) || (d == 32 && e == 4)
    @         || (d == 64 && e == 2);
    @   ensures -128 <= \result && \result <= 127;
    @*/
  /*-KeY@ also private normal_behavior
    @   requires 0 <= a && a <= 127 && 0 <= b && b <= 127;
    @   requires (d == 1 && e == 128) || (d == 2 && e == 64) || (d == 4 && e == 32)
    @         || (d == 8 && e == 16) || (d == 16 && e == 8) || (d == 32 && e == 4)
    @         || (d == 64 && e == 2);
    @   ensures \result == (a / d + b % (2 * d) * e < 128 ? a / d + b % (2 * d) * e
    @       : a / d + b % (2 * d) * e - 256);
    @*/
  private static /*@ pure @*/ int blockByte(int a, int b, int d, int e) {
    return toSignedByte(highBits(a, d) + lowBits(b, 2 * d) * e);
  }

  // Byte t (0..6) of a block, as a Java byte value, from code a = code t and code c = code t + 1
  // (spec/format.md section 2): blockByte's value as an OpenJML model function, so that the
  // stream contracts below name each byte's formula instead of repeating it in every quantifier
  // (with the formulas written out, or with one such function per t, packBlocks' loop did not
  // verify in 120 s; spec/verification.md section 5).
  /*-KeY@ public normal_behavior
    @   requires 0 <= t && t < 7 && 0 <= a && a <= 127 && 0 <= c && c <= 127;
    @   ensures t == 0 ==> \result == (a / 1 + c % 2 * 128 < 128 ? a / 1 + c % 2 * 128 : a / 1 + c % 2 * 128 - 256);
    @   ensures t == 1 ==> \result == (a / 2 + c % 4 * 64 < 128 ? a / 2 + c % 4 * 64 : a / 2 + c % 4 * 64 - 256);
    @   ensures t == 2 ==> \result == (a / 4 + c % 8 * 32 < 128 ? a / 4 + c % 8 * 32 : a / 4 + c % 8 * 32 - 256);
    @   ensures t == 3 ==> \result == (a / 8 + c % 16 * 16 < 128 ? a / 8 + c % 16 * 16 : a / 8 + c % 16 * 16 - 256);
    @   ensures t == 4 ==> \result == (a / 16 + c % 32 * 8 < 128 ? a / 16 + c % 32 * 8 : a / 16 + c % 32 * 8 - 256);
    @   ensures t == 5 ==> \result == (a / 32 + c % 64 * 4 < 128 ? a / 32 + c % 64 * 4 : a / 32 + c % 64 * 4 - 256);
    @   ensures t == 6 ==> \result == (a / 64 + c % 128 * 2 < 128 ? a / 64 + c % 128 * 2 : a / 64 + c % 128 * 2 - 256);
    @ model public static pure int packedByte(int a, int c, int t);
    @*/

  // Code r (0..7) of a block from the Java byte values x = byte r - 1 and y = byte r
  // (spec/format.md section 2; code 0 passes x = 0, code 7 passes y = 0): codeAt's value as an
  // int-only OpenJML model function, so that the decode facts of the stream name each code.
  /*-KeY@ public normal_behavior
    @   requires 0 <= r && r < 8 && -128 <= x && x <= 127 && -128 <= y && y <= 127;
    @   ensures r == 0 ==> \result == (y < 0 ? y + 256 : y) % 128;
    @   ensures r == 1 ==> \result == (x < 0 ? x + 256 : x) / 128 + (y < 0 ? y + 256 : y) % 64 * 2;
    @   ensures r == 2 ==> \result == (x < 0 ? x + 256 : x) / 64 + (y < 0 ? y + 256 : y) % 32 * 4;
    @   ensures r == 3 ==> \result == (x < 0 ? x + 256 : x) / 32 + (y < 0 ? y + 256 : y) % 16 * 8;
    @   ensures r == 4 ==> \result == (x < 0 ? x + 256 : x) / 16 + (y < 0 ? y + 256 : y) % 8 * 16;
    @   ensures r == 5 ==> \result == (x < 0 ? x + 256 : x) / 8 + (y < 0 ? y + 256 : y) % 4 * 32;
    @   ensures r == 6 ==> \result == (x < 0 ? x + 256 : x) / 4 + (y < 0 ? y + 256 : y) % 2 * 64;
    @   ensures r == 7 ==> \result == (x < 0 ? x + 256 : x) / 2;
    @ model public static pure int codeOf(int x, int y, int r);
    @*/

  /**
   * Code j of a block from the Java byte values x = byte j - 1 and y = byte j: the high j bits
   * of u(x) and the low 7 - j bits of u(y), with d = 2^(8 - j), e = 2^(7 - j), f = 2^j (code 0
   * passes x = 0, code 7 passes y = 0). Its contract states only the range, so that proofs of
   * its callers (unpackBlock) need no division facts; the value is codeValue's.
   */
  /*@ private normal_behavior
    @   requires -128 <= x && x <= 127 && -128 <= y && y <= 127;
    @   requires (d == 1 && e == 128 && f == 1 && x == 0) || (d == 128 && e == 64 && f == 2)
    @         || (d == 64 && e == 32 && f == 4) || (d == 32 && e == 16 && f == 8)
    @         || (d == 16 && e == 8 && f == 16) || (d == 8 && e == 4 && f == 32)
    @         || (d == 4 && e == 2 && f == 64) || (d == 2 && e == 1 && f == 128 && y == 0);
    @   ensures 0 <= \result && \result <= 127;
    @*/
  /*-KeY@ also private normal_behavior
    @   requires -128 <= x && x <= 127 && -128 <= y && y <= 127;
    @   requires (d == 1 && e == 128 && f == 1 && x == 0) || (d == 128 && e == 64 && f == 2)
    @         || (d == 64 && e == 32 && f == 4) || (d == 32 && e == 16 && f == 8)
    @         || (d == 16 && e == 8 && f == 16) || (d == 8 && e == 4 && f == 32)
    @         || (d == 4 && e == 2 && f == 64) || (d == 2 && e == 1 && f == 128 && y == 0);
    @   ensures \result == (x < 0 ? x + 256 : x) / d + (y < 0 ? y + 256 : y) % e * f;
    @*/
  private static /*@ pure @*/ int blockCode(int x, int y, int d, int e, int f) {
    return codeValue(x, y, d, e, f);
  }

  /**
   * The value of {@link #blockCode}: u(x) / d + (u(y) mod e) * f, with u(x) = (x < 0 ? x + 256 :
   * x) the unsigned value of a byte (spec/format.md section 2, c_j). codeAt calls it for its
   * functional contract.
   */
  /*@ private normal_behavior
    @   requires -128 <= x && x <= 127 && -128 <= y && y <= 127;
    @   requires (d == 1 && e == 128 && f == 1 && x == 0) || (d == 128 && e == 64 && f == 2)
    @         || (d == 64 && e == 32 && f == 4) || (d == 32 && e == 16 && f == 8)
    @         || (d == 16 && e == 8 && f == 16) || (d == 8 && e == 4 && f == 32)
    @         || (d == 4 && e == 2 && f == 64) || (d == 2 && e == 1 && f == 128 && y == 0);
    @   ensures 0 <= \result && \result <= 127;
    @   ensures \result == (x < 0 ? x + 256 : x) / d + (y < 0 ? y + 256 : y) % e * f;
    @*/
  private static /*@ pure @*/ int codeValue(int x, int y, int d, int e, int f) {
    return highBits(toUnsignedByte(x), d) + lowBits(toUnsignedByte(y), e) * f;
  }

  /**
   * Packs 8 codes (56 bits) into 7 bytes, code i at stream bits [7i, 7i + 7), LSB first. The
   * first contract states safety (no exception, no overflow, only these 7 bytes written; proved
   * by KeY), the second each byte by spec/format.md section 2's formula, stored as a Java byte
   * (proved by OpenJML; KeY auto mode did not close the byte values, spec/verification.md
   * section 6).
   */
  /*@ public normal_behavior
    @   requires codes != null && out != null;
    @   requires 0 <= cOff && cOff + 8 <= codes.length;
    @   requires 0 <= oOff && oOff + 7 <= out.length;
    @   requires (\forall int i; cOff <= i && i < cOff + 8; 0 <= codes[i] && codes[i] <= 127);
    @   assignable out[oOff .. oOff + 6];
    @*/
  /*-KeY@ also public normal_behavior
    @   requires codes != null && out != null;
    @   requires 0 <= cOff && cOff + 8 <= codes.length;
    @   requires 0 <= oOff && oOff + 7 <= out.length;
    @   requires (\forall int i; cOff <= i && i < cOff + 8; 0 <= codes[i] && codes[i] <= 127);
    @   assignable out[oOff .. oOff + 6];
    @   ensures out[oOff + 0] == packedByte(\old(codes[cOff + 0]), \old(codes[cOff + 1]), 0);
    @   ensures out[oOff + 1] == packedByte(\old(codes[cOff + 1]), \old(codes[cOff + 2]), 1);
    @   ensures out[oOff + 2] == packedByte(\old(codes[cOff + 2]), \old(codes[cOff + 3]), 2);
    @   ensures out[oOff + 3] == packedByte(\old(codes[cOff + 3]), \old(codes[cOff + 4]), 3);
    @   ensures out[oOff + 4] == packedByte(\old(codes[cOff + 4]), \old(codes[cOff + 5]), 4);
    @   ensures out[oOff + 5] == packedByte(\old(codes[cOff + 5]), \old(codes[cOff + 6]), 5);
    @   ensures out[oOff + 6] == packedByte(\old(codes[cOff + 6]), \old(codes[cOff + 7]), 6);
    @*/
  public static void packBlock(int[] codes, int cOff, byte[] out, int oOff) {
    int c0 = codes[cOff];
    int c1 = codes[cOff + 1];
    int c2 = codes[cOff + 2];
    int c3 = codes[cOff + 3];
    int c4 = codes[cOff + 4];
    int c5 = codes[cOff + 5];
    int c6 = codes[cOff + 6];
    int c7 = codes[cOff + 7];
    out[oOff] = (byte) blockByte(c0, c1, 1, 128);
    out[oOff + 1] = (byte) blockByte(c1, c2, 2, 64);
    out[oOff + 2] = (byte) blockByte(c2, c3, 4, 32);
    out[oOff + 3] = (byte) blockByte(c3, c4, 8, 16);
    out[oOff + 4] = (byte) blockByte(c4, c5, 16, 8);
    out[oOff + 5] = (byte) blockByte(c5, c6, 32, 4);
    out[oOff + 6] = (byte) blockByte(c6, c7, 64, 2);
  }

  /**
   * Unpacks 7 bytes into 8 codes; the inverse of {@link #packBlock}. The first contract states
   * safety (no exception, no overflow, every code in [0, 127], only these 8 written; proved by
   * KeY), the second each code by spec/format.md section 2's formula over the bytes read
   * unsigned (proved by OpenJML; KeY auto mode did not close it, spec/verification.md section
   * 6). All reads come first and all stores last: with stores between the calls, KeY's auto
   * mode did not close the frame condition.
   */
  /*@ public normal_behavior
    @   requires in != null && codes != null;
    @   requires 0 <= iOff && iOff + 7 <= in.length;
    @   requires 0 <= cOff && cOff + 8 <= codes.length;
    @   requires (\forall int i; iOff <= i && i < iOff + 7; -128 <= in[i] && in[i] <= 127);
    @   assignable codes[cOff .. cOff + 7];
    @   ensures (\forall int i; cOff <= i && i < cOff + 8; 0 <= codes[i] && codes[i] <= 127);
    @*/
  /*-KeY@ also public normal_behavior
    @   requires in != null && codes != null;
    @   requires 0 <= iOff && iOff + 7 <= in.length;
    @   requires 0 <= cOff && cOff + 8 <= codes.length;
    @   requires (\forall int i; iOff <= i && i < iOff + 7; -128 <= in[i] && in[i] <= 127);
    @   assignable codes[cOff .. cOff + 7];
    @   ensures codes[cOff] == (\old(in[iOff + 0]) < 0 ? \old(in[iOff + 0]) + 256 : \old(in[iOff + 0])) % 128;
    @   ensures codes[cOff + 1] == (\old(in[iOff + 0]) < 0 ? \old(in[iOff + 0]) + 256 : \old(in[iOff + 0])) / 128
    @       + (\old(in[iOff + 1]) < 0 ? \old(in[iOff + 1]) + 256 : \old(in[iOff + 1])) % 64 * 2;
    @   ensures codes[cOff + 2] == (\old(in[iOff + 1]) < 0 ? \old(in[iOff + 1]) + 256 : \old(in[iOff + 1])) / 64
    @       + (\old(in[iOff + 2]) < 0 ? \old(in[iOff + 2]) + 256 : \old(in[iOff + 2])) % 32 * 4;
    @   ensures codes[cOff + 3] == (\old(in[iOff + 2]) < 0 ? \old(in[iOff + 2]) + 256 : \old(in[iOff + 2])) / 32
    @       + (\old(in[iOff + 3]) < 0 ? \old(in[iOff + 3]) + 256 : \old(in[iOff + 3])) % 16 * 8;
    @   ensures codes[cOff + 4] == (\old(in[iOff + 3]) < 0 ? \old(in[iOff + 3]) + 256 : \old(in[iOff + 3])) / 16
    @       + (\old(in[iOff + 4]) < 0 ? \old(in[iOff + 4]) + 256 : \old(in[iOff + 4])) % 8 * 16;
    @   ensures codes[cOff + 5] == (\old(in[iOff + 4]) < 0 ? \old(in[iOff + 4]) + 256 : \old(in[iOff + 4])) / 8
    @       + (\old(in[iOff + 5]) < 0 ? \old(in[iOff + 5]) + 256 : \old(in[iOff + 5])) % 4 * 32;
    @   ensures codes[cOff + 6] == (\old(in[iOff + 5]) < 0 ? \old(in[iOff + 5]) + 256 : \old(in[iOff + 5])) / 4
    @       + (\old(in[iOff + 6]) < 0 ? \old(in[iOff + 6]) + 256 : \old(in[iOff + 6])) % 2 * 64;
    @   ensures codes[cOff + 7] == (\old(in[iOff + 6]) < 0 ? \old(in[iOff + 6]) + 256 : \old(in[iOff + 6])) / 2;
    @*/
  public static void unpackBlock(byte[] in, int iOff, int[] codes, int cOff) {
    int b0 = in[iOff];
    int b1 = in[iOff + 1];
    int b2 = in[iOff + 2];
    int b3 = in[iOff + 3];
    int b4 = in[iOff + 4];
    int b5 = in[iOff + 5];
    int b6 = in[iOff + 6];
    int c0 = blockCode(0, b0, 1, 128, 1);
    int c1 = blockCode(b0, b1, 128, 64, 2);
    int c2 = blockCode(b1, b2, 64, 32, 4);
    int c3 = blockCode(b2, b3, 32, 16, 8);
    int c4 = blockCode(b3, b4, 16, 8, 16);
    int c5 = blockCode(b4, b5, 8, 4, 32);
    int c6 = blockCode(b5, b6, 4, 2, 64);
    int c7 = blockCode(b6, 0, 2, 1, 128);
    codes[cOff] = c0;
    codes[cOff + 1] = c1;
    codes[cOff + 2] = c2;
    codes[cOff + 3] = c3;
    codes[cOff + 4] = c4;
    codes[cOff + 5] = c5;
    codes[cOff + 6] = c6;
    codes[cOff + 7] = c7;
  }

  /** Number of whole 8-code blocks in {@code n} codes: n / 8. */
  /*@ private normal_behavior
    @   requires 0 <= n;
    @   ensures \result == n / 8 && n % 8 == n - 8 * \result;
    @   ensures 0 <= \result && 8 * \result <= n && n < 8 * \result + 8;
    @*/
  private static /*@ pure @*/ int wholeBlocks(int n) {
    return n / 8;
  }

  /**
   * Packs {@code n} codes into {@code streamBytes(n)} bytes at {@code out[oOff..]}; the unused
   * high bits of the last byte are zero. The first case (no exception, no overflow, only the
   * stream's bytes written) and the refusals are proved by KeY. The OpenJML-only case (proved by
   * OpenJML) states every byte of the stream by spec/format.md section 2's formula
   * ({@code packedByte}), the last block padded with zero codes, and the round trip: every code
   * reads back through {@link #codeAt} (the lemmas at the end of this class). The round trip is
   * stated for an {@code out} whose elements lie in [-128, 127], which every Java byte does:
   * OpenJML does not model that range, and codeAt's precondition names it.
   */
  /*@ public normal_behavior
    @   requires codes != null && out != null;
    @   requires 0 <= n && n <= codes.length && n <= MAX_STREAM_CODES;
    @   requires 0 <= oOff && 7 * n <= 8 * (out.length - oOff);
    @   requires (\forall int i; 0 <= i && i < n; 0 <= codes[i] && codes[i] <= 127);
    @   assignable out[oOff .. oOff + (7 * n + 7) / 8 - 1];
    @ also public exceptional_behavior
    @   requires codes != null && out != null;
    @   requires n < 0 || n > codes.length || n > MAX_STREAM_CODES
    @         || oOff < 0 || oOff > out.length - (7 * n + 7) / 8;
    @   signals_only IllegalArgumentException;
    @   assignable \nothing;
    @ also public exceptional_behavior
    @   requires codes != null && out != null;
    @   requires 0 <= n && n <= codes.length && n <= MAX_STREAM_CODES;
    @   requires 0 <= oOff && 7 * n <= 8 * (out.length - oOff);
    @   requires (\exists int i; 0 <= i && i < n; codes[i] < 0 || codes[i] > 127);
    @   signals_only IllegalArgumentException;
    @   assignable \nothing;
    @*/
  /*-KeY@ also public normal_behavior
    @   requires codes != null && out != null;
    @   requires 0 <= n && n <= codes.length && n <= MAX_STREAM_CODES;
    @   requires 0 <= oOff && 7 * n <= 8 * (out.length - oOff);
    @   requires (\forall int i; 0 <= i && i < n; 0 <= codes[i] && codes[i] <= 127);
    @   assignable out[oOff .. oOff + (7 * n + 7) / 8 - 1];
    @   ensures (\forall int k; 0 <= k && k < n / 8;
    @         out[oOff + 7 * k] == packedByte(codes[8 * k], codes[8 * k + 1], 0)
    @         && out[oOff + 7 * k + 1] == packedByte(codes[8 * k + 1], codes[8 * k + 2], 1)
    @         && out[oOff + 7 * k + 2] == packedByte(codes[8 * k + 2], codes[8 * k + 3], 2)
    @         && out[oOff + 7 * k + 3] == packedByte(codes[8 * k + 3], codes[8 * k + 4], 3)
    @         && out[oOff + 7 * k + 4] == packedByte(codes[8 * k + 4], codes[8 * k + 5], 4)
    @         && out[oOff + 7 * k + 5] == packedByte(codes[8 * k + 5], codes[8 * k + 6], 5)
    @         && out[oOff + 7 * k + 6] == packedByte(codes[8 * k + 6], codes[8 * k + 7], 6));
    @   ensures 8 * (n / 8) + 0 < n ==> out[oOff + 7 * (n / 8) + 0] == packedByte(
    @       codes[8 * (n / 8) + 0], 8 * (n / 8) + 1 < n ? codes[8 * (n / 8) + 1] : 0, 0);
    @   ensures 8 * (n / 8) + 1 < n ==> out[oOff + 7 * (n / 8) + 1] == packedByte(
    @       codes[8 * (n / 8) + 1], 8 * (n / 8) + 2 < n ? codes[8 * (n / 8) + 2] : 0, 1);
    @   ensures 8 * (n / 8) + 2 < n ==> out[oOff + 7 * (n / 8) + 2] == packedByte(
    @       codes[8 * (n / 8) + 2], 8 * (n / 8) + 3 < n ? codes[8 * (n / 8) + 3] : 0, 2);
    @   ensures 8 * (n / 8) + 3 < n ==> out[oOff + 7 * (n / 8) + 3] == packedByte(
    @       codes[8 * (n / 8) + 3], 8 * (n / 8) + 4 < n ? codes[8 * (n / 8) + 4] : 0, 3);
    @   ensures 8 * (n / 8) + 4 < n ==> out[oOff + 7 * (n / 8) + 4] == packedByte(
    @       codes[8 * (n / 8) + 4], 8 * (n / 8) + 5 < n ? codes[8 * (n / 8) + 5] : 0, 4);
    @   ensures 8 * (n / 8) + 5 < n ==> out[oOff + 7 * (n / 8) + 5] == packedByte(
    @       codes[8 * (n / 8) + 5], 8 * (n / 8) + 6 < n ? codes[8 * (n / 8) + 6] : 0, 5);
    @   ensures 8 * (n / 8) + 6 < n ==> out[oOff + 7 * (n / 8) + 6] == packedByte(
    @       codes[8 * (n / 8) + 6], 8 * (n / 8) + 7 < n ? codes[8 * (n / 8) + 7] : 0, 6);
    @   ensures (\forall int x; 0 <= x && x < out.length; -128 <= out[x] && out[x] <= 127)
    @       ==> (\forall int i; 0 <= i && i < n; codeAt(out, oOff, i) == codes[i]);
    @*/
  public static void packStream(int[] codes, int n, byte[] out, int oOff) {
    if (n < 0 || n > codes.length || n > MAX_STREAM_CODES) {
      throw Errors.of("SHAPE: stream length ", n, " out of range");
    }
    if (oOff < 0 || oOff > out.length - streamBytes(n)) {
      throw Errors.of("SHAPE: output too small for ", n, " codes");
    }
    checkCodes(codes, n);
    // The packing is a method of its own so that this proof sees its byte facts, not its
    // loops: with them inline, OpenJML took 5 to 36 s in the whole-kernel batch and timed out
    // at 300 s alone (CI of 2026-12-04); split, 2.6 s and 5.3 s.
    packWhole(codes, n, out, oOff);
    //-KeY@ assert streamRoundTrip(codes, n, out, oOff);
  }

  /**
   * Packs packStream's checked codes: the whole blocks, then the last block padded with zero
   * codes. The OpenJML-only case states every byte by spec/format.md section 2's formula.
   */
  /*@ private normal_behavior
    @   requires codes != null && out != null;
    @   requires 0 <= n && n <= codes.length && n <= MAX_STREAM_CODES;
    @   requires 0 <= oOff && 7 * n <= 8 * (out.length - oOff);
    @   requires (\forall int i; 0 <= i && i < n; 0 <= codes[i] && codes[i] <= 127);
    @   assignable out[oOff .. oOff + (7 * n + 7) / 8 - 1];
    @*/
  /*-KeY@ also private normal_behavior
    @   requires codes != null && out != null;
    @   requires 0 <= n && n <= codes.length && n <= MAX_STREAM_CODES;
    @   requires 0 <= oOff && 7 * n <= 8 * (out.length - oOff);
    @   requires (\forall int i; 0 <= i && i < n; 0 <= codes[i] && codes[i] <= 127);
    @   assignable out[oOff .. oOff + (7 * n + 7) / 8 - 1];
    @   ensures (\forall int k; 0 <= k && k < n / 8;
    @         out[oOff + 7 * k] == packedByte(codes[8 * k], codes[8 * k + 1], 0)
    @         && out[oOff + 7 * k + 1] == packedByte(codes[8 * k + 1], codes[8 * k + 2], 1)
    @         && out[oOff + 7 * k + 2] == packedByte(codes[8 * k + 2], codes[8 * k + 3], 2)
    @         && out[oOff + 7 * k + 3] == packedByte(codes[8 * k + 3], codes[8 * k + 4], 3)
    @         && out[oOff + 7 * k + 4] == packedByte(codes[8 * k + 4], codes[8 * k + 5], 4)
    @         && out[oOff + 7 * k + 5] == packedByte(codes[8 * k + 5], codes[8 * k + 6], 5)
    @         && out[oOff + 7 * k + 6] == packedByte(codes[8 * k + 6], codes[8 * k + 7], 6));
    @   ensures 8 * (n / 8) + 0 < n ==> out[oOff + 7 * (n / 8) + 0] == packedByte(
    @       codes[8 * (n / 8) + 0], 8 * (n / 8) + 1 < n ? codes[8 * (n / 8) + 1] : 0, 0);
    @   ensures 8 * (n / 8) + 1 < n ==> out[oOff + 7 * (n / 8) + 1] == packedByte(
    @       codes[8 * (n / 8) + 1], 8 * (n / 8) + 2 < n ? codes[8 * (n / 8) + 2] : 0, 1);
    @   ensures 8 * (n / 8) + 2 < n ==> out[oOff + 7 * (n / 8) + 2] == packedByte(
    @       codes[8 * (n / 8) + 2], 8 * (n / 8) + 3 < n ? codes[8 * (n / 8) + 3] : 0, 2);
    @   ensures 8 * (n / 8) + 3 < n ==> out[oOff + 7 * (n / 8) + 3] == packedByte(
    @       codes[8 * (n / 8) + 3], 8 * (n / 8) + 4 < n ? codes[8 * (n / 8) + 4] : 0, 3);
    @   ensures 8 * (n / 8) + 4 < n ==> out[oOff + 7 * (n / 8) + 4] == packedByte(
    @       codes[8 * (n / 8) + 4], 8 * (n / 8) + 5 < n ? codes[8 * (n / 8) + 5] : 0, 4);
    @   ensures 8 * (n / 8) + 5 < n ==> out[oOff + 7 * (n / 8) + 5] == packedByte(
    @       codes[8 * (n / 8) + 5], 8 * (n / 8) + 6 < n ? codes[8 * (n / 8) + 6] : 0, 5);
    @   ensures 8 * (n / 8) + 6 < n ==> out[oOff + 7 * (n / 8) + 6] == packedByte(
    @       codes[8 * (n / 8) + 6], 8 * (n / 8) + 7 < n ? codes[8 * (n / 8) + 7] : 0, 6);
    @*/
  private static void packWhole(int[] codes, int n, byte[] out, int oOff) {
    int full = wholeBlocks(n);
    packBlocks(codes, full, out, oOff);
    packTail(codes, 8 * full, n - 8 * full, out, oOff + 7 * full);
  }

  /** Rejects a code outside [0, 127] among {@code codes[0..n)} (CODE_RANGE). */
  /*@ private normal_behavior
    @   requires codes != null && 0 <= n && n <= codes.length;
    @   requires (\forall int i; 0 <= i && i < n; 0 <= codes[i] && codes[i] <= 127);
    @   assignable \nothing;
    @ also private exceptional_behavior
    @   requires codes != null && 0 <= n && n <= codes.length;
    @   requires (\exists int i; 0 <= i && i < n; codes[i] < 0 || codes[i] > 127);
    @   signals_only IllegalArgumentException;
    @   assignable \nothing;
    @*/
  // bounds proved by KeY: checkCodes safety contract (runtimeExceptions:ban)
  @SuppressWarnings("index")
  private static void checkCodes(int[] codes, int n) {
    /*@ loop_invariant 0 <= i && i <= n;
      @ loop_invariant (\forall int j; 0 <= j && j < i; 0 <= codes[j] && codes[j] <= 127);
      @ decreases n - i;
      @ loop_assigns i;
      @*/
    for (int i = 0; i < n; i++) {
      if (codes[i] < 0 || codes[i] > 127) {
        // The index, not the value: KeY does not know that an int[] element fits a long.
        throw Errors.of("CODE_RANGE: the code at index ", i, " lies outside [0, 127]");
      }
    }
  }

  /**
   * Packs the {@code full} whole blocks of {@code codes} into {@code 7 * full} bytes; the
   * OpenJML-only case states every byte by its formula (one fact per block, the seven bytes
   * joined: as seven separate quantified facts the loop did not verify in 120 s). The same
   * fact appears in the loop invariant and in packStream's case: a model predicate over the
   * arrays would name it once, but OpenJML did not carry such a heap-reading fact across
   * packBlock's call (spec/verification.md section 5).
   */
  /*@ public normal_behavior
    @   requires codes != null && out != null;
    @   requires 0 <= full && 8 * full <= codes.length && 0 <= oOff && oOff + 7 * full <= out.length;
    @   requires (\forall int i; 0 <= i && i < 8 * full; 0 <= codes[i] && codes[i] <= 127);
    @   assignable out[oOff .. oOff + 7 * full - 1];
    @*/
  /*-KeY@ also public normal_behavior
    @   requires codes != null && out != null;
    @   requires 0 <= full && 8 * full <= codes.length && 0 <= oOff && oOff + 7 * full <= out.length;
    @   requires (\forall int i; 0 <= i && i < 8 * full; 0 <= codes[i] && codes[i] <= 127);
    @   assignable out[oOff .. oOff + 7 * full - 1];
    @   ensures (\forall int k; 0 <= k && k < full;
    @         out[oOff + 7 * k] == packedByte(codes[8 * k], codes[8 * k + 1], 0)
    @         && out[oOff + 7 * k + 1] == packedByte(codes[8 * k + 1], codes[8 * k + 2], 1)
    @         && out[oOff + 7 * k + 2] == packedByte(codes[8 * k + 2], codes[8 * k + 3], 2)
    @         && out[oOff + 7 * k + 3] == packedByte(codes[8 * k + 3], codes[8 * k + 4], 3)
    @         && out[oOff + 7 * k + 4] == packedByte(codes[8 * k + 4], codes[8 * k + 5], 4)
    @         && out[oOff + 7 * k + 5] == packedByte(codes[8 * k + 5], codes[8 * k + 6], 5)
    @         && out[oOff + 7 * k + 6] == packedByte(codes[8 * k + 6], codes[8 * k + 7], 6));
    @*/
  // bounds proved by KeY: packBlocks safety contract (runtimeExceptions:ban)
  @SuppressWarnings("index")
  public static void packBlocks(int[] codes, int full, byte[] out, int oOff) {
    /*@ loop_invariant 0 <= b && b <= full;
      @ decreases full - b;
      @ loop_assigns b, out[oOff .. oOff + 7 * full - 1];
      @*/
    /*-KeY@ loop_invariant (\forall int k; 0 <= k && k < b;
      @     out[oOff + 7 * k] == packedByte(codes[8 * k], codes[8 * k + 1], 0)
      @     && out[oOff + 7 * k + 1] == packedByte(codes[8 * k + 1], codes[8 * k + 2], 1)
      @     && out[oOff + 7 * k + 2] == packedByte(codes[8 * k + 2], codes[8 * k + 3], 2)
      @     && out[oOff + 7 * k + 3] == packedByte(codes[8 * k + 3], codes[8 * k + 4], 3)
      @     && out[oOff + 7 * k + 4] == packedByte(codes[8 * k + 4], codes[8 * k + 5], 4)
      @     && out[oOff + 7 * k + 5] == packedByte(codes[8 * k + 5], codes[8 * k + 6], 5)
      @     && out[oOff + 7 * k + 6] == packedByte(codes[8 * k + 6], codes[8 * k + 7], 6));
      @*/
    for (int b = 0; b < full; b++) {
      packBlock(codes, 8 * b, out, oOff + 7 * b);
    }
  }

  /**
   * Packs the last {@code tail} codes (0 to 7, from {@code codes[first]}) as a block padded with
   * zero codes, and writes only its {@code streamBytes(tail)} bytes: a tail of 0 writes nothing.
   */
  /*@ private normal_behavior
    @   requires codes != null && out != null;
    @   requires 0 <= first && 0 <= tail && tail < 8 && first + tail <= codes.length;
    @   requires 0 <= o && o + (7 * tail + 7) / 8 <= out.length;
    @   requires (\forall int i; first <= i && i < first + tail; 0 <= codes[i] && codes[i] <= 127);
    @   assignable out[o .. o + (7 * tail + 7) / 8 - 1];
    @*/
  /*-KeY@ also private normal_behavior
    @   requires codes != null && out != null;
    @   requires 0 <= first && 0 <= tail && tail < 8 && first + tail <= codes.length;
    @   requires 0 <= o && o + (7 * tail + 7) / 8 <= out.length;
    @   requires (\forall int i; first <= i && i < first + tail; 0 <= codes[i] && codes[i] <= 127);
    @   assignable out[o .. o + (7 * tail + 7) / 8 - 1];
    @   ensures 0 < tail ==> out[o + 0]
    @       == packedByte(codes[first + 0], 1 < tail ? codes[first + 1] : 0, 0);
    @   ensures 1 < tail ==> out[o + 1]
    @       == packedByte(codes[first + 1], 2 < tail ? codes[first + 2] : 0, 1);
    @   ensures 2 < tail ==> out[o + 2]
    @       == packedByte(codes[first + 2], 3 < tail ? codes[first + 3] : 0, 2);
    @   ensures 3 < tail ==> out[o + 3]
    @       == packedByte(codes[first + 3], 4 < tail ? codes[first + 4] : 0, 3);
    @   ensures 4 < tail ==> out[o + 4]
    @       == packedByte(codes[first + 4], 5 < tail ? codes[first + 5] : 0, 4);
    @   ensures 5 < tail ==> out[o + 5]
    @       == packedByte(codes[first + 5], 6 < tail ? codes[first + 6] : 0, 5);
    @   ensures 6 < tail ==> out[o + 6]
    @       == packedByte(codes[first + 6], 7 < tail ? codes[first + 7] : 0, 6);
    @*/
  // bounds proved by KeY: packTail safety contract (runtimeExceptions:ban)
  @SuppressWarnings("index")
  private static void packTail(int[] codes, int first, int tail, byte[] out, int o) {
    int[] block = new int[8];
    /*@ loop_invariant 0 <= t && t <= tail;
      @ loop_invariant (\forall int j; 0 <= j && j < 8; 0 <= block[j] && block[j] <= 127);
      @ decreases tail - t;
      @ loop_assigns t, block[*];
      @*/
    /*-KeY@ loop_invariant (\forall int j; 0 <= j && j < t; block[j] == codes[first + j]);
      @ loop_invariant (\forall int j; t <= j && j < 8; block[j] == 0);
      @*/
    for (int t = 0; t < tail; t++) {
      block[t] = codes[first + t];
    }
    byte[] bytes = new byte[7];
    packBlock(block, 0, bytes, 0);
    int tailBytes = streamBytes(tail);
    /*@ loop_invariant 0 <= c && c <= tailBytes;
      @ decreases tailBytes - c;
      @ loop_assigns c, out[o .. o + tailBytes - 1];
      @*/
    //-KeY@ loop_invariant (\forall int j; 0 <= j && j < c; out[o + j] == bytes[j]);
    for (int c = 0; c < tailBytes; c++) {
      out[o + c] = bytes[c];
    }
  }

  /**
   * The code at index {@code i} of a stream starting at {@code in[iOff]}: stream bits
   * [7i, 7i + 7), which the precondition puts inside the array. The contract states the value
   * by spec/format.md section 2's block formulas: code i is code r = i mod 8 of the block of 7
   * bytes at {@code o = iOff + 7 * (i / 8)}, c_r = floor(u_{r-1} / 2^(8-r)) + (u_r mod 2^(7-r))
   * * 2^r, where u_j is byte {@code in[o + j]} read unsigned, written
   * {@code (x < 0 ? x + 256 : x)}, and u_{-1} = u_7 = 0.
   */
  /*@ public normal_behavior
    @   requires in != null && 0 <= i && i < MAX_STREAM_CODES;
    @   requires 0 <= iOff && 7 * i + 7 <= 8 * (in.length - iOff);
    @   requires (\forall int k; 0 <= k && k < in.length; -128 <= in[k] && in[k] <= 127);
    @   ensures 0 <= \result && \result <= 127;
    @*/
  /*-KeY@ ensures i % 8 == 0 ==> \result
    @       == (in[iOff + 7 * (i / 8)] < 0 ? in[iOff + 7 * (i / 8)] + 256 : in[iOff + 7 * (i / 8)]) % 128;
    @   ensures i % 8 == 1 ==> \result
    @       == (in[iOff + 7 * (i / 8)] < 0 ? in[iOff + 7 * (i / 8)] + 256 : in[iOff + 7 * (i / 8)]) / 128
    @        + (in[iOff + 7 * (i / 8) + 1] < 0 ? in[iOff + 7 * (i / 8) + 1] + 256 : in[iOff + 7 * (i / 8) + 1]) % 64 * 2;
    @   ensures i % 8 == 2 ==> \result
    @       == (in[iOff + 7 * (i / 8) + 1] < 0 ? in[iOff + 7 * (i / 8) + 1] + 256 : in[iOff + 7 * (i / 8) + 1]) / 64
    @        + (in[iOff + 7 * (i / 8) + 2] < 0 ? in[iOff + 7 * (i / 8) + 2] + 256 : in[iOff + 7 * (i / 8) + 2]) % 32 * 4;
    @   ensures i % 8 == 3 ==> \result
    @       == (in[iOff + 7 * (i / 8) + 2] < 0 ? in[iOff + 7 * (i / 8) + 2] + 256 : in[iOff + 7 * (i / 8) + 2]) / 32
    @        + (in[iOff + 7 * (i / 8) + 3] < 0 ? in[iOff + 7 * (i / 8) + 3] + 256 : in[iOff + 7 * (i / 8) + 3]) % 16 * 8;
    @   ensures i % 8 == 4 ==> \result
    @       == (in[iOff + 7 * (i / 8) + 3] < 0 ? in[iOff + 7 * (i / 8) + 3] + 256 : in[iOff + 7 * (i / 8) + 3]) / 16
    @        + (in[iOff + 7 * (i / 8) + 4] < 0 ? in[iOff + 7 * (i / 8) + 4] + 256 : in[iOff + 7 * (i / 8) + 4]) % 8 * 16;
    @   ensures i % 8 == 5 ==> \result
    @       == (in[iOff + 7 * (i / 8) + 4] < 0 ? in[iOff + 7 * (i / 8) + 4] + 256 : in[iOff + 7 * (i / 8) + 4]) / 8
    @        + (in[iOff + 7 * (i / 8) + 5] < 0 ? in[iOff + 7 * (i / 8) + 5] + 256 : in[iOff + 7 * (i / 8) + 5]) % 4 * 32;
    @   ensures i % 8 == 6 ==> \result
    @       == (in[iOff + 7 * (i / 8) + 5] < 0 ? in[iOff + 7 * (i / 8) + 5] + 256 : in[iOff + 7 * (i / 8) + 5]) / 4
    @        + (in[iOff + 7 * (i / 8) + 6] < 0 ? in[iOff + 7 * (i / 8) + 6] + 256 : in[iOff + 7 * (i / 8) + 6]) % 2 * 64;
    @   ensures i % 8 == 7 ==> \result
    @       == (in[iOff + 7 * (i / 8) + 6] < 0 ? in[iOff + 7 * (i / 8) + 6] + 256 : in[iOff + 7 * (i / 8) + 6]) / 2;
    @*/
  /*+KeY@ also public normal_behavior
    @   requires in != null && 0 <= i && i < MAX_STREAM_CODES;
    @   requires 0 <= iOff && 7 * i + 7 <= 8 * (in.length - iOff);
    @   requires (\forall int k; 0 <= k && k < in.length; -128 <= in[k] && in[k] <= 127);
    @   ensures \result == \dl_q35CodeOf(i % 8 == 0 ? 0 : in[iOff + 7 * (i / 8) + i % 8 - 1],
    @       i % 8 == 7 ? 0 : in[iOff + 7 * (i / 8) + i % 8], i % 8);
    @*/
  // bounds proved by KeY: codeAt contract proved (reads in[o + min(r, 6)], o = iOff + 7 * (i / 8))
  @SuppressWarnings({"index:array.access.unsafe.high", "index:array.access.unsafe.low"})
  public static /*@ pure @*/ int codeAt(byte[] in, int iOff, int i) {
    int block = wholeBlocks(i);
    int o = iOff + 7 * block;
    int r = i - 8 * block;
    if (r == 0) {
      return codeValue(0, in[o], 1, 128, 1);
    } else if (r == 1) {
      return codeValue(in[o], in[o + 1], 128, 64, 2);
    } else if (r == 2) {
      return codeValue(in[o + 1], in[o + 2], 64, 32, 4);
    } else if (r == 3) {
      return codeValue(in[o + 2], in[o + 3], 32, 16, 8);
    } else if (r == 4) {
      return codeValue(in[o + 3], in[o + 4], 16, 8, 16);
    } else if (r == 5) {
      return codeValue(in[o + 4], in[o + 5], 8, 4, 32);
    } else if (r == 6) {
      return codeValue(in[o + 5], in[o + 6], 4, 2, 64);
    } else {
      return codeValue(in[o + 6], 0, 2, 1, 128);
    }
  }

  /**
   * Unpacks {@code n} codes from the stream at {@code in[iOff..]}; the inverse of packStream.
   * Code by code through {@link #codeAt}, so that its value is codeAt's (proved by OpenJML); a
   * block-wise loop over {@link #unpackBlock} left that link open in both provers
   * (spec/verification.md section 6).
   */
  /*@ public normal_behavior
    @   requires in != null && codes != null;
    @   requires 0 <= n && n <= codes.length && n <= MAX_STREAM_CODES;
    @   requires 0 <= iOff && 7 * n <= 8 * (in.length - iOff);
    @   requires (\forall int k; 0 <= k && k < in.length; -128 <= in[k] && in[k] <= 127);
    @   assignable codes[0 .. n - 1];
    @   ensures (\forall int i; 0 <= i && i < n; 0 <= codes[i] && codes[i] <= 127);
    @ also public exceptional_behavior
    @   requires in != null && codes != null;
    @   requires n < 0 || n > codes.length || n > MAX_STREAM_CODES
    @         || iOff < 0 || iOff > in.length - (7 * n + 7) / 8;
    @   signals_only IllegalArgumentException;
    @   assignable \nothing;
    @*/
  /*-KeY@ also public normal_behavior
    @   requires in != null && codes != null;
    @   requires 0 <= n && n <= codes.length && n <= MAX_STREAM_CODES;
    @   requires 0 <= iOff && 7 * n <= 8 * (in.length - iOff);
    @   requires (\forall int k; 0 <= k && k < in.length; -128 <= in[k] && in[k] <= 127);
    @   assignable codes[0 .. n - 1];
    @   ensures (\forall int i; 0 <= i && i < n; codes[i] == codeAt(in, iOff, i));
    @*/
  // bounds proved by KeY: unpackStream safety contract (runtimeExceptions:ban)
  @SuppressWarnings("index")
  public static void unpackStream(byte[] in, int iOff, int n, int[] codes) {
    if (n < 0 || n > codes.length || n > MAX_STREAM_CODES) {
      throw Errors.of("SHAPE: stream length ", n, " out of range");
    }
    if (iOff < 0 || iOff > in.length - streamBytes(n)) {
      throw Errors.of("TRUNCATED: stream of ", n, " codes needs ", streamBytes(n), " bytes");
    }
    /*@ loop_invariant 0 <= i && i <= n;
      @ loop_invariant (\forall int j; 0 <= j && j < i; 0 <= codes[j] && codes[j] <= 127);
      @ decreases n - i;
      @ loop_assigns i, codes[0 .. n - 1];
      @*/
    /*-KeY@ loop_invariant (\forall int j; 0 <= j && j < i; codes[j] == streamCode(in, iOff, j));
      @*/
    for (int i = 0; i < n; i++) {
      codes[i] = streamCode(in, iOff, i);
    }
  }

  /**
   * {@link #codeAt}, for unpackStream's loop: KeY reads only its range (with codeAt's value in
   * view, as eight clauses or as q35CodeOf, that loop stayed open at 97,850 and 76,427 nodes),
   * OpenJML its value.
   */
  /*@ normal_behavior
    @   requires in != null && 0 <= i && i < MAX_STREAM_CODES;
    @   requires 0 <= iOff && 7 * i + 7 <= 8 * (in.length - iOff);
    @   requires (\forall int k; 0 <= k && k < in.length; -128 <= in[k] && in[k] <= 127);
    @   ensures 0 <= \result && \result <= 127;
    @*/
  /*-KeY@ also normal_behavior
    @   requires in != null && 0 <= i && i < MAX_STREAM_CODES;
    @   requires 0 <= iOff && 7 * i + 7 <= 8 * (in.length - iOff);
    @   requires (\forall int k; 0 <= k && k < in.length; -128 <= in[k] && in[k] <= 127);
    @   ensures \result == codeAt(in, iOff, i);
    @*/
  static /*@ pure @*/ int streamCode(byte[] in, int iOff, int i) {
    return codeAt(in, iOff, i);
  }

  // ---------------------------------------------------------------------------------------
  // Proof of the stream round trip (OpenJML only; KeY reads none of it).
  //
  // packStream's OpenJML-only case ends with: every code of the stream reads back through
  // codeAt. The steps, each a model lemma that OpenJML proves on its own (spec/verification.md
  // section 5, sixth try):
  //   decodes<r>       code r of a block decodes from its two bytes (int-only, by arithmetic);
  //   blockDecodes     the eight codes of one block, from its seven bytes;
  //   blocksDecode     every whole block of the stream, from packStream's byte facts;
  //   tailDecodes      the codes of the last, partial block (missing codes count as 0);
  //   at<r>            codeAt at i = 8k + r is codeOf of block k's bytes;
  //   readsBack<r>     code i, i % 8 == r, reads back (whole block or last block);
  //   readsBack        any code i (dispatch on i % 8);
  //   streamReadsBack  every code, by a loop over i;
  //   streamRoundTrip  the whole chain, from the byte facts packStream proves.
  // The forms are the ones that verified in seconds: int-only functions with plain array reads,
  // ground facts passed to small lemmas, and one opaque predicate (blocksDecoded) for the
  // quantified block fact, so that the collecting loop does not see its eight equations.
  // OpenJML does not apply a function's contract inside a quantifier, hence the loop. The
  // eight cases r = 0..7 are written out, one small lemma each, so that each verification
  // condition holds one case (in the fifth try, one lemma over any r, stepAt, took 56.5 s).
  // ---------------------------------------------------------------------------------------

  /*-KeY@ private normal_behavior
    @   requires 0 <= p && p <= 127 && 0 <= a && a <= 127 && 0 <= c && c <= 127;
    @   ensures \result && codeOf(0, packedByte(a, c, 0), 0) == a;
    @ model private static pure boolean decodes0(int p, int a, int c) { return true; }
    @*/

  /*-KeY@ private normal_behavior
    @   requires 0 <= p && p <= 127 && 0 <= a && a <= 127 && 0 <= c && c <= 127;
    @   ensures \result && codeOf(packedByte(p, a, 0), packedByte(a, c, 1), 1) == a;
    @ model private static pure boolean decodes1(int p, int a, int c) { return true; }
    @*/

  /*-KeY@ private normal_behavior
    @   requires 0 <= p && p <= 127 && 0 <= a && a <= 127 && 0 <= c && c <= 127;
    @   ensures \result && codeOf(packedByte(p, a, 1), packedByte(a, c, 2), 2) == a;
    @ model private static pure boolean decodes2(int p, int a, int c) { return true; }
    @*/

  /*-KeY@ private normal_behavior
    @   requires 0 <= p && p <= 127 && 0 <= a && a <= 127 && 0 <= c && c <= 127;
    @   ensures \result && codeOf(packedByte(p, a, 2), packedByte(a, c, 3), 3) == a;
    @ model private static pure boolean decodes3(int p, int a, int c) { return true; }
    @*/

  /*-KeY@ private normal_behavior
    @   requires 0 <= p && p <= 127 && 0 <= a && a <= 127 && 0 <= c && c <= 127;
    @   ensures \result && codeOf(packedByte(p, a, 3), packedByte(a, c, 4), 4) == a;
    @ model private static pure boolean decodes4(int p, int a, int c) { return true; }
    @*/

  /*-KeY@ private normal_behavior
    @   requires 0 <= p && p <= 127 && 0 <= a && a <= 127 && 0 <= c && c <= 127;
    @   ensures \result && codeOf(packedByte(p, a, 4), packedByte(a, c, 5), 5) == a;
    @ model private static pure boolean decodes5(int p, int a, int c) { return true; }
    @*/

  /*-KeY@ private normal_behavior
    @   requires 0 <= p && p <= 127 && 0 <= a && a <= 127 && 0 <= c && c <= 127;
    @   ensures \result && codeOf(packedByte(p, a, 5), packedByte(a, c, 6), 6) == a;
    @ model private static pure boolean decodes6(int p, int a, int c) { return true; }
    @*/

  /*-KeY@ private normal_behavior
    @   requires 0 <= p && p <= 127 && 0 <= a && a <= 127 && 0 <= c && c <= 127;
    @   ensures \result && codeOf(packedByte(p, a, 6), 0, 7) == a;
    @ model private static pure boolean decodes7(int p, int a, int c) { return true; }
    @*/

  /*-KeY@ private normal_behavior
    @   requires 0 <= c0 && c0 <= 127 && 0 <= c1 && c1 <= 127 && 0 <= c2 && c2 <= 127 && 0 <= c3 && c3 <= 127 && 0 <= c4 && c4 <= 127 && 0 <= c5 && c5 <= 127 && 0 <= c6 && c6 <= 127 && 0 <= c7 && c7 <= 127;
    @   requires -128 <= b0 && b0 <= 127 && -128 <= b1 && b1 <= 127 && -128 <= b2 && b2 <= 127 && -128 <= b3 && b3 <= 127 && -128 <= b4 && b4 <= 127 && -128 <= b5 && b5 <= 127 && -128 <= b6 && b6 <= 127;
    @   requires b0 == packedByte(c0, c1, 0);
    @   requires b1 == packedByte(c1, c2, 1);
    @   requires b2 == packedByte(c2, c3, 2);
    @   requires b3 == packedByte(c3, c4, 3);
    @   requires b4 == packedByte(c4, c5, 4);
    @   requires b5 == packedByte(c5, c6, 5);
    @   requires b6 == packedByte(c6, c7, 6);
    @   ensures \result && codeOf(0, b0, 0) == c0 && codeOf(b0, b1, 1) == c1 && codeOf(b1, b2, 2) == c2 && codeOf(b2, b3, 3) == c3 && codeOf(b3, b4, 4) == c4 && codeOf(b4, b5, 5) == c5 && codeOf(b5, b6, 6) == c6 && codeOf(b6, 0, 7) == c7;
    @ model private static pure boolean blockDecodes(int b0, int b1, int b2, int b3, int b4, int b5, int b6, int c0, int c1, int c2, int c3, int c4, int c5, int c6, int c7) {
    @   assert decodes0(0, c0, c1);
    @   assert decodes1(c0, c1, c2);
    @   assert decodes2(c1, c2, c3);
    @   assert decodes3(c2, c3, c4);
    @   assert decodes4(c3, c4, c5);
    @   assert decodes5(c4, c5, c6);
    @   assert decodes6(c5, c6, c7);
    @   assert decodes7(c6, c7, 0);
    @   return true;
    @ }
    @*/

  /*-KeY@ private normal_behavior
    @   requires codes != null && out != null;
    @   requires 0 <= full && 8 * full <= codes.length && 0 <= oOff && oOff + 7 * full <= out.length;
    @   requires (\forall int i; 0 <= i && i < 8 * full; 0 <= codes[i] && codes[i] <= 127);
    @   requires (\forall int k; 0 <= k && k < full;
    @         out[oOff + 7 * k] == packedByte(codes[8 * k], codes[8 * k + 1], 0)
    @         && out[oOff + 7 * k + 1] == packedByte(codes[8 * k + 1], codes[8 * k + 2], 1)
    @         && out[oOff + 7 * k + 2] == packedByte(codes[8 * k + 2], codes[8 * k + 3], 2)
    @         && out[oOff + 7 * k + 3] == packedByte(codes[8 * k + 3], codes[8 * k + 4], 3)
    @         && out[oOff + 7 * k + 4] == packedByte(codes[8 * k + 4], codes[8 * k + 5], 4)
    @         && out[oOff + 7 * k + 5] == packedByte(codes[8 * k + 5], codes[8 * k + 6], 5)
    @         && out[oOff + 7 * k + 6] == packedByte(codes[8 * k + 6], codes[8 * k + 7], 6));
    @   ensures \result && (\forall int k; 0 <= k && k < full;
    @         codeOf(0, out[oOff + 7 * k + 0], 0) == codes[8 * k + 0]
    @         && codeOf(out[oOff + 7 * k + 0], out[oOff + 7 * k + 1], 1) == codes[8 * k + 1]
    @         && codeOf(out[oOff + 7 * k + 1], out[oOff + 7 * k + 2], 2) == codes[8 * k + 2]
    @         && codeOf(out[oOff + 7 * k + 2], out[oOff + 7 * k + 3], 3) == codes[8 * k + 3]
    @         && codeOf(out[oOff + 7 * k + 3], out[oOff + 7 * k + 4], 4) == codes[8 * k + 4]
    @         && codeOf(out[oOff + 7 * k + 4], out[oOff + 7 * k + 5], 5) == codes[8 * k + 5]
    @         && codeOf(out[oOff + 7 * k + 5], out[oOff + 7 * k + 6], 6) == codes[8 * k + 6]
    @         && codeOf(out[oOff + 7 * k + 6], 0, 7) == codes[8 * k + 7]);
    @ model private static pure boolean blocksDecode(int[] codes, int full, byte[] out, int oOff) {
    @   assert (\forall int k; 0 <= k && k < full; blockDecodes(out[oOff + 7 * k + 0], out[oOff + 7 * k + 1], out[oOff + 7 * k + 2], out[oOff + 7 * k + 3], out[oOff + 7 * k + 4], out[oOff + 7 * k + 5], out[oOff + 7 * k + 6], codes[8 * k + 0], codes[8 * k + 1], codes[8 * k + 2], codes[8 * k + 3], codes[8 * k + 4], codes[8 * k + 5], codes[8 * k + 6], codes[8 * k + 7]));
    @   return true;
    @ }
    @*/

  /*-KeY@ private normal_behavior
    @   requires out != null && codes != null;
    @   requires 0 <= n && n <= codes.length && n <= MAX_STREAM_CODES;
    @   requires 0 <= oOff && 7 * n <= 8 * (out.length - oOff);
    @   requires (\forall int i; 0 <= i && i < n; 0 <= codes[i] && codes[i] <= 127);
    @   requires 8 * (n / 8) + 0 < n ==> out[oOff + 7 * (n / 8) + 0] == packedByte(
    @       codes[8 * (n / 8) + 0], 8 * (n / 8) + 1 < n ? codes[8 * (n / 8) + 1] : 0, 0);
    @   requires 8 * (n / 8) + 1 < n ==> out[oOff + 7 * (n / 8) + 1] == packedByte(
    @       codes[8 * (n / 8) + 1], 8 * (n / 8) + 2 < n ? codes[8 * (n / 8) + 2] : 0, 1);
    @   requires 8 * (n / 8) + 2 < n ==> out[oOff + 7 * (n / 8) + 2] == packedByte(
    @       codes[8 * (n / 8) + 2], 8 * (n / 8) + 3 < n ? codes[8 * (n / 8) + 3] : 0, 2);
    @   requires 8 * (n / 8) + 3 < n ==> out[oOff + 7 * (n / 8) + 3] == packedByte(
    @       codes[8 * (n / 8) + 3], 8 * (n / 8) + 4 < n ? codes[8 * (n / 8) + 4] : 0, 3);
    @   requires 8 * (n / 8) + 4 < n ==> out[oOff + 7 * (n / 8) + 4] == packedByte(
    @       codes[8 * (n / 8) + 4], 8 * (n / 8) + 5 < n ? codes[8 * (n / 8) + 5] : 0, 4);
    @   requires 8 * (n / 8) + 5 < n ==> out[oOff + 7 * (n / 8) + 5] == packedByte(
    @       codes[8 * (n / 8) + 5], 8 * (n / 8) + 6 < n ? codes[8 * (n / 8) + 6] : 0, 5);
    @   requires 8 * (n / 8) + 6 < n ==> out[oOff + 7 * (n / 8) + 6] == packedByte(
    @       codes[8 * (n / 8) + 6], 8 * (n / 8) + 7 < n ? codes[8 * (n / 8) + 7] : 0, 6);
    @   ensures \result;
    @   ensures 8 * (n / 8) + 0 < n ==> codeOf(0, out[oOff + 7 * (n / 8) + 0], 0) == codes[8 * (n / 8) + 0];
    @   ensures 8 * (n / 8) + 1 < n ==> codeOf(out[oOff + 7 * (n / 8) + 0], out[oOff + 7 * (n / 8) + 1], 1) == codes[8 * (n / 8) + 1];
    @   ensures 8 * (n / 8) + 2 < n ==> codeOf(out[oOff + 7 * (n / 8) + 1], out[oOff + 7 * (n / 8) + 2], 2) == codes[8 * (n / 8) + 2];
    @   ensures 8 * (n / 8) + 3 < n ==> codeOf(out[oOff + 7 * (n / 8) + 2], out[oOff + 7 * (n / 8) + 3], 3) == codes[8 * (n / 8) + 3];
    @   ensures 8 * (n / 8) + 4 < n ==> codeOf(out[oOff + 7 * (n / 8) + 3], out[oOff + 7 * (n / 8) + 4], 4) == codes[8 * (n / 8) + 4];
    @   ensures 8 * (n / 8) + 5 < n ==> codeOf(out[oOff + 7 * (n / 8) + 4], out[oOff + 7 * (n / 8) + 5], 5) == codes[8 * (n / 8) + 5];
    @   ensures 8 * (n / 8) + 6 < n ==> codeOf(out[oOff + 7 * (n / 8) + 5], out[oOff + 7 * (n / 8) + 6], 6) == codes[8 * (n / 8) + 6];
    @ model private static pure boolean tailDecodes(int[] codes, int n, byte[] out, int oOff) {
    @   assert blockDecodes((8 * (n / 8) + 0 < n ? out[oOff + 7 * (n / 8) + 0] : packedByte((8 * (n / 8) + 0 < n ? codes[8 * (n / 8) + 0] : 0), (8 * (n / 8) + 1 < n ? codes[8 * (n / 8) + 1] : 0), 0)), (8 * (n / 8) + 1 < n ? out[oOff + 7 * (n / 8) + 1] : packedByte((8 * (n / 8) + 1 < n ? codes[8 * (n / 8) + 1] : 0), (8 * (n / 8) + 2 < n ? codes[8 * (n / 8) + 2] : 0), 1)), (8 * (n / 8) + 2 < n ? out[oOff + 7 * (n / 8) + 2] : packedByte((8 * (n / 8) + 2 < n ? codes[8 * (n / 8) + 2] : 0), (8 * (n / 8) + 3 < n ? codes[8 * (n / 8) + 3] : 0), 2)), (8 * (n / 8) + 3 < n ? out[oOff + 7 * (n / 8) + 3] : packedByte((8 * (n / 8) + 3 < n ? codes[8 * (n / 8) + 3] : 0), (8 * (n / 8) + 4 < n ? codes[8 * (n / 8) + 4] : 0), 3)), (8 * (n / 8) + 4 < n ? out[oOff + 7 * (n / 8) + 4] : packedByte((8 * (n / 8) + 4 < n ? codes[8 * (n / 8) + 4] : 0), (8 * (n / 8) + 5 < n ? codes[8 * (n / 8) + 5] : 0), 4)), (8 * (n / 8) + 5 < n ? out[oOff + 7 * (n / 8) + 5] : packedByte((8 * (n / 8) + 5 < n ? codes[8 * (n / 8) + 5] : 0), (8 * (n / 8) + 6 < n ? codes[8 * (n / 8) + 6] : 0), 5)), (8 * (n / 8) + 6 < n ? out[oOff + 7 * (n / 8) + 6] : packedByte((8 * (n / 8) + 6 < n ? codes[8 * (n / 8) + 6] : 0), (8 * (n / 8) + 7 < n ? codes[8 * (n / 8) + 7] : 0), 6)),
    @       (8 * (n / 8) + 0 < n ? codes[8 * (n / 8) + 0] : 0), (8 * (n / 8) + 1 < n ? codes[8 * (n / 8) + 1] : 0), (8 * (n / 8) + 2 < n ? codes[8 * (n / 8) + 2] : 0), (8 * (n / 8) + 3 < n ? codes[8 * (n / 8) + 3] : 0), (8 * (n / 8) + 4 < n ? codes[8 * (n / 8) + 4] : 0), (8 * (n / 8) + 5 < n ? codes[8 * (n / 8) + 5] : 0), (8 * (n / 8) + 6 < n ? codes[8 * (n / 8) + 6] : 0), (8 * (n / 8) + 7 < n ? codes[8 * (n / 8) + 7] : 0));
    @   return true;
    @ }
    @*/

  /*-KeY@ private normal_behavior
    @   requires out != null && codes != null;
    @   requires 0 <= n && n <= codes.length && n <= MAX_STREAM_CODES;
    @   requires 0 <= oOff && 7 * n <= 8 * (out.length - oOff);
    @   requires (\forall int x; 0 <= x && x < out.length; -128 <= out[x] && out[x] <= 127);
    @   ensures \result <==> (\forall int k; 0 <= k && k < n / 8;
    @         codeOf(0, out[oOff + 7 * k + 0], 0) == codes[8 * k + 0]
    @         && codeOf(out[oOff + 7 * k + 0], out[oOff + 7 * k + 1], 1) == codes[8 * k + 1]
    @         && codeOf(out[oOff + 7 * k + 1], out[oOff + 7 * k + 2], 2) == codes[8 * k + 2]
    @         && codeOf(out[oOff + 7 * k + 2], out[oOff + 7 * k + 3], 3) == codes[8 * k + 3]
    @         && codeOf(out[oOff + 7 * k + 3], out[oOff + 7 * k + 4], 4) == codes[8 * k + 4]
    @         && codeOf(out[oOff + 7 * k + 4], out[oOff + 7 * k + 5], 5) == codes[8 * k + 5]
    @         && codeOf(out[oOff + 7 * k + 5], out[oOff + 7 * k + 6], 6) == codes[8 * k + 6]
    @         && codeOf(out[oOff + 7 * k + 6], 0, 7) == codes[8 * k + 7]);
    @ model private static pure boolean blocksDecoded(int[] codes, int n, byte[] out, int oOff);
    @*/

  /*-KeY@ private normal_behavior
    @   requires out != null && codes != null && 0 <= oOff && 0 <= k && i == 8 * k + 0;
    @   requires i < MAX_STREAM_CODES && i < codes.length;
    @   requires 7 * i + 7 <= 8 * (out.length - oOff);
    @   requires (\forall int x; 0 <= x && x < out.length; -128 <= out[x] && out[x] <= 127);
    @   requires codeOf(0, out[oOff + 7 * k + 0], 0) == codes[8 * k + 0];
    @   ensures \result && codeAt(out, oOff, i) == codes[i];
    @ model private static pure boolean at0(int[] codes, byte[] out, int oOff, int k, int i) {
    @   assert i / 8 == k && i % 8 == 0;
    @   return true;
    @ }
    @*/

  /*-KeY@ private normal_behavior
    @   requires out != null && codes != null && 0 <= oOff && 0 <= k && i == 8 * k + 1;
    @   requires i < MAX_STREAM_CODES && i < codes.length;
    @   requires 7 * i + 7 <= 8 * (out.length - oOff);
    @   requires (\forall int x; 0 <= x && x < out.length; -128 <= out[x] && out[x] <= 127);
    @   requires codeOf(out[oOff + 7 * k + 0], out[oOff + 7 * k + 1], 1) == codes[8 * k + 1];
    @   ensures \result && codeAt(out, oOff, i) == codes[i];
    @ model private static pure boolean at1(int[] codes, byte[] out, int oOff, int k, int i) {
    @   assert i / 8 == k && i % 8 == 1;
    @   return true;
    @ }
    @*/

  /*-KeY@ private normal_behavior
    @   requires out != null && codes != null && 0 <= oOff && 0 <= k && i == 8 * k + 2;
    @   requires i < MAX_STREAM_CODES && i < codes.length;
    @   requires 7 * i + 7 <= 8 * (out.length - oOff);
    @   requires (\forall int x; 0 <= x && x < out.length; -128 <= out[x] && out[x] <= 127);
    @   requires codeOf(out[oOff + 7 * k + 1], out[oOff + 7 * k + 2], 2) == codes[8 * k + 2];
    @   ensures \result && codeAt(out, oOff, i) == codes[i];
    @ model private static pure boolean at2(int[] codes, byte[] out, int oOff, int k, int i) {
    @   assert i / 8 == k && i % 8 == 2;
    @   return true;
    @ }
    @*/

  /*-KeY@ private normal_behavior
    @   requires out != null && codes != null && 0 <= oOff && 0 <= k && i == 8 * k + 3;
    @   requires i < MAX_STREAM_CODES && i < codes.length;
    @   requires 7 * i + 7 <= 8 * (out.length - oOff);
    @   requires (\forall int x; 0 <= x && x < out.length; -128 <= out[x] && out[x] <= 127);
    @   requires codeOf(out[oOff + 7 * k + 2], out[oOff + 7 * k + 3], 3) == codes[8 * k + 3];
    @   ensures \result && codeAt(out, oOff, i) == codes[i];
    @ model private static pure boolean at3(int[] codes, byte[] out, int oOff, int k, int i) {
    @   assert i / 8 == k && i % 8 == 3;
    @   return true;
    @ }
    @*/

  /*-KeY@ private normal_behavior
    @   requires out != null && codes != null && 0 <= oOff && 0 <= k && i == 8 * k + 4;
    @   requires i < MAX_STREAM_CODES && i < codes.length;
    @   requires 7 * i + 7 <= 8 * (out.length - oOff);
    @   requires (\forall int x; 0 <= x && x < out.length; -128 <= out[x] && out[x] <= 127);
    @   requires codeOf(out[oOff + 7 * k + 3], out[oOff + 7 * k + 4], 4) == codes[8 * k + 4];
    @   ensures \result && codeAt(out, oOff, i) == codes[i];
    @ model private static pure boolean at4(int[] codes, byte[] out, int oOff, int k, int i) {
    @   assert i / 8 == k && i % 8 == 4;
    @   return true;
    @ }
    @*/

  /*-KeY@ private normal_behavior
    @   requires out != null && codes != null && 0 <= oOff && 0 <= k && i == 8 * k + 5;
    @   requires i < MAX_STREAM_CODES && i < codes.length;
    @   requires 7 * i + 7 <= 8 * (out.length - oOff);
    @   requires (\forall int x; 0 <= x && x < out.length; -128 <= out[x] && out[x] <= 127);
    @   requires codeOf(out[oOff + 7 * k + 4], out[oOff + 7 * k + 5], 5) == codes[8 * k + 5];
    @   ensures \result && codeAt(out, oOff, i) == codes[i];
    @ model private static pure boolean at5(int[] codes, byte[] out, int oOff, int k, int i) {
    @   assert i / 8 == k && i % 8 == 5;
    @   return true;
    @ }
    @*/

  /*-KeY@ private normal_behavior
    @   requires out != null && codes != null && 0 <= oOff && 0 <= k && i == 8 * k + 6;
    @   requires i < MAX_STREAM_CODES && i < codes.length;
    @   requires 7 * i + 7 <= 8 * (out.length - oOff);
    @   requires (\forall int x; 0 <= x && x < out.length; -128 <= out[x] && out[x] <= 127);
    @   requires codeOf(out[oOff + 7 * k + 5], out[oOff + 7 * k + 6], 6) == codes[8 * k + 6];
    @   ensures \result && codeAt(out, oOff, i) == codes[i];
    @ model private static pure boolean at6(int[] codes, byte[] out, int oOff, int k, int i) {
    @   assert i / 8 == k && i % 8 == 6;
    @   return true;
    @ }
    @*/

  /*-KeY@ private normal_behavior
    @   requires out != null && codes != null && 0 <= oOff && 0 <= k && i == 8 * k + 7;
    @   requires i < MAX_STREAM_CODES && i < codes.length;
    @   requires 7 * i + 7 <= 8 * (out.length - oOff);
    @   requires (\forall int x; 0 <= x && x < out.length; -128 <= out[x] && out[x] <= 127);
    @   requires codeOf(out[oOff + 7 * k + 6], 0, 7) == codes[8 * k + 7];
    @   ensures \result && codeAt(out, oOff, i) == codes[i];
    @ model private static pure boolean at7(int[] codes, byte[] out, int oOff, int k, int i) {
    @   assert i / 8 == k && i % 8 == 7;
    @   return true;
    @ }
    @*/

  /*-KeY@ private normal_behavior
    @   requires out != null && codes != null;
    @   requires 0 <= n && n <= codes.length && n <= MAX_STREAM_CODES;
    @   requires 0 <= oOff && 7 * n <= 8 * (out.length - oOff);
    @   requires (\forall int x; 0 <= x && x < out.length; -128 <= out[x] && out[x] <= 127);
    @   requires blocksDecoded(codes, n, out, oOff);
    @   requires 8 * (n / 8) + 0 < n ==> codeOf(0, out[oOff + 7 * (n / 8) + 0], 0) == codes[8 * (n / 8) + 0];
    @   requires 0 <= i && i < n && i % 8 == 0;
    @   ensures \result && codeAt(out, oOff, i) == codes[i];
    @ model private static pure boolean readsBack0(int[] codes, int n, byte[] out, int oOff, int i) {
    @   int k = i / 8;
    @   if (k < n / 8) {
    @     assert codeOf(0, out[oOff + 7 * k + 0], 0) == codes[8 * k + 0];
    @   } else {
    @     assert k == n / 8;
    @   }
    @   assert at0(codes, out, oOff, k, i);
    @   return true;
    @ }
    @*/

  /*-KeY@ private normal_behavior
    @   requires out != null && codes != null;
    @   requires 0 <= n && n <= codes.length && n <= MAX_STREAM_CODES;
    @   requires 0 <= oOff && 7 * n <= 8 * (out.length - oOff);
    @   requires (\forall int x; 0 <= x && x < out.length; -128 <= out[x] && out[x] <= 127);
    @   requires blocksDecoded(codes, n, out, oOff);
    @   requires 8 * (n / 8) + 1 < n ==> codeOf(out[oOff + 7 * (n / 8) + 0], out[oOff + 7 * (n / 8) + 1], 1) == codes[8 * (n / 8) + 1];
    @   requires 0 <= i && i < n && i % 8 == 1;
    @   ensures \result && codeAt(out, oOff, i) == codes[i];
    @ model private static pure boolean readsBack1(int[] codes, int n, byte[] out, int oOff, int i) {
    @   int k = i / 8;
    @   if (k < n / 8) {
    @     assert codeOf(out[oOff + 7 * k + 0], out[oOff + 7 * k + 1], 1) == codes[8 * k + 1];
    @   } else {
    @     assert k == n / 8;
    @   }
    @   assert at1(codes, out, oOff, k, i);
    @   return true;
    @ }
    @*/

  /*-KeY@ private normal_behavior
    @   requires out != null && codes != null;
    @   requires 0 <= n && n <= codes.length && n <= MAX_STREAM_CODES;
    @   requires 0 <= oOff && 7 * n <= 8 * (out.length - oOff);
    @   requires (\forall int x; 0 <= x && x < out.length; -128 <= out[x] && out[x] <= 127);
    @   requires blocksDecoded(codes, n, out, oOff);
    @   requires 8 * (n / 8) + 2 < n ==> codeOf(out[oOff + 7 * (n / 8) + 1], out[oOff + 7 * (n / 8) + 2], 2) == codes[8 * (n / 8) + 2];
    @   requires 0 <= i && i < n && i % 8 == 2;
    @   ensures \result && codeAt(out, oOff, i) == codes[i];
    @ model private static pure boolean readsBack2(int[] codes, int n, byte[] out, int oOff, int i) {
    @   int k = i / 8;
    @   if (k < n / 8) {
    @     assert codeOf(out[oOff + 7 * k + 1], out[oOff + 7 * k + 2], 2) == codes[8 * k + 2];
    @   } else {
    @     assert k == n / 8;
    @   }
    @   assert at2(codes, out, oOff, k, i);
    @   return true;
    @ }
    @*/

  /*-KeY@ private normal_behavior
    @   requires out != null && codes != null;
    @   requires 0 <= n && n <= codes.length && n <= MAX_STREAM_CODES;
    @   requires 0 <= oOff && 7 * n <= 8 * (out.length - oOff);
    @   requires (\forall int x; 0 <= x && x < out.length; -128 <= out[x] && out[x] <= 127);
    @   requires blocksDecoded(codes, n, out, oOff);
    @   requires 8 * (n / 8) + 3 < n ==> codeOf(out[oOff + 7 * (n / 8) + 2], out[oOff + 7 * (n / 8) + 3], 3) == codes[8 * (n / 8) + 3];
    @   requires 0 <= i && i < n && i % 8 == 3;
    @   ensures \result && codeAt(out, oOff, i) == codes[i];
    @ model private static pure boolean readsBack3(int[] codes, int n, byte[] out, int oOff, int i) {
    @   int k = i / 8;
    @   if (k < n / 8) {
    @     assert codeOf(out[oOff + 7 * k + 2], out[oOff + 7 * k + 3], 3) == codes[8 * k + 3];
    @   } else {
    @     assert k == n / 8;
    @   }
    @   assert at3(codes, out, oOff, k, i);
    @   return true;
    @ }
    @*/

  /*-KeY@ private normal_behavior
    @   requires out != null && codes != null;
    @   requires 0 <= n && n <= codes.length && n <= MAX_STREAM_CODES;
    @   requires 0 <= oOff && 7 * n <= 8 * (out.length - oOff);
    @   requires (\forall int x; 0 <= x && x < out.length; -128 <= out[x] && out[x] <= 127);
    @   requires blocksDecoded(codes, n, out, oOff);
    @   requires 8 * (n / 8) + 4 < n ==> codeOf(out[oOff + 7 * (n / 8) + 3], out[oOff + 7 * (n / 8) + 4], 4) == codes[8 * (n / 8) + 4];
    @   requires 0 <= i && i < n && i % 8 == 4;
    @   ensures \result && codeAt(out, oOff, i) == codes[i];
    @ model private static pure boolean readsBack4(int[] codes, int n, byte[] out, int oOff, int i) {
    @   int k = i / 8;
    @   if (k < n / 8) {
    @     assert codeOf(out[oOff + 7 * k + 3], out[oOff + 7 * k + 4], 4) == codes[8 * k + 4];
    @   } else {
    @     assert k == n / 8;
    @   }
    @   assert at4(codes, out, oOff, k, i);
    @   return true;
    @ }
    @*/

  /*-KeY@ private normal_behavior
    @   requires out != null && codes != null;
    @   requires 0 <= n && n <= codes.length && n <= MAX_STREAM_CODES;
    @   requires 0 <= oOff && 7 * n <= 8 * (out.length - oOff);
    @   requires (\forall int x; 0 <= x && x < out.length; -128 <= out[x] && out[x] <= 127);
    @   requires blocksDecoded(codes, n, out, oOff);
    @   requires 8 * (n / 8) + 5 < n ==> codeOf(out[oOff + 7 * (n / 8) + 4], out[oOff + 7 * (n / 8) + 5], 5) == codes[8 * (n / 8) + 5];
    @   requires 0 <= i && i < n && i % 8 == 5;
    @   ensures \result && codeAt(out, oOff, i) == codes[i];
    @ model private static pure boolean readsBack5(int[] codes, int n, byte[] out, int oOff, int i) {
    @   int k = i / 8;
    @   if (k < n / 8) {
    @     assert codeOf(out[oOff + 7 * k + 4], out[oOff + 7 * k + 5], 5) == codes[8 * k + 5];
    @   } else {
    @     assert k == n / 8;
    @   }
    @   assert at5(codes, out, oOff, k, i);
    @   return true;
    @ }
    @*/

  /*-KeY@ private normal_behavior
    @   requires out != null && codes != null;
    @   requires 0 <= n && n <= codes.length && n <= MAX_STREAM_CODES;
    @   requires 0 <= oOff && 7 * n <= 8 * (out.length - oOff);
    @   requires (\forall int x; 0 <= x && x < out.length; -128 <= out[x] && out[x] <= 127);
    @   requires blocksDecoded(codes, n, out, oOff);
    @   requires 8 * (n / 8) + 6 < n ==> codeOf(out[oOff + 7 * (n / 8) + 5], out[oOff + 7 * (n / 8) + 6], 6) == codes[8 * (n / 8) + 6];
    @   requires 0 <= i && i < n && i % 8 == 6;
    @   ensures \result && codeAt(out, oOff, i) == codes[i];
    @ model private static pure boolean readsBack6(int[] codes, int n, byte[] out, int oOff, int i) {
    @   int k = i / 8;
    @   if (k < n / 8) {
    @     assert codeOf(out[oOff + 7 * k + 5], out[oOff + 7 * k + 6], 6) == codes[8 * k + 6];
    @   } else {
    @     assert k == n / 8;
    @   }
    @   assert at6(codes, out, oOff, k, i);
    @   return true;
    @ }
    @*/

  /*-KeY@ private normal_behavior
    @   requires out != null && codes != null;
    @   requires 0 <= n && n <= codes.length && n <= MAX_STREAM_CODES;
    @   requires 0 <= oOff && 7 * n <= 8 * (out.length - oOff);
    @   requires (\forall int x; 0 <= x && x < out.length; -128 <= out[x] && out[x] <= 127);
    @   requires blocksDecoded(codes, n, out, oOff);
    @   requires 0 <= i && i < n && i % 8 == 7;
    @   ensures \result && codeAt(out, oOff, i) == codes[i];
    @ model private static pure boolean readsBack7(int[] codes, int n, byte[] out, int oOff, int i) {
    @   int k = i / 8;
    @   if (k < n / 8) {
    @     assert codeOf(out[oOff + 7 * k + 6], 0, 7) == codes[8 * k + 7];
    @   } else {
    @     assert k == n / 8;
    @   }
    @   assert at7(codes, out, oOff, k, i);
    @   return true;
    @ }
    @*/

  /*-KeY@ private normal_behavior
    @   requires out != null && codes != null;
    @   requires 0 <= n && n <= codes.length && n <= MAX_STREAM_CODES;
    @   requires 0 <= oOff && 7 * n <= 8 * (out.length - oOff);
    @   requires (\forall int x; 0 <= x && x < out.length; -128 <= out[x] && out[x] <= 127);
    @   requires blocksDecoded(codes, n, out, oOff);
    @   requires 8 * (n / 8) + 0 < n ==> codeOf(0, out[oOff + 7 * (n / 8) + 0], 0) == codes[8 * (n / 8) + 0];
    @   requires 8 * (n / 8) + 1 < n ==> codeOf(out[oOff + 7 * (n / 8) + 0], out[oOff + 7 * (n / 8) + 1], 1) == codes[8 * (n / 8) + 1];
    @   requires 8 * (n / 8) + 2 < n ==> codeOf(out[oOff + 7 * (n / 8) + 1], out[oOff + 7 * (n / 8) + 2], 2) == codes[8 * (n / 8) + 2];
    @   requires 8 * (n / 8) + 3 < n ==> codeOf(out[oOff + 7 * (n / 8) + 2], out[oOff + 7 * (n / 8) + 3], 3) == codes[8 * (n / 8) + 3];
    @   requires 8 * (n / 8) + 4 < n ==> codeOf(out[oOff + 7 * (n / 8) + 3], out[oOff + 7 * (n / 8) + 4], 4) == codes[8 * (n / 8) + 4];
    @   requires 8 * (n / 8) + 5 < n ==> codeOf(out[oOff + 7 * (n / 8) + 4], out[oOff + 7 * (n / 8) + 5], 5) == codes[8 * (n / 8) + 5];
    @   requires 8 * (n / 8) + 6 < n ==> codeOf(out[oOff + 7 * (n / 8) + 5], out[oOff + 7 * (n / 8) + 6], 6) == codes[8 * (n / 8) + 6];
    @   requires 0 <= i && i < n;
    @   ensures \result && codeAt(out, oOff, i) == codes[i];
    @ model private static pure boolean readsBack(int[] codes, int n, byte[] out, int oOff, int i) {
    @   if (i % 8 == 0) { assert readsBack0(codes, n, out, oOff, i); }
    @   else if (i % 8 == 1) { assert readsBack1(codes, n, out, oOff, i); }
    @   else if (i % 8 == 2) { assert readsBack2(codes, n, out, oOff, i); }
    @   else if (i % 8 == 3) { assert readsBack3(codes, n, out, oOff, i); }
    @   else if (i % 8 == 4) { assert readsBack4(codes, n, out, oOff, i); }
    @   else if (i % 8 == 5) { assert readsBack5(codes, n, out, oOff, i); }
    @   else if (i % 8 == 6) { assert readsBack6(codes, n, out, oOff, i); }
    @   else if (i % 8 == 7) { assert readsBack7(codes, n, out, oOff, i); }
    @   return true;
    @ }
    @*/

  /*-KeY@ private normal_behavior
    @   requires out != null && codes != null;
    @   requires 0 <= n && n <= codes.length && n <= MAX_STREAM_CODES;
    @   requires 0 <= oOff && 7 * n <= 8 * (out.length - oOff);
    @   requires (\forall int x; 0 <= x && x < out.length; -128 <= out[x] && out[x] <= 127);
    @   requires blocksDecoded(codes, n, out, oOff);
    @   requires 8 * (n / 8) + 0 < n ==> codeOf(0, out[oOff + 7 * (n / 8) + 0], 0) == codes[8 * (n / 8) + 0];
    @   requires 8 * (n / 8) + 1 < n ==> codeOf(out[oOff + 7 * (n / 8) + 0], out[oOff + 7 * (n / 8) + 1], 1) == codes[8 * (n / 8) + 1];
    @   requires 8 * (n / 8) + 2 < n ==> codeOf(out[oOff + 7 * (n / 8) + 1], out[oOff + 7 * (n / 8) + 2], 2) == codes[8 * (n / 8) + 2];
    @   requires 8 * (n / 8) + 3 < n ==> codeOf(out[oOff + 7 * (n / 8) + 2], out[oOff + 7 * (n / 8) + 3], 3) == codes[8 * (n / 8) + 3];
    @   requires 8 * (n / 8) + 4 < n ==> codeOf(out[oOff + 7 * (n / 8) + 3], out[oOff + 7 * (n / 8) + 4], 4) == codes[8 * (n / 8) + 4];
    @   requires 8 * (n / 8) + 5 < n ==> codeOf(out[oOff + 7 * (n / 8) + 4], out[oOff + 7 * (n / 8) + 5], 5) == codes[8 * (n / 8) + 5];
    @   requires 8 * (n / 8) + 6 < n ==> codeOf(out[oOff + 7 * (n / 8) + 5], out[oOff + 7 * (n / 8) + 6], 6) == codes[8 * (n / 8) + 6];
    @   ensures \result && (\forall int i; 0 <= i && i < n; codeAt(out, oOff, i) == codes[i]);
    @ model private static pure boolean streamReadsBack(int[] codes, int n, byte[] out, int oOff) {
    @   int i = 0;
    @   loop_invariant 0 <= i && i <= n;
    @   loop_invariant (\forall int j; 0 <= j && j < i; codeAt(out, oOff, j) == codes[j]);
    @   loop_assigns i;
    @   decreases n - i;
    @   while (i < n) {
    @     assert readsBack(codes, n, out, oOff, i);
    @     i = i + 1;
    @   }
    @   return true;
    @ }
    @*/

  /*-KeY@ private normal_behavior
    @   requires codes != null && out != null;
    @   requires 0 <= n && n <= codes.length && n <= MAX_STREAM_CODES;
    @   requires 0 <= oOff && 7 * n <= 8 * (out.length - oOff);
    @   requires (\forall int i; 0 <= i && i < n; 0 <= codes[i] && codes[i] <= 127);
    @   requires (\forall int k; 0 <= k && k < n / 8;
    @         out[oOff + 7 * k] == packedByte(codes[8 * k], codes[8 * k + 1], 0)
    @         && out[oOff + 7 * k + 1] == packedByte(codes[8 * k + 1], codes[8 * k + 2], 1)
    @         && out[oOff + 7 * k + 2] == packedByte(codes[8 * k + 2], codes[8 * k + 3], 2)
    @         && out[oOff + 7 * k + 3] == packedByte(codes[8 * k + 3], codes[8 * k + 4], 3)
    @         && out[oOff + 7 * k + 4] == packedByte(codes[8 * k + 4], codes[8 * k + 5], 4)
    @         && out[oOff + 7 * k + 5] == packedByte(codes[8 * k + 5], codes[8 * k + 6], 5)
    @         && out[oOff + 7 * k + 6] == packedByte(codes[8 * k + 6], codes[8 * k + 7], 6));
    @   requires 8 * (n / 8) + 0 < n ==> out[oOff + 7 * (n / 8) + 0] == packedByte(
    @       codes[8 * (n / 8) + 0], 8 * (n / 8) + 1 < n ? codes[8 * (n / 8) + 1] : 0, 0);
    @   requires 8 * (n / 8) + 1 < n ==> out[oOff + 7 * (n / 8) + 1] == packedByte(
    @       codes[8 * (n / 8) + 1], 8 * (n / 8) + 2 < n ? codes[8 * (n / 8) + 2] : 0, 1);
    @   requires 8 * (n / 8) + 2 < n ==> out[oOff + 7 * (n / 8) + 2] == packedByte(
    @       codes[8 * (n / 8) + 2], 8 * (n / 8) + 3 < n ? codes[8 * (n / 8) + 3] : 0, 2);
    @   requires 8 * (n / 8) + 3 < n ==> out[oOff + 7 * (n / 8) + 3] == packedByte(
    @       codes[8 * (n / 8) + 3], 8 * (n / 8) + 4 < n ? codes[8 * (n / 8) + 4] : 0, 3);
    @   requires 8 * (n / 8) + 4 < n ==> out[oOff + 7 * (n / 8) + 4] == packedByte(
    @       codes[8 * (n / 8) + 4], 8 * (n / 8) + 5 < n ? codes[8 * (n / 8) + 5] : 0, 4);
    @   requires 8 * (n / 8) + 5 < n ==> out[oOff + 7 * (n / 8) + 5] == packedByte(
    @       codes[8 * (n / 8) + 5], 8 * (n / 8) + 6 < n ? codes[8 * (n / 8) + 6] : 0, 5);
    @   requires 8 * (n / 8) + 6 < n ==> out[oOff + 7 * (n / 8) + 6] == packedByte(
    @       codes[8 * (n / 8) + 6], 8 * (n / 8) + 7 < n ? codes[8 * (n / 8) + 7] : 0, 6);
    @   ensures \result && ((\forall int x; 0 <= x && x < out.length; -128 <= out[x] && out[x] <= 127)
    @       ==> (\forall int i; 0 <= i && i < n; codeAt(out, oOff, i) == codes[i]));
    @ model private static pure boolean streamRoundTrip(int[] codes, int n, byte[] out, int oOff) {
    @   assert blocksDecode(codes, n / 8, out, oOff);
    @   assert tailDecodes(codes, n, out, oOff);
    @   assert (\forall int x; 0 <= x && x < out.length; -128 <= out[x] && out[x] <= 127) ==> streamReadsBack(codes, n, out, oOff);
    @   return true;
    @ }
    @*/
}
