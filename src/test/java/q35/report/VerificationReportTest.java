package q35.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The report claims only what the results in target/ show: fixture projects with no results,
 * with today's KeY results, with the KeY and OpenJML results in the shapes the verification
 * helper writes (categories, restsOn, SMT), with results from before the build, and with a
 * checker record whose Index Checker pattern matches nothing.
 */
class VerificationReportTest {

  @TempDir Path project;

  static final Path REAL = Path.of(System.getProperty("q35.projectDir", "."));

  @BeforeEach
  void fixtureProject() throws IOException {
    Path vectors = Files.createDirectories(project.resolve("spec/vectors"));
    try (Stream<Path> s = Files.list(REAL.resolve("spec/vectors"))) {
      for (Path f : (Iterable<Path>) s::iterator) {
        Files.copy(f, vectors.resolve(String.valueOf(f.getFileName())));
      }
    }
    Path kernel = Files.createDirectories(project.resolve("src/main/kernel/q35/kernel"));
    Files.writeString(kernel.resolve("Codes.java"), "package q35.kernel;\nclass Codes {}\n");
    Files.createDirectories(project.resolve("src/main/java/q35/quant"));
    Files.writeString(project.resolve("src/main/java/q35/quant/FastMatvec.java"),
        "package q35.quant;\nclass FastMatvec {}\n");
  }

  void write(String rel, String content) throws IOException {
    Path f = project.resolve(rel);
    Files.createDirectories(f.getParent());
    Files.writeString(f, content, StandardCharsets.UTF_8);
  }

  JsonObject report(Instant buildStart) throws IOException {
    return VerificationReport.write(new VerificationReport.Inputs(project,
        project.resolve("target/verification-reports"), buildStart,
        buildStart == null ? "./q35 report" : "mvn verify"));
  }

  static String status(JsonObject s, String part) {
    return s.getAsJsonObject(part).get("status").getAsString();
  }

  String read(String rel) throws IOException {
    return Files.readString(project.resolve(rel), StandardCharsets.UTF_8);
  }

  /** Today's target/key-results.json: no category, no restsOn; an open proof's absolute path. */
  static final String KEY_TODAY = """
      {"tool": "KeY", "keyVersion": "2.12.3", "source": "src/main/kernel",
       "settings": {"intRules": "intRules:arithmeticSemanticsCheckingOF"},
       "totals": {"contracts": 2, "closed": 1, "open": 1, "totalMillis": 5000},
       "contracts": [
        {"key": "Codes.packPair(int,int).normal_behavior.0", "type": "q35.kernel.Codes",
         "method": "packPair(int,int)", "status": "closed", "expected": "proved", "nodes": 10,
         "millis": 100, "proofFile": "proofs/Codes.packPair__int_int.normal_behavior.0.proof",
         "replay": "closed"},
        {"key": "Codes.packStream(int[],int,byte[],int).normal_behavior.0",
         "type": "q35.kernel.Codes", "method": "packStream(int[],int,byte[],int)",
         "status": "open", "expected": "tested-only", "nodes": 5, "millis": 50,
         "proofFile": "/work/ci9.SVZT/target/key-open-proofs/Codes.packStream.proof",
         "replay": "missing"}],
       "methods": [
        {"method": "q35.kernel.Codes.packPair(int,int)", "status": "proved", "reason": "",
         "tests": ["CodesProperties"]},
        {"method": "q35.kernel.Codes.packStream(int[],int,byte[],int)",
         "status": "tested-only", "reason": "the tail loop stays open",
         "tests": ["CodesProperties"]}],
       "problems": [], "ok": true}
      """;

