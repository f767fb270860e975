package q35.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Where the Vector API is not loaded (a JVM started without {@code --add-modules
 * jdk.incubator.vector}), {@code --backend fast} says why on standard error and runs on
 * {@code reference} instead, which passes every vector.
 */
class FastFallbackTest {

  @Test
  void withoutTheVectorModuleFastFallsBackToReferenceAndSaysWhy() throws Exception {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path vectors = Path.of(System.getProperty("q35.projectDir", ".")).resolve("spec/vectors");
    Process p = new ProcessBuilder(java.toString(), "-cp", System.getProperty("java.class.path"),
        "q35.cli.Q35Cli", "conformance", "--backend", "fast", "--vectors", vectors.toString())
        .start();
    p.getOutputStream().close();
    String out = read(p.getInputStream());
    String err = read(p.getErrorStream());
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "conformance did not finish");
    assertEquals(0, p.exitValue(), out + err);
    assertTrue(err.contains("backend 'fast' cannot run here: the Java Vector API (module"
        + " jdk.incubator.vector) is not loaded; start the JVM with --add-modules"
        + " jdk.incubator.vector"), err);
    assertTrue(err.contains("using 'reference' instead"), err);
    assertTrue(out.contains("backend reference"), out);
    assertTrue(out.contains(" 0 failed"), out);
  }

  private static String read(java.io.InputStream in) throws IOException {
    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
  }
}
