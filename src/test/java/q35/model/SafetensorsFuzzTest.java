package q35.model;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.util.Arrays;
import q35.fuzz.ReaderFuzzing;

/**
 * Fuzzes a Hugging Face model: config.json and model.safetensors. Input: a u32 length L, L bytes
 * of config.json, then the safetensors file.
 */
class SafetensorsFuzzTest {
  @FuzzTest(maxDuration = "2h", maxExecutions = 1_000_000)
  void read(byte[] data) throws Exception {
    long configLength = ReaderFuzzing.u32(data, 0);
    if (configLength < 0 || configLength > data.length - 4) {
      return;
    }
    byte[] config = Arrays.copyOfRange(data, 4, 4 + (int) configLength);
    byte[] safetensors = Arrays.copyOfRange(data, 4 + (int) configLength, data.length);
    ReaderFuzzing.check(data.length, ModelFormatException.class,
        () -> HfLlamaReader.fromBytes(config, safetensors, "fuzz-hf"));
  }
}
