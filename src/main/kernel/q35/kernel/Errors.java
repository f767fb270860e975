package q35.kernel;

/**
 * Builds the exception every kernel check throws: a message that starts with the stable error
 * code of spec/quantization.md section 5 and names the offending values.
 *
 * <p>Why a class of its own: KeY's auto mode does not finish a proof in which a throwing method
 * concatenates ints into a String literal, but it proves these builders, whose parts are
 * parameters. The callers' exceptional contracts then follow from the builders' contracts.
 */
public final class Errors {

  private Errors() {}

  /** The exception with message {@code text}. */
  /*@ public normal_behavior
    @   ensures \result != null;
    @   assignable \nothing;
    @*/
  public static IllegalArgumentException of(String text) {
    return new IllegalArgumentException(text);
  }

  /** The exception with message {@code a + x + b}. */
  /*@ public normal_behavior
    @   ensures \result != null;
    @   assignable \nothing;
    @*/
  public static IllegalArgumentException of(String a, long x, String b) {
    String message = a + x + b;
    return new IllegalArgumentException(message);
  }

  /** The exception with message {@code a + x + b + y + c}. */
  /*@ public normal_behavior
    @   ensures \result != null;
    @   assignable \nothing;
    @*/
  public static IllegalArgumentException of(String a, long x, String b, long y, String c) {
    String message = a + x + b + y + c;
    return new IllegalArgumentException(message);
  }

  /** The exception with message {@code a + x + b + y + c + z + d + v + e}. */
  /*@ public normal_behavior
    @   ensures \result != null;
    @   assignable \nothing;
    @*/
  public static IllegalArgumentException of(String a, long x, String b, long y, String c, long z,
      String d, long v, String e) {
    String message = a + x + b + y + c + z + d + v + e;
    return new IllegalArgumentException(message);
  }

  /** The exception with message {@code a + b + c + x + d}. */
  /*@ public normal_behavior
    @   ensures \result != null;
    @   assignable \nothing;
    @*/
  public static IllegalArgumentException of(String a, String b, String c, long x, String d) {
    String message = a + b + c + x + d;
    return new IllegalArgumentException(message);
  }

  /** The exception with message {@code a + b + c + x + d + y + e}. */
  /*@ public normal_behavior
    @   ensures \result != null;
    @   assignable \nothing;
    @*/
  public static IllegalArgumentException of(String a, String b, String c, long x, String d,
      long y, String e) {
    String message = a + b + c + x + d + y + e;
    return new IllegalArgumentException(message);
  }
}
