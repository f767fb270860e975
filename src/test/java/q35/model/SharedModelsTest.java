package q35.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.opentest4j.AssertionFailedError;
import org.opentest4j.TestAbortedException;

class SharedModelsTest {

  interface Body {
    void run() throws Exception;
  }

  static void withProperty(String key, String value, Body body) throws Exception {
    String old = System.getProperty(key);
    System.setProperty(key, value);
    try {
      body.run();
    } finally {
      if (old == null) {
        System.clearProperty(key);
      } else {
        System.setProperty(key, old);
      }
    }
  }

  @Test
  void propertyOverridesTheDefault(@TempDir Path tmp) throws Exception {
    withProperty("q35.models", tmp.toString(), () -> {
      assertEquals(tmp, SharedModels.dir());
      assertNull(SharedModels.find("nothing.bin"));
      Files.write(tmp.resolve("x.bin"), new byte[] {1});
      assertEquals(tmp.resolve("x.bin"), SharedModels.find("x.bin"));
    });
  }

  @Test
  void defaultIsSharedModelsNextToTheProject() throws Exception {
    if (System.getenv("Q35_MODELS") != null || System.getProperty("q35.models") != null) {
      return; // overridden in this environment; the default is not in effect
    }
    withProperty("q35.projectDir", "/some/where/project", () ->
        assertEquals(Paths.get("/some/where/shared/models"), SharedModels.dir()));
  }

  @Test
  void missingModelsSkipUnlessRequired(@TempDir Path tmp) throws Exception {
    withProperty("q35.models", tmp.toString(), () -> {
      withProperty("q35.requireModels", "false", () -> {
        TestAbortedException e = assertThrows(TestAbortedException.class, TestModels::storiesBin);
        assertTrue(e.getMessage().contains("-Dq35.models") && e.getMessage().contains("Q35_MODELS"));
      });
      withProperty("q35.requireModels", "true", () ->
          assertThrows(AssertionFailedError.class, TestModels::storiesGguf));
      Files.write(tmp.resolve(SharedModels.TOK512), new byte[] {1});
      assertEquals(tmp.resolve(SharedModels.TOK512), TestModels.tok512());
    });
  }
}
