package q35.verify;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Runs OpenJML's static checker (ESC) over a source folder, one result per method, as the
 * second, independent prover of the kernel's JML (KeY is the first).
 *
 * <p>OpenJML is on no registry; the build finds it through {@code OPENJML_HOME} (a folder with
 * the {@code openjml} launcher), else through the shared tools folder next to the project
 * ({@code ../shared/tools/openjml/unpack.sh}, which unpacks it into {@code target/}). Without
 * it the result says "not run" and why; it never says "passed".
 *
 * <p>Settings: {@code --esc --code-math=safe --spec-math=bigint}: every int and long operation
 * of the code is an overflow obligation, specifications are evaluated over the integers. The
 * per-proof timeout is handed to z3 (milliseconds in this OpenJML): a shorter one to the class
 * batches, the full one to a method's second attempt on its own. OpenJML models {@code float}
 * and {@code double} as real numbers, so a result about float code holds over the reals only.
 * Clauses written {@code //+KeY@} are seen by KeY only (JML's conditional annotations); the
 * results list them per method as {@code keyOnlyClauses}. Clauses written {@code /*-KeY@} are
 * seen by OpenJML only (the functional contracts KeY's auto mode did not close, and loop
 * invariants over float locals); the results list them as {@code openJmlOnlyClauses}, so that a
 * report can say which prover proved what.
 */
public final class OpenJmlRunner {

  /** The OpenJML release the runner was written and measured against. */
  public static final String EXPECTED_VERSION = "0.17.0-alpha-15";

  /** Held while unpack.sh runs in this JVM (the lock file serialises processes). */
  private static final Object UNPACK_MONITOR = new Object();

  /** Statuses of one method. */
  public static final String VALID = "valid";
  /** OpenJML reported a verification failure (or could not decide and said so). */
  public static final String WARNING = "warning";
  /** The prover gave up within the timeout. */
  public static final String TIMEOUT = "timeout";
  /** OpenJML does not implement a construct of the method's specification. */
  public static final String UNSUPPORTED = "unsupported";
  /** OpenJML crashed or gave no result for the method. */
  public static final String ERROR = "error";
  /** Every status, in report order. */
  public static final List<String> STATUSES = List.of(VALID, WARNING, TIMEOUT, UNSUPPORTED, ERROR);

  /**
   * Settings of one run: {@code batchTimeoutSeconds} limits each proof in the class batches,
   * {@code timeoutSeconds} each proof of a second attempt alone.
   */
  public record Options(Path projectDir, Path sourceDir, Optional<Path> launcher,
      String notFoundReason, int batchTimeoutSeconds, int timeoutSeconds, int jobs,
      List<String> methods) {

    /** Refuses what {@link #checkLimits} refuses. */
    public Options {
      checkLimits(batchTimeoutSeconds, timeoutSeconds, jobs);
    }
  }

  /** Refuses a time limit below 1 s or fewer than one OpenJML process. */
  public static void checkLimits(int batchTimeoutSeconds, int timeoutSeconds, int jobs) {
    if (batchTimeoutSeconds < 1 || timeoutSeconds < 1 || jobs < 1) {
      throw new IllegalArgumentException("OpenJML needs --batch-timeout and --timeout of at "
          + "least 1 s and --jobs of at least 1, not " + batchTimeoutSeconds + ", "
          + timeoutSeconds + " and " + jobs);
    }
  }

  /** The outcome of one method. */
  public record MethodResult(String method, String status, List<String> messages, double seconds,
      List<String> keyOnlyClauses, List<String> openJmlOnlyClauses) {}

  /**
   * The outcome of a run; {@code status} is "ran" or "not run". {@code methods} holds the
   * manifest's methods and the proof lemmas, whose signatures {@code lemmas} lists.
   */
  public record Result(String status, String reason, String version, String prover,
      Instant startedAt, double seconds, int batchTimeoutSeconds, int timeoutSeconds,
      List<MethodResult> methods, List<String> lemmas) {

    /** Number of methods with the given status. */
    public long count(String s) {
      return methods.stream().filter(m -> m.status().equals(s)).count();
    }

    /** True iff OpenJML ran and every method is valid. */
    public boolean allValid() {
      return "ran".equals(status) && !methods.isEmpty() && count(VALID) == methods.size();
    }
  }

  private OpenJmlRunner() {}

  /**
   * The OpenJML launcher: {@code $OPENJML_HOME/openjml}, else the shared folder's
   * {@code unpack.sh} run into {@code target/openjml-dist}. Empty, with the reason, if neither
   * is there.
   */
  public static Optional<Path> locate(Path projectDir, StringBuilder reason)
      throws IOException, InterruptedException {
    String home = System.getenv("OPENJML_HOME");
    if (home != null && !home.isBlank()) {
      Path launcher = Path.of(home).resolve("openjml");
      if (Files.isExecutable(launcher)) {
        return Optional.of(launcher);
      }
      reason.append("OPENJML_HOME is set but has no executable openjml launcher");
      return Optional.empty();
    }
    Path unpack = projectDir.resolve("../shared/tools/openjml/unpack.sh").normalize();
    if (!Files.isRegularFile(unpack)) {
      reason.append("OpenJML not found: OPENJML_HOME is not set and ../shared/tools/openjml/"
          + "unpack.sh does not exist");
      return Optional.empty();
    }
    Path target = Files.createDirectories(projectDir.resolve("target"));
    Path dest = target.resolve("openjml-dist");
    // unpack.sh deletes and re-extracts a half-unpacked copy, so two callers at once (surefire's
    // two forks, each with a test that locates OpenJML) would delete each other's files: one
    // unpack at a time, across threads (the monitor) and processes (the lock file).
    synchronized (UNPACK_MONITOR) {
      try (FileChannel lockFile = FileChannel.open(target.resolve("openjml-dist.lock"),
          StandardOpenOption.CREATE, StandardOpenOption.WRITE)) {
        lockFile.lock(); // released when the channel closes
        Process p = new ProcessBuilder("bash", unpack.toString(), dest.toString())
            .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        if (p.waitFor() != 0 || out.isEmpty() || !Files.isExecutable(Path.of(out))) {
          reason.append("../shared/tools/openjml/unpack.sh failed (exit ").append(p.exitValue())
              .append(")");
          return Optional.empty();
        }
        return Optional.of(Path.of(out));
      }
    }
  }

  /** Runs ESC over every Java file of the source folder, or records why it could not. */
  public static Result run(Options options) throws IOException, InterruptedException {
    Instant started = Instant.now().truncatedTo(ChronoUnit.SECONDS);
    long t0 = System.nanoTime();
    if (options.launcher().isEmpty()) {
      return new Result("not run", options.notFoundReason(), "", "", started, 0,
          options.batchTimeoutSeconds(), options.timeoutSeconds(), List.of(), List.of());
    }
    Path launcher = options.launcher().get();
    String version = firstLine(launcher, "--version").replaceFirst("^openjml\\s+", "");
    Path z3 = launcher.resolveSibling("Solvers-linux/z3_4_8");
    String prover = Files.isExecutable(z3)
        ? firstLine(z3, "--version").replaceFirst("(?i)^z3 version ([0-9.]+).*", "z3 $1")
        : "z3 (as configured in openjml.properties)";

    List<Path> files = JmlSource.javaFiles(options.sourceDir());
    Map<String, MethodResult> byMethod = new TreeMap<>();
    List<List<Path>> batches = partition(options.projectDir(), files, options.jobs());
    List<Process> procs = new ArrayList<>();
    List<Path> logs = new ArrayList<>();
    Path logDir = options.projectDir().resolve("target/openjml")
        .resolve(String.valueOf(options.sourceDir().getFileName()));
    Files.createDirectories(logDir);
    // Every process reads all files (OpenJML checks every class it reads from source) and
    // proves the methods of its batch of classes (--method Class.*).
    for (int b = 0; b < batches.size(); b++) {
      Path log = logDir.resolve("esc-" + b + ".txt");
      logs.add(log);
      List<String> patterns = new ArrayList<>();
      for (Path f : batches.get(b)) {
        patterns.add(JmlSource.className(options.sourceDir(), f) + ".*");
      }
      procs.add(start(options, launcher, files, options.batchTimeoutSeconds(),
          List.of("--method", String.join(",", patterns)), log));
    }
    for (int b = 0; b < procs.size(); b++) {
      waitFor(procs.get(b));
      byMethod.putAll(parse(Files.readString(logs.get(b), StandardCharsets.UTF_8)));
    }
    // A crash in one method stops OpenJML for the rest of its class: run each method without
    // a result on its own, so that one crash costs one method.
    List<String> lemmas = JmlSource.modelLemmas(options.sourceDir());
    List<String> expected = new ArrayList<>(options.methods());
    // The manifest also lists KeY's model methods (rowSums, rowsExact): OpenJML never reads them.
    expected.removeAll(JmlSource.keyOnlyModelMethods(options.sourceDir()));
    expected.addAll(lemmas);
    List<String> missing = new ArrayList<>();
    for (String m : expected) {
      if (!byMethod.containsKey(m)) {
        missing.add(m);
      }
    }
    // One run per name, shared by all its overloads and by both reasons for a run alone.
    Map<String, AloneRun> aloneRuns = new HashMap<>();
    for (String m : missing) {
      AloneRun run = proveAlone(options, launcher, files, logDir, m, aloneRuns);
      MethodResult alone = run.results().get(m);
      byMethod.put(m, alone != null ? alone : new MethodResult(m, ERROR,
          List.of("no result from OpenJML: " + crashReason(run.log())), 0, List.of(),
          List.of()));
    }
    // z3's search depends on the whole verification condition, symbol names included, so a
    // method's time varies from one batch to another (unpackPairs: 4 s alone, 148 s and a
    // 300 s timeout in two class batches of the same source). A timed-out method gets a
    // second attempt on its own, with the full time limit; the result says so. The batches'
    // shorter limit bounds what a stuck search costs before that second attempt.
    for (MethodResult first : new ArrayList<>(byMethod.values())) {
      if (!TIMEOUT.equals(first.status()) || missing.contains(first.method())) {
        continue; // a method already run alone has had its second attempt
      }
      String m = first.method();
      AloneRun aloneRun = proveAlone(options, launcher, files, logDir, m, aloneRuns);
      MethodResult again = aloneRun.results().get(m);
      String attempts = String.format(Locale.ROOT, "first attempt, in its class batch: "
          + "timeout after %.1f s; second attempt, alone: ", first.seconds());
      double seconds = first.seconds();
      if (again == null || ERROR.equals(again.status()) || TIMEOUT.equals(again.status())) {
        // OpenJML 0.17 can crash on a method named alone that it proves within its class
        // (packStream once: "Did not expect an empty argument list", in 2.4 s), and alone is
        // not always the easier context (packStream in a CI run of 2026-12-04: 62 s limit in
        // its batch, 300 s alone, both timed out; 35 s in the batch of the run before). Its
        // class alone, with the full limit, is the third and last attempt.
        attempts += again == null ? "no result (" + crashReason(aloneRun.log()) + ")"
            : String.format(Locale.ROOT, "%s in %.1f s", again.status(), again.seconds());
        seconds += again == null ? 0 : again.seconds();
        attempts += "; third attempt, in its class alone: ";
        AloneRun classRun = proveInClass(options, launcher, files, logDir, m, aloneRuns);
        again = classRun.results().get(m);
        if (again == null) {
          List<String> messages = new ArrayList<>(List.of(attempts + "no result ("
              + crashReason(classRun.log()) + ")"));
          messages.addAll(first.messages());
          byMethod.put(m, new MethodResult(m, ERROR, messages, seconds, List.of(), List.of()));
          continue;
        }
      }
      List<String> messages = new ArrayList<>();
      messages.add(attempts + String.format(Locale.ROOT, "%s in %.1f s", again.status(),
          again.seconds()));
      messages.addAll(again.status().equals(VALID) ? List.of() : again.messages());
      byMethod.put(m, new MethodResult(m, again.status(), messages, seconds + again.seconds(),
          List.of(), List.of()));
    }
    Map<String, List<String>> keyOnly = JmlSource.keyOnlyClauses(options.sourceDir());
    Map<String, List<String>> openJmlOnly = JmlSource.openJmlOnlyClauses(options.sourceDir());
    Map<String, List<String>> frames =
        JmlSource.loopFrameProblems(options.sourceDir(), options.projectDir());
    List<MethodResult> results = new ArrayList<>();
    for (MethodResult r : byMethod.values()) {
      if (!options.methods().isEmpty() && !options.methods().contains(r.method())
          && !lemmas.contains(r.method())) {
        continue; // constructors and anything the manifest does not list
      }
      List<String> messages = new ArrayList<>();
      String status = r.status();
      // A loop frame that omits a local makes OpenJML's "valid" unsound (JmlSource).
      for (String p : frames.getOrDefault(r.method(), List.of())) {
        messages.add(p);
        status = VALID.equals(status) ? WARNING : status;
      }
      for (String msg : r.messages()) {
        messages.add(relativize(msg, options.projectDir(), launcher));
      }
      results.add(new MethodResult(r.method(), status, messages, r.seconds(),
          keyOnly.getOrDefault(r.method(), List.of()),
          openJmlOnly.getOrDefault(r.method(), List.of())));
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    return new Result("ran", "", version, prover, started, seconds,
        options.batchTimeoutSeconds(), options.timeoutSeconds(), results, lemmas);
  }

  /** The output of OpenJML run on the overloads of one method name alone, and its results. */
  private record AloneRun(String log, Map<String, MethodResult> results) {}

  /**
   * Runs OpenJML on {@code method}'s name alone (which proves all overloads of the name), once
   * per name: a later call for another overload returns the same run from {@code runs}.
   */
  private static AloneRun proveAlone(Options options, Path launcher, List<Path> files,
      Path logDir, String method, Map<String, AloneRun> runs)
      throws IOException, InterruptedException {
    String simple = method.substring(0, method.indexOf('('));
    return proveOnce(options, launcher, files, logDir, simple, "esc-" + simple, runs);
  }

  /**
   * Runs OpenJML on the class of {@code method} alone ({@code --method Class.*}), once per
   * class: a later call for another of its methods returns the same run from {@code runs}.
   */
  private static AloneRun proveInClass(Options options, Path launcher, List<Path> files,
      Path logDir, String method, Map<String, AloneRun> runs)
      throws IOException, InterruptedException {
    String simple = method.substring(0, method.indexOf('('));
    String type = simple.substring(0, simple.lastIndexOf('.'));
    return proveOnce(options, launcher, files, logDir, type + ".*", "esc-" + type + "-class",
        runs);
  }

  /** One OpenJML run of {@code --method pattern} with the full limit, kept in {@code runs}. */
  private static AloneRun proveOnce(Options options, Path launcher, List<Path> files,
      Path logDir, String pattern, String logName, Map<String, AloneRun> runs)
      throws IOException, InterruptedException {
    AloneRun done = runs.get(pattern);
    if (done != null) {
      return done;
    }
    Path log = logDir.resolve(logName + ".txt");
    waitFor(start(options, launcher, files, options.timeoutSeconds(),
        List.of("--method", pattern), log));
    String text = Files.readString(log, StandardCharsets.UTF_8);
    AloneRun run = new AloneRun(text, parse(text));
    runs.put(pattern, run);
    return run;
  }

  private static Process start(Options options, Path launcher, List<Path> files,
      int timeoutSeconds, List<String> extra, Path log) throws IOException {
    List<String> cmd = new ArrayList<>(List.of(launcher.toString(), "--esc", "--code-math=safe",
        "--spec-math=bigint", "--timeout", String.valueOf(1000L * timeoutSeconds),
        "--progress", "-sourcepath", rel(options.projectDir(), options.sourceDir())));
    cmd.addAll(extra);
    for (Path f : files) {
      cmd.add(rel(options.projectDir(), f));
    }
    return new ProcessBuilder(cmd).directory(options.projectDir().toFile())
        .redirectErrorStream(true).redirectOutput(log.toFile()).start();
  }

  private static void waitFor(Process p) throws InterruptedException {
    // A hang must not hang the build: z3 gets a per-proof timeout, this is the backstop.
    if (!p.waitFor(60, TimeUnit.MINUTES)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
    }
  }

  /** Splits the files into at most {@code jobs} batches of about equal size in bytes. */
  static List<List<Path>> partition(Path projectDir, List<Path> files, int jobs)
      throws IOException {
    int n = Math.max(1, Math.min(jobs, files.size()));
    List<List<Path>> batches = new ArrayList<>();
    long[] sizes = new long[n];
    for (int i = 0; i < n; i++) {
      batches.add(new ArrayList<>());
    }
    List<Path> bySize = new ArrayList<>(files);
    Map<Path, Long> size = new LinkedHashMap<>();
    for (Path f : files) {
      size.put(f, Files.size(projectDir.resolve(f)));
    }
    bySize.sort((a, b) -> Long.compare(size.getOrDefault(b, 0L), size.getOrDefault(a, 0L)));
    for (Path f : bySize) {
      int min = 0;
      for (int i = 1; i < n; i++) {
        if (sizes[i] < sizes[min]) {
          min = i;
        }
      }
      batches.get(min).add(f);
      sizes[min] += size.getOrDefault(f, 0L);
    }
    batches.removeIf(List::isEmpty);
    return batches;
  }

  private static final Pattern STARTING =
      Pattern.compile("^Starting proof of (\\S+\\(.*?\\)) with prover");
  private static final Pattern COMPLETED = Pattern.compile(
      "^Completed proof of (\\S+\\(.*?\\)) with prover \\S+ - (.*?) \\[([0-9.]+) secs\\]");

  /** Per-method results from OpenJML's {@code --progress} output. */
  static Map<String, MethodResult> parse(String output) {
    Map<String, MethodResult> results = new TreeMap<>();
    @Nullable String current = null;
    List<String> messages = new ArrayList<>();
    for (String line : output.split("\n")) {
      Matcher s = STARTING.matcher(line);
      if (s.find()) {
        current = methodName(JmlSource.group(s, 1));
        messages = new ArrayList<>();
        continue;
      }
      Matcher c = COMPLETED.matcher(line);
      if (c.find() && current != null) {
        String outcome = JmlSource.group(c, 2);
        String status;
        boolean notImplemented = messages.stream().anyMatch(m -> m.contains("NOT IMPLEMENTED"));
        boolean failed = messages.stream().anyMatch(m -> m.contains(": verify: "));
        if (outcome.startsWith("no warnings") && !notImplemented) {
          status = VALID;
        } else if (outcome.contains("UNKNOWN") || outcome.contains("TIMEOUT")
            || messages.stream().anyMatch(m -> m.contains("possible timeout")
                || m.contains("timed out") || m.contains("time or memory limit reached"))) {
          // z3 stopped at the limit: OpenJML prints "UNKNOWN" with "(possible timeout)", or
          // "TIMEOUT" with "time or memory limit reached: Aborted proof".
          status = TIMEOUT;
        } else if (notImplemented) {
          // OpenJML drops the unsupported clause and then usually cannot establish what
          // depended on it: the method is unsupported, with every message kept.
          status = UNSUPPORTED;
        } else if (failed || outcome.contains("warnings")) {
          status = WARNING;
        } else {
          status = ERROR;
        }
        results.put(current, new MethodResult(current, status, List.copyOf(messages),
            Double.parseDouble(JmlSource.group(c, 3)), List.of(), List.of()));
        current = null;
        continue;
      }
      if (current != null && (line.contains(": verify: ") || line.contains(": warning: ")
          || line.contains(": error: ") || line.contains("Method assertions are INVALID"))) {
        if (!line.contains("Method assertions are INVALID")) {
          messages.add(line.strip());
        }
      }
    }
    return results;
  }

  /** OpenJML's method name with the manifest's type spelling ({@code String} fully qualified). */
  static String methodName(String openJml) {
    int open = openJml.indexOf('(');
    String params = openJml.substring(open + 1, openJml.length() - 1);
    List<String> out = new ArrayList<>();
    for (String p : params.isEmpty() ? new String[0] : params.split(",")) {
      out.add(typeName(p.strip()));
    }
    return openJml.substring(0, open) + "(" + String.join(",", out) + ")";
  }

  /** A source type name in the manifest's spelling: java.lang types fully qualified. */
  static String typeName(String t) {
    String base = t.replace("[]", "");
    boolean primitive = List.of("byte", "short", "int", "long", "float", "double", "boolean",
        "char").contains(base);
    // JML's own types (\bigint, \real) are not classes of java.lang.
    return primitive || base.contains(".") || base.startsWith("\\") ? t : "java.lang." + t;
  }

  private static String crashReason(String log) {
    for (String line : log.split("\n")) {
      if (line.contains("catastrophic") || line.contains("Reason:") || line.contains("error:")) {
        return line.strip();
      }
    }
    return "OpenJML printed no result line for this method";
  }

  /** A message with the project's and OpenJML's absolute paths removed. */
  static String relativize(String msg, Path projectDir, Path launcher) {
    String out = msg;
    Path dist = launcher.toAbsolutePath().getParent();
    if (dist != null) {
      out = out.replace(dist.toString() + "/", "<openjml>/");
    }
    return out.replace(projectDir.toAbsolutePath().normalize().toString() + "/", "");
  }

  private static String rel(Path projectDir, Path p) {
    Path abs = p.toAbsolutePath().normalize();
    Path base = projectDir.toAbsolutePath().normalize();
    return abs.startsWith(base) ? base.relativize(abs).toString() : abs.toString();
  }

  private static String firstLine(Path exe, String arg) throws IOException, InterruptedException {
    Process p = new ProcessBuilder(exe.toString(), arg).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    p.waitFor();
    for (String line : out.split("\n")) {
      if (!line.isBlank() && !line.startsWith("NAN ")) {
        return line.strip();
      }
    }
    return "";
  }

  /** The results as JSON (target/openjml-results.json). */
  public static JsonObject toJson(Result r) {
    JsonObject root = new JsonObject();
    root.addProperty("tool", "OpenJML");
    root.addProperty("version", r.version().isEmpty() ? EXPECTED_VERSION : r.version());
    root.addProperty("status", r.status());
    root.addProperty("reason", r.reason());
    JsonObject settings = new JsonObject();
    settings.addProperty("codeMath", "safe");
    settings.addProperty("specMath", "bigint");
    settings.addProperty("batchTimeoutSeconds", r.batchTimeoutSeconds());
    settings.addProperty("timeoutSeconds", r.timeoutSeconds());
    settings.addProperty("prover", r.prover());
    root.add("settings", settings);
    root.addProperty("floatModel", "reals");
    root.addProperty("startedAt", r.startedAt().toString());
    root.addProperty("seconds", Math.round(r.seconds() * 10) / 10.0);
    JsonArray ms = new JsonArray();
    for (MethodResult m : r.methods()) {
      JsonObject o = new JsonObject();
      o.addProperty("method", m.method());
      if (r.lemmas().contains(m.method())) {
        o.addProperty("lemma", true);
      }
      o.addProperty("status", m.status());
      JsonArray msgs = new JsonArray();
      m.messages().forEach(msgs::add);
      o.add("messages", msgs);
      o.addProperty("seconds", m.seconds());
      JsonArray ko = new JsonArray();
      m.keyOnlyClauses().forEach(ko::add);
      o.add("keyOnlyClauses", ko);
      JsonArray oo = new JsonArray();
      m.openJmlOnlyClauses().forEach(oo::add);
      o.add("openJmlOnlyClauses", oo);
      ms.add(o);
    }
    root.add("methods", ms);
    JsonObject totals = new JsonObject();
    for (String s : STATUSES) {
      totals.addProperty(s, r.count(s));
    }
    root.add("totals", totals);
    return root;
  }
}
