package q35.model;

import com.code_intelligence.jazzer.junit.FuzzTest;
import q35.fuzz.ReaderFuzzing;

/** Fuzzes the llama2.c checkpoint reader: any bytes give weights or a ModelFormatException. */
class Llama2cModelFuzzTest {
  @FuzzTest(maxDuration = "2h", maxExecutions = 1_000_000)
  void read(byte[] data) throws Exception {
    ReaderFuzzing.check(data.length, ModelFormatException.class,
        () -> Llama2cReader.read(data, "fuzz.bin"));
  }
}
