package q35.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import q35.model.TestModels;

/**
 * The bench commands run and print their tables (tiny sizes: what they measure is not checked
 * here, speed lives in the benchmarks themselves), and refuse bad options before measuring.
 */
class BenchCommandsTest {

  private static List<String> tableRows(String out) {
    return Arrays.stream(out.split("\n")).filter(l -> l.startsWith("| ") && !l.startsWith("| -"))
        .toList();
  }

  @Test
  void matvecPrintsEveryFormatForEveryThreadCountWithABatch() {
    GenerateCommandTest.Run r = GenerateCommandTest.run("bench", "matvec", "--rows", "40",
        "--cols", "48", "--rounds", "1", "--working-set", "1", "--formats", "q35,int4-g16,f32",
        "--threads", "1,2", "--batch", "3");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("3 activation rows per product"), r.out());
    List<String> rows = tableRows(r.out());
    // a header and 3 formats, for each of the 2 thread counts
    assertEquals(8, rows.size(), r.out());
    assertTrue(rows.get(1).startsWith("| q35 | ") && rows.get(2).startsWith("| int4-g16 | ")
        && rows.get(3).startsWith("| f32 | 32.000"),
        r.out());
    // int4 was not run: its ratio column says so instead of printing NaN
    assertFalse(r.out().contains("NaN"), r.out());
    String[] q35 = rows.get(1).split("\\|");
    assertEquals("n/a", q35[8].trim(), r.out());
    assertTrue(Double.parseDouble(q35[9].trim()) > 0, r.out());
  }

  @Test
  void matvecRefusesABadBatchAndAWorkingSetBeyondTheHeap() {
    GenerateCommandTest.Run zero = GenerateCommandTest.run("bench", "matvec", "--rows", "8",
        "--cols", "8", "--batch", "0");
    assertEquals(2, zero.code());
    assertTrue(zero.err().contains("--batch"), zero.err());
    long heapMiB = Runtime.getRuntime().maxMemory() >> 20;
    // 4096 x 4096 q35 is 7.4 MB: copies filling twice the heap (at most 1024 are made)
    GenerateCommandTest.Run big = GenerateCommandTest.run("bench", "matvec", "--rows", "4096",
        "--cols", "4096", "--formats", "q35", "--working-set", String.valueOf(2 * heapMiB));
    assertEquals(2, big.code(), big.out());
    assertTrue(big.err().contains("MiB of heap") && big.err().contains("--working-set"),
        big.err());
    assertEquals("", big.out()); // refused before anything was built or measured
  }

  @Test
  void bothBenchCommandsRefuseABadFormatListWithAMessageBeforeMeasuring() {
    // "float32" is how the tables describe f32, but not a format name; "q35," has an empty item
    for (String list : new String[] {"q35,float32", "q35,", "q35-g3"}) {
      GenerateCommandTest.Run matvec = GenerateCommandTest.run("bench", "matvec", "--rows",
          "8", "--cols", "8", "--formats", list);
      assertEquals(2, matvec.code(), list + ": " + matvec.err());
      assertTrue(matvec.err().startsWith("bench matvec: ") && !matvec.err().contains("\tat "),
          list + ": " + matvec.err());
      assertEquals("", matvec.out(), list);
      GenerateCommandTest.Run model = GenerateCommandTest.run("bench", "--model",
          TestModels.storiesBin().toString(), "--tokenizer", TestModels.tok512().toString(),
          "--formats", list, "--rounds", "1");
      assertEquals(2, model.code(), list + ": " + model.err());
      assertTrue(model.err().startsWith("bench: ") && !model.err().contains("\tat "),
          list + ": " + model.err());
      assertEquals("", model.out(), list);
    }
    GenerateCommandTest.Run named = GenerateCommandTest.run("bench", "matvec", "--formats",
        "q35,float32");
    assertTrue(named.err().contains("'float32'") && named.err().contains("f32"), named.err());
  }

  @Test
  void generationBenchReportsGenerationAndPrefillPerFormat() {
    GenerateCommandTest.Run r = GenerateCommandTest.run("bench", "--model",
        TestModels.storiesBin().toString(), "--tokenizer", TestModels.tok512().toString(),
        "--formats", "f32,q35", "--backend", "reference,fast", "--steps", "80", "--rounds", "1");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("prefill: 80 positions in batches of up to 64"), r.out());
    List<String> rows = tableRows(r.out());
    assertEquals(4, rows.size(), r.out()); // header, f32, q35 on reference, q35 on fast
    assertTrue(rows.get(0).contains("prefill tok/s"), r.out());
    // the float model is the base of both ratios
    assertTrue(rows.get(1).matches("\\| f32 \\| \\d+ \\| \\d+ \\| \\d+ \\| 1\\.00 \\| \\d+ \\| 1\\.00 \\|"),
        r.out());
    assertTrue(rows.get(2).startsWith("| q35 (reference) |")
        && rows.get(3).startsWith("| q35 (fast) |"), r.out());
  }
}
