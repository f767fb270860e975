package q35.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import q35.backend.BackendLinear;
import q35.backend.ReferenceBackend;
import q35.eval.PrecisionChooser.Choice;
import q35.eval.PrecisionChooser.Option;
import q35.eval.PrecisionChooser.Tensor;
import q35.llama.Tokenizer;
import q35.model.Llama2cReader;
import q35.model.Llama2cTokenizerReader;
import q35.model.LlamaWeights;
import q35.model.TestModels;
import q35.quant.Quantizer;
import q35.quant.WeightFormat;

/**
 * The budgeted choice: the greedy allocation on hand-made sensitivities (expected choices worked
 * out by hand in each test's comment), and the whole search on stories260K.
 */
public class PrecisionChooserTest {

  static final WeightFormat BASE = WeightFormat.parse("q35-g16-f16");
  static final WeightFormat FINER = WeightFormat.parse("q35-g8-f16");
  static final WeightFormat INT4 = WeightFormat.parse("int4-g16-f16");
  static final WeightFormat Q8 = WeightFormat.parse("q8-f16");

  /** A tensor of 1000 weights with options (format, bits, KL) given flat, base first. */
  public static Tensor tensor(String name, Object... formatBitsKl) {
    List<Option> opts = new ArrayList<>();
    for (int i = 0; i < formatBitsKl.length; i += 3) {
      opts.add(new Option((WeightFormat) formatBitsKl[i], (Integer) formatBitsKl[i + 1],
          (Double) formatBitsKl[i + 2]));
    }
    return new Tensor(name, 1000, List.copyOf(opts), opts.get(0));
  }

  @Test
  void theCandidatesOfABaseFormat() {
    assertEquals(List.of(BASE, FINER, INT4, Q8), PrecisionChooser.candidates(BASE));
    assertEquals(List.of(WeightFormat.parse("q35"), WeightFormat.parse("q35-g32"),
        WeightFormat.parse("int4"), WeightFormat.parse("q8")),
        PrecisionChooser.candidates(WeightFormat.parse("q35")));
    // half of 14 is 7, not a group size: the next even size below
    assertEquals(WeightFormat.parse("q35-g6-f16"),
        PrecisionChooser.candidates(WeightFormat.parse("q35-g14-f16")).get(1));
    // half of 2 would be 1: the finer q35 is the base itself, listed once
    assertEquals(List.of(WeightFormat.parse("q35-g2"), WeightFormat.parse("int4-g2"),
        WeightFormat.parse("q8")), PrecisionChooser.candidates(WeightFormat.parse("q35-g2")));
    // scale codes for the grouped candidates; q8 per row has one group: binary16 instead
    assertEquals(List.of(WeightFormat.parse("q35-g8-k6"), WeightFormat.parse("q35-g4-k6"),
        WeightFormat.parse("int4-g8-k6"), WeightFormat.parse("q8-f16")),
        PrecisionChooser.candidates(WeightFormat.parse("q35-g8-k6")));
    assertThrows(IllegalArgumentException.class,
        () -> PrecisionChooser.candidates(WeightFormat.parse("f32")));
  }

  /**
   * a: base 5000 bits KL 0.10; int4 6000 bits KL 0.04 (0.06 per 1000 bits); q8 9000 bits KL
   * 0.01. b: base 5000 KL 0.02; int4 6000 KL 0.015 (0.005 per 1000 bits). Budget 6.5 bits per
   * weight = 13000 bits: a to int4 first (10000 to 11000 bits), then a to q8 would add 3000
   * (14000, over), b to int4 adds 1000 (12000, fits) but would leave q35 on 0 of 2000 weights:
   * refused. So a in int4, b in the base, 5.5 bits per weight, q35 on half.
   */
  @Test
  void theLargestGainPerBitFirstWithinTheBudgetAndTheQ35Half() {
    Tensor a = tensor("a", BASE, 5000, 0.10, INT4, 6000, 0.04, Q8, 9000, 0.01);
    Tensor b = tensor("b", BASE, 5000, 0.02, INT4, 6000, 0.015);
    Choice c = PrecisionChooser.allocate(List.of(a, b), 6.5);
    assertEquals(Map.of("a", INT4, "b", BASE), c.formats());
    assertEquals(5.5, c.bitsPerWeight(), 1e-12);
    assertEquals(0.5, c.q35Share(), 1e-12);
    // 16000 bits: b still cannot leave q35, but a goes on to q8 (0.03 for 3000 more bits)
    Choice big = PrecisionChooser.allocate(List.of(a, b), 8.0);
    assertEquals(Map.of("a", Q8, "b", BASE), big.formats());
    assertEquals(7.0, big.bitsPerWeight(), 1e-12);
  }