  /** The shapes the verification helper writes: categories, restsOn, SMT. */
  static final String KEY_NEXT = """
      {"tool": "KeY", "keyVersion": "2.12.3",
       "totals": {"contracts": 4, "closed": 3, "totalMillis": 9000},
       "contracts": [
        {"key": "Codes.packPair(int,int).normal_behavior.0", "type": "q35.kernel.Codes",
         "method": "packPair(int,int)", "status": "closed", "expected": "proved", "nodes": 10,
         "millis": 100, "proofFile": "proofs/A.proof", "replay": "closed",
         "category": "substantive", "restsOn": []},
        {"key": "Codes.lowBits(int,int).normal_behavior.0", "type": "q35.kernel.Codes",
         "method": "lowBits(int,int)", "status": "closed", "expected": "proved", "nodes": 3,
         "millis": 10, "proofFile": "proofs/B.proof", "replay": "closed",
         "category": "lemma", "restsOn": [], "smt": true,
         "script": "proofs/scripts/Codes.lowBits.script"},
        {"key": "QuantMatrix.matvec(int).behavior.0", "type": "q35.kernel.QuantMatrix",
         "method": "matvec(int)", "status": "closed", "expected": "proved", "nodes": 30,
         "millis": 300, "proofFile": "proofs/C.proof", "replay": "closed",
         "category": "substantive",
         "restsOn": ["q35.kernel.WeightQuant.combine(int[]) normal_behavior.0"]},
        {"key": "Errors.of(java.lang.String).normal_behavior.0", "type": "q35.kernel.Errors",
         "method": "of(java.lang.String)", "status": "open", "expected": "proved",
         "nodes": 3, "millis": 10, "proofFile": "", "replay": "missing",
         "category": "trivial", "restsOn": []}],
       "problems": ["contract Errors.of stays open"], "ok": false}
      """;

  static final String OPENJML = """
      { "tool": "OpenJML", "version": "0.17.0-alpha-15", "status": "ran", "reason": "",
        "settings": { "codeMath": "safe", "specMath": "bigint", "timeoutSeconds": 60,
                      "prover": "z3 4.8.12" },
        "floatModel": "reals", "startedAt": "%s", "seconds": 42.5,
        "methods": [
          { "method": "q35.kernel.Codes.packPair(int,int)", "status": "valid",
            "messages": [], "seconds": 1.5, "keyOnlyClauses": [],
            "openJmlOnlyClauses": ["also normal_behavior ensures unpackHiValue(\\\\result) == hi;"] },
          { "method": "q35.kernel.QuantMatrix.matvec(int)", "status": "warning",
            "messages": ["QuantMatrix.java:12: warning: The prover cannot establish an assertion (ArithmeticOperationRange)"],
            "seconds": 9.0, "keyOnlyClauses": ["ensures (\\\\sum ...)"],
            "openJmlOnlyClauses": ["loop_invariant out[j] == 0;"] } ],
        "totals": { "valid": 1, "warning": 1, "timeout": 0, "unsupported": 0, "error": 0 } }
      """;

  @Test
  void withoutResultsEveryBuildPartSaysNotRun() throws IOException {
    JsonObject s = report(null);
    assertEquals("passed", status(s, "conformance"));
    for (String part : List.of("proofs", "openjml", "checkers", "tests", "mutation",
        "accuracy")) {
      assertEquals("not run", status(s, part), part);
    }
    String html = read("target/verification-reports/index.html");
    String summary = html.substring(html.indexOf("<h2 id=\"summary\">Summary</h2>"),
        html.indexOf("<h2 id=\"methods\">Kernel methods</h2>"));
    assertEquals(1, summary.split("class=\"st passed\"", -1).length - 1,
        "only the vectors, which the report runs itself, pass: " + summary);
    assertTrue(read("target/verification-reports/README.md").contains("| KeY proofs | **not run**"));
  }

