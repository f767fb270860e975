package q35.eval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.function.IntConsumer;
import q35.backend.Backend;
import q35.backend.BackendLinear;
import q35.eval.AccuracyEval.Reference;
import q35.eval.AccuracyEval.Window;
import q35.llama.FloatLinear;
import q35.llama.Generator;
import q35.llama.LinearFactory;
import q35.llama.Sampler;
import q35.llama.Tokenizer;
import q35.llama.Transformer;
import q35.model.LlamaWeights;
import q35.quant.QuantizedMatrix;
import q35.quant.Quantizer;
import q35.quant.WeightFormat;

/**
 * Mixed precision under a bits-per-weight budget, chosen from measured sensitivity.
 *
 * <p>Each linear layer of the blocks is quantized alone in each candidate format (every other
 * matrix float) and run over calibration sequences the float model samples itself: its
 * sensitivity in a format is the mean KL divergence from the float model's output. Starting from
 * the base format everywhere, a greedy search then upgrades, one at a time, the tensor whose move
 * lowers that KL the most per added bit, while the whole stays within the budget and q35 keeps
 * at least half of the weights; it stops when no move fits. The sum of one-at-a-time
 * sensitivities is the usual first-order model of the combined error (HAWQ, llama.cpp's
 * per-tensor type choice); the row's own evaluation measures what it really gives.
 */
public final class PrecisionChooser {

  /** One tensor in one format: its stored bits and its calibration KL when quantized alone. */
  public record Option(WeightFormat format, long bits, double meanKl) {}

  /** One tensor: its name, its number of weights, its options (base first), the one chosen. */
  public record Tensor(String name, long weights, List<Option> options, Option chosen) {}

  /**
   * The choice: each tensor with its options and its format, and the bits per weight and q35
   * share of the choice over these tensors.
   */
  public record Choice(double budget, List<Tensor> tensors, double bitsPerWeight,
      double q35Share) {
    /** Each tensor's chosen format, by name. */
    public Map<String, WeightFormat> formats() {
      Map<String, WeightFormat> out = new LinkedHashMap<>();
      for (Tensor t : tensors) {
        out.put(t.name(), t.chosen().format());
      }
      return out;
    }
  }

  /** The calibration: sequences sampled by the float model (disjoint from any eval text). */
  public static final int SEQUENCES = 8;
  public static final int STEPS = 256;

  private PrecisionChooser() {}

  /**
   * The candidates of a base format, base first: q35 at half the group rounded down to an even
   * size of at least 2 (a group size must be even; g32 for a per-row base), int4 at the base's
   * group, q8 per row; all with the base's scale type, each once.
   */
  public static List<WeightFormat> candidates(WeightFormat base) {
    if (base.kind() == WeightFormat.Kind.F32) {
      throw new IllegalArgumentException("a budget needs a quantized base format, not f32");
    }
    int g = base.groupSize();
    int half = g == WeightFormat.PER_ROW ? 32 : Math.max(2, (g / 2) & ~1);
    List<WeightFormat> out = new ArrayList<>();
    out.add(base);
    for (WeightFormat f : List.of(
        new WeightFormat(WeightFormat.Kind.Q35, half, base.scales()),
        new WeightFormat(WeightFormat.Kind.INT4, g, base.scales()),
        // One group per row gains nothing from row steps: binary16 instead.
        new WeightFormat(WeightFormat.Kind.Q8, WeightFormat.PER_ROW,
            base.scales() == WeightFormat.Scales.K6 ? WeightFormat.Scales.F16 : base.scales()))) {
      if (!out.contains(f)) {
        out.add(f);
      }
    }
    return out;
  }

  /**
   * The calibration windows: {@code sequences} sequences of up to {@code steps} tokens that the
   * float model samples (temperature 1, seeds {@code firstSeed}, firstSeed + 1, ...), each from
   * its BOS, every position scored.
   */
  public static List<Window> sample(LlamaWeights w, Tokenizer tok, int sequences, int steps,
      long firstSeed) {
    Transformer t = new Transformer(w, FloatLinear.FACTORY, Math.min(steps, w.config().seqLen()));
    List<int[]> seqs = new ArrayList<>();
    for (int s = 0; s < sequences; s++) {
      Sampler sampler = new Sampler(w.config().vocabSize(), 1.0f, 1.0f, firstSeed + s);
      seqs.add(Generator.generate(t, tok, sampler, "", steps, null).ids());
    }
    return AccuracyEval.perStory(seqs);
  }

