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
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.checkerframework.checker.nullness.qual.Nullable;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;
import q35.conformance.ConformanceRunner;
import q35.verify.CheckerRecord;
import q35.verify.MutationSurvivors;

/**
 * The auditor's report: summary.json, index.html and README.md, from what a build actually
 * ran: the conformance vectors (run here), KeY (target/key-results.json), OpenJML
 * (target/openjml-results.json), the compiler's checkers (target/checkers.json), the tests
 * (target/surefire-reports), PIT (each list in src/test/pit/ and the mutations.xml it names)
 * and the accuracy table (verification-reports/accuracy.json, from {@code ./q35 eval}).
 *
 * <p>A part whose results are missing says "not run", never "passed". With a build start
 * ({@code mvn verify} passes it), a part whose results are older than the build also says "not
 * run": they come from an earlier build. Without one ({@code ./q35 report}), a part whose
 * results are older than the sources it checked says "stale". Every part gives the time of its
 * run. The report names the commit, the state of the working tree and a digest of the sources
 * it describes, and holds no machine paths.
 */
public final class VerificationReport {

  static final String PASSED = "passed";
  static final String FAILED = "failed";
  static final String NOT_RUN = "not run";
  static final String STALE = "stale";
  /** OpenJML ran, but not every method verified. */
  static final String INCOMPLETE = "incomplete";

  private VerificationReport() {}

  /**
   * Where the inputs are and where the report goes. {@code buildStart} is the start of the
   * build that runs the report, or null when the report is run on its own; {@code command}
   * names what produced the report.
   */
  public record Inputs(Path project, Path out, @Nullable Instant buildStart, String command) {

    /** The committed report, written by {@code ./q35 report} from the last build's results. */
    public static Inputs of(Path project) {
      return new Inputs(project, project.resolve("verification-reports"), null, "./q35 report");
    }

    Path vectors() {
      return project.resolve("spec/vectors");
    }

    Path keyResults() {
      return project.resolve("target/key-results.json");
    }

    /** proofs.md as {@code mvn verify} writes it, beside the report in target/. */
    Path keyMarkdown() {
      return project.resolve("target/verification-reports/proofs.md");
    }

    Path openJmlResults() {
      return project.resolve("target/openjml-results.json");
    }

    Path checkerRecord() {
      return project.resolve("target/checkers.json");
    }

    Path surefire() {
      return project.resolve("target/surefire-reports");
    }

    Path pitLists() {
      return project.resolve("src/test/pit");
    }

    /** Measured by ./q35 eval into the committed folder; the build does not rerun it. */
    Path accuracy() {
      return project.resolve("verification-reports/accuracy.json");
    }

    Path kernel() {
      return project.resolve("src/main/kernel");
    }
  }

  /** Builds the summary and writes summary.json, index.html and README.md atomically. */
  public static JsonObject write(Inputs in) throws IOException {
    JsonObject s = summary(in);
    Files.createDirectories(in.out());
    writeAtomically(in.out().resolve("summary.json"), toJson(s));
    writeAtomically(in.out().resolve("README.md"), ReportMarkdown.render(s, linkBase(in)));
    writeAtomically(in.out().resolve("index.html"), ReportHtml.render(s, linkBase(in)));
    for (AccuracyChart.Metric m : AccuracyChart.Metric.values()) {
      String svg = AccuracyChart.svg(s.getAsJsonObject("accuracy"), m);
      Path file = in.out().resolve(AccuracyChart.fileName(m));
      if (!svg.isEmpty()) {
        writeAtomically(file, svg);
      } else {
        Files.deleteIfExists(file);
      }
    }
    // The per-contract KeY table of the build (written by q35 prove beside the report), when
    // the report is published elsewhere and that table belongs to the same KeY run.
    Path proofsMd = in.keyMarkdown();
    Path target = in.out().resolve("proofs.md");
    if (Files.isRegularFile(proofsMd) && Files.isRegularFile(in.keyResults())
        && !Files.isSameFile(in.out(), proofsMd.getParent() == null ? in.out()
            : proofsMd.getParent())
        && !modified(proofsMd).isBefore(modified(in.keyResults()).minusSeconds(60))) {
      writeAtomically(target, Files.readString(proofsMd, StandardCharsets.UTF_8));
    }
    return s;
  }

  /** The project folder as seen from the report folder, for links to proofs/ ("..", ...). */
  static String linkBase(Inputs in) {
    String rel = in.out().toAbsolutePath().normalize()
        .relativize(in.project().toAbsolutePath().normalize()).toString().replace('\\', '/');
    return rel.isEmpty() ? "." : rel;
  }

  static String toJson(JsonObject s) {
    return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(s) + "\n";
  }