  @Test
  void todaysKeyResultsShowNotRecordedAndNoMachinePath() throws IOException {
    write("target/key-results.json", KEY_TODAY);
    write("proofs/Codes.packPair__int_int.normal_behavior.0.proof",
        "\\profile \"Java Profile\";\n");
    JsonObject s = report(null);
    JsonObject p = s.getAsJsonObject("proofs");
    assertEquals("passed", p.get("status").getAsString());
    assertTrue(p.get("result").getAsString().contains("categories not recorded"),
        p.get("result").getAsString());
    assertTrue(p.get("result").getAsString().contains("resting on tested contracts: not"
        + " recorded"));
    JsonObject packPair = p.getAsJsonArray("contracts").get(0).getAsJsonObject();
    assertEquals("not recorded", packPair.get("category").getAsString());
    String html = read("target/verification-reports/index.html");
    assertTrue(html.contains("href=\"../../proofs/Codes.packPair__int_int.normal_behavior.0"
        + ".proof\""), "a proved contract links to its proof file");
    assertTrue(html.contains("class=\"chip tested-only\""), "tested-only contracts are marked");
    assertEquals("not run", status(s, "openjml"), "a missing OpenJML file is never passed");
    assertEquals("Codes.packPair; not proved in this run: Codes.unpackHiValue",
        ReportHtml.provedOf(s, "Codes.packPair Codes.unpackHiValue"),
        "the theorem table names only what this run proved");
    assertNoMachinePath();
  }

  /**
   * mvn verify saves its fresh proofs under target/: the page links the committed proof of the
   * same contract when there is one, and nothing (never a target/ path) when there is none.
   */
  @Test
  void freshProofsUnderTargetLinkTheCommittedProof() throws IOException {
    // As key-results.json of a build before the fix had it: the save dir under the proof dir.
    String fresh = KEY_TODAY.replace(
        "\"proofFile\": \"proofs/Codes.packPair__int_int.normal_behavior.0.proof\"",
        "\"proofFile\": \"proofs/target/proofs/Codes.packPair__int_int.normal_behavior.0.proof\"");
    assertTrue(fresh.contains("target/proofs/"), "the fixture was rewritten");
    write("target/key-results.json", fresh);
    report(null);
    String html = read("target/verification-reports/index.html");
    assertTrue(!html.contains("target/proofs/"), "no link into target/");
    assertTrue(!html.contains("href=\"../../proofs/Codes.packPair"),
        "no committed proof, no link");
    write("proofs/Codes.packPair__int_int.normal_behavior.0.proof",
        "\\profile \"Java Profile\";\n");
    report(null);
    html = read("target/verification-reports/index.html");
    assertTrue(html.contains("href=\"../../proofs/Codes.packPair__int_int.normal_behavior.0"
        + ".proof\""), "the committed proof is linked");
  }

