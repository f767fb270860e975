package q35.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The two provers' parts of the report: KeY ({@code proofs}) and OpenJML ({@code openjml}),
 * and the method table that joins them ({@code methods}), one row per kernel method.
 *
 * <p>A KeY contract is "proved" only if KeY closed it in the run that wrote the results. Its
 * category (substantive, lemma, trivial) and the callee contracts its proof rests on that were
 * not proved in that run ({@code restsOn}) come from the results; older results lack them, and
 * the report then says "not recorded".
 */
final class ProofSection {

  static final String NOT_RECORDED = "not recorded";

  private ProofSection() {}

  static void addTo(JsonObject summary, VerificationReport.Inputs in) throws IOException {
    JsonObject key = key(in);
    JsonObject jml = openJml(in);
    summary.add("proofs", key);
    summary.add("openjml", jml);
    JsonArray methods = methods(key, jml);
    Path kernel = in.project().resolve("src/main/kernel");
    if (Files.isDirectory(kernel)) {
      java.util.Set<String> keyOnly = new java.util.HashSet<>(
          q35.verify.JmlSource.keyOnlyModelMethods(kernel));
      for (JsonElement e : methods) {
        JsonObject row = e.getAsJsonObject();
        String id = row.get("type").getAsString() + "." + row.get("method").getAsString();
        if (keyOnly.contains(id)) {
          row.addProperty("keyOnlyModel", true);
        }
      }
    }
    summary.add("methods", methods);
  }

  // ------------------------------------------------------------------ KeY

  static JsonObject key(VerificationReport.Inputs in) throws IOException {
    if (!Files.isRegularFile(in.keyResults())) {
      return VerificationReport.notRun("no target/key-results.json: KeY did not run");
    }
    Instant ranAt = VerificationReport.modified(in.keyResults());
    JsonObject late = VerificationReport.notCurrent(in, ranAt, "KeY",
        List.of(in.kernel(), in.project().resolve("proofs/manifest.json")));
    if (late != null) {
      return late;
    }
    JsonObject k = VerificationReport.readJson(in.keyResults());
    JsonObject o = new JsonObject();
    boolean ok = k.has("ok") && k.get("ok").getAsBoolean();
    o.addProperty("status", ok ? VerificationReport.PASSED : VerificationReport.FAILED);
    o.addProperty("tool", "KeY " + k.get("keyVersion").getAsString());
    o.addProperty("ranAt", ranAt.toString());
    o.add("settings", k.get("settings"));
    JsonObject totals = k.getAsJsonObject("totals");
    o.add("totals", totals);
    JsonArray contracts = new JsonArray();
    Map<String, Integer> counts = new LinkedHashMap<>();
    for (String c : List.of("proved", "substantive", "lemma", "trivial", "categoryNotRecorded",
        "restingOnTested", "restsOnNotRecorded", "smt", "byScript", "tested-only", "OPEN")) {
      counts.put(c, 0);
    }
    for (JsonElement e : k.getAsJsonArray("contracts")) {
      JsonObject c = e.getAsJsonObject();
      JsonObject r = contract(in.project(), c);
      String st = r.get("status").getAsString();
      counts.merge(st, 1, Integer::sum);
      if (st.equals("proved")) {
        String cat = r.get("category").getAsString();
        counts.merge(cat.equals(NOT_RECORDED) ? "categoryNotRecorded" : cat, 1, Integer::sum);
        if (r.get("restsOn").isJsonNull()) {
          counts.merge("restsOnNotRecorded", 1, Integer::sum);
        } else if (r.getAsJsonArray("restsOn").size() > 0) {
          counts.merge("restingOnTested", 1, Integer::sum);
        }
        if (r.get("smt").getAsBoolean()) {
          counts.merge("smt", 1, Integer::sum);
        }
        if (!r.get("script").getAsString().isEmpty()) {
          counts.merge("byScript", 1, Integer::sum);
        }
      }
      contracts.add(r);
    }
    JsonObject cs = new JsonObject();
    counts.forEach(cs::addProperty);
    o.add("counts", cs);
    o.add("contracts", contracts);
    if (k.has("methods")) {
      o.add("manifest", k.get("methods"));
    }
    o.add("problems", k.has("problems") ? k.get("problems") : new JsonArray());
    o.addProperty("result", keyLine(counts, contracts.size(), totals));
    return o;
  }

