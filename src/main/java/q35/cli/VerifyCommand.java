package q35.cli;

import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code q35 verify}, the main job: the conformance vectors, then KeY on every kernel contract,
 * then verification-reports/ from what this run checked.
 */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "The main job: run the kernel against every conformance vector, prove every JML contract"
          + " of the kernel with KeY (from scratch, then replaying proofs/), run OpenJML ESC over"
          + " the kernel (\"not run\" where OpenJML is absent), and write"
          + " verification-reports/ (summary.json, index.html, README.md, proofs.md).",
      "Takes about 4 minutes on 2 cores; exits non-zero if a vector fails or a contract listed"
          + " as proved stays open."
    })
final class VerifyCommand implements Callable<Integer> {

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300",
      description = "KeY's wall-clock backstop per contract and attempt; the step budget "
          + "decides (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds = 300;

  @Override
  public Integer call() {
    int conformance = new CommandLine(new ConformanceCommand()).execute();
    int prove = new CommandLine(new ProveCommand()).execute("--timeout",
        String.valueOf(timeoutSeconds), "--results", "target/key-results.json");
    new CommandLine(new OpenJmlCommand()).execute();
    int report = new CommandLine(new ReportCommand()).execute();
    System.out.printf("q35 verify: conformance %s, proofs %s, report %s%n",
        conformance == 0 ? "passed" : "FAILED", prove == 0 ? "passed" : "FAILED",
        report == 0 ? "written" : "FAILED");
    return conformance != 0 ? conformance : prove != 0 ? prove : report;
  }
}