  @Test
  void categoriesRestsOnAndOpenJmlMethodByMethod() throws IOException {
    write("target/key-results.json", KEY_NEXT);
    Instant started = VerificationReport.now();
    write("target/openjml-results.json", String.format(OPENJML, started));
    JsonObject s = report(null);
    JsonObject counts = s.getAsJsonObject("proofs").getAsJsonObject("counts");
    assertEquals(3, counts.get("proved").getAsInt());
    assertEquals(2, counts.get("substantive").getAsInt());
    assertEquals(1, counts.get("lemma").getAsInt());
    assertEquals(0, counts.get("trivial").getAsInt(), "an open contract is not counted proved");
    assertEquals(1, counts.get("restingOnTested").getAsInt());
    assertEquals(1, counts.get("smt").getAsInt());
    assertEquals(1, counts.get("byScript").getAsInt());
    assertTrue(s.getAsJsonObject("proofs").get("result").getAsString()
        .contains("1 by a committed proof script"));
    assertEquals(1, counts.get("OPEN").getAsInt());
    assertEquals("failed", status(s, "proofs"));
    JsonObject jml = s.getAsJsonObject("openjml");
    assertEquals("incomplete", jml.get("status").getAsString());
    assertEquals(started.toString(), jml.get("ranAt").getAsString());
    assertTrue(jml.get("result").getAsString().contains("over the reals only"));
    JsonObject matvec = method(s, "QuantMatrix", "matvec(int)");
    assertEquals("warning", matvec.getAsJsonObject("openjml").get("status").getAsString());
    String html = read("target/verification-reports/index.html");
    assertTrue(html.contains("chip proved rests"), "a proof resting on a tested contract is marked");
    assertTrue(html.contains("rests on q35.kernel.WeightQuant.combine(int[])"));
    assertTrue(html.contains("chip OPEN"));
    assertTrue(html.contains("<span class=\"cat\">lemma, SMT</span>"), "category and SMT shown");
    assertTrue(html.contains("href=\"../../proofs/scripts/Codes.lowBits.script\""),
        "a proof made by a script links to it");
    assertTrue(read("target/verification-reports/README.md")
        .contains("by [script](../../proofs/scripts/Codes.lowBits.script)"));
    assertTrue(html.contains("KeY only: ensures"), "OpenJML's KeY-only clauses are shown");
    assertTrue(html.contains("1 clause proved by OpenJML only (KeY does not read them): also"
        + " normal_behavior ensures unpackHiValue"), "a valid method's OpenJML-only clauses");
    assertTrue(html.contains("1 clause read by OpenJML only (KeY does not read them): loop_inv"),
        "a method with a warning: its OpenJML-only clauses are not called proved");
    assertTrue(jml.get("result").getAsString().contains("among the valid, 1 annotations in 1"
        + " methods that only OpenJML reads"), jml.get("result").getAsString());
    assertTrue(read("target/verification-reports/README.md").contains("proved by OpenJML only:"
        + " also normal_behavior ensures unpackHiValue"), "the markdown report shows them too");
    assertTrue(html.indexOf("<h2 id=\"summary\">Summary</h2>") < html.indexOf("<h2 id=\"methods\">Kernel methods</h2>"),
        "the page opens with the summary");
    assertTrue(html.contains("<tr class=\"cls\"><th colspan=\"4\">q35.kernel.Codes</th></tr>"),
        "methods are grouped by class");
    assertNoMachinePath();
  }

  @Test
  void resultsFromBeforeTheBuildAreNotRunInThisBuild() throws IOException {
    write("target/key-results.json", KEY_TODAY);
    write("target/openjml-results.json", String.format(OPENJML, "2026-01-02T03:04:05Z"));
    Instant old = Instant.parse("2026-01-02T03:04:05Z");
    Files.setLastModifiedTime(project.resolve("target/key-results.json"), FileTime.from(old));
    JsonObject s = report(old.plusSeconds(3600));
    assertEquals("not run", status(s, "proofs"));
    assertTrue(s.getAsJsonObject("proofs").get("why").getAsString().contains("did not run in"
        + " this build"));
    assertEquals("not run", status(s, "openjml"));
    assertEquals("mvn verify", s.getAsJsonObject("report").get("generatedBy").getAsString());
  }

  @Test
  void testsAreCountedFromTheirTestcasesNotFromTheSuitesCounts() throws IOException {
    // What Surefire writes for a class that mixes JUnit tests and a jqwik property: every
    // testcase is listed, the suite's counts are one engine's (here a property that passed).
    write("target/surefire-reports/TEST-q35.MixedTest.xml", """
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuite name="q35.MixedTest" tests="1" failures="0" errors="0" skipped="0">
          <testcase name="aProperty" classname="q35.MixedTest"><system-out>
        tries = 100
        </system-out></testcase>
          <testcase name="aTestThatFailed" classname="q35.MixedTest">
            <failure message="expected 1">trace</failure></testcase>
          <testcase name="aSkippedTest" classname="q35.MixedTest"><skipped/></testcase>
        </testsuite>
        """);
    write("target/surefire-reports/TEST-q35.PlainTest.xml", """
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuite name="q35.PlainTest" tests="2" failures="0" errors="1" skipped="0">
          <testcase name="fine" classname="q35.PlainTest"/>
          <testcase name="threw" classname="q35.PlainTest"><error>boom</error></testcase>
        </testsuite>
        """);
    JsonObject t = report(null).getAsJsonObject("tests");
    assertEquals("failed", t.get("status").getAsString());
    assertEquals("5 tests, 2 failed, 1 skipped; 1 jqwik properties, 100 tries",
        t.get("result").getAsString());
    assertEquals(5, t.get("testsRun").getAsInt());
  }

