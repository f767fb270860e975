package q35.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import com.google.gson.Strictness;
import com.google.gson.stream.JsonReader;
import com.google.gson.stream.JsonToken;
import java.io.IOException;
import java.io.StringReader;
import java.math.BigDecimal;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The one strict JSON reader of q35 (safetensors headers, config.json, the shard index, the
 * {@code .q35} header, the conformance vectors), and typed access to what it returns. Strict
 * means RFC 8259 and nothing more (spec/readers.md section 2): no comments, no NaN or
 * Infinity, no single quotes or unquoted names, no trailing data after the value, no duplicate
 * names in an object, nesting at most {@link #MAX_DEPTH} deep, numbers at most {@link
 * #MAX_NUMBER_CHARS} characters. Every error is a {@link
 * ModelFormatException} whose message names the field.
 */
public final class Json {
  /** Deepest nesting of arrays and objects accepted. */
  public static final int MAX_DEPTH = 64;
  /** Longest number literal accepted, in characters. */
  public static final int MAX_NUMBER_CHARS = 100;

  private Json() {}

  /** Parses one JSON value, strictly; {@code what} names the text in messages. */
  public static JsonElement parse(String text, String what) throws ModelFormatException {
    JsonReader r = new JsonReader(new StringReader(text));
    r.setStrictness(Strictness.STRICT);
    r.setNestingLimit(MAX_DEPTH + 1);
    try {
      JsonElement e = value(r, 0, what);
      boolean ended;
      try {
        ended = r.peek() == JsonToken.END_DOCUMENT;
      } catch (IOException | IllegalStateException ex) {
        ended = false;
      }
      if (!ended) {
        throw new ModelFormatException(what + ": invalid JSON: trailing data after the value");
      }
      return e;
    } catch (IOException | IllegalStateException | NumberFormatException e) {
      if (e instanceof ModelFormatException) {
        throw (ModelFormatException) e;
      }
      throw new ModelFormatException(what + ": invalid JSON: " + gsonMessage(e), e);
    }
  }

  private static JsonElement value(JsonReader r, int depth, String what) throws IOException {
    JsonToken t = r.peek();
    switch (t) {
      case BEGIN_OBJECT: {
        depthCheck(r, depth, what);
        JsonObject o = new JsonObject();
        r.beginObject();
        while (r.hasNext()) {
          String name = r.nextName();
          if (o.has(name)) {
            throw new ModelFormatException(what + ": invalid JSON: duplicate name \"" + name
                + "\" at " + r.getPath());
          }
          o.add(name, value(r, depth + 1, what));
        }
        r.endObject();
        return o;
      }
      case BEGIN_ARRAY: {
        depthCheck(r, depth, what);
        JsonArray a = new JsonArray();
        r.beginArray();
        while (r.hasNext()) {
          a.add(value(r, depth + 1, what));
        }
        r.endArray();
        return a;
      }
      case STRING:
        return new JsonPrimitive(r.nextString());
      case NUMBER: {
        // STRICT mode has checked the RFC 8259 number grammar; BigDecimal keeps it exact. A
        // cap on its length keeps BigDecimal's super-linear parsing of long digit strings away.
        String n = r.nextString();
        if (n.length() > MAX_NUMBER_CHARS) {
          throw new ModelFormatException(what + ": invalid JSON: a number of " + n.length()
              + " characters (at most " + MAX_NUMBER_CHARS + ") at " + r.getPath());
        }
        return new JsonPrimitive(new BigDecimal(n));
      }
      case BOOLEAN:
        return new JsonPrimitive(r.nextBoolean());
      case NULL:
        r.nextNull();
        return JsonNull.INSTANCE;
      default:
        throw new ModelFormatException(what + ": invalid JSON: unexpected " + t + " at "
            + r.getPath());
    }
  }

  /** Gson's message without the troubleshooting link it appends. */
  private static String gsonMessage(Exception e) {
    String m = String.valueOf(e.getMessage());
    int see = m.indexOf("\nSee ");
    return see < 0 ? m : m.substring(0, see);
  }

  private static void depthCheck(JsonReader r, int depth, String what) throws ModelFormatException {
    if (depth >= MAX_DEPTH) {
      throw new ModelFormatException(what + ": invalid JSON: nested deeper than " + MAX_DEPTH
          + " at " + r.getPath());
    }
  }

