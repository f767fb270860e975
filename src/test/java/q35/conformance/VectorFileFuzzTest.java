package q35.conformance;

import com.code_intelligence.jazzer.junit.FuzzTest;
import q35.fuzz.ReaderFuzzing;

/**
 * Fuzzes the conformance vector reader and runner: any bytes give outcomes or a
 * VectorFormatException (a malformed vector fails its test; it never crashes the runner).
 */
class VectorFileFuzzTest {
  @FuzzTest(maxDuration = "2h", maxExecutions = 1_000_000)
  void run(byte[] data) throws Exception {
    ReaderFuzzing.check(data.length, VectorFormatException.class,
        () -> ConformanceRunner.runFile(data, "fuzz.json", new q35.backend.ReferenceBackend()));
  }
}
