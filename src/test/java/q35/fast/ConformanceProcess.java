package q35.fast;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code q35 conformance --backend fast} over the spec's vectors in a fresh JVM started with
 * the given options: the fast backend's choices are made once per JVM, so each case needs its
 * own.
 */
record ConformanceProcess(int exitValue, String out, String err) {

  static ConformanceProcess run(String... jvmOptions) throws IOException, InterruptedException {
    Path java = Path.of(System.getProperty("java.home"), "bin", "java");
    Path vectors = Path.of(System.getProperty("q35.projectDir", ".")).resolve("spec/vectors");
    List<String> command = new ArrayList<>(List.of(java.toString()));
    command.addAll(List.of(jvmOptions));
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), "q35.cli.Q35Cli",
        "conformance", "--backend", "fast", "--vectors", vectors.toString()));
    Process p = new ProcessBuilder(command).start();
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "conformance did not finish");
    return new ConformanceProcess(p.exitValue(), out, err);
  }
}