  static String keyLine(Map<String, Integer> n, int all, JsonObject totals) {
    StringBuilder b = new StringBuilder();
    b.append(n.get("proved")).append(" of ").append(all).append(" contracts proved");
    if (n.getOrDefault("categoryNotRecorded", 0) > 0) {
      b.append(" (categories not recorded)");
    } else {
      b.append(" (").append(n.get("substantive")).append(" substantive, ")
          .append(n.get("lemma")).append(" lemma, ").append(n.get("trivial"))
          .append(" trivial)");
    }
    if (n.getOrDefault("restsOnNotRecorded", 0) > 0) {
      b.append(", resting on tested contracts: not recorded");
    } else {
      b.append(", ").append(n.get("restingOnTested")).append(" resting on tested contracts");
    }
    if (n.getOrDefault("byScript", 0) > 0) {
      b.append(", ").append(n.get("byScript")).append(" by a committed proof script");
    }
    b.append("; ").append(n.get("tested-only")).append(" tested only, ").append(n.get("OPEN"))
        .append(" open that should close");
    if (totals.has("totalMillis")) {
      b.append("; ").append(Math.round(totals.get("totalMillis").getAsDouble() / 1000))
          .append(" s");
    }
    return b.toString();
  }

  /** One contract as the report shows it. */
  static JsonObject contract(Path project, JsonObject c) {
    JsonObject r = new JsonObject();
    String key = c.get("key").getAsString();
    String type = c.get("type").getAsString();
    String method = c.get("method").getAsString();
    String simple = simpleName(type);
    String prefix = simple + "." + method + ".";
    r.addProperty("contract", key);
    r.addProperty("class", simple);
    r.addProperty("type", type);
    r.addProperty("method", method);
    r.addProperty("kind", key.startsWith(prefix) ? key.substring(prefix.length()) : key);
    boolean closed = "closed".equals(c.get("status").getAsString());
    String status = closed ? "proved"
        : "tested-only".equals(string(c, "expected", "")) ? "tested-only" : "OPEN";
    r.addProperty("status", status);
    r.addProperty("category", string(c, "category", NOT_RECORDED));
    if (c.has("restsOn") && c.get("restsOn").isJsonArray()) {
      r.add("restsOn", c.get("restsOn"));
    } else {
      r.add("restsOn", JsonNull.INSTANCE);
    }
    r.addProperty("smt", c.has("smt") && c.get("smt").getAsBoolean());
    r.add("nodes", c.get("nodes"));
    r.add("millis", c.get("millis"));
    r.addProperty("replay", string(c, "replay", ""));
    // Only a proved contract has a proof file worth linking, and only a committed one that
    // exists, under proofs/: KeY keeps open proofs under target/, with a machine's absolute
    // path, and mvn verify saves its fresh proofs under target/ too. For those, the link is the
    // committed proof of the same contract, if there is one (made by ./q35 prove).
    String file = closed ? VerificationReport.relative(project, string(c, "proofFile", "")) : "";
    if (!file.isEmpty()
        && !(file.startsWith("proofs/") && Files.isRegularFile(project.resolve(file)))) {
      String committed = "proofs/" + Path.of(file).getFileName();
      file = Files.isRegularFile(project.resolve(committed)) ? committed : "";
    }
    r.addProperty("proofFile", file);
    // The committed proof script that made the proof (the manifest's "script"), if any.
    r.addProperty("script", closed
        ? VerificationReport.relative(project, string(c, "script", "")) : "");
    return r;
  }

