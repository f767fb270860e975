package q35.report;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report's count of kernel Index Checker suppressions, and its check of "proved by KeY". */
class IndexSuppressionsTest {

  @TempDir Path dir;

  private Path kernel() throws IOException {
    Path pkg = Files.createDirectories(dir.resolve("q35/kernel"));
    Files.writeString(pkg.resolve("Rows.java"), String.join("\n",
        "package q35.kernel;",
        "final class Rows {",
        "  // bounds proved by KeY: a contract proved",
        "  @SuppressWarnings(\"index:argument\")",
        "  static void a(int[] x) {}",
        "  // bounds proved by KeY: b contract proved",
        "  @SuppressWarnings({\"index:argument\",",
        "      \"index:array.access.unsafe.high\"})",
        "  private static int b(int[] x, int i) { return x[i]; }",
        "  // bounds tested only (KeY contract open): SomeTest",
        "  @SuppressWarnings(\"index:argument\")",
        "  static void c(int[] x) {}",
        "}", ""));
    return dir;
  }

  @Test
  void countsByReasonWhenEveryProvedMethodClosed() throws IOException {
    CheckerSection.IndexSuppressions s = CheckerSection.indexSuppressions(kernel(),
        Map.of("Rows.a", true, "Rows.b", true, "Rows.c", false));
    assertEquals(new CheckerSection.IndexSuppressions(3, 2, 1, List.of()), s);
  }

  @Test
  void namesAProvedClaimWhoseContractStayedOpenOrDidNotRun() throws IOException {
    CheckerSection.IndexSuppressions s = CheckerSection.indexSuppressions(kernel(),
        Map.of("Rows.a", false));
    assertEquals(List.of("Rows.a", "Rows.b"), s.notClosed());
  }
}
