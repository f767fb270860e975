package q35.report;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import q35.conformance.ConformanceRunner;

/**
 * Writes verification-reports/ (summary.json, index.html, README.md) from what this build
 * actually ran: the conformance vectors (run here), KeY's results (target/key-results.json),
 * the test reports (target/surefire-reports), PIT (target/pit-reports/mutations.xml) and the
 * accuracy table. A part whose input is missing is reported as "not run", never as passed.
 */
public final class VerificationReport {

  private VerificationReport() {}

  /** Inputs, by default under the project folder. */
  public record Inputs(Path project) {
    Path vectors() {
      return project.resolve("spec/vectors");
    }

    Path keyResults() {
      return project.resolve("target/key-results.json");
    }

    Path surefire() {
      return project.resolve("target/surefire-reports");
    }

    Path pit() {
      return project.resolve("target/pit-reports/mutations.xml");
    }

    Path accuracy() {
      return project.resolve("verification-reports/accuracy.json");
    }

    Path out() {
      return project.resolve("verification-reports");
    }
  }

  /** Builds the summary and writes the three files atomically; returns the summary. */
  public static JsonObject write(Inputs in) throws IOException {
    JsonObject s = summary(in);
    Files.createDirectories(in.out());
    String json = new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(s)
        + "\n";
    writeAtomically(in.out().resolve("summary.json"), json);
    writeAtomically(in.out().resolve("README.md"), markdown(s));
    writeAtomically(in.out().resolve("index.html"), html(s));
    return s;
  }

  static JsonObject summary(Inputs in) throws IOException {
    JsonObject s = new JsonObject();
    s.addProperty("project", "q35");
    s.addProperty("generatedBy", "q35.report.VerificationReport (./q35 verify, mvn verify)");
    s.addProperty("java", System.getProperty("java.version"));
    s.add("conformance", conformance(in));
    s.add("proofs", proofs(in));
    s.add("checkers", checkers(in));
    s.add("tests", tests(in));
    s.add("mutation", mutation(in));
    s.add("accuracy", accuracy(in));
    return s;
  }

  /** When an input was written (UTC), so a reader sees which run each part comes from. */
  static String asOf(Path p) {
    try {
      return Files.getLastModifiedTime(p).toInstant().truncatedTo(java.time.temporal.ChronoUnit.SECONDS)
          .toString();
    } catch (IOException e) {
      return "unknown";
    }
  }

  static JsonObject notRun(String why) {
    JsonObject o = new JsonObject();
    o.addProperty("status", "not run");
    o.addProperty("why", why);
    return o;
  }

  static JsonObject conformance(Inputs in) throws IOException {
    ConformanceRunner.Report r = ConformanceRunner.run(in.vectors());
    JsonObject o = new JsonObject();
    o.addProperty("status", r.failed() == 0 ? "passed" : "failed");
    o.addProperty("vectors", r.outcomes().size());
    o.addProperty("passed", r.passed());
    o.addProperty("failed", r.failed());
    JsonObject files = new JsonObject();
    r.perFile().forEach((f, c) -> files.addProperty(f, c[0] + " passed, " + c[1] + " failed"));
    o.add("files", files);
    JsonObject backends = BackendConformance.json(in.vectors());
    o.add("backends", backends);
    if (!BackendConformance.allPassed(backends)) {
      o.addProperty("status", "failed");
    }
    return o;
  }