  /**
   * The finer q35 grid stays q35, so both tensors may take it: a (0.10 to 0.05 for 2000 bits)
   * and b (0.02 to 0.01 for 2000 bits); budget 7 bits per weight takes both (14000 bits).
   * A worse option (higher KL) is never taken even when it is free.
   */
  @Test
  void aFinerQ35GridKeepsTheShareAndAWorseOptionIsNeverTaken() {
    Tensor a = tensor("a", BASE, 5000, 0.10, FINER, 7000, 0.05, INT4, 4000, 0.20);
    Tensor b = tensor("b", BASE, 5000, 0.02, FINER, 7000, 0.01);
    Choice c = PrecisionChooser.allocate(List.of(a, b), 7.0);
    assertEquals(Map.of("a", FINER, "b", FINER), c.formats());
    assertEquals(1.0, c.q35Share(), 1e-12);
    Choice tight = PrecisionChooser.allocate(List.of(a, b), 6.0);
    assertEquals(Map.of("a", FINER, "b", BASE), tight.formats(), "a's gain per bit is larger");
    Choice none = PrecisionChooser.allocate(List.of(a, b), 5.0);
    assertEquals(Map.of("a", BASE, "b", BASE), none.formats(), "no budget left for any move");
  }

  /** A move that lowers the KL for no extra bits comes before any that costs bits. */
  @Test
  void aFreeImprovementComesFirst() {
    Tensor a = tensor("a", BASE, 5000, 0.10, FINER, 9000, 0.001);
    Tensor b = tensor("b", BASE, 5000, 0.02, FINER, 4000, 0.019);
    Tensor c = tensor("c", BASE, 5000, 0.02);
    Choice ch = PrecisionChooser.allocate(List.of(a, b, c), 6.0);
    // b's free move first (15000 to 14000 bits of 18000): only then does a's (+4000) fit
    assertEquals(Map.of("a", FINER, "b", FINER, "c", BASE), ch.formats());
    assertEquals(6.0, ch.bitsPerWeight(), 1e-12);
  }

  @Test
  void aBudgetBelowTheBaseIsRefused() {
    Tensor a = tensor("a", BASE, 5000, 0.10);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PrecisionChooser.allocate(List.of(a), 4.9));
    assertTrue(e.getMessage().contains("below the base format's 5.000"), e.getMessage());
  }

  /**
   * On stories260K, round to nearest, 2 sampled sequences: the choice stays within the budget,
   * keeps q35 on half of the weights, and lowers the calibration KL of the whole model below the
   * base format's (measured again, all matrices at once, not from the sum of sensitivities).
   */
  @Test
  void onStories260KTheChoiceMeetsTheBudgetAndBeatsTheBase() throws IOException {
    LlamaWeights w = Llama2cReader.read(TestModels.storiesBin());
    Tokenizer tok = new Tokenizer(Llama2cTokenizerReader.read(TestModels.tok512(), 512));
    List<AccuracyEval.Window> cal = PrecisionChooser.sample(w, tok, 2, 96, 1001);
    assertEquals(2, cal.size());
    WeightFormat base = WeightFormat.parse("q35-g32");
    List<Tensor> measured = PrecisionChooser.measure(w, cal, PrecisionChooser.candidates(base),
        Quantizer::roundToNearest, new ReferenceBackend(), x -> {});
    Choice c = PrecisionChooser.allocate(measured, 6.5);
    // the early check counts what measuring counts: refused just below, accepted at the figure
    long baseBits = measured.stream().mapToLong(t -> t.options().get(0).bits()).sum();
    long count = measured.stream().mapToLong(Tensor::weights).sum();
    double baseFigure = (double) baseBits / count;
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> PrecisionChooser.checkBudget(w, base, false, baseFigure - 1e-9));
    assertTrue(e.getMessage().contains(String.format(java.util.Locale.ROOT,
        "below the base format's %.3f", baseFigure)), e.getMessage());
    PrecisionChooser.checkBudget(w, base, false, baseFigure + 1e-9);
    // an input order on every q35 matrix adds 8 bits per input: that figure no longer fits
    assertThrows(IllegalArgumentException.class,
        () -> PrecisionChooser.checkBudget(w, base, true, baseFigure + 1e-9));
    assertEquals(w.config().nLayers() * 7, c.tensors().size());
    assertTrue(c.bitsPerWeight() <= 6.5, "bits " + c.bitsPerWeight());
    assertTrue(c.bitsPerWeight() > 5.6, "some matrix was upgraded: " + c.bitsPerWeight());
    assertTrue(c.q35Share() >= 0.5, "q35 share " + c.q35Share());
    for (Tensor t : c.tensors()) {
      assertTrue(t.options().get(0).meanKl() > 0, t.name() + " quantized alone changes logits");
    }
    AccuracyEval.Reference ref = AccuracyEval.reference(w, cal, x -> {});
    Map<String, WeightFormat> chosen = c.formats();
    AccuracyEval.Row mixed = AccuracyEval.evaluate(w, cal, ref, "mixed",
        t -> chosen.getOrDefault(t, base),
        BackendLinear.factory(new ReferenceBackend(), base, false,
            (t, wt, n, k) -> Quantizer.roundToNearest(chosen.getOrDefault(t, base))
                .quantize(t, wt, n, k)), x -> {});
    AccuracyEval.Row plain = AccuracyEval.evaluate(w, cal, ref, base, false, x -> {});
    assertEquals(c.bitsPerWeight(), mixed.bitsPerWeight(), 1e-9, "the row counts the same bits");
    assertTrue(mixed.meanKl() < 0.8 * plain.meanKl(),
        "mixed " + mixed.meanKl() + " vs base " + plain.meanKl());
  }
}