  static String string(JsonObject o, String name, String otherwise) {
    JsonElement e = o.get(name);
    return e == null || e.isJsonNull() ? otherwise : e.getAsString();
  }

  static String simpleName(String type) {
    return type.substring(type.lastIndexOf('.') + 1);
  }

  /**
   * Type.method (without parameters) to whether all its contracts closed in the current KeY
   * results; empty when there are none.
   */
  static Map<String, Boolean> closedMethods(VerificationReport.Inputs in) throws IOException {
    Map<String, Boolean> closed = new LinkedHashMap<>();
    JsonObject key = key(in);
    if (!key.has("contracts")) {
      return closed;
    }
    for (JsonElement e : key.getAsJsonArray("contracts")) {
      JsonObject c = e.getAsJsonObject();
      String method = c.get("class").getAsString() + "."
          + c.get("method").getAsString().replaceAll("\\(.*", "");
      closed.merge(method, "proved".equals(c.get("status").getAsString()), Boolean::logicalAnd);
    }
    return closed;
  }

  // ------------------------------------------------------------------ OpenJML

  static JsonObject openJml(VerificationReport.Inputs in) throws IOException {
    if (!Files.isRegularFile(in.openJmlResults())) {
      return VerificationReport.notRun("no target/openjml-results.json: OpenJML did not run");
    }
    JsonObject j = VerificationReport.readJson(in.openJmlResults());
    Instant ranAt = instant(string(j, "startedAt", ""));
    if (ranAt == null) {
      ranAt = VerificationReport.modified(in.openJmlResults());
    }
    if (!"ran".equals(string(j, "status", ""))) {
      JsonObject o = VerificationReport.notRun("OpenJML did not run: "
          + string(j, "reason", "no reason given"));
      o.addProperty("ranAt", ranAt.toString());
      return o;
    }
    JsonObject late = VerificationReport.notCurrent(in, ranAt, "OpenJML",
        List.of(in.kernel()));
    if (late != null) {
      return late;
    }
    JsonObject o = new JsonObject();
    JsonObject totals = j.has("totals") ? j.getAsJsonObject("totals") : new JsonObject();
    long notValid = 0;
    for (String t : List.of("warning", "timeout", "unsupported", "error")) {
      notValid += totals.has(t) ? totals.get(t).getAsLong() : 0;
    }
    long valid = totals.has("valid") ? totals.get("valid").getAsLong() : 0;
    o.addProperty("status", notValid == 0 && valid > 0 ? VerificationReport.PASSED
        : VerificationReport.INCOMPLETE);
    o.addProperty("tool", "OpenJML " + string(j, "version", "?"));
    o.addProperty("ranAt", ranAt.toString());
    if (j.has("seconds")) {
      o.add("seconds", j.get("seconds"));
    }
    o.add("settings", j.has("settings") ? j.get("settings") : new JsonObject());
    String floats = string(j, "floatModel", "");
    o.addProperty("floatModel", floats);
    o.add("totals", totals);
    JsonArray methods = new JsonArray();
    long onlyValid = 0;
    long onlyMethods = 0;
    long lemmas = 0;
    if (j.has("methods")) {
      for (JsonElement e : j.getAsJsonArray("methods")) {
        JsonObject m = e.getAsJsonObject();
        if (m.has("openJmlOnlyClauses") && m.getAsJsonArray("openJmlOnlyClauses").size() > 0
            && string(m, "status", "").equals("valid")) {
          onlyMethods++;
          onlyValid += m.getAsJsonArray("openJmlOnlyClauses").size();
        }
        JsonObject r = new JsonObject();
        String[] tm = splitMethod(m.get("method").getAsString());
        r.addProperty("class", simpleName(tm[0]));
        r.addProperty("type", tm[0]);
        r.addProperty("method", tm[1]);
        r.addProperty("status", string(m, "status", "?"));
        if (m.has("lemma") && m.get("lemma").getAsBoolean()) {
          r.addProperty("lemma", true);
          lemmas++;
        }
        r.add("messages", m.has("messages") ? m.get("messages") : new JsonArray());
        if (m.has("seconds")) {
          r.add("seconds", m.get("seconds"));
        }
        r.add("keyOnlyClauses", m.has("keyOnlyClauses") ? m.get("keyOnlyClauses")
            : new JsonArray());
        r.add("openJmlOnlyClauses", m.has("openJmlOnlyClauses") ? m.get("openJmlOnlyClauses")
            : new JsonArray());
        methods.add(r);
      }
    }
    o.add("methods", methods);
    o.addProperty("result", count(totals, "valid") + " valid, " + count(totals, "warning")
        + " warnings, " + count(totals, "timeout") + " timeouts, "
        + count(totals, "unsupported") + " unsupported, " + count(totals, "error")
        + " errors of " + (methods.size() - lemmas) + " methods"
        + (lemmas > 0 ? " and " + lemmas + " proof lemmas (JML model methods, which KeY does"
            + " not read)" : "")
        + (onlyValid > 0 ? "; among the valid, " + onlyValid + " annotations in " + onlyMethods
            + " methods that only OpenJML reads (listed per method: the functional contracts"
            + " KeY's auto mode did not close, and loop invariants over float locals)" : "")
        + (floats.equals("reals") ? "; float results hold over the reals only" : ""));
    return o;
  }

