package q35.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Every committed proof names the committed kernel as its source, so that it loads in KeY from
 * a clone: CI proves afresh and does not replay these files, so a proof saved from a scratch
 * copy of the kernel would otherwise go unnoticed.
 */
class CommittedProofsTest {

  @Test
  void everyProofIsOfTheCommittedKernel() throws IOException {
    Path proofs = Path.of(System.getProperty("q35.projectDir", ".")).resolve("proofs");
    List<String> wrong = new ArrayList<>();
    int count = 0;
    try (Stream<Path> files = Files.list(proofs)) {
      for (Path p : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".proof"))::iterator) {
        count++;
        boolean found = false;
        for (String line : Files.readAllLines(p, StandardCharsets.UTF_8)) {
          if (line.startsWith("\\javaSource ")) {
            found = true;
            if (!line.equals("\\javaSource \"../src/main/kernel\";")) {
              wrong.add(p.getFileName() + ": " + line);
            }
          }
        }
        if (!found) {
          wrong.add(p.getFileName() + ": no \\javaSource line");
        }
      }
    }
    assertFalse(count == 0, "no proof files in " + proofs);
    assertEquals(List.of(), wrong);
  }
}
