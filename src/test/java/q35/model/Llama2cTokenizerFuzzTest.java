package q35.model;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import q35.fuzz.ReaderFuzzing;

/**
 * Fuzzes the llama2.c tokenizer reader. Input: a u32 vocabulary size (as a model's config would
 * give it, any value), then the tokenizer file.
 */
class Llama2cTokenizerFuzzTest {
  @FuzzTest(maxDuration = "2h", maxExecutions = 1_000_000)
  void read(byte[] data) throws Exception {
    long vocab = ReaderFuzzing.u32(data, 0);
    if (vocab < 0) {
      return;
    }
    byte[] file = Arrays.copyOfRange(data, 4, data.length);
    ReaderFuzzing.check(data.length, ModelFormatException.class,
        () -> Llama2cTokenizerReader.read(file, (int) vocab, "fuzz-tok.bin"));
  }
}
