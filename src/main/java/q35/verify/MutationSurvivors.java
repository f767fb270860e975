package q35.verify;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/**
 * Checks a PIT run against its committed list of allowed survivors: every surviving mutant must
 * be listed, with the reason it may survive, and every listed mutant must still survive.
 *
 * <p>A list file (JSON) names the run's {@code mutations.xml} and the source roots, and holds
 * one entry per allowed survivor, identified without line numbers so that it stays valid when
 * code above it moves: the class, the method, PIT's mutator, the text of the mutated source line
 * (trimmed) and how many survivors share that identity ({@code count}, default 1). Any PIT
 * execution can use it: give it its own list file, which names its own {@code mutations.xml}.
 * {@code verification-reports/} shows every list it finds under {@code src/test/pit/}.
 */
public final class MutationSurvivors {

  /** PIT statuses of a mutant that no test detected. */
  static final List<String> SURVIVING = List.of("SURVIVED", "NO_COVERAGE");

  /** One surviving mutant of a run. */
  public record Mutant(String mutatedClass, String method, int line, String mutator,
      String description, String status, String code) {

    /** The short mutator name, e.g. {@code ConditionalsBoundaryMutator}. */
    public String mutatorName() {
      return shortName(mutator);
    }

    /** Identity used to match list entries: class, method, mutator, source line text. */
    String identity() {
      return mutatedClass + "#" + method + "#" + mutatorName() + "#" + code;
    }
  }

  /** One allowed survivor of a list, with its reason. */
  public record Allowed(String mutatedClass, String method, String mutator, String code,
      int count, String reason) {

    String identity() {
      return mutatedClass + "#" + method + "#" + shortName(mutator) + "#" + normalize(code);
    }
  }

  /**
   * The outcome of checking one run: its mutants, the survivors matched to their entries, the
   * survivors no entry allows, and the entries that match no survivor (stale) or a different
   * number of them.
   */
  public record Check(Path list, Path mutations, String title, int mutants, int killed,
      Map<String, Integer> byStatus, List<Mutant> allowedSurvivors, List<String> reasons,
      List<Mutant> unlisted, List<String> stale, Instant ranAt) {

    /** Whether every survivor is listed and every entry still survives, as often as listed. */
    public boolean ok() {
      return unlisted.isEmpty() && stale.isEmpty();
    }
  }

  private MutationSurvivors() {}

  static String shortName(String mutator) {
    return mutator.substring(mutator.lastIndexOf('.') + 1);
  }

  static String normalize(String code) {
    return code.trim().replaceAll("\\s+", " ");
  }

  /** The list file's {@code mutations} path, resolved against the project folder. */
  public static Path mutationsOf(Path project, Path list) throws IOException {
    return project.resolve(read(list).get("mutations").getAsString());
  }

  static JsonObject read(Path list) throws IOException {
    return JsonParser.parseString(Files.readString(list, StandardCharsets.UTF_8))
        .getAsJsonObject();
  }

  /** The allowed survivors of a list file. */
  public static List<Allowed> allowed(Path list) throws IOException {
    List<Allowed> out = new ArrayList<>();
    for (JsonElement e : read(list).getAsJsonArray("survivors")) {
      JsonObject o = e.getAsJsonObject();
      out.add(new Allowed(o.get("class").getAsString(), o.get("method").getAsString(),
          o.get("mutator").getAsString(), o.get("code").getAsString(),
          o.has("count") ? o.get("count").getAsInt() : 1, o.get("reason").getAsString()));
    }
    return out;
  }

  /**
   * Checks the run the list names ({@code mutations}, relative to {@code project}) against the
   * list; the source lines are read from the list's {@code sourceRoots}.
   */
  public static Check check(Path project, Path list) throws IOException {
    JsonObject root = read(list);
    Path mutations = project.resolve(root.get("mutations").getAsString());
    List<Path> roots = new ArrayList<>();
    for (JsonElement r : root.getAsJsonArray("sourceRoots")) {
      roots.add(project.resolve(r.getAsString()));
    }
    Document d = parseXml(mutations);
    NodeList ms = d.getElementsByTagName("mutation");
    Map<String, Integer> byStatus = new TreeMap<>();
    Map<String, List<Mutant>> survivors = new TreeMap<>();
    int killed = 0;
    for (int i = 0; i < ms.getLength(); i++) {
      if (!(ms.item(i) instanceof Element m)) {
        continue;
      }
      String status = m.getAttribute("status");
      byStatus.merge(status, 1, Integer::sum);
      if (!SURVIVING.contains(status)) {
        killed++;
        continue;
      }
      String cls = text(m, "mutatedClass");
      int line = Integer.parseInt(text(m, "lineNumber"));
      Mutant mu = new Mutant(cls, text(m, "mutatedMethod"), line, text(m, "mutator"),
          text(m, "description"), status,
          normalize(sourceLine(roots, cls, text(m, "sourceFile"), line)));
      survivors.computeIfAbsent(mu.identity(), x -> new ArrayList<>()).add(mu);
    }
    List<Mutant> matched = new ArrayList<>();
    List<String> reasons = new ArrayList<>();
    List<String> stale = new ArrayList<>();
    for (Allowed a : allowed(list)) {
      List<Mutant> found = survivors.remove(a.identity());
      String what = a.mutatedClass() + "." + a.method() + " " + shortName(a.mutator()) + " `"
          + normalize(a.code()) + "`";
      if (found == null) {
        stale.add(what + ": listed, but no such mutant survives any more");
        continue;
      }
      if (found.size() != a.count()) {
        stale.add(what + ": listed " + a.count() + " time(s), " + found.size() + " survive");
      }
      for (Mutant mu : found) {
        matched.add(mu);
        reasons.add(a.reason());
      }
    }
    List<Mutant> unlisted = new ArrayList<>();
    survivors.values().forEach(unlisted::addAll);
    String title = root.has("title") ? root.get("title").getAsString() : list.toString();
    return new Check(list, mutations, title, ms.getLength(), killed, byStatus, matched, reasons,
        unlisted, stale, Files.getLastModifiedTime(mutations).toInstant());
  }

