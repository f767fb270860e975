package q35.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * The Checker Framework part of the report, from the record the build writes right after its
 * compiler executions (target/checkers.json, q35.verify.CheckerRecord): which checkers ran, on
 * which classes. A checker the record does not list, or a record older than this build, is
 * "not run"; an Index Checker pattern that matches no class fails the part.
 */
final class CheckerSection {

  private CheckerSection() {}

  static JsonObject build(VerificationReport.Inputs in, Map<String, Boolean> closed)
      throws IOException {
    if (!Files.isRegularFile(in.checkerRecord())) {
      return VerificationReport.notRun("no target/checkers.json: this build did not compile"
          + " the main code (the record is written right after the compiler runs)");
    }
    JsonObject rec = VerificationReport.readJson(in.checkerRecord());
    Instant ranAt = Instant.parse(rec.get("recordedAt").getAsString());
    JsonObject late = VerificationReport.notCurrent(in, ranAt, "The compiler",
        List.of(in.project().resolve("src/main")));
    if (late != null) {
      return late;
    }
    JsonObject o = new JsonObject();
    o.addProperty("ranAt", ranAt.toString());
    JsonObject compile = execution(rec, "default-compile");
    JsonObject index = execution(rec, "index-check");
    boolean upToDate = !rec.has("classesUpToDate") || rec.get("classesUpToDate").getAsBoolean();
    List<String> failures = new ArrayList<>();
    List<String> notRun = new ArrayList<>();
    for (String checker : List.of("Nullness", "Signedness")) {
      JsonObject c = new JsonObject();
      if (!upToDate) {
        c.addProperty("status", VerificationReport.NOT_RUN);
        c.addProperty("line", checker + " Checker: not run (target/classes are older than the"
            + " sources: the compiler did not compile them)");
      } else if (compile != null && has(compile.getAsJsonArray("checkers"), checker)) {
        c.addProperty("status", VerificationReport.PASSED);
        c.addProperty("line", checker + " Checker on all main code (" + compile.get("classes")
            + " classes, execution default-compile): 0 warnings (javac -Werror)");
      } else {
        c.addProperty("status", VerificationReport.NOT_RUN);
        c.addProperty("line", checker + " Checker: not run (not a processor of"
            + " default-compile, pom property checkers.compile)");
      }
      if (c.get("status").getAsString().equals(VerificationReport.NOT_RUN)) {
        notRun.add(checker);
      }
      o.add(checker.toLowerCase(java.util.Locale.ROOT), c);
    }
    JsonObject ix = new JsonObject();
    IndexSuppressions sup = indexSuppressions(in.kernel(), closed);
    if (index == null || index.get("skipped").getAsBoolean()
        || !has(index.getAsJsonArray("checkers"), "Index")) {
      ix.addProperty("status", VerificationReport.NOT_RUN);
      ix.addProperty("line", "Index Checker: not run" + (index != null
          && index.get("skipped").getAsBoolean() ? " (-Dindex.skip=true)" : ""));
      notRun.add("Index");
    } else {
      JsonArray matched = index.getAsJsonArray("matchedClasses");
      String pattern = index.get("onlyDefs").getAsString();
      ix.addProperty("onlyDefs", pattern);
      ix.add("classes", matched);
      if (matched.size() == 0) {
        ix.addProperty("status", VerificationReport.FAILED);
        ix.addProperty("line", "Index Checker: its pattern index.classes `" + pattern
            + "` matches no class, so it checked nothing");
        failures.add("the Index Checker's pattern matches no class");
      } else {
        ix.addProperty("status", VerificationReport.PASSED);
        ix.addProperty("line", "Index Checker on " + matched.size() + " classes (pom property"
            + " index.classes `" + pattern + "`: " + classList(matched) + "): 0 warnings"
            + " (javac -Werror, -AwarnUnneededSuppressions). Kernel: array-length facts in"
            + " src/main/checker/kernel.astub (-AmergeStubsWithSource); " + sup.total()
            + " methods carry a method-level @SuppressWarnings naming the message keys, "
            + sup.provedByKey() + " with bounds proved by KeY (runtimeExceptions:ban), "
            + sup.testedOnly() + " tested only");
      }
    }
    if (closed.isEmpty()) {
      // Without KeY results the "proved by KeY" reasons cannot be checked; say so rather
      // than fail a build that skipped KeY (-Dkey.skip).
      ix.addProperty("proofClaims", "not checked: no current KeY results");
    } else if (!sup.notClosed().isEmpty()) {
      ix.addProperty("status", VerificationReport.FAILED);
      ix.addProperty("proofClaims", "these suppressions say \"bounds proved by KeY\" but KeY"
          + " did not close every contract of the method: " + sup.notClosed());
      failures.add("an Index Checker suppression claims a KeY proof that did not close");
    } else {
      ix.addProperty("proofClaims", "checked: KeY closed every contract of each method whose"
          + " suppression says \"bounds proved by KeY\"");
    }
    o.add("index", ix);
    o.addProperty("status", !failures.isEmpty() ? VerificationReport.FAILED
        : notRun.size() == 3 ? VerificationReport.NOT_RUN : VerificationReport.PASSED);
    o.addProperty("result", !failures.isEmpty() ? String.join("; ", failures)
        : (3 - notRun.size()) + " of 3 checkers ran (Nullness, Signedness, Index), 0 warnings"
            + (notRun.isEmpty() ? "" : "; not run: " + String.join(", ", notRun)));
    return o;
  }

  static String classList(JsonArray classes) {
    List<String> names = new ArrayList<>();
    int kernel = 0;
    for (JsonElement e : classes) {
      String c = e.getAsString();
      if (c.startsWith("q35.kernel.")) {
        kernel++;
      } else {
        names.add(c.substring(c.lastIndexOf('.') + 1));
      }
    }
    if (kernel > 0) {
      names.add(0, kernel + " of q35.kernel");
    }
    return String.join(", ", names);
  }

  static @Nullable JsonObject execution(JsonObject rec, String id) {
    for (JsonElement e : rec.getAsJsonArray("executions")) {
      if (e.getAsJsonObject().get("execution").getAsString().equals(id)) {
        return e.getAsJsonObject();
      }
    }
    return null;
  }

  static boolean has(JsonArray a, String s) {
    for (JsonElement e : a) {
      if (e.getAsString().equals(s)) {
        return true;
      }
    }
    return false;
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
    Path pkg = kernelDir.resolve("q35/kernel");
    if (!Files.isDirectory(pkg)) {
      return new IndexSuppressions(0, 0, 0, notClosed);
    }
    try (Stream<Path> stream = Files.list(pkg)) {
      files = stream.filter(f -> f.toString().endsWith(".java")).sorted().toList();
    }
    for (Path f : files) {
      List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
      String name = String.valueOf(f.getFileName());
      String type = name.replace(".java", "");
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
}