  /** Every part, and an overview of their statuses and times. */
  static JsonObject summary(Inputs in) throws IOException {
    JsonObject s = new JsonObject();
    s.addProperty("project", "q35");
    JsonObject report = new JsonObject();
    report.addProperty("generatedBy", in.command());
    report.addProperty("generatedAt", now().toString());
    if (in.buildStart() != null) {
      report.addProperty("buildStart", String.valueOf(in.buildStart()));
    }
    report.add("sources", SourceState.of(in.project()));
    report.addProperty("java", System.getProperty("java.version"));
    s.add("report", report);
    s.add("conformance", conformance(in));
    ProofSection.addTo(s, in);
    s.add("checkers", CheckerSection.build(in, ProofSection.closedMethods(in)));
    s.add("tests", tests(in));
    s.add("mutation", MutationSection.build(in));
    s.add("accuracy", accuracy(in));
    JsonArray overview = new JsonArray();
    overview.add(line("Conformance vectors", s.getAsJsonObject("conformance")));
    overview.add(line("KeY proofs", s.getAsJsonObject("proofs")));
    overview.add(line("OpenJML", s.getAsJsonObject("openjml")));
    overview.add(line("Checker Framework", s.getAsJsonObject("checkers")));
    overview.add(line("Tests", s.getAsJsonObject("tests")));
    overview.add(line("PIT", s.getAsJsonObject("mutation")));
    overview.add(line("Accuracy", s.getAsJsonObject("accuracy")));
    s.add("overview", overview);
    return s;
  }

  static JsonObject line(String name, JsonObject part) {
    JsonObject o = new JsonObject();
    o.addProperty("part", name);
    o.addProperty("status", part.get("status").getAsString());
    o.addProperty("result", part.has("result") ? part.get("result").getAsString()
        : part.has("why") ? part.get("why").getAsString() : "");
    o.addProperty("ranAt", part.has("ranAt") ? part.get("ranAt").getAsString() : "not recorded");
    return o;
  }

  static Instant now() {
    return Instant.now().truncatedTo(ChronoUnit.SECONDS);
  }

  static Instant modified(Path p) throws IOException {
    return Files.getLastModifiedTime(p).toInstant().truncatedTo(ChronoUnit.SECONDS);
  }

  static JsonObject notRun(String why) {
    JsonObject o = new JsonObject();
    o.addProperty("status", NOT_RUN);
    o.addProperty("why", why);
    return o;
  }

  /**
   * Null when results written at {@code ranAt} are current; otherwise the "not run" (from an
   * earlier build) or "stale" (older than a file under {@code sources}) part to report.
   */
  static @Nullable JsonObject notCurrent(Inputs in, Instant ranAt, String what,
      List<Path> sources) throws IOException {
    Instant start = in.buildStart();
    if (start != null && ranAt.isBefore(start)) {
      JsonObject o = notRun(what + " did not run in this build (the results in target/ are from"
          + " " + ranAt + ", before the build started at " + start + ")");
      o.addProperty("ranAt", ranAt.toString());
      return o;
    }
    Instant newest = newest(sources);
    if (newest.isAfter(ranAt)) {
      JsonObject o = new JsonObject();
      o.addProperty("status", STALE);
      o.addProperty("why", what + ": results of " + ranAt + ", older than the sources they"
          + " cover (changed " + newest + "): run the build again");
      o.addProperty("ranAt", ranAt.toString());
      return o;
    }
    return null;
  }

  /** The newest modification time of the files under the given paths, to the second. */
  static Instant newest(List<Path> paths) throws IOException {
    return CheckerRecord.newest(paths, "").truncatedTo(ChronoUnit.SECONDS);
  }

  static JsonObject readJson(Path p) throws IOException {
    return JsonParser.parseString(Files.readString(p, StandardCharsets.UTF_8)).getAsJsonObject();
  }

  /** A path as the report may show it: relative to the project, or "" if outside it. */
  static String relative(Path project, String path) {
    if (path.isEmpty()) {
      return "";
    }
    Path p = Path.of(path);
    if (!p.isAbsolute()) {
      return path.replace('\\', '/');
    }
    Path base = project.toAbsolutePath().normalize();
    Path abs = p.normalize();
    return abs.startsWith(base) ? base.relativize(abs).toString().replace('\\', '/') : "";
  }

  // ------------------------------------------------------------------ parts

  static JsonObject conformance(Inputs in) throws IOException {
    ConformanceRunner.Report r = ConformanceRunner.run(in.vectors());
    JsonObject o = new JsonObject();
    o.addProperty("status", r.failed() == 0 ? PASSED : FAILED);
    o.addProperty("ranAt", now().toString());
    o.addProperty("vectors", r.outcomes().size());
    o.addProperty("passed", r.passed());
    o.addProperty("failed", r.failed());
    o.addProperty("result", r.passed() + " of " + r.outcomes().size() + " vectors passed"
        + " (run by this report against the Java kernel)");
    JsonObject files = new JsonObject();
    r.perFile().forEach((f, c) -> files.addProperty(f, c[0] + " passed, " + c[1] + " failed"));
    o.add("files", files);
    JsonArray failures = new JsonArray();
    r.outcomes().stream().filter(x -> !x.passed()).limit(20)
        .forEach(x -> failures.add(x.file() + " tcId " + x.tcId() + ": " + x.detail()));
    o.add("failures", failures);
    JsonObject backends = BackendConformance.json(in.vectors());
    o.add("backends", backends);
    if (!BackendConformance.allPassed(backends)) {
      o.addProperty("status", FAILED);
    }
    return o;
  }

