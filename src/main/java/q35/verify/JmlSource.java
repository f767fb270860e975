package q35.verify;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A line-level reading of JML-annotated sources (the kernel's plain style: one top-level class
 * per file, static methods, JML in {@code /*@ ... @*}{@code /} blocks): which method each line
 * belongs to, the clauses only KeY reads ({@code //+KeY@}), and loop frames that omit a local
 * variable the loop assigns.
 *
 * <p>Why the loop-frame check: OpenJML 0.17.0-alpha-15 takes a loop's {@code loop_assigns} as
 * its whole frame, local variables included, and does not havoc a local that the clause omits.
 * With {@code loop_assigns \nothing} on a loop that adds to {@code acc}, it "verifies" a sum that
 * overflows (measured; the OpenJML negative control keeps such a loop). KeY takes local
 * variables in the clause and ignores them, so the kernel names them for OpenJML's sake, and this
 * check makes sure none is missing.
 */
public final class JmlSource {

  /** One method: its name in the manifest's form and its lines (1-based, inclusive). */
  public record Method(String name, Path file, int declLine, int endLine) {}

  private JmlSource() {}

  private static final Pattern METHOD_DECL = Pattern.compile(
      "^\\s*(?:(?:public|private|protected|static|final)\\s+)+(?:/\\*@\\s*pure\\s*@\\*/\\s*)?"
          + "[\\w.\\[\\]<>]+\\s+(\\w+)\\s*\\(");

  /**
   * The declaration of a JML model method with a body: a proof lemma that OpenJML verifies like
   * a method and KeY does not see (the kernel's are in OpenJML-only comments). It sits on one
   * line.
   */
  private static final Pattern MODEL_LEMMA = Pattern.compile(
      "\\bmodel\\s+(?:(?:public|private|protected)\\s+)?static\\s+pure\\s+[\\w\\[\\]]+\\s+"
          + "(\\w+)\\s*(\\([^)]*\\))\\s*\\{");

  private static final Pattern MODEL_DECL = Pattern.compile("\\bmodel\\s+(?:\\w+\\s+)*pure\\b");

  /**
   * The proof lemmas (JML model methods with a body) of every file of a source folder, as
   * qualified signatures like {@code q35.kernel.Codes.decodes0(int,int,int)}: OpenJML proves
   * them, and a proof that calls one rests on it, so each must have a result. The model methods
   * of KeY-only comments are definitions that OpenJML never reads, not lemmas.
   */
  public static List<String> modelLemmas(Path sourceDir) throws IOException {
    return modelMethodsWithBody(sourceDir, false);
  }

  /**
   * The model methods declared in KeY-only comments ({@code /*+KeY@}): definitions that only
   * KeY reads (QuantMatrix.rowSums, rowsExact), so OpenJML has no result for them. Named as
   * KeY names them, e.g. {@code q35.kernel.QuantMatrix.rowsExact(int,byte[],...,\bigint)}.
   */
  public static List<String> keyOnlyModelMethods(Path sourceDir) throws IOException {
    return modelMethodsWithBody(sourceDir, true);
  }

  /** The model methods with a body in KeY-only comments, or in every other comment. */
  private static List<String> modelMethodsWithBody(Path sourceDir, boolean keyOnly)
      throws IOException {
    List<String> out = new ArrayList<>();
    for (Path f : javaFiles(sourceDir)) {
      String cls = className(sourceDir, f);
      String text = Files.readString(f, StandardCharsets.UTF_8);
      Matcher m = MODEL_LEMMA.matcher(text);
      while (m.find()) {
        if (text.startsWith("/*+KeY@", text.lastIndexOf("/*", m.start())) == keyOnly) {
          String params = group(m, 2).replaceAll("\\s*\\R\\s*@?", " ");
          out.add(cls + "." + group(m, 1) + "(" + paramTypes(params) + ")");
        }
      }
    }
    return out;
  }

  /** The class a Java file under a source root holds: q35/kernel/Codes.java is q35.kernel.Codes. */
  static String className(Path sourceDir, Path javaFile) {
    String rel = sourceDir.relativize(javaFile).toString().replace('\\', '/');
    return rel.substring(0, rel.length() - ".java".length()).replace('/', '.');
  }

  /** The Java files of a source folder, sorted. */
  static List<Path> javaFiles(Path sourceDir) throws IOException {
    try (Stream<Path> s = Files.walk(sourceDir)) {
      return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    }
  }

  /** The methods of every file of a source folder, in file order. */
  public static List<Method> methods(Path sourceDir) throws IOException {
    List<Method> out = new ArrayList<>();
    for (Path f : javaFiles(sourceDir)) {
      String cls = className(sourceDir, f);
      List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
      int depth = 0;
      @Nullable String current = null;
      int decl = 0;
      for (int i = 0; i < lines.size(); i++) {
        String code = codeOf(lines.get(i));
        if (current == null && depth == 1) {
          Matcher m = METHOD_DECL.matcher(code);
          if (m.find()) {
            StringBuilder sig = new StringBuilder(code);
            int j = i;
            while (sig.indexOf(")") < 0 && j + 1 < lines.size()) {
              sig.append(' ').append(codeOf(lines.get(++j)));
            }
            current = cls + "." + group(m, 1) + "(" + paramTypes(sig.toString()) + ")";
            decl = i + 1;
          }
        }
        for (char ch : code.toCharArray()) {
          if (ch == '{') {
            depth++;
          } else if (ch == '}') {
            depth--;
            if (current != null && depth == 1) {
              out.add(new Method(current, f, decl, i + 1));
              current = null;
            }
          }
        }
      }
    }
    return out;
  }

  /**
   * The KeY-only clauses ({@code //+KeY@ ...} lines and {@code /*+KeY@ ... @*}{@code /} blocks)
   * of each method: those between the previous method's end and its declaration (its contract)
   * and those inside its body (loop annotations).
   */
  public static Map<String, List<String>> keyOnlyClauses(Path sourceDir) throws IOException {
    return conditionalClauses(sourceDir, "+KeY@");
  }

  /** The clauses KeY skips ({@code -KeY@}): read by OpenJML only. */
  public static Map<String, List<String>> openJmlOnlyClauses(Path sourceDir) throws IOException {
    return conditionalClauses(sourceDir, "-KeY@");
  }

  private static Map<String, List<String>> conditionalClauses(Path sourceDir, String marker)
      throws IOException {
    Map<String, List<String>> out = new TreeMap<>();
    List<Method> methods = methods(sourceDir);
    for (Path f : javaFiles(sourceDir)) {
      List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        int at = lines.get(i).indexOf(marker);
        if (at < 0) {
          continue;
        }
        StringBuilder text = new StringBuilder(lines.get(i).substring(at + marker.length()));
        boolean block = lines.get(i).substring(0, at).endsWith("/*");
        int j = i;
        while (block && text.indexOf("*/") < 0 && j + 1 < lines.size()) {
          text.append(' ').append(lines.get(++j).strip().replaceFirst("^@", ""));
        }
        String clause = text.toString().replace("@*/", "").replace("*/", "")
            .replaceAll("\\s+", " ").strip();
        int lineNo = i + 1;
        if (MODEL_DECL.matcher(clause).find()) {
          i = j;
          continue; // a model function or lemma: not a clause of the method that follows
        }
        for (Method m : methods) {
          if (m.file().equals(f) && lineNo <= m.endLine()) {
            out.computeIfAbsent(m.name(), x -> new ArrayList<>()).add(clause);
            break;
          }
        }
        i = j;
      }
    }
    return out;
  }

  private static final Pattern ASSIGNED = Pattern.compile(
      "(?<![\\w.\\]])([a-zA-Z_]\\w*)\\s*(?:[-+*/%]?=(?!=)|\\+\\+|--)|(?:\\+\\+|--)([a-zA-Z_]\\w*)");
  private static final Pattern DECLARED = Pattern.compile(
      "\\b(?:int|long|float|double|byte|short|char|boolean)(?:\\[\\])*\\s+([a-zA-Z_]\\w*)\\s*[=;]");

  /**
   * Loops whose {@code loop_assigns} clause omits a local variable the loop assigns (its
   * header's update included); variables declared inside the body are fresh in each iteration
   * and need not be named. One message per loop, by method.
   */
  public static Map<String, List<String>> loopFrameProblems(Path sourceDir, Path projectDir)
      throws IOException {
    Map<String, List<String>> out = new TreeMap<>();
    List<Method> methods = methods(sourceDir);
    for (Path f : javaFiles(sourceDir)) {
      List<String> lines = Files.readAllLines(f, StandardCharsets.UTF_8);
      for (int i = 0; i < lines.size(); i++) {
        if (!lines.get(i).contains("loop_assigns")) {
          continue;
        }
        StringBuilder clause = new StringBuilder(lines.get(i));
        int j = i;
        while (clause.indexOf(";") < 0 && j + 1 < lines.size()) {
          clause.append(' ').append(lines.get(++j));
        }
        Set<String> framed = new LinkedHashSet<>();
        String items = clause.substring(clause.indexOf("loop_assigns") + 12, clause.indexOf(";"));
        for (String item : items.split(",")) {
          String t = item.replace("@", "").strip();
          if (t.matches("[a-zA-Z_]\\w*")) {
            framed.add(t);
          }
        }
        int loop = j + 1;
        while (loop < lines.size() && !codeOf(lines.get(loop)).matches("\\s*(for|while)\\b.*")) {
          loop++;
        }
        if (loop == lines.size()) {
          continue;
        }
        String header = codeOf(lines.get(loop));
        Set<String> declaredInside = new LinkedHashSet<>();
        Set<String> assigned = new LinkedHashSet<>();
        int depth = 0;
        boolean opened = false;
        for (int b = loop; b < lines.size(); b++) {
          String code = codeOf(lines.get(b));
          String body = b == loop && code.contains("{") ? code.substring(code.indexOf('{')) : code;
          if (b > loop || code.contains("{")) {
            Matcher d = DECLARED.matcher(body);
            while (d.find()) {
              declaredInside.add(group(d, 1));
            }
          }
          Matcher a = ASSIGNED.matcher(b == loop ? code.replaceFirst("^\\s*for\\s*\\(\\s*"
              + "(?:int|long)\\s+\\w+\\s*=[^;]*;", "") : code);
          while (a.find()) {
            assigned.add(a.group(1) != null ? group(a, 1) : group(a, 2));
          }
          for (char ch : code.toCharArray()) {
            if (ch == '{') {
              depth++;
              opened = true;
            } else if (ch == '}') {
              depth--;
            }
          }
          if (opened && depth == 0) {
            break;
          }
        }
        assigned.removeAll(declaredInside);
        assigned.removeAll(framed);
        if (!assigned.isEmpty()) {
          int lineNo = i + 1;
          String rel = projectDir.toAbsolutePath().normalize()
              .relativize(f.toAbsolutePath().normalize()).toString();
          String owner = "?";
          for (Method m : methods) {
            if (m.file().equals(f) && lineNo <= m.endLine()) {
              owner = m.name();
              break;
            }
          }
          out.computeIfAbsent(owner, x -> new ArrayList<>()).add(rel + ":" + lineNo
              + ": the loop's loop_assigns omits the local variable(s) " + assigned
              + " it assigns (header: " + header.strip() + "); OpenJML would not havoc them");
        }
      }
    }
    return out;
  }

  /** A group of a match that took part in it ("" otherwise). */
  static String group(Matcher m, int g) {
    String s = m.group(g);
    return s == null ? "" : s;
  }

  /**
   * The code part of a line: string literals, comments and JML removed (JML lines, annotation
   * lines and the continuation lines of an annotation's array, which start with a string, give
   * "").
   */
  static String codeOf(String line) {
    String t0 = line.strip();
    if (t0.startsWith("\"")) {
      return "";
    }
    String s = line.replaceAll("\"([^\"\\\\]|\\\\.)*\"", "\"\"").replaceAll("/\\*.*?\\*/", " ");
    int c = s.indexOf("//");
    if (c >= 0) {
      s = s.substring(0, c);
    }
    String t = s.strip();
    return t.startsWith("@") || t.startsWith("*") || t.startsWith("/*") ? "" : s;
  }

  /** The parameter types of a declaration, in the manifest's spelling. */
  static String paramTypes(String sig) {
    String inside = sig.substring(sig.indexOf('(') + 1, sig.indexOf(')'));
    List<String> types = new ArrayList<>();
    for (String p : inside.split(",")) {
      String t = p.strip().replaceAll("@[\\w.]+(\\([^)]*\\))?\\s*", "").replace("final ", "");
      if (t.isEmpty()) {
        continue;
      }
      types.add(OpenJmlRunner.typeName(t.substring(0, t.lastIndexOf(' ')).strip()
          .replace(" ", "")));
    }
    return String.join(",", types);
  }
}
