package q35.model;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;
import org.checkerframework.checker.nullness.qual.Nullable;

/** Typed, checked access to JSON headers (safetensors, config.json) with format errors. */
final class Json {
  private Json() {}

  static JsonObject parseObject(String text, String what) throws ModelFormatException {
    JsonElement e;
    try {
      e = JsonParser.parseString(text);
    } catch (JsonParseException | IllegalStateException | StackOverflowError ex) {
      throw new ModelFormatException(what + ": invalid JSON: " + ex.getMessage(), ex);
    }
    if (!e.isJsonObject()) {
      throw new ModelFormatException(what + ": expected a JSON object");
    }
    return e.getAsJsonObject();
  }

  static JsonObject object(JsonObject o, String key, String what) throws ModelFormatException {
    JsonElement e = o.get(key);
    if (e == null || !e.isJsonObject()) {
      throw new ModelFormatException(what + ": '" + key + "' must be a JSON object");
    }
    return e.getAsJsonObject();
  }

  static JsonArray array(JsonObject o, String key, String what) throws ModelFormatException {
    JsonElement e = o.get(key);
    if (e == null || !e.isJsonArray()) {
      throw new ModelFormatException(what + ": '" + key + "' must be a JSON array");
    }
    return e.getAsJsonArray();
  }

  static String string(JsonObject o, String key, String what) throws ModelFormatException {
    JsonElement e = o.get(key);
    if (e == null || !e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
      throw new ModelFormatException(what + ": '" + key + "' must be a string");
    }
    return e.getAsString();
  }

  static @Nullable String optString(JsonObject o, String key) {
    JsonElement e = o.get(key);
    return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : null;
  }

  /** A non-negative integer that fits a long. */
  static long natural(JsonElement e, String what) throws ModelFormatException {
    if (e.isJsonPrimitive() && e.getAsJsonPrimitive().isNumber()) {
      JsonPrimitive p = e.getAsJsonPrimitive();
      try {
        long v = p.getAsBigDecimal().longValueExact();
        if (v >= 0) {
          return v;
        }
      } catch (ArithmeticException | NumberFormatException ex) {
        // falls through to the error below
      }
    }
    throw new ModelFormatException(what + ": " + e + " is not a non-negative integer");
  }

  static int intValue(JsonObject o, String key, @Nullable Integer fallback, String what) throws ModelFormatException {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      if (fallback == null) {
        throw new ModelFormatException(what + ": missing '" + key + "'");
      }
      return fallback;
    }
    long v = natural(e, what + ": '" + key + "'");
    if (v > Integer.MAX_VALUE) {
      throw new ModelFormatException(what + ": '" + key + "' = " + v + " is too large");
    }
    return (int) v;
  }

  static float floatValue(JsonObject o, String key, float fallback, String what) throws ModelFormatException {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      return fallback;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
      throw new ModelFormatException(what + ": '" + key + "' must be a number");
    }
    try {
      float f = (float) e.getAsDouble();
      if (Float.isFinite(f)) {
        return f;
      }
    } catch (NumberFormatException ex) {
      // falls through to the error below
    }
    throw new ModelFormatException(what + ": '" + key + "' = " + e + " is not a finite number");
  }

  static boolean boolValue(JsonObject o, String key, boolean fallback, String what) throws ModelFormatException {
    JsonElement e = o.get(key);
    if (e == null || e.isJsonNull()) {
      return fallback;
    }
    if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
      throw new ModelFormatException(what + ": '" + key + "' must be true or false");
    }
    return e.getAsBoolean();
  }
}