  static JsonObject proofs(Inputs in) throws IOException {
    if (!Files.isRegularFile(in.keyResults())) {
      return notRun("no target/key-results.json: KeY did not run in this build");
    }
    JsonObject k = JsonParser.parseString(Files.readString(in.keyResults(),
        StandardCharsets.UTF_8)).getAsJsonObject();
    JsonObject o = new JsonObject();
    JsonObject totals = k.getAsJsonObject("totals");
    boolean ok = k.has("ok") && k.get("ok").getAsBoolean();
    o.addProperty("status", ok ? "passed" : "failed");
    o.addProperty("tool", "KeY " + k.get("keyVersion").getAsString());
    o.addProperty("asOf", asOf(in.keyResults()));
    o.add("settings", k.get("settings"));
    o.add("totals", totals);
    JsonArray contracts = new JsonArray();
    for (JsonElement e : k.getAsJsonArray("contracts")) {
      JsonObject c = e.getAsJsonObject();
      JsonObject r = new JsonObject();
      r.addProperty("contract", c.get("key").getAsString());
      r.addProperty("method", c.get("method").getAsString());
      // "proved" only when KeY closed it in this run.
      r.addProperty("status", "closed".equals(c.get("status").getAsString()) ? "proved"
          : "tested-only".equals(c.get("expected").getAsString()) ? "tested-only" : "OPEN");
      r.add("nodes", c.get("nodes"));
      r.add("millis", c.get("millis"));
      r.add("replay", c.get("replay"));
      r.add("proofFile", c.get("proofFile"));
      contracts.add(r);
    }
    o.add("contracts", contracts);
    if (k.has("methods")) {
      o.add("methods", k.get("methods"));
    }
    o.add("problems", k.get("problems"));
    return o;
  }

  static JsonObject checkers(Inputs in) throws IOException {
    JsonObject o = new JsonObject();
    o.addProperty("status", "passed");
    o.addProperty("nullness", "Nullness Checker on all main code: 0 warnings (javac -Werror)");
    o.addProperty("signedness", "Signedness Checker on all main code, kernel included: 0 warnings"
        + " (javac -Werror)");
    IndexSuppressions sup = indexSuppressions(in.project().resolve("src/main/kernel"),
        closedMethods(in));
    o.addProperty("index", "on the kernel (q35.kernel) and the fast paths (FastMatvec,"
        + " Q8Baseline, QuantizedMatrix; pom property index.classes): 0 warnings (javac -Werror,"
        + " -AwarnUnneededSuppressions). Kernel: array-length facts in"
        + " src/main/checker/kernel.astub (-AmergeStubsWithSource); " + sup.total() + " methods"
        + " carry a method-level @SuppressWarnings naming the message keys, " + sup.provedByKey()
        + " with bounds proved by KeY (runtimeExceptions:ban), " + sup.testedOnly()
        + " tested only. Fast paths: each @SuppressWarnings(\"index\") is on a single"
        + " declaration and states why the access is in bounds");
    if (!Files.isRegularFile(in.keyResults())) {
      // Without this build's KeY results the "proved by KeY" reasons cannot be checked; say so
      // rather than fail a build that skipped KeY (-Dkey.skip).
      o.addProperty("indexProofClaims", "not checked: no target/key-results.json, KeY did not"
          + " run in this build");
    } else if (!sup.notClosed().isEmpty()) {
      o.addProperty("status", "failed");
      o.addProperty("problem", "these suppressions say \"bounds proved by KeY\" but KeY did not"
          + " close every contract of the method in this run: " + sup.notClosed());
    } else {
      o.addProperty("indexProofClaims", "checked: KeY closed every contract of each method whose"
          + " suppression says \"bounds proved by KeY\", in this build");
    }
    o.addProperty("why", "these results hold because the build that wrote this report compiled");
    return o;
  }

  /** Kernel Index Checker suppressions by their stated reason; see spec/verification.md 4. */
  record IndexSuppressions(int total, int provedByKey, int testedOnly, List<String> notClosed) {}

