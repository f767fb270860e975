package q35.cli;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import q35.backend.Backend;
import q35.conformance.ConformanceRunner;
import q35.conformance.ConformanceRunner.Outcome;
import q35.conformance.ConformanceRunner.Report;

/** {@code q35 conformance}: checks the kernel against every vector in spec/vectors. */
@Command(
    name = "conformance",
    mixinStandardHelpOptions = true,
    description = "Run the conformance vectors through a backend and print a report.")
final class ConformanceCommand implements Callable<Integer> {

  @Option(names = "--vectors", description = "Vector folder (default: ${DEFAULT-VALUE}).",
      defaultValue = "spec/vectors")
  Path vectors = Path.of("spec/vectors");

  @Mixin
  BackendOption backend = new BackendOption();

  @Override
  public Integer call() throws Exception {
    long start = System.nanoTime();
    Backend b = backend.backendOrReport("conformance");
    if (b == null) {
      return 2;
    }
    Report report = ConformanceRunner.run(vectors, b);
    System.out.printf("q35 conformance: %s, backend %s (%s)%n", vectors, b.name(),
        b.description());
    for (Map.Entry<String, long[]> e : report.perFile().entrySet()) {
      System.out.printf("  %-26s %4d passed  %d failed%n", e.getKey(), e.getValue()[0],
          e.getValue()[1]);
    }
    for (Outcome o : report.outcomes()) {
      if (!o.passed()) {
        System.out.printf("  FAIL %s tcId %d: %s%n", o.file(), o.tcId(), o.detail());
      }
    }
    System.out.printf("%d passed, %d failed (%.1f s)%n", report.passed(), report.failed(),
        (System.nanoTime() - start) / 1e9);
    return report.failed() == 0 ? 0 : 1;
  }
}
