package q35.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import q35.backend.Backend;
import q35.backend.Backends;

/** {@code q35 conformance --backend NAME}: every backend passes every vector. */
class BackendConformanceTest {

  @Test
  void everyBackendPassesEveryVector() throws IOException {
    Path dir = Path.of(System.getProperty("q35.projectDir", ".")).resolve("spec/vectors");
    long expected = -1;
    for (Backend b : Backends.all()) {
      ConformanceRunner.Report r = ConformanceRunner.run(dir, b);
      String failures = r.outcomes().stream().filter(o -> !o.passed())
          .map(o -> o.file() + " " + o.tcId() + ": " + o.detail())
          .collect(Collectors.joining("\n"));
      assertEquals(0, r.failed(), b.name() + ":\n" + failures);
      assertTrue(r.passed() > 300, b.name() + " ran " + r.passed() + " vectors");
      System.out.println("conformance --backend " + b.name() + ": " + r.passed() + " passed, "
          + r.failed() + " failed");
      if (expected >= 0) {
        assertEquals(expected, r.passed(), b.name() + " ran another number of vectors");
      }
      expected = r.passed();
    }
  }
}
