package q35.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * Where the Vector API is not loaded (a JVM started without {@code --add-modules
 * jdk.incubator.vector}), {@code --backend fast} says why on standard error and runs on
 * {@code reference} instead, which passes every vector.
 */
class FastFallbackTest {

  @Test
  void withoutTheVectorModuleFastFallsBackToReferenceAndSaysWhy() throws Exception {
    ConformanceProcess p = ConformanceProcess.run();
    String out = p.out();
    String err = p.err();
    assertEquals(0, p.exitValue(), out + err);
    assertTrue(err.contains("backend 'fast' cannot run here: the Java Vector API (module"
        + " jdk.incubator.vector) is not loaded; start the JVM with --add-modules"
        + " jdk.incubator.vector"), err);
    assertTrue(err.contains("using 'reference' instead"), err);
    assertTrue(out.contains("backend reference"), out);
    assertTrue(out.contains(" 0 failed"), out);
  }
}
