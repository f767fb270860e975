package q35.container;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import q35.fuzz.ReaderFuzzing;

/**
 * Fuzzes the {@code .q35} reader and the model built from it. {@code read} takes the bytes as
 * they are; {@code readWithChecksumsFixed} first recomputes the header and preamble CRCs, so
 * that the fuzzer also explores the header JSON and the tensor table behind them.
 */
class ContainerFuzzTest {
  @FuzzTest(maxDuration = "2h", maxExecutions = 1_000_000)
  void read(byte[] data) throws Exception {
    load(data);
  }

  @FuzzTest(maxDuration = "2h", maxExecutions = 1_000_000)
  void readWithChecksumsFixed(byte[] data) throws Exception {
    if (data.length >= Q35Container.PREAMBLE) {
      ByteBuffer b = ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
      long off = b.getLong(16);
      long len = b.getLong(24);
      if (off >= 0 && len >= 0 && len <= data.length && off <= data.length - len) {
        b.putInt(32, Q35Container.crc(data, (int) off, (int) len));
      }
      b.putInt(36, Q35Container.crc(data, 0, 36));
    }
    load(data);
  }

  static void load(byte[] data) throws Exception {
    ReaderFuzzing.check(data.length, q35.model.ModelFormatException.class, () -> {
      try {
        Q35ModelFormat.weights(Q35Container.read(data, "fuzz.q35"), "fuzz.q35");
      } catch (ContainerFormatException e) {
        // documented too; turned into the one class the check accepts, message kept
        throw new q35.model.ModelFormatException(String.valueOf(e.getMessage()), e);
      }
    });
  }
}
