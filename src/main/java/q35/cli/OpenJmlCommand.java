package q35.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import q35.verify.OpenJmlRunner;
import q35.verify.ProofManifest;
import q35.verify.ProofReports;

/** {@code q35 openjml}: OpenJML's static checker over the kernel, one result per method. */
@Command(
    name = "openjml",
    mixinStandardHelpOptions = true,
    description = {
      "Runs OpenJML ESC (--esc --code-math=safe --spec-math=bigint) over the kernel "
          + "(src/main/kernel) and writes one result per method to target/openjml-results.json.",
      "Finds OpenJML through OPENJML_HOME, else ../shared/tools/openjml/unpack.sh (unpacked "
          + "into target/). Without it the results say \"not run\" and why. With --require, "
          + "exits 1 unless OpenJML ran and every method is valid."
    })
public final class OpenJmlCommand implements Callable<Integer> {

  @Option(names = "--source", paramLabel = "DIR", description = "Source root to check "
      + "(default: ${DEFAULT-VALUE}).")
  Path source = Path.of("src/main/kernel");

  @Option(names = "--manifest", paramLabel = "FILE", description = "The methods to report "
      + "(default: ${DEFAULT-VALUE}); \"none\" to report every method OpenJML checks.")
  String manifest = "proofs/manifest.json";

  @Option(names = "--results", paramLabel = "FILE", description = "Machine-readable results "
      + "(default: ${DEFAULT-VALUE}).")
  Path results = Path.of("target/openjml-results.json");

  @Option(names = "--batch-timeout", paramLabel = "SECONDS", description = "z3's time limit "
      + "per proof in the class batches (default: ${DEFAULT-VALUE}); a method that reaches it "
      + "is proved again alone, with --timeout.")
  int batchTimeoutSeconds = 60;

  @Option(names = "--timeout", paramLabel = "SECONDS", description = "z3's time limit per "
      + "proof of a method proved alone (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds = 300;

  @Option(names = "--jobs", paramLabel = "N", description = "OpenJML processes run side by "
      + "side, each on a share of the files (default: ${DEFAULT-VALUE}).")
  int jobs = 2;

  @Option(names = "--require", arity = "0..1", description = "Exit 1 if OpenJML is absent or any method is "
      + "not valid.")
  boolean require;

  @Override
  public Integer call() throws Exception {
    // Before the manifest is read or OpenJML unpacked.
    OpenJmlRunner.checkLimits(batchTimeoutSeconds, timeoutSeconds, jobs);
    Path project = Path.of("").toAbsolutePath();
    List<String> methods = new ArrayList<>();
    if (!"none".equals(manifest)) {
      methods.addAll(ProofManifest.read(Path.of(manifest)).entries().keySet());
    }
    StringBuilder reason = new StringBuilder();
    Optional<Path> launcher = OpenJmlRunner.locate(project, reason);
    OpenJmlRunner.Result r = OpenJmlRunner.run(new OpenJmlRunner.Options(project, source,
        launcher, reason.toString(), batchTimeoutSeconds, timeoutSeconds, jobs, methods));
    ProofReports.writeJson(results, OpenJmlRunner.toJson(r));
    if (!"ran".equals(r.status())) {
      System.out.println("OpenJML: not run: " + r.reason());
      return require ? 1 : 0;
    }
    System.out.printf("OpenJML %s: %d methods and proof lemmas (%d lemmas): %d valid, "
        + "%d warning, %d timeout, %d unsupported, %d error; %.1f s%n", r.version(),
        r.methods().size(), r.lemmas().size(),
        r.count(OpenJmlRunner.VALID), r.count(OpenJmlRunner.WARNING),
        r.count(OpenJmlRunner.TIMEOUT), r.count(OpenJmlRunner.UNSUPPORTED),
        r.count(OpenJmlRunner.ERROR), r.seconds());
    for (OpenJmlRunner.MethodResult m : r.methods()) {
      if (!OpenJmlRunner.VALID.equals(m.status())) {
        System.out.println("  " + m.status() + ": " + m.method());
        for (String msg : m.messages()) {
          System.out.println("      " + msg);
        }
      }
    }
    System.out.println("results: " + results);
    return require && !r.allValid() ? 1 : 0;
  }
}
