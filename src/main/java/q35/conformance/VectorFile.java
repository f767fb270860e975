package q35.conformance;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import q35.model.Json;
import q35.model.ModelFormatException;

/**
 * Reads one conformance vector file strictly (spec/readers.md section 2) and checks, before the
 * runner touches it, that every field the runner reads has its type: integers fit an int, floats
 * are 8 hex digits, byte strings are hex, and each test type has its inputs (and, when
 * {@code valid}, its outputs; an {@code invalid} test's absent outputs read as empty). Fields it
 * does not know are allowed (the schema may grow). It checks no kernel rule: shapes and values
 * the kernel must refuse pass through to the kernel.
 */
public final class VectorFile {
  /** Largest n·k a vector may declare, so the runner's arrays stay small (spec/readers.md). */
  public static final long MAX_ELEMENTS = 1L << 22;

  private static final Pattern FLOAT = Pattern.compile("[0-9a-f]{8}");
  private static final Pattern HEX = Pattern.compile("([0-9a-f]{2})*");
  private static final Set<String> INTS = Set.of("tcId", "n", "k", "g", "m", "hi", "lo", "code");
  private static final Set<String> INT_ARRAYS = Set.of("codes", "lattice", "xq", "acc", "sums",
      "order");
  private static final Set<String> FLOAT_ARRAYS =
      Set.of("weights", "scales", "offsets", "dequantized", "x", "out", "xScales",
          "gathered");
  private static final Set<String> FLOATS = Set.of("scale", "xScale");
  private static final Set<String> STRINGS = Set.of("result", "error", "format", "comment");
  /** Per test type: the inputs, then the outputs a valid test must have. */
  private static final Map<String, String[][]> FIELDS = Map.of(
      "PairCodeTest", new String[][] {{"hi", "lo"}, {"code"}},
      "CodeStreamTest", new String[][] {{"n"}, {"packed"}},
      "WeightQuantTest", new String[][] {{"format", "n", "k", "g", "weights"},
          {"scales", "offsets", "packed", "lattice", "dequantized"}},
      "DequantizeTest", new String[][] {{"format", "n", "k", "g", "packed", "scales",
          "offsets"}, {"dequantized"}},
      "ActivationQuantTest", new String[][] {{"x"}, {"scale", "codes"}},
      "MatmulTest", new String[][] {{"format", "n", "k", "g", "packed", "scales", "offsets",
          "m", "xq", "xScales"}, {"out"}},
      "MatvecTest", new String[][] {{"format", "n", "k", "g", "packed", "scales", "offsets",
          "xq", "xScale"}, {"out", "acc", "sums"}},
      "InputOrderTest", new String[][] {{"k", "order", "x"}, {"gathered"}});

  private VectorFile() {}

  /**
   * The checked root object of a vector file.
   *
   * @throws VectorFormatException for any malformed file, naming the file, test and field
   */
  public static JsonObject parse(byte[] utf8, String file) throws VectorFormatException {
    try {
      JsonObject root = Json.parseObject(utf8, file);
      Json.integer(root, "numberOfTests", 0, Integer.MAX_VALUE, file);
      JsonArray groups = Json.array(root, "testGroups", file);
      for (int gi = 0; gi < groups.size(); gi++) {
        String gw = file + ": testGroups[" + gi + "]";
        JsonObject group = Json.asObject(groups.get(gi), gw);
        String type = Json.string(group, "type", gw);
        String[][] fields = FIELDS.get(type);
        if (fields == null) {
          throw new VectorFormatException(gw + ": unknown test type " + type);
        }
        JsonArray tests = Json.array(group, "tests", gw);
        for (int ti = 0; ti < tests.size(); ti++) {
          checkTest(Json.asObject(tests.get(ti), gw + ".tests[" + ti + "]"), fields,
              gw + ".tests[" + ti + "]");
        }
      }
      return root;
    } catch (ModelFormatException e) {
      throw new VectorFormatException(String.valueOf(e.getMessage()), e);
    }
  }