  /** Parses UTF-8 bytes (malformed UTF-8 is an error, not replaced) that must hold an object. */
  public static JsonObject parseObject(byte[] utf8, String what) throws ModelFormatException {
    String text;
    try {
      text = java.nio.charset.StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(utf8))
          .toString();
    } catch (java.nio.charset.CharacterCodingException e) {
      throw new ModelFormatException(what + ": not valid UTF-8");
    }
    return parseObject(text, what);
  }

  /** Parses a JSON text that must be an object. */
  public static JsonObject parseObject(String text, String what) throws ModelFormatException {
    JsonElement e = parse(text, what);
    if (!e.isJsonObject()) {
      throw new ModelFormatException(what + ": expected a JSON object");
    }
    return e.getAsJsonObject();
  }

  /** A required member that must be an object. */
  public static JsonObject object(JsonObject o, String key, String what) throws ModelFormatException {
    JsonElement e = o.get(key);
    if (e == null || !e.isJsonObject()) {
      throw new ModelFormatException(what + ": '" + key + "' must be a JSON object");
    }
    return e.getAsJsonObject();
  }

  /** An element that must be an object. */
  public static JsonObject asObject(JsonElement e, String what) throws ModelFormatException {
    if (!e.isJsonObject()) {
      throw new ModelFormatException(what + " must be a JSON object");
    }
    return e.getAsJsonObject();
  }

  /** A required member that must be an array. */
  public static JsonArray array(JsonObject o, String key, String what) throws ModelFormatException {
    JsonElement e = o.get(key);
    if (e == null || !e.isJsonArray()) {
      throw new ModelFormatException(what + ": '" + key + "' must be a JSON array");
    }
    return e.getAsJsonArray();
  }

  /** A required member that must be a string. */
  public static String string(JsonObject o, String key, String what) throws ModelFormatException {
    JsonElement e = o.get(key);
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new ModelFormatException(what + ": '" + key + "' must be a string");
    }
    return e.getAsString();
  }

  /** An element that must be a string. */
  public static String asString(JsonElement e, String what) throws ModelFormatException {
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new ModelFormatException(what + " must be a string");
    }
    return e.getAsString();
  }

  /** An optional member: its string value, or null when absent or not a string. */
  public static @Nullable String optString(JsonObject o, String key) {
    JsonElement e = o.get(key);
    return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
  }

  /** An integer in [min, max], exactly (no fraction, no rounding). */
  public static long integer(JsonElement e, long min, long max, String what) throws ModelFormatException {
    if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
      try {
        // longValueExact refuses huge exponents before expanding them (no 10^(10^9) work).
        long v = e.getAsBigDecimal().longValueExact();
        if (v >= min && v <= max) {
          return v;
        }
      } catch (ArithmeticException | NumberFormatException ex) {
        // falls through to the error below
      }
    }
    throw new ModelFormatException(what + ": " + abbreviate(e) + " is not an integer in ["
        + min + ", " + max + "]");
  }

  /** A required member that must be an integer in [min, max]. */
  public static long integer(JsonObject o, String key, long min, long max, String what)
      throws ModelFormatException {
    JsonElement e = o.get(key);
    if (e == null) {
      throw new ModelFormatException(what + ": missing '" + key + "'");
    }
    return integer(e, min, max, what + ": '" + key + "'");
  }

  /** A non-negative integer that fits a long. */
  public static long natural(JsonElement e, String what) throws ModelFormatException {
    return integer(e, 0, Long.MAX_VALUE, what);
  }

  /** A non-negative int member, or {@code fallback} when absent or null. */
  public static int intValue(JsonObject o, String key, @Nullable Integer fallback, String what)
      throws ModelFormatException {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      if (fallback == null) {
        throw new ModelFormatException(what + ": missing '" + key + "'");
      }
      return fallback;
    }
    return (int) integer(e, 0, Integer.MAX_VALUE, what + ": '" + key + "'");
  }

  /** A finite float member (nearest float32 of the number), or {@code fallback} when absent. */
  public static float floatValue(JsonObject o, String key, @Nullable Float fallback, String what)
      throws ModelFormatException {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      if (fallback == null) {
        throw new ModelFormatException(what + ": missing '" + key + "'");
      }
      return fallback;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
      throw new ModelFormatException(what + ": '" + key + "' must be a number");
    }
    float f = (float) e.getAsBigDecimal().doubleValue();
    if (!Float.isFinite(f)) {
      throw new ModelFormatException(what + ": '" + key + "' = " + abbreviate(e)
          + " is not a finite float32");
    }
    return f;
  }

  /** A boolean member, or {@code fallback} when absent or null. */
  public static boolean boolValue(JsonObject o, String key, @Nullable Boolean fallback, String what)
      throws ModelFormatException {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      if (fallback == null) {
        throw new ModelFormatException(what + ": missing '" + key + "'");
      }
      return fallback;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
      throw new ModelFormatException(what + ": '" + key + "' must be true or false");
    }
    return e.getAsBoolean();
  }

  /** The element as JSON text, cut to 40 characters for messages. */
  static String abbreviate(JsonElement e) {
    if (e.isJsonObject() || e.isJsonArray()) {
      return e.isJsonObject() ? "an object" : "an array";
    }
    String s = e.toString();
    return s.length() <= 40 ? s : s.substring(0, 37) + "...";
  }
}