  static JsonObject tests(Inputs in) throws IOException {
    if (!Files.isDirectory(in.surefire())) {
      return notRun("no target/surefire-reports: the tests did not run");
    }
    List<Path> files;
    try (Stream<Path> st = Files.list(in.surefire())) {
      files = st.filter(p -> String.valueOf(p.getFileName()).startsWith("TEST-")).sorted()
          .toList();
    }
    Instant start = in.buildStart();
    List<Path> current = new ArrayList<>();
    Instant ranAt = Instant.EPOCH;
    for (Path f : files) {
      Instant t = modified(f);
      if (start == null || !t.isBefore(start)) {
        current.add(f);
      }
      ranAt = t.isAfter(ranAt) ? t : ranAt;
    }
    if (files.isEmpty()) {
      return notRun("target/surefire-reports holds no test results");
    }
    JsonObject late = notCurrent(in, ranAt, "The tests", List.of(in.project().resolve("src")));
    if (late != null) {
      return late;
    }
    int tests = 0;
    int failures = 0;
    int skipped = 0;
    int properties = 0;
    long tries = 0;
    Map<String, Integer> perClass = new LinkedHashMap<>();
    Pattern triesLine = Pattern.compile("^tries = (\\d+)", Pattern.MULTILINE);
    for (Path f : current) {
      Document d = parse(f);
      if (d == null) {
        continue;
      }
      Element suite = d.getDocumentElement();
      // Count the testcase elements, not the suite's attributes: for a class that mixes JUnit
      // tests and jqwik properties Surefire lists every testcase but its "tests", "failures"
      // and "skipped" attributes hold one engine's numbers only.
      NodeList cases = suite.getElementsByTagName("testcase");
      for (int i = 0; i < cases.getLength(); i++) {
        if (!(cases.item(i) instanceof Element c)) {
          continue;
        }
        tests++;
        if (c.getElementsByTagName("failure").getLength() > 0
            || c.getElementsByTagName("error").getLength() > 0) {
          failures++;
        } else if (c.getElementsByTagName("skipped").getLength() > 0) {
          skipped++;
        }
      }
      Matcher m = triesLine.matcher(String.valueOf(suite.getTextContent()));
      int classProps = 0;
      while (m.find()) {
        classProps++;
        tries += Long.parseLong(String.valueOf(m.group(1)));
      }
      properties += classProps;
      if (classProps > 0) {
        perClass.put(suite.getAttribute("name"), classProps);
      }
    }
    JsonObject o = new JsonObject();
    o.addProperty("status", failures == 0 ? PASSED : FAILED);
    o.addProperty("ranAt", ranAt.toString());
    o.addProperty("testClasses", current.size());
    o.addProperty("testsRun", tests);
    o.addProperty("failed", failures);
    o.addProperty("skipped", skipped);
    o.addProperty("jqwikProperties", properties);
    o.addProperty("jqwikTries", tries);
    o.addProperty("result", tests + " tests, " + failures + " failed, " + skipped
        + " skipped; " + properties + " jqwik properties, " + tries + " tries");
    o.addProperty("note", "the testcase elements of target/surefire-reports/TEST-*.xml"
        + (start == null ? "" : " written by this build"));
    JsonObject pc = new JsonObject();
    perClass.forEach(pc::addProperty);
    o.add("propertiesPerClass", pc);
    return o;
  }

  static JsonObject accuracy(Inputs in) throws IOException {
    if (!Files.isRegularFile(in.accuracy())) {
      return notRun("no verification-reports/accuracy.json: run ./q35 eval --report-dir"
          + " verification-reports");
    }
    JsonObject a = readJson(in.accuracy());
    JsonObject o = new JsonObject();
    o.addProperty("status", "measured");
    o.addProperty("ranAt", a.has("measuredAt") ? a.get("measuredAt").getAsString()
        : "not recorded");
    StringBuilder result = new StringBuilder("measured by ./q35 eval, not rerun by the build");
    if (a.has("model") && a.has("tokens")) {
      result.append(": ").append(a.get("model").getAsString()).append(", ")
          .append(a.get("tokens").getAsLong()).append(" tokens");
    }
    o.addProperty("result", result + "; table in accuracy.md");
    for (Map.Entry<String, JsonElement> e : a.entrySet()) {
      o.add(e.getKey(), e.getValue());
    }
    o.add("references", llamaCppReference());
    return o;
  }

  /** llama.cpp's figures on the same model and text, for the charts (not measured by q35). */
  static JsonObject llamaCppReference() throws IOException {
    try (java.io.InputStream in = VerificationReport.class.getResourceAsStream(
        "/q35/report/llama-cpp-reference.json")) {
      if (in == null) {
        throw new IOException("resource q35/report/llama-cpp-reference.json missing");
      }
      return JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8))
          .getAsJsonObject();
    }
  }

  // ------------------------------------------------------------------ helpers

  static @Nullable Document parse(Path f) {
    try {
      return MutationSurvivors.parseXml(f);
    } catch (IOException e) {
      return null;
    }
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
