package q35.kernel;

/**
 * The 7-bit pair code and the dense code stream (spec/format.md sections 1 and 2).
 *
 * <p>Written with arithmetic on small constants instead of shifts and masks, so that KeY can
 * prove every contract automatically. {@code q35.fast.FastCodes} is the bit-twiddling twin.
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
    @ also public exceptional_behavior
    @   requires hi < -8 || hi > 7 || lo < -4 || lo > 3;
    @   signals_only IllegalArgumentException;
    @*/
  public static int packPair(int hi, int lo) {
    if (hi < HI_MIN || hi > HI_MAX || lo < LO_MIN || lo > LO_MAX) {
      throw new IllegalArgumentException(
          "CODE_RANGE: pair (" + hi + ", " + lo + ") outside [-8, 7] x [-4, 3]");
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

  /** Packs 8 codes (56 bits) into 7 bytes, code i at stream bits [7i, 7i + 7), LSB first. */
  /*@ public normal_behavior
    @   requires codes != null && out != null && codes != out;
    @   requires 0 <= cOff && cOff + 8 <= codes.length;
    @   requires 0 <= oOff && oOff + 7 <= out.length;
    @   requires (\forall int i; cOff <= i && i < cOff + 8; 0 <= codes[i] && codes[i] <= 127);
    @   assignable out[oOff .. oOff + 6];
    @   ensures toUnsignedByte(out[oOff]) == codes[cOff] + (codes[cOff + 1] % 2) * 128;
    @   ensures toUnsignedByte(out[oOff + 1]) == codes[cOff + 1] / 2 + (codes[cOff + 2] % 4) * 64;
    @   ensures toUnsignedByte(out[oOff + 2]) == codes[cOff + 2] / 4 + (codes[cOff + 3] % 8) * 32;
    @   ensures toUnsignedByte(out[oOff + 3]) == codes[cOff + 3] / 8 + (codes[cOff + 4] % 16) * 16;
    @   ensures toUnsignedByte(out[oOff + 4]) == codes[cOff + 4] / 16 + (codes[cOff + 5] % 32) * 8;
    @   ensures toUnsignedByte(out[oOff + 5]) == codes[cOff + 5] / 32 + (codes[cOff + 6] % 64) * 4;
    @   ensures toUnsignedByte(out[oOff + 6]) == codes[cOff + 6] / 64 + codes[cOff + 7] * 2;
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
    out[oOff] = (byte) toSignedByte(c0 + (c1 % 2) * 128);
    out[oOff + 1] = (byte) toSignedByte(c1 / 2 + (c2 % 4) * 64);
    out[oOff + 2] = (byte) toSignedByte(c2 / 4 + (c3 % 8) * 32);
    out[oOff + 3] = (byte) toSignedByte(c3 / 8 + (c4 % 16) * 16);
    out[oOff + 4] = (byte) toSignedByte(c4 / 16 + (c5 % 32) * 8);
    out[oOff + 5] = (byte) toSignedByte(c5 / 32 + (c6 % 64) * 4);
    out[oOff + 6] = (byte) toSignedByte(c6 / 64 + c7 * 2);
  }

  /** Unpacks 7 bytes into 8 codes; the inverse of {@link #packBlock}. */
  /*@ public normal_behavior
    @   requires in != null && codes != null;
    @   requires 0 <= iOff && iOff + 7 <= in.length;
    @   requires 0 <= cOff && cOff + 8 <= codes.length;
    @   requires (\forall int i; iOff <= i && i < iOff + 7; -128 <= in[i] && in[i] <= 127);
    @   assignable codes[cOff .. cOff + 7];
    @   ensures codes[cOff] == toUnsignedByte(in[iOff]) % 128;
    @   ensures codes[cOff + 1] == toUnsignedByte(in[iOff]) / 128 + (toUnsignedByte(in[iOff + 1]) % 64) * 2;
    @   ensures codes[cOff + 2] == toUnsignedByte(in[iOff + 1]) / 64 + (toUnsignedByte(in[iOff + 2]) % 32) * 4;
    @   ensures codes[cOff + 3] == toUnsignedByte(in[iOff + 2]) / 32 + (toUnsignedByte(in[iOff + 3]) % 16) * 8;
    @   ensures codes[cOff + 4] == toUnsignedByte(in[iOff + 3]) / 16 + (toUnsignedByte(in[iOff + 4]) % 8) * 16;
    @   ensures codes[cOff + 5] == toUnsignedByte(in[iOff + 4]) / 8 + (toUnsignedByte(in[iOff + 5]) % 4) * 32;
    @   ensures codes[cOff + 6] == toUnsignedByte(in[iOff + 5]) / 4 + (toUnsignedByte(in[iOff + 6]) % 2) * 64;
    @   ensures codes[cOff + 7] == toUnsignedByte(in[iOff + 6]) / 2;
    @   ensures (\forall int i; cOff <= i && i < cOff + 8; 0 <= codes[i] && codes[i] <= 127);
    @*/
  public static void unpackBlock(byte[] in, int iOff, int[] codes, int cOff) {
    int u0 = toUnsignedByte(in[iOff]);
    int u1 = toUnsignedByte(in[iOff + 1]);
    int u2 = toUnsignedByte(in[iOff + 2]);
    int u3 = toUnsignedByte(in[iOff + 3]);
    int u4 = toUnsignedByte(in[iOff + 4]);
    int u5 = toUnsignedByte(in[iOff + 5]);
    int u6 = toUnsignedByte(in[iOff + 6]);
    codes[cOff] = u0 % 128;
    codes[cOff + 1] = u0 / 128 + (u1 % 64) * 2;
    codes[cOff + 2] = u1 / 64 + (u2 % 32) * 4;
    codes[cOff + 3] = u2 / 32 + (u3 % 16) * 8;
    codes[cOff + 4] = u3 / 16 + (u4 % 8) * 16;
    codes[cOff + 5] = u4 / 8 + (u5 % 4) * 32;
    codes[cOff + 6] = u5 / 4 + (u6 % 2) * 64;
    codes[cOff + 7] = u6 / 2;
  }

  /**
   * Packs {@code n} codes into {@code streamBytes(n)} bytes at {@code out[oOff..]}; the unused
   * high bits of the last byte are zero.
   */
  /*@ public normal_behavior
    @   requires codes != null && out != null;
    @   requires 0 <= n && n <= codes.length && n <= MAX_STREAM_CODES;
    @   requires 0 <= oOff && oOff + (7 * n + 7) / 8 <= out.length;
    @   requires (\forall int i; 0 <= i && i < n; 0 <= codes[i] && codes[i] <= 127);
    @   assignable out[oOff .. oOff + (7 * n + 7) / 8 - 1];
    @   ensures (\forall int i; 0 <= i && i < n; codeAt(out, oOff, i) == codes[i]);
    @ also public exceptional_behavior
    @   requires codes != null && out != null;
    @   requires n < 0 || n > codes.length || n > MAX_STREAM_CODES
    @         || oOff < 0 || oOff > out.length - (7 * n + 7) / 8;
    @   signals_only IllegalArgumentException;
    @   assignable \nothing;
    @*/
  public static void packStream(int[] codes, int n, byte[] out, int oOff) {
    if (n < 0 || n > codes.length || n > MAX_STREAM_CODES) {
      throw new IllegalArgumentException("SHAPE: stream length " + n + " out of range");
    }
    if (oOff < 0 || oOff > out.length - streamBytes(n)) {
      throw new IllegalArgumentException("SHAPE: output too small for " + n + " codes");
    }
    for (int i = 0; i < n; i++) {
      if (codes[i] < 0 || codes[i] > 127) {
        throw new IllegalArgumentException("CODE_RANGE: code " + codes[i] + " at index " + i);
      }
    }
    int full = n / 8;
    /*@ loop_invariant 0 <= b && b <= full;
      @ decreases full - b;
      @ assignable out[oOff .. oOff + 7 * full - 1];
      @*/
    for (int b = 0; b < full; b++) {
      packBlock(codes, 8 * b, out, oOff + 7 * b);
    }
    // The tail (0 to 7 codes) is packed as a block padded with zero codes; only its
    // streamBytes(tail) bytes are copied, so a tail of 0 copies nothing.
    int tail = n - 8 * full;
    int[] block = new int[8];
    for (int i = 0; i < tail; i++) {
      block[i] = codes[8 * full + i];
    }
    byte[] bytes = new byte[7];
    packBlock(block, 0, bytes, 0);
    int tailBytes = streamBytes(tail);
    for (int i = 0; i < tailBytes; i++) {
      out[oOff + 7 * full + i] = bytes[i];
    }
  }

  /** The code at index {@code i} of a stream starting at {@code in[iOff]} (stream bits [7i, 7i+7)). */
  /*@ public normal_behavior
    @   requires in != null && 0 <= i && i < MAX_STREAM_CODES;
    @   requires 0 <= iOff && iOff + (7 * i + 7 + 7) / 8 <= in.length;
    @   requires (\forall int k; 0 <= k && k < in.length; -128 <= in[k] && in[k] <= 127);
    @   ensures 0 <= \result && \result <= 127;
    @*/
  public static /*@ pure @*/ int codeAt(byte[] in, int iOff, int i) {
    int o = iOff + 7 * (i / 8);
    int r = i % 8;
    if (r == 0) {
      return toUnsignedByte(in[o]) % 128;
    } else if (r == 1) {
      return toUnsignedByte(in[o]) / 128 + (toUnsignedByte(in[o + 1]) % 64) * 2;
    } else if (r == 2) {
      return toUnsignedByte(in[o + 1]) / 64 + (toUnsignedByte(in[o + 2]) % 32) * 4;
    } else if (r == 3) {
      return toUnsignedByte(in[o + 2]) / 32 + (toUnsignedByte(in[o + 3]) % 16) * 8;
    } else if (r == 4) {
      return toUnsignedByte(in[o + 3]) / 16 + (toUnsignedByte(in[o + 4]) % 8) * 16;
    } else if (r == 5) {
      return toUnsignedByte(in[o + 4]) / 8 + (toUnsignedByte(in[o + 5]) % 4) * 32;
    } else if (r == 6) {
      return toUnsignedByte(in[o + 5]) / 4 + (toUnsignedByte(in[o + 6]) % 2) * 64;
    } else {
      return toUnsignedByte(in[o + 6]) / 2;
    }
  }

  /** Unpacks {@code n} codes from the stream at {@code in[iOff..]}; the inverse of packStream. */
  /*@ public normal_behavior
    @   requires in != null && codes != null;
    @   requires 0 <= n && n <= codes.length && n <= MAX_STREAM_CODES;
    @   requires 0 <= iOff && iOff + (7 * n + 7) / 8 <= in.length;
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
  public static void unpackStream(byte[] in, int iOff, int n, int[] codes) {
    if (n < 0 || n > codes.length || n > MAX_STREAM_CODES) {
      throw new IllegalArgumentException("SHAPE: stream length " + n + " out of range");
    }
    if (iOff < 0 || iOff > in.length - streamBytes(n)) {
      throw new IllegalArgumentException("TRUNCATED: stream of " + n + " codes needs "
          + streamBytes(n) + " bytes");
    }
    int full = n / 8;
    for (int b = 0; b < full; b++) {
      unpackBlock(in, iOff + 7 * b, codes, 8 * b);
    }
    // The tail's bytes are unpacked as a zero-padded block; a tail of 0 reads nothing.
    int tail = n - 8 * full;
    byte[] bytes = new byte[7];
    int tailBytes = streamBytes(tail);
    for (int i = 0; i < tailBytes; i++) {
      bytes[i] = in[iOff + 7 * full + i];
    }
    int[] block = new int[8];
    unpackBlock(bytes, 0, block, 0);
    for (int i = 0; i < tail; i++) {
      codes[8 * full + i] = block[i];
    }
  }
}
