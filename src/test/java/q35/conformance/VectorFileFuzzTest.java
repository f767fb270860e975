package q35.conformance;

import com.code_intelligence.jazzer.junit.FuzzTest;
import org.junit.jupiter.api.Timeout;
import q35.fuzz.ReaderFuzzing;

/**
 * Fuzzes the conformance vector reader and runner: any bytes give outcomes or a
 * VectorFormatException (a malformed vector fails its test; it never crashes the runner).
 */
class VectorFileFuzzTest {
  @Timeout(10) // per input: Jazzer passes it to libFuzzer as -timeout=10 (a hang is a finding)
  @FuzzTest(maxDuration = "2h", maxExecutions = 1_000_000)
  void run(byte[] data) throws Exception {
    ReaderFuzzing.check(data.length, VectorFormatException.class,
        () -> ConformanceRunner.runFile(data, "fuzz.json"));
  }
}