  /**
   * Counts the kernel's method-level suppressions by the one-line reason above each
   * ("// bounds proved by KeY: ..." or "// bounds tested only ..."), and lists the methods whose
   * reason says "proved" while a contract of theirs did not close in this run.
   */
  static IndexSuppressions indexSuppressions(Path kernelDir, Map<String, Boolean> allClosed)
      throws IOException {
    int total = 0;
    int proved = 0;
    int tested = 0;
    List<String> notClosed = new ArrayList<>();
    Pattern declared = Pattern.compile("\\s(\\w+)\\(");
    List<Path> files;
    try (Stream<Path> stream = Files.list(kernelDir.resolve("q35/kernel"))) {
      files = stream.filter(f -> f.toString().endsWith(".java")).sorted().toList();
    }
    for (Path f : files) {
      List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
      String name = f.toString();
      String type = name.substring(name.lastIndexOf('/') + 1).replace(".java", "");
      for (int i = 1; i < lines.size(); i++) {
        if (!lines.get(i).trim().startsWith("@SuppressWarnings")) {
          continue;
        }
        total++;
        String reason = lines.get(i - 1).trim();
        if (reason.startsWith("// bounds proved by KeY")) {
          proved++;
          int d = i + 1;
          while (d < lines.size() && !lines.get(d).contains("(")) {
            d++;
          }
          Matcher m = declared.matcher(d < lines.size() ? lines.get(d) : "");
          String method = m.find() ? type + "." + m.group(1) : type + ".?";
          if (!Boolean.TRUE.equals(allClosed.get(method))) {
            notClosed.add(method);
          }
        } else if (reason.startsWith("// bounds tested only")) {
          tested++;
        }
      }
    }
    return new IndexSuppressions(total, proved, tested, notClosed);
  }

  /**
   * Type.method (without parameters) to whether all its contracts closed in this run; empty
   * when KeY did not run.
   */
  static Map<String, Boolean> closedMethods(Inputs in) throws IOException {
    Map<String, Boolean> closed = new LinkedHashMap<>();
    if (!Files.isRegularFile(in.keyResults())) {
      return closed;
    }
    JsonObject k = JsonParser.parseString(
        Files.readString(in.keyResults(), StandardCharsets.UTF_8)).getAsJsonObject();
    for (JsonElement e : k.getAsJsonArray("contracts")) {
      JsonObject c = e.getAsJsonObject();
      String type = c.get("type").getAsString();
      String method = type.substring(type.lastIndexOf('.') + 1) + "."
          + c.get("method").getAsString().replaceAll("\\(.*", "");
      boolean ok = "closed".equals(c.get("status").getAsString());
      closed.merge(method, ok, Boolean::logicalAnd);
    }
    return closed;
  }

  static JsonObject tests(Inputs in) throws IOException {
    if (!Files.isDirectory(in.surefire())) {
      return notRun("no target/surefire-reports: the tests did not run in this invocation");
    }
    int tests = 0;
    int failures = 0;
    int skipped = 0;
    int properties = 0;
    long tries = 0;
    Map<String, Integer> perClass = new LinkedHashMap<>();
    Pattern triesLine = Pattern.compile("^tries = (\\d+)", Pattern.MULTILINE);
    List<Path> files;
    try (Stream<Path> st = Files.list(in.surefire())) {
      files = st.filter(p -> p.getFileName() != null
          && p.getFileName().toString().startsWith("TEST-")).sorted().toList();
    }
    for (Path f : files) {
      Document d = parse(f);
      if (d == null) {
        continue;
      }
      Element suite = d.getDocumentElement();
      tests += intAttr(suite, "tests");
      failures += intAttr(suite, "failures") + intAttr(suite, "errors");
      skipped += intAttr(suite, "skipped");
      String text = String.valueOf(suite.getTextContent());
      Matcher m = triesLine.matcher(text);
      int classProps = 0;
      while (m.find()) {
        properties++;
        classProps++;
        tries += Long.parseLong(String.valueOf(m.group(1)));
      }
      if (classProps > 0) {
        perClass.put(suite.getAttribute("name"), classProps);
      }
    }
    JsonObject o = new JsonObject();
    o.addProperty("status", failures == 0 ? "passed" : "failed");
    o.addProperty("asOf", asOf(in.surefire()));
    o.addProperty("testsRun", tests);
    o.addProperty("testsRunNote", "from target/surefire-reports/TEST-*.xml, which keeps only one"
        + " engine's results for a class that mixes JUnit tests and jqwik properties, so this is"
        + " a lower bound; Maven's 'Tests run' line is the full count");
    o.addProperty("failed", failures);
    o.addProperty("skipped", skipped);
    o.addProperty("jqwikProperties", properties);
    o.addProperty("jqwikTries", tries);
    JsonObject pc = new JsonObject();
    perClass.forEach(pc::addProperty);
    o.add("propertiesPerClass", pc);
    return o;
  }