  /** The text of a source line, or "" if the file is not under any root. */
  static String sourceLine(List<Path> roots, String mutatedClass, String sourceFile, int line)
      throws IOException {
    String cls = mutatedClass.contains("$") ? mutatedClass.substring(0,
        mutatedClass.indexOf('$')) : mutatedClass;
    String pkg = cls.contains(".") ? cls.substring(0, cls.lastIndexOf('.')) : "";
    for (Path root : roots) {
      Path f = root.resolve(pkg.replace('.', '/')).resolve(sourceFile);
      if (Files.isRegularFile(f)) {
        List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
        return line >= 1 && line <= lines.size() ? lines.get(line - 1) : "";
      }
    }
    return "";
  }

  /** Parses an XML file (no DTDs); PIT's and surefire's reports. */
  public static Document parseXml(Path f) throws IOException {
    try {
      DocumentBuilderFactory dbf = DocumentBuilderFactory.newInstance();
      dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      return dbf.newDocumentBuilder().parse(f.toFile());
    } catch (IOException e) {
      throw e;
    } catch (Exception e) {
      throw new IOException(f + ": not well-formed XML: " + e.getMessage(), e);
    }
  }

  static String text(Element e, String tag) {
    Node n = e.getElementsByTagName(tag).item(0);
    return n == null ? "" : String.valueOf(n.getTextContent());
  }

  /** A list entry for a survivor, to paste into the list with its reason filled in. */
  static JsonObject entryFor(Mutant m) {
    JsonObject o = new JsonObject();
    o.addProperty("class", m.mutatedClass());
    o.addProperty("method", m.method());
    o.addProperty("mutator", m.mutatorName());
    o.addProperty("code", m.code());
    o.addProperty("reason", "WHY this mutant cannot be detected (line " + m.line() + ": "
        + m.description() + ")");
    return o;
  }

  /**
   * Build step: {@code --project DIR --list FILE [--since ISO-INSTANT]}. Exits 1 when a survivor
   * is not listed or a listed one no longer survives; 0 (with a note) when the run's
   * mutations.xml is missing or older than {@code --since}, that is, PIT did not run.
   */
  public static void main(String[] args) throws IOException {
    Path project = Path.of(".");
    Path list = null;
    Instant since = null;
    for (int i = 0; i + 1 < args.length; i += 2) {
      switch (args[i]) {
        case "--project" -> project = Path.of(args[i + 1]);
        case "--list" -> list = Path.of(args[i + 1]);
        case "--since" -> since = args[i + 1].isBlank() ? null : Instant.parse(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    if (list == null) {
      throw new IllegalArgumentException("usage: --list FILE [--project DIR] [--since INSTANT]");
    }
    list = project.resolve(list);
    Path mutations = mutationsOf(project, list);
    if (!Files.isRegularFile(mutations) || (since != null
        && Files.getLastModifiedTime(mutations).toInstant().isBefore(since))) {
      System.out.println("PIT survivors: " + project.relativize(mutations) + " is not from this"
          + " build (PIT did not run); nothing to check");
      return;
    }
    Check c = check(project, list);
    System.out.printf("PIT survivors (%s): %d mutants, %d killed, %d survivors listed in %s%n",
        c.title(), c.mutants(), c.killed(), c.allowedSurvivors().size(),
        project.relativize(list));
    for (Mutant m : c.unlisted()) {
      System.out.printf("NOT LISTED: %s.%s line %d %s (%s): %s%n  list entry: %s%n",
          m.mutatedClass(), m.method(), m.line(), m.mutatorName(), m.description(), m.code(),
          entryFor(m));
    }
    for (String s : c.stale()) {
      System.out.println("STALE: " + s);
    }
    if (!c.ok()) {
      System.out.println("PIT survivors: FAILED. Kill the mutants, or list each with the reason"
          + " it cannot be killed; remove entries that no longer survive.");
      System.exit(1);
    }
  }

  /** The entries as JSON, for the report. */
  public static JsonArray toJson(List<Mutant> mutants, List<String> reasons) {
    JsonArray a = new JsonArray();
    for (int i = 0; i < mutants.size(); i++) {
      Mutant m = mutants.get(i);
      JsonObject o = new JsonObject();
      o.addProperty("class", m.mutatedClass());
      o.addProperty("method", m.method());
      o.addProperty("line", m.line());
      o.addProperty("mutator", m.mutatorName());
      o.addProperty("description", m.description());
      o.addProperty("code", m.code());
      if (i < reasons.size()) {
        o.addProperty("reason", reasons.get(i));
      }
      a.add(o);
    }
    return a;
  }
}
