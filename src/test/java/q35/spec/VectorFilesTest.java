package q35.spec;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The committed vector files must be exactly what the exact spec model produces. To regenerate
 * after a deliberate spec change: {@code mvn test -Dtest=VectorFilesTest -Dq35.regenerateVectors=true}.
 */
class VectorFilesTest {

  static Path vectorDir() {
    return Path.of(System.getProperty("q35.projectDir", "."), "spec", "vectors");
  }

  @Test
  void committedVectorsEqualTheExactModel() throws IOException {
    if (Boolean.getBoolean("q35.regenerateVectors")) {
      VectorGenerator.main(new String[] {vectorDir().toString()});
    }
    Map<String, String> expected = VectorGenerator.generateAll();
    for (Map.Entry<String, String> e : expected.entrySet()) {
      Path file = vectorDir().resolve(e.getKey());
      assertEquals(e.getValue(), Files.readString(file, StandardCharsets.UTF_8),
          file + " differs from the exact model; regenerate with -Dq35.regenerateVectors=true"
              + " only after a deliberate spec change");
    }
  }
}