  static JsonObject mutation(Inputs in) {
    if (!Files.isRegularFile(in.pit())) {
      return notRun("no target/pit-reports/mutations.xml: PIT did not run in this invocation");
    }
    Document d = parse(in.pit());
    if (d == null) {
      return notRun("mutations.xml could not be parsed");
    }
    NodeList ms = d.getElementsByTagName("mutation");
    Map<String, Integer> byStatus = new LinkedHashMap<>();
    JsonArray survivors = new JsonArray();
    for (int i = 0; i < ms.getLength(); i++) {
      if (!(ms.item(i) instanceof Element m)) {
        continue;
      }
      String status = m.getAttribute("status");
      byStatus.merge(status, 1, Integer::sum);
      if (!"KILLED".equals(status) && !"TIMED_OUT".equals(status)
          && !"MEMORY_ERROR".equals(status)) {
        survivors.add(text(m, "mutatedClass") + "." + text(m, "mutatedMethod") + " line "
            + text(m, "lineNumber") + ": " + text(m, "description") + " (" + status + ")");
      }
    }
    int total = ms.getLength();
    int killed = total - survivors.size();
    JsonObject o = new JsonObject();
    o.addProperty("status", "ran");
    o.addProperty("tool", "PIT, STRONGER mutators, q35.kernel.*");
    o.addProperty("asOf", asOf(in.pit()));
    o.addProperty("mutants", total);
    o.addProperty("killed", killed);
    o.addProperty("score", total == 0 ? 0.0 : Math.round(1000.0 * killed / total) / 10.0);
    JsonObject bs = new JsonObject();
    byStatus.forEach(bs::addProperty);
    o.add("byStatus", bs);
    o.add("survivors", survivors);
    o.addProperty("survivorsExplained", "verification-reports/mutation/README.md lists why each"
        + " survivor is an equivalent mutant");
    return o;
  }

  static JsonObject accuracy(Inputs in) throws IOException {
    if (!Files.isRegularFile(in.accuracy())) {
      return notRun("no verification-reports/accuracy.json: run ./q35 eval --report-dir"
          + " verification-reports");
    }
    JsonObject a = JsonParser.parseString(Files.readString(in.accuracy(),
        StandardCharsets.UTF_8)).getAsJsonObject();
    a.addProperty("status", "measured by ./q35 eval (not re-run by this report)");
    return a;
  }

  // ------------------------------------------------------------------ rendering