  @Test
  void resultsOlderThanTheirSourcesAreStale() throws IOException {
    write("target/key-results.json", KEY_TODAY);
    Files.setLastModifiedTime(project.resolve("target/key-results.json"),
        FileTime.from(Instant.parse("2026-01-02T03:04:05Z")));
    JsonObject s = report(null);
    assertEquals("stale", status(s, "proofs"));
  }

  @Test
  void openJmlThatDidNotRunSaysSo() throws IOException {
    write("target/openjml-results.json", "{\"tool\": \"OpenJML\", \"status\": \"not run\","
        + " \"reason\": \"no OpenJML found (OPENJML_HOME unset)\"}");
    JsonObject s = report(null);
    assertEquals("not run", status(s, "openjml"));
    assertTrue(s.getAsJsonObject("openjml").get("why").getAsString().contains("OPENJML_HOME"));
  }

  static final String RECORD = """
      {"recordedAt": "%s", "classesUpToDate": true,
       "executions": [
        {"execution": "default-compile", "processors": ["x.NullnessChecker", "x.SignednessChecker"],
         "checkers": ["Nullness", "Signedness"], "classes": 70},
        {"execution": "index-check", "skipped": %s, "processors": ["x.IndexChecker"],
         "checkers": ["Index"], "onlyDefs": "%s", "matchedClasses": %s}]}
      """;

  @Test
  void checkerLinesComeFromTheBuildsRecord() throws IOException {
    write("target/checkers.json", String.format(RECORD, VerificationReport.now(), "false",
        "^q35[.]kernel[.]", "[\"q35.kernel.Codes\", \"q35.quant.FastMatvec\"]"));
    JsonObject c = report(null).getAsJsonObject("checkers");
    assertEquals("passed", c.get("status").getAsString());
    assertTrue(c.getAsJsonObject("nullness").get("line").getAsString().contains("70 classes"));
    assertTrue(c.getAsJsonObject("index").get("line").getAsString()
        .contains("2 classes"), c.toString());
  }

  @Test
  void aSkippedIndexCheckerIsNotRunAndAnEmptyPatternFails() throws IOException {
    write("target/checkers.json", String.format(RECORD, VerificationReport.now(), "true",
        "^q35[.]kernel[.]", "[]"));
    JsonObject c = report(null).getAsJsonObject("checkers");
    assertEquals("not run", c.getAsJsonObject("index").get("status").getAsString());
    assertEquals("passed", c.getAsJsonObject("nullness").get("status").getAsString());
    write("target/checkers.json", String.format(RECORD, VerificationReport.now(), "false",
        "\\\\bq35[.]kernel\\\\b", "[]"));
    c = report(null).getAsJsonObject("checkers");
    assertEquals("failed", c.get("status").getAsString());
    assertTrue(c.getAsJsonObject("index").get("line").getAsString().contains("matches no class"));
  }

  static JsonObject method(JsonObject s, String cls, String method) {
    for (JsonElement e : s.getAsJsonArray("methods")) {
      JsonObject m = e.getAsJsonObject();
      if (m.get("class").getAsString().equals(cls) && m.get("method").getAsString().equals(method)) {
        return m;
      }
    }
    throw new AssertionError("no row for " + cls + "." + method);
  }

  /** No file of the report holds an absolute path (a machine's folder). */
  void assertNoMachinePath() throws IOException {
    Pattern abs = Pattern.compile("(?<![\\w.])/(work|home|tmp|usr|var|root|Users)/");
    for (String f : List.of("summary.json", "index.html", "README.md")) {
      String text = read("target/verification-reports/" + f);
      Matcher m = abs.matcher(text);
      if (m.find()) {
        throw new AssertionError(f + " holds a machine path: " + text.substring(
            Math.max(0, m.start() - 40), Math.min(text.length(), m.end() + 40)));
      }
      assertFalse(text.contains(project.toAbsolutePath().toString()), f);
    }
  }
}