  /**
   * The sensitivities: each block matrix quantized alone by {@code quantizerOf} each of
   * {@code candidates} (the first is the base, which is each tensor's {@code chosen}), run on
   * {@code backend} over {@code calibration}; {@link #allocate} chooses among them.
   */
  public static List<Tensor> measure(LlamaWeights w, List<Window> calibration,
      List<WeightFormat> candidates, Function<WeightFormat, Quantizer> quantizerOf,
      Backend backend, IntConsumer progress) {
    List<Matrix> matrices = blockMatrices(w);
    Reference ref = AccuracyEval.reference(w, calibration, x -> {});
    List<Tensor> measured = new ArrayList<>();
    for (Matrix m : matrices) {
      List<Option> opts = new ArrayList<>();
      for (WeightFormat f : candidates) {
        QuantizedMatrix q = quantizerOf.apply(f).quantize(m.name(), m.weights(), m.rows(),
            m.cols());
        LinearFactory alone = BackendLinear.stored(backend, Map.of(m.name(), q));
        double kl = AccuracyEval.evaluate(w, calibration, ref, m.name(), f, alone, x -> {})
            .meanKl();
        opts.add(new Option(f, Math.round(q.bitsPerWeight() * m.rows() * (double) m.cols()),
            kl));
      }
      long count = (long) m.rows() * m.cols();
      measured.add(new Tensor(m.name(), count, List.copyOf(opts), opts.get(0)));
      progress.accept(measured.size());
    }
    return List.copyOf(measured);
  }

  /** A block matrix of the model: its tensor name, weights and shape. */
  private record Matrix(String name, float[] weights, int rows, int cols) {}

  /** The block matrices of {@code w} (every layer's wq .. w3), in the transformer's order. */
  private static List<Matrix> blockMatrices(LlamaWeights w) {
    List<Matrix> matrices = new ArrayList<>();
    // the transformer names and hands over each block matrix as it is built
    new Transformer(w, (name, layer, wt, n, k) -> {
      if (layer >= 0) {
        matrices.add(new Matrix(LinearFactory.tensorName(name, layer), wt, n, k));
      }
      return FloatLinear.FACTORY.create(name, layer, wt, n, k);
    }, 1);
    return matrices;
  }

  /**
   * Refuses at once, before anything is measured, a budget below the bits the base format
   * alone stores for {@code w}'s block matrices (with a stored input order on each q35 matrix
   * when {@code inputOrders}): the figure {@link #allocate} would refuse after measuring.
   *
   * @throws IllegalArgumentException naming the base format's bits per weight
   */
  public static void checkBudget(LlamaWeights w, WeightFormat base, boolean inputOrders,
      double budget) {
    long bits = 0;
    long weights = 0;
    for (Matrix m : blockMatrices(w)) {
      bits += 8 * base.storedBytes(m.rows(), m.cols());
      if (inputOrders && base.kind() == WeightFormat.Kind.Q35) {
        bits += 8L * QuantizedMatrix.inputOrderEntryBytes(m.cols()) * m.cols();
      }
      weights += (long) m.rows() * m.cols();
    }
    checkBaseFits(bits, weights, budget);
  }

  private static void checkBaseFits(long bits, long weights, double budget) {
    if (bits > budget * weights) {
      throw new IllegalArgumentException(String.format(java.util.Locale.ROOT,
          "a budget of %s bits per weight is below the base format's %.3f", budget,
          (double) bits / weights));
    }
  }

  /**
   * The greedy allocation over measured options (each tensor's first option is the base; its
   * {@code chosen} is ignored): repeatedly the move with the largest KL decrease per added bit
   * (a move that adds no bits first) that keeps the total within {@code budget} bits per
   * weight and q35 on at least half of the weights.
   *
   * @throws IllegalArgumentException when the base format alone exceeds the budget
   */
  public static Choice allocate(List<Tensor> tensors, double budget) {
    int n = tensors.size();
    Option[] current = new Option[n];
    long weightCount = 0;
    long bits = 0;
    long q35Weights = 0;
    for (int i = 0; i < n; i++) {
      Tensor t = tensors.get(i);
      current[i] = t.options().get(0);
      weightCount += t.weights();
      bits += current[i].bits();
      q35Weights += isQ35(current[i]) ? t.weights() : 0;
    }
    checkBaseFits(bits, weightCount, budget);
    double limit = budget * weightCount;
    while (true) {
      int bestTensor = -1;
      Option best = null;
      double bestGain = 0;
      boolean bestFree = false;
      for (int i = 0; i < n; i++) {
        Option cur = current[i];
        long count = tensors.get(i).weights();
        for (Option o : tensors.get(i).options()) {
          double saved = cur.meanKl() - o.meanKl();
          long added = o.bits() - cur.bits();
          long q35After = q35Weights - (isQ35(cur) ? count : 0) + (isQ35(o) ? count : 0);
          if (saved <= 0 || bits + added > limit || 2 * q35After < weightCount) {
            continue;
          }
          boolean free = added <= 0;
          double gain = free ? saved : saved / added;
          if ((free && !bestFree) || (free == bestFree && gain > bestGain)) {
            bestTensor = i;
            best = o;
            bestGain = gain;
            bestFree = free;
          }
        }
      }
      if (best == null) {
        break;
      }
      Option cur = current[bestTensor];
      long count = tensors.get(bestTensor).weights();
      bits += best.bits() - cur.bits();
      q35Weights += (isQ35(best) ? count : 0) - (isQ35(cur) ? count : 0);
      current[bestTensor] = best;
    }
    List<Tensor> chosen = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      Tensor t = tensors.get(i);
      chosen.add(new Tensor(t.name(), t.weights(), t.options(), current[i]));
    }
    return new Choice(budget, List.copyOf(chosen), (double) bits / weightCount,
        (double) q35Weights / weightCount);
  }

  private static boolean isQ35(Option o) {
    return o.format().kind() == WeightFormat.Kind.Q35;
  }
}