  static String markdown(JsonObject s) {
    StringBuilder b = new StringBuilder();
    b.append("# q35 verification report\n\n");
    b.append("Generated by the build (`./q35 verify` or `mvn verify`); `summary.json` holds every"
        + " figure, `index.html` the same for a browser. A part says **not run** when its results"
        + " are missing from target/; each part gives the time its results were written (`asOf`"
        + " in summary.json), since `./q35 verify` reruns the vectors and KeY but reuses the"
        + " test and PIT results of the last `mvn verify` in the same folder.\n\n");
    JsonObject c = s.getAsJsonObject("conformance");
    b.append("## Conformance vectors\n\n").append(c.get("passed")).append(" of ")
        .append(c.get("vectors")).append(" vectors passed (`spec/vectors/`).\n\n");
    b.append(BackendConformance.markdown(c));
    JsonObject p = s.getAsJsonObject("proofs");
    b.append("## Proofs (KeY)\n\n");
    if (p.has("contracts")) {
      JsonObject t = p.getAsJsonObject("totals");
      b.append(String.format(Locale.ROOT, "%s contracts: **%s proved** (closed by KeY from scratch"
          + " in this run), %s tested-only, %s open that should close. Total %.0f s (results of"
          + " %s).%n%n", t.get("contracts"), count(p, "proved"), count(p, "tested-only"),
          count(p, "OPEN"), t.get("totalMillis").getAsDouble() / 1000,
          p.get("asOf").getAsString()));
      b.append("| contract | status | nodes | ms |\n| --- | --- | --- | --- |\n");
      for (JsonElement e : p.getAsJsonArray("contracts")) {
        JsonObject r = e.getAsJsonObject();
        b.append("| `").append(r.get("contract").getAsString()).append("` | ")
            .append(r.get("status").getAsString()).append(" | ").append(r.get("nodes"))
            .append(" | ").append(r.get("millis")).append(" |\n");
      }
      b.append("\nWhy each tested-only contract is not proved, and which tests cover it:"
          + " `proofs/manifest.json` and `summary.json` (`proofs.methods`).\n\n");
    } else {
      b.append("not run: ").append(p.get("why").getAsString()).append("\n\n");
    }
    JsonObject ch = s.getAsJsonObject("checkers");
    b.append("## Checker Framework\n\n- ").append(ch.get("nullness").getAsString())
        .append("\n- ").append(ch.get("signedness").getAsString()).append("\n- Index Checker: ")
        .append(ch.get("index").getAsString()).append("\n\n");
    JsonObject t = s.getAsJsonObject("tests");
    b.append("## Tests\n\n");
    if (t.has("testsRun")) {
      b.append(String.format(Locale.ROOT, "At least %s tests run (surefire's XML keeps one engine"
          + " per class where JUnit and jqwik mix; Maven's summary line has the full count),"
          + " %s failed, %s skipped; %s jqwik properties with %s tries in all (results of %s).%n%n",
          t.get("testsRun"), t.get("failed"), t.get("skipped"), t.get("jqwikProperties"),
          t.get("jqwikTries"), t.get("asOf").getAsString()));
    } else {
      b.append("not run: ").append(t.get("why").getAsString()).append("\n\n");
    }
    JsonObject m = s.getAsJsonObject("mutation");
    b.append("## Mutation testing (PIT)\n\n");
    if (m.has("mutants")) {
      b.append(String.format(Locale.ROOT, "%s mutants, %s killed: score %s%% (results of %s)."
          + " Survivors (all equivalent, see `mutation/README.md`):%n%n", m.get("mutants"),
          m.get("killed"), m.get("score"), m.get("asOf").getAsString()));
      for (JsonElement e : m.getAsJsonArray("survivors")) {
        b.append("- ").append(e.getAsString()).append('\n');
      }
      b.append('\n');
    } else {
      b.append("not run: ").append(m.get("why").getAsString()).append("\n\n");
    }
    b.append("## Accuracy\n\nSee `accuracy.md` (measured by `./q35 eval`).\n");
    return b.toString();
  }

  static long count(JsonObject proofs, String status) {
    long n = 0;
    for (JsonElement e : proofs.getAsJsonArray("contracts")) {
      if (status.equals(e.getAsJsonObject().get("status").getAsString())) {
        n++;
      }
    }
    return n;
  }

