package q35.cli;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import q35.report.VerificationReport;

/** {@code q35 report}: regenerates verification-reports/ from this build's results. */
@Command(
    name = "report",
    mixinStandardHelpOptions = true,
    description = "Write verification-reports/ (summary.json, index.html, README.md) from the"
        + " conformance vectors and the results of this build in target/ (KeY, tests, PIT).")
final class ReportCommand implements Callable<Integer> {

  @Option(names = "--project", defaultValue = ".", description = "Project folder (default: the"
      + " current folder).")
  Path project = Path.of(".");

  @Override
  public Integer call() throws Exception {
    JsonObject s = VerificationReport.write(new VerificationReport.Inputs(project));
    System.out.println("q35 report: wrote " + project.resolve("verification-reports")
        + " (summary.json, index.html, README.md)");
    boolean ok = true;
    for (String part : new String[] {"conformance", "proofs", "checkers", "tests"}) {
      String status = s.getAsJsonObject(part).get("status").getAsString();
      System.out.printf("  %-12s %s%n", part, status);
      ok &= !status.equals("failed");
    }
    return ok ? 0 : 1;
  }
}
