package q35.fast;

import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The fast backend's two tuning properties, read and checked once, without touching the Vector
 * API: a value that is not a whole number in range is refused with a message that names the
 * property, instead of being ignored or making the backend fall back.
 */
final class FastSettings {

  /** The property that sets the register width in bits (64 to 2048; unset: the CPU's). */
  static final String VECTOR_BITS = "q35.fast.vectorBits";
  /** The property that sets how far ahead the decode loops read (0 to 1 MiB). */
  static final String AHEAD_BYTES = "q35.fast.aheadBytes";
  /** The read-ahead distance when {@link #AHEAD_BYTES} is unset. */
  static final int DEFAULT_AHEAD = 2048;
  /** The largest read-ahead distance accepted: far beyond any cache's use, far below overflow. */
  static final int MAX_AHEAD = 1 << 20;

  private FastSettings() {}

  /** Refuses a malformed {@link #VECTOR_BITS} or {@link #AHEAD_BYTES} (IllegalArgumentException). */
  static void check() {
    vectorBits(System.getProperty(VECTOR_BITS));
    aheadBytes(System.getProperty(AHEAD_BYTES));
  }

  /** The read-ahead distance from the property's text (null or empty: the default). */
  static int aheadBytes(@Nullable String text) {
    if (text == null || text.isEmpty()) {
      return DEFAULT_AHEAD;
    }
    return wholeNumber(AHEAD_BYTES, text, 0, MAX_AHEAD, "bytes");
  }

  /** The register width from the property's text; 0 (null or empty): the CPU's preferred. */
  static int vectorBits(@Nullable String text) {
    if (text == null || text.isEmpty()) {
      return 0;
    }
    int bits = wholeNumber(VECTOR_BITS, text, 64, 2048, "bits");
    if (Integer.bitCount(bits) != 1) {
      throw new IllegalArgumentException(
          "-D" + VECTOR_BITS + "=" + text + ": expected a power of two from 64 to 2048 bits");
    }
    return bits;
  }

  private static int wholeNumber(String property, String text, int min, int max, String unit) {
    long value;
    try {
      value = Long.parseLong(text.trim());
    } catch (NumberFormatException e) {
      value = Long.MIN_VALUE;
    }
    if (value < min || value > max) {
      throw new IllegalArgumentException("-D" + property + "=" + text
          + ": expected a whole number from " + min + " to " + max + " " + unit);
    }
    return (int) value;
  }
}