  private static void checkTest(JsonObject t, String[][] fields, String where)
      throws ModelFormatException {
    long tcId = Json.integer(t, "tcId", Integer.MIN_VALUE, Integer.MAX_VALUE, where);
    String w = where + " (tcId " + tcId + ")";
    String result = Json.string(t, "result", w);
    if (!result.equals("valid") && !result.equals("invalid")) {
      throw new ModelFormatException(w + ": 'result' must be valid or invalid");
    }
    for (String f : fields[0]) {
      require(t, f, w);
    }
    if (t.has("codes") || result.equals("valid")) {
      // a stream test without codes unpacks its packed bytes: then packed is an input
    } else if (fields == FIELDS.get("CodeStreamTest")) {
      require(t, "packed", w);
    }
    for (String f : fields[1]) {
      if (result.equals("valid")) {
        require(t, f, w);
      } else if (!t.has(f)) {
        // An invalid test has no outputs; should the kernel wrongly accept it, the runner
        // compares against empty ones and reports the missing error.
        t.add(f, INTS.contains(f) ? new com.google.gson.JsonPrimitive(0)
            : FLOATS.contains(f) ? new com.google.gson.JsonPrimitive("00000000")
            : f.equals("packed") ? new com.google.gson.JsonPrimitive("") : new JsonArray());
      }
    }
    // 'format' is any string: an unknown name is for the code under test to refuse (FORMAT)
    for (Map.Entry<String, JsonElement> e : t.entrySet()) {
      checkField(e.getKey(), e.getValue(), w + ": '" + e.getKey() + "'");
    }
    if (t.has("n") && t.has("k")) {
      long n = Json.integer(t, "n", Integer.MIN_VALUE, Integer.MAX_VALUE, w);
      long k = Json.integer(t, "k", Integer.MIN_VALUE, Integer.MAX_VALUE, w);
      if (Math.abs(n) * Math.abs(k) > MAX_ELEMENTS || Math.abs(n) > MAX_ELEMENTS
          || Math.abs(k) > MAX_ELEMENTS) {
        throw new ModelFormatException(w + ": n = " + n + ", k = " + k + " exceed the vector cap"
            + " |n|, |k|, |n·k| <= " + MAX_ELEMENTS);
      }
      if (t.has("m") && Math.abs(Json.integer(t, "m", Integer.MIN_VALUE, Integer.MAX_VALUE, w))
          * Math.abs(k) > MAX_ELEMENTS) {
        throw new ModelFormatException(w + ": m = " + t.get("m") + ", k = " + k
            + " exceed the vector cap |m·k| <= " + MAX_ELEMENTS);
      }
    } else if (t.has("n") && Math.abs(Json.integer(t, "n", Integer.MIN_VALUE,
        Integer.MAX_VALUE, w)) > MAX_ELEMENTS) {
      throw new ModelFormatException(w + ": |n| exceeds the vector cap " + MAX_ELEMENTS);
    }
  }

  private static void require(JsonObject t, String field, String w) throws ModelFormatException {
    if (!t.has(field)) {
      throw new ModelFormatException(w + ": missing '" + field + "'");
    }
  }

  private static void checkField(String name, JsonElement v, String w)
      throws ModelFormatException {
    if (INTS.contains(name)) {
      Json.integer(v, Integer.MIN_VALUE, Integer.MAX_VALUE, w);
    } else if (FLOATS.contains(name)) {
      floatBits(v, w);
    } else if (STRINGS.contains(name)) {
      Json.asString(v, w);
    } else if (name.equals("packed")) {
      if (!HEX.matcher(Json.asString(v, w)).matches()) {
        throw new ModelFormatException(w + " must be lowercase hex, two digits per byte");
      }
    } else if (INT_ARRAYS.contains(name) || FLOAT_ARRAYS.contains(name)) {
      if (!v.isJsonArray()) {
        throw new ModelFormatException(w + " must be an array");
      }
      JsonArray a = v.getAsJsonArray();
      for (int i = 0; i < a.size(); i++) {
        if (INT_ARRAYS.contains(name)) {
          Json.integer(a.get(i), Integer.MIN_VALUE, Integer.MAX_VALUE, w + "[" + i + "]");
        } else {
          floatBits(a.get(i), w + "[" + i + "]");
        }
      }
    }
  }

  private static void floatBits(JsonElement v, String w) throws ModelFormatException {
    if (!FLOAT.matcher(Json.asString(v, w)).matches()) {
      throw new ModelFormatException(w + " must be a binary32 bit pattern, 8 lowercase hex digits");
    }
  }
}
