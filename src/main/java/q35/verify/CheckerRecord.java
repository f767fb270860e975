package q35.verify;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Records which Checker Framework checkers this build's compiler ran, and on which classes
 * (target/checkers.json), for verification-reports/.
 *
 * <p>The build runs it right after compiling (phase process-classes). Maven stops at the first
 * failing compiler execution, and both executions compile with {@code -Werror}, so a record
 * written by a build means: every checker it lists reported nothing on the classes it lists.
 * The processor lists and the Index Checker's class pattern come from the same pom properties
 * the compiler executions use; the record resolves the pattern against the main sources, so a
 * pattern that matches no class is visible (the checker would then check nothing, silently).
 */
public final class CheckerRecord {

  private CheckerRecord() {}

  /** Fully qualified names of the top-level classes under the given source roots. */
  static List<String> classes(List<Path> roots) throws IOException {
    List<String> names = new ArrayList<>();
    for (Path root : roots) {
      if (!Files.isDirectory(root)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(root)) {
        files.filter(f -> f.toString().endsWith(".java")).forEach(f -> {
          String name = JmlSource.className(root, f);
          if (!name.endsWith("package-info") && !name.endsWith("module-info")) {
            names.add(name);
          }
        });
      }
    }
    names.sort(java.util.Comparator.naturalOrder());
    return names;
  }

  /**
   * The classes a {@code -AonlyDefs} pattern selects: the Checker Framework applies it with
   * {@code find} to fully qualified names.
   */
  public static List<String> matching(String onlyDefs, List<String> classes) {
    Pattern p = Pattern.compile(onlyDefs);
    return classes.stream().filter(c -> p.matcher(c).find()).toList();
  }

  /** Short checker names of fully qualified processors: NullnessChecker to Nullness. */
  static JsonArray checkers(List<String> processors) {
    JsonArray a = new JsonArray();
    for (String p : processors) {
      String s = p.substring(p.lastIndexOf('.') + 1);
      if (s.endsWith("Checker")) {
        a.add(s.substring(0, s.length() - "Checker".length()));
      }
    }
    return a;
  }

  static List<String> csv(String s) {
    List<String> out = new ArrayList<>();
    for (String x : s.split(",")) {
      if (!x.isBlank()) {
        out.add(x.trim());
      }
    }
    return out;
  }

  /**
   * The newest modification time of the files whose names end with {@code suffix} under the
   * given files or folders ({@link Instant#EPOCH} if there are none).
   */
  public static Instant newest(List<Path> roots, String suffix) throws IOException {
    Instant newest = Instant.EPOCH;
    for (Path root : roots) {
      if (!Files.exists(root)) {
        continue;
      }
      try (Stream<Path> files = Files.walk(root)) {
        for (Path f : (Iterable<Path>) files::iterator) {
          if (Files.isRegularFile(f) && f.toString().endsWith(suffix)) {
            FileTime t = Files.getLastModifiedTime(f);
            if (t.toInstant().isAfter(newest)) {
              newest = t.toInstant();
            }
          }
        }
      }
    }
    return newest;
  }

  /** Builds the record (see the class comment). */
  public static JsonObject record(Path project, List<String> compileProcessors,
      List<String> indexProcessors, boolean indexSkipped, String indexClasses)
      throws IOException {
    List<Path> roots = List.of(project.resolve("src/main/java"), project.resolve("src/main/kernel"));
    List<String> all = classes(roots);
    JsonObject o = new JsonObject();
    o.addProperty("recordedAt", Instant.now().truncatedTo(ChronoUnit.SECONDS).toString());
    o.addProperty("note", "written by the build after its compiler executions succeeded; both"
        + " compile with -Werror, so each listed checker reported nothing on its classes");
    // Classes older than their sources were not compiled from them (e.g. -Dmaven.main.skip).
    Instant sources = newest(roots, ".java");
    Instant classesAt = newest(List.of(project.resolve("target/classes")), ".class");
    o.addProperty("classesUpToDate", !classesAt.isBefore(sources));
    JsonArray execs = new JsonArray();
    JsonObject compile = new JsonObject();
    compile.addProperty("execution", "default-compile");
    compile.add("processors", toArray(compileProcessors));
    compile.add("checkers", checkers(compileProcessors));
    compile.addProperty("scope", "all main code");
    compile.addProperty("classes", all.size());
    execs.add(compile);
    JsonObject index = new JsonObject();
    index.addProperty("execution", "index-check");
    index.addProperty("skipped", indexSkipped);
    index.add("processors", toArray(indexProcessors));
    index.add("checkers", checkers(indexProcessors));
    index.addProperty("onlyDefs", indexClasses);
    index.add("matchedClasses", toArray(indexSkipped ? List.of() : matching(indexClasses, all)));
    execs.add(index);
    o.add("executions", execs);
    return o;
  }

  static JsonArray toArray(List<String> xs) {
    JsonArray a = new JsonArray();
    xs.forEach(a::add);
    return a;
  }

  /**
   * {@code --out FILE --compile PROCESSORS --index PROCESSORS --index-skip BOOL --index-classes
   * REGEX [--project DIR]}; processors are comma-separated.
   */
  public static void main(String[] args) throws IOException {
    Path project = Path.of(".");
    Path out = Path.of("target/checkers.json");
    String compile = "";
    String index = "";
    boolean skip = false;
    String classes = "";
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--project" -> project = Path.of(args[i + 1]);
        case "--out" -> out = Path.of(args[i + 1]);
        case "--compile" -> compile = args[i + 1];
        case "--index" -> index = args[i + 1];
        case "--index-skip" -> skip = Boolean.parseBoolean(args[i + 1]);
        case "--index-classes" -> classes = args[i + 1];
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    JsonObject r = record(project, csv(compile), csv(index), skip, classes);
    Path dir = out.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Files.writeString(out, new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create()
        .toJson(r) + "\n", StandardCharsets.UTF_8);
    int matched = r.getAsJsonArray("executions").get(1).getAsJsonObject()
        .getAsJsonArray("matchedClasses").size();
    System.out.println("checkers: " + csv(compile).size() + " processors on all main code; Index"
        + " Checker " + (skip ? "skipped" : "on " + matched + " classes matching " + classes));
  }
}