  static String html(JsonObject s) {
    StringBuilder b = new StringBuilder();
    b.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        + "<title>q35 verification report</title><style>"
        + "body{font-family:sans-serif;max-width:1100px;margin:2em auto;padding:0 1em}"
        + "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:2px 6px;"
        + "font-size:13px}.proved{background:#dfd}.tested-only{background:#ffd}"
        + ".OPEN{background:#fdd}code{font-size:12px}</style></head><body>\n");
    b.append("<h1>q35 verification report</h1>\n<p>What this build checked. Green: proved by"
        + " KeY in this run. Yellow: tested only (jqwik properties, vectors), with the reason."
        + " Red: expected to be proved but open.</p>\n");
    JsonObject c = s.getAsJsonObject("conformance");
    b.append("<h2>Conformance vectors</h2><p>").append(c.get("passed")).append(" of ")
        .append(c.get("vectors")).append(" passed.</p>\n");
    JsonObject p = s.getAsJsonObject("proofs");
    b.append("<h2>Proofs</h2>\n");
    if (p.has("contracts")) {
      Map<String, String> reasons = new LinkedHashMap<>();
      Map<String, String> testsBy = new LinkedHashMap<>();
      if (p.has("methods")) {
        for (JsonElement e : p.getAsJsonArray("methods")) {
          JsonObject mm = e.getAsJsonObject();
          String key = shortMethod(mm.get("method").getAsString());
          reasons.put(key, mm.has("reason") ? mm.get("reason").getAsString() : "");
          List<String> ts = new ArrayList<>();
          if (mm.has("tests")) {
            mm.getAsJsonArray("tests").forEach(x -> ts.add(x.getAsString()));
          }
          testsBy.put(key, String.join(", ", ts));
        }
      }
      b.append("<table><tr><th>contract</th><th>status</th><th>KeY nodes</th><th>ms</th>"
          + "<th>covering tests</th><th>why not proved</th></tr>\n");
      for (JsonElement e : p.getAsJsonArray("contracts")) {
        JsonObject r = e.getAsJsonObject();
        String st = r.get("status").getAsString();
        String key = shortMethod(r.get("method").getAsString());
        b.append("<tr class=\"").append(st).append("\"><td><code>")
            .append(esc(r.get("contract").getAsString())).append("</code></td><td>").append(st)
            .append("</td><td>").append(r.get("nodes")).append("</td><td>")
            .append(r.get("millis")).append("</td><td>")
            .append(esc(testsBy.getOrDefault(key, ""))).append("</td><td>")
            .append(st.equals("proved") ? "" : esc(reasons.getOrDefault(key, "")))
            .append("</td></tr>\n");
      }
      b.append("</table>\n");
    } else {
      b.append("<p>Not run: ").append(esc(p.get("why").getAsString())).append("</p>\n");
    }
    b.append("<h2>Which theorem each check backs</h2><table><tr><th>theorem"
        + " (spec/error-bounds.md)</th><th>proved</th><th>tested</th></tr>\n"
        + "<tr><td>1 pair codes bijective</td><td>Codes.packPair, unpackHiValue,"
        + " unpackLoValue (see above)</td><td>CodesProperties (all 128), pair_codes.json</td>"
        + "</tr>\n<tr><td>2 stream round trip</td><td>see Codes.* rows above</td>"
        + "<td>CodesProperties.streamRoundTripsAtAnyLength, code_stream.json</td></tr>\n"
        + "<tr><td>3 weight error bound</td><td>no (float rounding)</td>"
        + "<td>WeightQuantProperties.everyDequantizedWeightIsWithinTheorem3</td></tr>\n"
        + "<tr><td>4 activation error bound</td><td>no (float rounding)</td>"
        + "<td>ActivationProperties.everyActivationIsWithinTheorem4</td></tr>\n"
        + "<tr><td>5 int32 exactness, K &le; 2,113,665</td><td>IntDot.dot, IntDot.sum,"
        + " IntDot.mulBounded</td><td>IntDotTest, MatvecProperties.int32Accumulators...</td>"
        + "</tr>\n<tr><td>6 layer error bound</td><td>no (float rounding)</td>"
        + "<td>MatvecProperties.floatOutputIsWithinTheorem6..., StoriesLayerBoundProperties</td>"
        + "</tr></table>\n");
    b.append("<h2>Everything else</h2><pre>").append(esc(markdown(s))).append("</pre>\n");
    b.append("</body></html>\n");
    return b.toString();
  }

  static String shortMethod(String m) {
    return m.replace("q35.kernel.", "");
  }

  static String esc(String s) {
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
  }

  static @Nullable Document parse(Path f) {
    try {
      DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
      dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return dbf.newDocumentBuilder().parse(f.toFile());
    } catch (Exception e) {
      return null;
    }
  }

  static int intAttr(Element e, String name) {
    String v = e.getAttribute(name);
    return v.isEmpty() ? 0 : Integer.parseInt(v);
  }

  static String text(Element e, String tag) {
    NodeList l = e.getElementsByTagName(tag);
    org.w3c.dom.Node n = l.item(0);
    return n == null ? "" : String.valueOf(n.getTextContent());
  }

  /** Writes a text file atomically: a temporary file in the same folder, then a rename. */
  public static void writeAtomically(Path file, String content) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir == null) {
      throw new IOException(file + ": no parent folder");
    }
    Path tmp = Files.createTempFile(dir, "." + file.getFileName(), ".tmp");
    try {
      Files.writeString(tmp, content, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
  }
}
