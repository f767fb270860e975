package q35.eval;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntConsumer;
import q35.llama.Linear;
import q35.llama.LinearFactory;
import q35.llama.Tokenizer;
import q35.llama.Transformer;
import q35.model.LlamaWeights;
import q35.backend.BackendLinear;
import q35.backend.ReferenceBackend;
import q35.quant.WeightFormat;

/**
 * Compares quantized variants of a model with its float reference on the same token sequences
 * (teacher forcing): KL divergence of the next-token distributions, top-1 agreement, and the
 * perplexity ratio on the actual next tokens.
 */
public final class AccuracyEval {

  /** One row of the accuracy table. */
  public record Row(String format, double bitsPerWeight, double bitsPerWeightAt4096,
      double meanKl, double p99Kl, double top1Agreement, double perplexity,
      double perplexityRatio, int positions) {}

  /** The float reference's next-token log-probabilities at every scored position. */
  public record Reference(float[][] logProbs, int[] nextTokens, double perplexity) {}

  /**
   * One run of the model from position 0 over {@code tokens}, scoring the prediction of token
   * p + 1 at every position p from {@code firstScored} on.
   */
  public record Window(int[] tokens, int firstScored) {}

  /** How the text becomes windows and which positions count. */
  public enum Scoring {
    /** Each story on its own, from its BOS, every position scored (the default). */
    STORY,
    /**
     * As llama.cpp's {@code llama-perplexity} scores: the whole text tokenized once with one
     * BOS, cut into chunks of the context length, each chunk's first token replaced by BOS,
     * and only the second half of each chunk scored; the tokens after the last whole chunk
     * are not used.
     */
    LLAMA_PERPLEXITY;

    /** The option's spelling: story, llama-perplexity. */
    public String label() {
      return name().toLowerCase(java.util.Locale.ROOT).replace('_', '-');
    }

    /** The scoring an option names. */
    public static Scoring parse(String label) {
      for (Scoring s : values()) {
        if (s.label().equals(label)) {
          return s;
        }
      }
      throw new IllegalArgumentException("unknown scoring \"" + label
          + "\" (story or llama-perplexity)");
    }
  }

  private AccuracyEval() {}

  /** The windows of a text under a scoring; {@code context} is the chunk length. */
  public static List<Window> windows(String text, Tokenizer tokenizer, Scoring scoring,
      int context) {
    return scoring == Scoring.STORY ? perStory(tokenizeStories(text, tokenizer))
        : chunks(tokenizer.encode(text, true, false), context);
  }

  /**
   * llama-perplexity's chunks of a token stream: {@code tokens.length / n} chunks of n tokens,
   * each starting with BOS, scored from position n / 2 (so n - 1 - n / 2 positions each).
   */
  public static List<Window> chunks(int[] tokens, int n) {
    if (n < 2) {
      throw new IllegalArgumentException("chunk length " + n + " < 2");
    }
    List<Window> out = new ArrayList<>();
    for (int start = 0; start + n <= tokens.length; start += n) {
      int[] chunk = Arrays.copyOfRange(tokens, start, start + n);
      chunk[0] = Tokenizer.BOS;
      out.add(new Window(chunk, n / 2));
    }
    return out;
  }

  /** The stories of a text: split at blank lines, stripped, empty ones dropped. */
  public static List<String> stories(String text) {
    List<String> out = new ArrayList<>();
    for (String story : text.replace("\r\n", "\n").split("\n\\s*\n")) {
      String s = story.strip();
      if (!s.isEmpty()) {
        out.add(s);
      }
    }
    return out;
  }

  /** Splits a text into stories at blank lines and tokenizes each with a BOS. */
  public static List<int[]> tokenizeStories(String text, Tokenizer tokenizer) {
    List<int[]> out = new ArrayList<>();
    for (String s : stories(text)) {
      out.add(tokenizer.encode(s, true, false));
    }
    return out;
  }

  /** Each story on its own, every position scored: {@link Scoring#STORY}'s windows. */
  public static List<Window> perStory(List<int[]> stories) {
    List<Window> out = new ArrayList<>();
    for (int[] s : stories) {
      out.add(new Window(s, 0));
    }
    return out;
  }

  /** Runs the float model over every window and keeps its log-probabilities. */
  public static Reference reference(LlamaWeights w, List<Window> windows, IntConsumer progress) {
    List<float[]> lp = new ArrayList<>();
    List<Integer> next = new ArrayList<>();
    double nll = 0;
    int done = 0;
    // One transformer serves every window: position 0 restarts its KV cache.
    Transformer t = new Transformer(w, q35.llama.FloatLinear.FACTORY, contextFor(w, windows));
    for (Window win : windows) {
      int[] seq = win.tokens();
      Logits logits = Logits.of(t, seq);
      for (int pos = win.firstScored(); pos < logits.positions(); pos++) {
        float[] logProbs = logSoftmax(logits.at(pos));
        lp.add(logProbs);
        next.add(seq[pos + 1]);
        nll -= logProbs[seq[pos + 1]];
      }
      progress.accept(++done);
    }
    int[] nextTokens = next.stream().mapToInt(Integer::intValue).toArray();
    return new Reference(lp.toArray(new float[0][]), nextTokens,
        Math.exp(nll / nextTokens.length));
  }

  /**
   * The logits of a sequence's positions that have a next token (within the context), from one
   * batched run of the transformer, whose KV cache restarts at position 0.
   */
  private record Logits(float[] all, int positions, int vocab) {
    static Logits of(Transformer t, int[] seq) {
      int positions = Math.min(seq.length - 1, t.contextLength());
      int vocab = t.config().vocabSize();
      if (positions < 1) {
        return new Logits(new float[0], 0, vocab);
      }
      return new Logits(t.forward(Arrays.copyOf(seq, positions), 0, true), positions, vocab);
    }