  static long count(JsonObject totals, String name) {
    return totals.has(name) ? totals.get(name).getAsLong() : 0;
  }

  static @Nullable Instant instant(String s) {
    try {
      return s.isEmpty() ? null : Instant.parse(s).truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    } catch (DateTimeParseException e) {
      return null;
    }
  }

  /** {@code q35.kernel.Codes.packPair(int,int)} to {@code q35.kernel.Codes} and the rest. */
  static String[] splitMethod(String qualified) {
    int paren = qualified.indexOf('(');
    int dot = qualified.lastIndexOf('.', paren < 0 ? qualified.length() : paren);
    return dot < 0 ? new String[] {"", qualified}
        : new String[] {qualified.substring(0, dot), qualified.substring(dot + 1)};
  }

  // ------------------------------------------------------------------ methods

  /** One row per method, grouped by class: its KeY contracts, its OpenJML result, its tests. */
  static JsonArray methods(JsonObject key, JsonObject jml) {
    Map<String, JsonObject> rows = new TreeMap<>();
    if (key.has("manifest")) {
      for (JsonElement e : key.getAsJsonArray("manifest")) {
        JsonObject m = e.getAsJsonObject();
        String[] tm = splitMethod(m.get("method").getAsString());
        JsonObject row = row(rows, tm[0], tm[1]);
        row.addProperty("reason", string(m, "reason", ""));
        row.add("tests", m.has("tests") ? m.get("tests") : new JsonArray());
      }
    }
    if (key.has("contracts")) {
      for (JsonElement e : key.getAsJsonArray("contracts")) {
        JsonObject c = e.getAsJsonObject();
        row(rows, c.get("type").getAsString(), c.get("method").getAsString())
            .getAsJsonArray("contracts").add(c);
      }
    }
    if (jml.has("methods")) {
      for (JsonElement e : jml.getAsJsonArray("methods")) {
        JsonObject m = e.getAsJsonObject();
        row(rows, m.get("type").getAsString(), m.get("method").getAsString()).add("openjml", m);
      }
    }
    JsonArray out = new JsonArray();
    rows.values().forEach(out::add);
    return out;
  }

  static JsonObject row(Map<String, JsonObject> rows, String type, String method) {
    return rows.computeIfAbsent(type + "#" + method, x -> {
      JsonObject r = new JsonObject();
      r.addProperty("class", simpleName(type));
      r.addProperty("type", type);
      r.addProperty("method", method);
      r.add("contracts", new JsonArray());
      return r;
    });
  }
}
