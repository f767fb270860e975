package q35.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.checkerframework.checker.nullness.qual.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import q35.llama.Generator;
import q35.llama.Sampler;
import q35.llama.Tokenizer;
import q35.llama.Transformer;
import q35.model.LlamaWeights;
import q35.model.LoadedModel;
import q35.model.ModelLoader;
import q35.model.SharedModels;
import q35.backend.Backend;
import q35.backend.BackendLinear;
import q35.quant.WeightFormat;

/**
 * {@code q35 bench}: greedy generation speed of the float model and its quantized twins,
 * interleaved round by round in one JVM, so that machine noise hits every variant alike.
 */
@Command(
    name = "bench",
    mixinStandardHelpOptions = true,
    subcommands = MatvecBenchCommand.class,
    description = "Tokens/second of float and quantized generation, measured side by side;"
        + " prints medians and ratios to the float model. --backend takes a list"
        + " (reference,fast). 'bench matvec' times single mat-vecs.")
final class BenchCommand implements Callable<Integer> {

  @Option(names = "--model", paramLabel = "FILE", description = "Float model (default:"
      + " stories260K.bin from the shared models).")
  @Nullable Path model;

  @Option(names = "--tokenizer", paramLabel = "FILE", description = "llama2.c tokenizer.")
  @Nullable Path tokenizer;

  @Option(names = "--formats", defaultValue = "f32,q35,q35-g32,int4-g32,q8",
      description = "Formats to compare (default: ${DEFAULT-VALUE}).")
  String formats = "f32,q35,q35-g32,int4-g32,q8";

  @Option(names = "--steps", defaultValue = "256", description = "Positions per run"
      + " (default: ${DEFAULT-VALUE}).")
  int steps = 256;

  @Option(names = "--rounds", defaultValue = "9", description = "Measured rounds per format,"
      + " after 3 warm-up rounds (default: ${DEFAULT-VALUE}).")
  int rounds = 9;

  @Mixin
  BackendOption backend = new BackendOption();

  @Override
  public Integer call() throws Exception {
    // --backend takes a comma-separated list here: every backend runs every format.
    List<Backend> backends = new ArrayList<>();
    for (String name : backend.name.split(",")) {
      BackendOption one = new BackendOption();
      one.name = name.trim();
      one.threads = backend.threads;
      Backend b = one.backendOrReport("bench");
      if (b == null) {
        return 2;
      }
      backends.add(b);
    }
    List<WeightFormat> formatList;
    try {
      formatList = WeightFormat.parseList(formats);
    } catch (IllegalArgumentException e) {
      System.err.println("bench: " + e.getMessage());
      return 2;
    }
    Path modelPath = model != null ? model : SharedModels.file(SharedModels.STORIES_BIN);
    LoadedModel m = ModelLoader.load(modelPath);
    LlamaWeights weights = m.floatWeights();
    Tokenizer tok = new Tokenizer(GenerateCommand.vocabulary(m, tokenizer));
    List<String> names = new ArrayList<>();
    List<Transformer> models = new ArrayList<>();
    for (WeightFormat wf : formatList) {
      for (Backend b : backends) {
        if (wf.kind() == WeightFormat.Kind.F32 && b != backends.get(0)) {
          continue; // float layers do not use the backend
        }
        names.add(wf.kind() == WeightFormat.Kind.F32 ? wf.toString()
            : wf + " (" + b.name() + ")");
        models.add(new Transformer(weights, BackendLinear.factory(b, wf, false),
            Math.min(steps, weights.config().seqLen())));
      }
    }
    double[][] tps = new double[models.size()][rounds];
    double[][] prefill = new double[models.size()][rounds];
    int[] prompt = {};
    for (int r = -3; r < rounds; r++) {
      for (int i = 0; i < models.size(); i++) {
        Transformer t = models.get(i);
        Sampler greedy = new Sampler(weights.config().vocabSize(), 0f, 0f, 1);
        Generator.Result res = Generator.generate(t, tok, greedy, "Once upon a time", steps,
            null);
        if (prompt.length == 0) {
          // the float model's story, cut to the context: the text every prefill runs
          prompt = Arrays.copyOf(res.ids(), Math.min(res.ids().length, t.contextLength()));
        }
        long t0 = System.nanoTime();
        t.forward(prompt, 0, false);
        double prefillSeconds = (System.nanoTime() - t0) / 1e9;
        if (r >= 0) {
          tps[i][r] = res.tokensPerSecond();
          prefill[i][r] = prompt.length / prefillSeconds;
        }
      }
    }
    double base = median(tps[0]);
    double prefillBase = median(prefill[0]);
    List<String> described = new ArrayList<>();
    for (Backend b : backends) {
      described.add(b.name() + ": " + b.description());
    }
    System.out.printf(Locale.ROOT, "%s, backends %s, %d positions per run, %d rounds interleaved"
        + " (after 3 warm-up), Java %s, %d cores%n", modelPath.getFileName(),
        String.join("; ", described), steps, rounds,
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors());
    System.out.println("generation: one token at a time, the prompt included; prefill: "
        + prompt.length + " positions in batches of up to " + Transformer.MAX_BATCH);
    System.out.println("| format | median tok/s | min | max | ratio to " + names.get(0)
        + " | prefill tok/s | prefill ratio to " + names.get(0) + " |");
    System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
    for (int i = 0; i < names.size(); i++) {
      double[] s = tps[i].clone();
      Arrays.sort(s);
      System.out.printf(Locale.ROOT, "| %s | %.0f | %.0f | %.0f | %.2f | %.0f | %.2f |%n",
          names.get(i), median(tps[i]), s[0], s[s.length - 1], median(tps[i]) / base,
          median(prefill[i]), median(prefill[i]) / prefillBase);
    }
    return 0;
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }
}