    float[] at(int pos) {
      return Arrays.copyOfRange(all, pos * vocab, (pos + 1) * vocab);
    }
  }

  static int contextFor(LlamaWeights w, List<Window> windows) {
    int longest = 1;
    for (Window s : windows) {
      longest = Math.max(longest, s.tokens().length);
    }
    return Math.min(w.config().seqLen(), longest);
  }

  /** Evaluates one format, quantized round-to-nearest and run on the reference backend. */
  public static Row evaluate(LlamaWeights w, List<Window> windows, Reference ref,
      WeightFormat format, boolean quantizeClassifier, IntConsumer progress) {
    return evaluate(w, windows, ref, label(format, quantizeClassifier), format,
        BackendLinear.factory(new ReferenceBackend(), format, quantizeClassifier), progress);
  }

  /** Evaluates the linear layers a factory makes (labelled {@code label}) against the reference. */
  public static Row evaluate(LlamaWeights w, List<Window> windows, Reference ref, String label,
      WeightFormat format, LinearFactory factory, IntConsumer progress) {
    return evaluate(w, windows, ref, label, tensor -> format, factory, progress);
  }

  /**
   * As above, with each tensor's format (by {@link LinearFactory#tensorName}) for the
   * bits-per-weight figure at 4096 x 4096 (mixed precision rows).
   */
  public static Row evaluate(LlamaWeights w, List<Window> windows, Reference ref, String label,
      java.util.function.Function<String, WeightFormat> formatOf, LinearFactory factory,
      IntConsumer progress) {
    BitsCounter bits = new BitsCounter(factory, formatOf);
    double[] kl = new double[ref.nextTokens().length];
    int agree = 0;
    double nll = 0;
    int p = 0;
    int done = 0;
    Transformer t = new Transformer(w, bits, contextFor(w, windows));
    for (Window win : windows) {
      Logits logits = Logits.of(t, win.tokens());
      for (int pos = win.firstScored(); pos < logits.positions(); pos++) {
        float[] logProbs = logSoftmax(logits.at(pos));
        float[] refLp = ref.logProbs()[p];
        kl[p] = klDivergence(refLp, logProbs);
        if (argmax(refLp) == argmax(logProbs)) {
          agree++;
        }
        nll -= logProbs[ref.nextTokens()[p]];
        p++;
      }
      progress.accept(++done);
    }
    double ppl = Math.exp(nll / p);
    double[] sorted = Arrays.copyOf(kl, p);
    Arrays.sort(sorted);
    double mean = Arrays.stream(sorted).sum() / p;
    double p99 = sorted[Math.max(0, (int) Math.ceil(0.99 * p) - 1)];
    return new Row(label, bits.bitsPerWeight(), bits.bitsPerWeightAt4096(), mean, p99,
        (double) agree / p, ppl, ppl / ref.perplexity(), p);
  }

  /** The row label of a format: its name, with +cls when the classifier is quantized too. */
  public static String label(WeightFormat f, boolean cls) {
    return f + (cls ? "+cls" : "");
  }

  /** KL(P || Q) in nats from two log-probability vectors, summed in double. */
  public static double klDivergence(float[] logP, float[] logQ) {
    double s = 0;
    for (int i = 0; i < logP.length; i++) {
      double lp = logP[i];
      if (lp > Double.NEGATIVE_INFINITY) {
        s += Math.exp(lp) * (lp - logQ[i]);
      }
    }
    return Math.max(0.0, s);
  }

  /** log softmax in double, stored as float. */
  public static float[] logSoftmax(float[] logits) {
    double max = Double.NEGATIVE_INFINITY;
    for (float v : logits) {
      max = Math.max(max, v);
    }
    double sum = 0;
    for (float v : logits) {
      sum += Math.exp(v - max);
    }
    double log = max + Math.log(sum);
    float[] out = new float[logits.length];
    for (int i = 0; i < logits.length; i++) {
      out[i] = (float) (logits[i] - log);
    }
    return out;
  }

  static int argmax(float[] v) {
    int best = 0;
    for (int i = 1; i < v.length; i++) {
      if (v[i] > v[best]) {
        best = i;
      }
    }
    return best;
  }

  /**
   * Wraps a factory and counts the stored bits of every quantized matrix it makes, scales,
   * offsets and input orders included; and what the same formats would take at 4096 x 4096,
   * weighted by this model's matrix sizes.
   */
  static final class BitsCounter implements LinearFactory {
    final LinearFactory inner;
    final java.util.function.Function<String, WeightFormat> formatOf;
    double bits;
    double bitsAt4096;
    long weights;

    BitsCounter(LinearFactory inner, java.util.function.Function<String, WeightFormat> formatOf) {
      this.inner = inner;
      this.formatOf = formatOf;
    }

    @Override
    public Linear create(String name, int layer, float[] w, int outputs, int inputs) {
      Linear l = inner.create(name, layer, w, outputs, inputs);
      if (l instanceof BackendLinear q) {
        long count = (long) outputs * inputs;
        bits += q.matrix().bitsPerWeight() * count;
        // an order of 4096 inputs takes u16 entries: 16 / 4096 bits per weight at 4096 rows
        double order = q.matrix().inputOrder() == null ? 0 : 16.0 / 4096;
        bitsAt4096 += (formatOf.apply(LinearFactory.tensorName(name, layer))
            .bitsPerWeight(4096, 4096) + order) * count;
        weights += count;
      }
      return l;
    }

    double bitsPerWeight() {
      return weights == 0 ? 32.0 : bits / weights;
    }

    double bitsPerWeightAt4096() {
      return weights == 0 ? 32.0 : bitsAt4096 / weights;
    }
  }
}
