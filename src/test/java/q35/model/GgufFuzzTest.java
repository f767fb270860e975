package q35.model;

import com.code_intelligence.jazzer.junit.FuzzTest;
import q35.fuzz.ReaderFuzzing;

/** Fuzzes GGUF: header, metadata, tensor table, the llama model and its embedded vocabulary. */
class GgufFuzzTest {
  @FuzzTest(maxDuration = "2h", maxExecutions = 1_000_000)
  void read(byte[] data) throws Exception {
    ReaderFuzzing.check(data.length, ModelFormatException.class,
        () -> GgufLlamaReader.read(data, "fuzz.gguf"));
  }
}
