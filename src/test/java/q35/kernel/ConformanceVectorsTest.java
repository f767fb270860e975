package q35.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import q35.conformance.ConformanceRunner;
import q35.conformance.ConformanceRunner.Outcome;
import q35.conformance.ConformanceRunner.Report;

/** Every vector in spec/vectors passes against the kernel. */
class ConformanceVectorsTest {

  @Test
  void everyVectorPasses() throws IOException {
    Path dir = Path.of(System.getProperty("q35.projectDir", "."), "spec", "vectors");
    Report report = ConformanceRunner.run(dir);
    String failures = report.outcomes().stream().filter(o -> !o.passed())
        .limit(20).map(Outcome::toString).collect(Collectors.joining("\n"));
    assertEquals(0, report.failed(), failures);
    assertTrue(report.passed() >= 300, "expected at least 300 vectors, found " + report.passed());
    assertEquals(6, report.perFile().size(), "one entry per vector file");
  }
}
