package q35.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The source reading behind the OpenJML results: loop frames that omit a local variable (which
 * would make OpenJML's "valid" unsound), and the clauses only KeY reads.
 */
class JmlSourceTest {

  private static final Path PROJECT = Path.of(System.getProperty("q35.projectDir", "."));

  /** Every loop of the kernel names, in its loop_assigns, each local variable it assigns. */
  @Test
  void kernelLoopFramesNameEveryAssignedLocal() throws Exception {
    Map<String, List<String>> problems =
        JmlSource.loopFrameProblems(PROJECT.resolve("src/main/kernel"), PROJECT);
    assertEquals(Map.of(), problems);
  }

  /** The planted omission of the OpenJML negative controls is found, and nothing else there. */
  @Test
  void aLoopFrameThatOmitsTheAccumulatorIsFound() throws Exception {
    Map<String, List<String>> problems =
        JmlSource.loopFrameProblems(PROJECT.resolve("src/test/openjml-negative"), PROJECT);
    assertEquals(List.of("ojneg.Controls.dotWrongFrame(byte[],int[],int)"),
        List.copyOf(problems.keySet()));
    String msg = problems.get("ojneg.Controls.dotWrongFrame(byte[],int[],int)").get(0);
    assertTrue(msg.startsWith("src/test/openjml-negative/ojneg/Controls.java:"), msg);
    assertTrue(msg.contains("omits the local variable(s) [acc]"), msg);
  }

  /**
   * The KeY-only clauses are what OpenJML cannot read: the exact sums, the values stated
   * through the heap-free functions of proofs/taclets/weights.key ({@code \dl_}), and the two
   * KeY-only predicates over those sums (rowSums, rowsExact) that carry matvecInt's contract,
   * each attributed to its method; packStream's round trip moved to an OpenJML-only case when
   * OpenJML proved it.
   */
  @Test
  void keyOnlyClausesAreTheExactSums() throws Exception {
    Map<String, List<String>> clauses = JmlSource.keyOnlyClauses(PROJECT.resolve("src/main/kernel"));
    List<String> sum = clauses.get("q35.kernel.IntDot.sum(byte[],int,int)");
    assertTrue(sum != null && sum.size() == 2, String.valueOf(sum));
    assertTrue(sum.get(0).startsWith("ensures \\result == (\\sum int i;"), sum.get(0));
    for (List<String> cs : clauses.values()) {
      for (String c : cs) {
        assertTrue(c.contains("\\sum") || c.contains("\\dl_") || c.contains("rowSums(")
            || c.contains("rowsExact("), c);
      }
    }
    List<String> matvecInt =
        clauses.get("q35.kernel.QuantMatrix.matvecInt(int,byte[],int,int,int,byte[],int[])");
    assertEquals(List.of("ensures rowsExact(format, packed, k, g, (k + g - 1) / g, xq, 0, acc, n);"),
        matvecInt);
    List<String> lattice = clauses.get("q35.kernel.QuantMatrix.unpackPairs(int,byte[],int,int,int[])");
    assertTrue(lattice != null && lattice.get(0).contains("lattice[p] == \\dl_weightAt("),
        String.valueOf(lattice));
    assertEquals(null, clauses.get("q35.kernel.Codes.packStream(int[],int,byte[],int)"));
  }

  /**
   * The proof lemmas are the model methods with a body, named as OpenJML names them; a model
   * function without a body (packedByte, codeOf) is a definition, not a lemma, and so are the
   * KeY-only model methods rowSums and rowsExact, which OpenJML never reads.
   */
  @Test
  void modelLemmasAreTheModelMethodsWithABody() throws Exception {
    List<String> lemmas = JmlSource.modelLemmas(PROJECT.resolve("src/main/kernel"));
    assertTrue(lemmas.contains("q35.kernel.Codes.decodes0(int,int,int)"), lemmas.toString());
    assertTrue(lemmas.contains("q35.kernel.Codes.streamRoundTrip(int[],int,byte[],int)"),
        lemmas.toString());
    assertTrue(lemmas.contains("q35.kernel.Codes.blockDecodes(int,int,int,int,int,int,int,int,"
        + "int,int,int,int,int,int,int)"), lemmas.toString());
    assertTrue(lemmas.stream().noneMatch(l -> l.contains(".packedByte(")
        || l.contains(".codeOf(") || l.contains(".blocksDecoded(")
        || l.contains(".rowSums(") || l.contains(".rowsExact(")), lemmas.toString());
    assertEquals(30, lemmas.size(), lemmas.toString());
  }

  /**
   * The OpenJML-only annotations carry the functional contracts of the code stream and of
   * unpackRow, each attributed to its method: unpackRow's values and its padding refusal,
   * packStream's round trip, unpackStream's codes through codeAt, and unpackBlock's eight block
   * equations.
   */
  @Test
  void openJmlOnlyClausesAreTheFunctionalContracts() throws Exception {
    Map<String, List<String>> clauses =
        JmlSource.openJmlOnlyClauses(PROJECT.resolve("src/main/kernel"));
    List<String> row = clauses.get("q35.kernel.QuantMatrix.unpackRow(int,byte[],int,int,int[])");
    assertTrue(row != null && row.size() == 1, String.valueOf(row));
    assertTrue(row.get(0).contains("lattice[p] == (p % 2 == 0")
        && row.get(0).contains("also private exceptional_behavior")
        && row.get(0).contains("(\\exists int i;"), row.get(0));
    List<String> pack = clauses.get("q35.kernel.Codes.packStream(int[],int,byte[],int)");
    assertTrue(pack != null && pack.stream().anyMatch(
        c -> c.contains("codeAt(out, oOff, i) == codes[i]")), String.valueOf(pack));
    List<String> stream = clauses.get("q35.kernel.Codes.unpackStream(byte[],int,int,int[])");
    assertTrue(stream != null && stream.stream().anyMatch(
        c -> c.contains("codes[i] == codeAt(in, iOff, i)")), String.valueOf(stream));
    List<String> block = clauses.get("q35.kernel.Codes.unpackBlock(byte[],int,int[],int)");
    assertTrue(block != null && block.get(0).split("ensures codes\\[cOff", -1).length - 1 == 8,
        String.valueOf(block));
  }

  /** The KeY-only model methods are the two predicates of matvecInt's sums, named as KeY does. */
  @Test
  void keyOnlyModelMethodsAreTheRowPredicates() throws Exception {
    assertEquals(List.of(
        "q35.kernel.QuantMatrix.rowSums(int,byte[],\\bigint,int,int,byte[],int,int[],\\bigint,"
            + "\\bigint)",
        "q35.kernel.QuantMatrix.rowsExact(int,byte[],int,int,\\bigint,byte[],int,int[],\\bigint)"),
        JmlSource.keyOnlyModelMethods(PROJECT.resolve("src/main/kernel")));
  }

  /** Method names use the manifest's form, java.lang types fully qualified. */
  @Test
  void methodNamesUseTheManifestForm() throws Exception {
    List<String> names = JmlSource.methods(PROJECT.resolve("src/main/kernel")).stream()
        .map(JmlSource.Method::name).toList();
    assertTrue(names.contains("q35.kernel.Codes.packPair(int,int)"), names.toString());
    assertTrue(names.contains("q35.kernel.Errors.of(java.lang.String,long,java.lang.String)"),
        names.toString());
    assertEquals("q35.kernel.Codes.packPair(int,int)",
        OpenJmlRunner.methodName("q35.kernel.Codes.packPair(int,int)"));
    assertEquals("q35.kernel.Errors.of(java.lang.String)",
        OpenJmlRunner.methodName("q35.kernel.Errors.of(String)"));
  }
}
