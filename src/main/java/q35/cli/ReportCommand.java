package q35.cli;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.time.Instant;
import java.util.concurrent.Callable;
import org.checkerframework.checker.nullness.qual.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import q35.report.VerificationReport;

/** {@code q35 report}: writes the verification report from the results of the last build. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = {
      "Write the verification report (summary.json, index.html, README.md) from the conformance"
          + " vectors, which it runs, and the results of the last build in target/ (KeY,"
          + " OpenJML, checkers, tests, PIT).",
      "By default into verification-reports/, the committed report: this command and"
          + " ./q35 verify are the only ones that write it. mvn verify writes its own report into"
          + " target/verification-reports/ (--out, --build-start), so the working tree stays"
          + " clean.",
      "Exits 1 if a part failed."
    })
final class ReportCommand implements Callable<Integer> {

  @Option(names = "--project", defaultValue = ".", description = "Project folder (default: the"
      + " current folder).")
  Path project = Path.of(".");

  @Option(names = "--out", paramLabel = "DIR", description = "Report folder (default:"
      + " <project>/verification-reports).")
  @Nullable Path out;

  @Option(names = "--build-start", paramLabel = "INSTANT", description = "Start of the build"
      + " that runs the report (ISO-8601 UTC): a part whose results are older did not run in"
      + " this build and is reported as \"not run\".")
  @Nullable String buildStart;

  @Override
  public Integer call() throws Exception {
    Path dir = out != null ? out : project.resolve("verification-reports");
    Instant start = buildStart == null || buildStart.isBlank() ? null : Instant.parse(buildStart);
    String command = start == null ? "./q35 report" : "mvn verify";
    JsonObject s = VerificationReport.write(new VerificationReport.Inputs(project, dir, start,
        command));
    System.out.println("q35 report: wrote " + dir + " (summary.json, index.html, README.md)");
    boolean ok = true;
    for (JsonElement e : s.getAsJsonArray("overview")) {
      JsonObject o = e.getAsJsonObject();
      String status = o.get("status").getAsString();
      System.out.printf("  %-20s %-10s %s%n", o.get("part").getAsString(), status,
          o.get("result").getAsString());
      ok &= !status.equals("failed");
    }
    return ok ? 0 : 1;
  }
}
