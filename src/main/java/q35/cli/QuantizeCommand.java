package q35.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.checkerframework.checker.nullness.qual.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import q35.container.Q35Container;
import q35.model.Llama2cReader;
import q35.model.LlamaConfig;
import q35.model.LoadedModel;
import q35.model.ModelLoader;
import q35.model.Vocabulary;
import q35.model.WeightSource;
import q35.quant.WeightFormat;

/** {@code q35 quantize}: a float model in, a {@code .q35} container out. */
@Command(
    name = "quantize",
    mixinStandardHelpOptions = true,
    description = "Quantize a model (.bin, .gguf, HF dir) into a .q35 container, tensor by tensor,"
        + " written atomically.")
final class QuantizeCommand implements Callable<Integer> {

  @Option(names = "--in", required = true, paramLabel = "MODEL", description = "Float model.")
  @Nullable Path in;

  @Option(names = "--out", required = true, paramLabel = "FILE.q35", description = "Output.")
  @Nullable Path out;

  @Option(names = "--format", defaultValue = "q35-g32", paramLabel = "FMT",
      description = "q35 | q35-g<G> | int4 | int4-g<G> | q8 | q8-g<G> | f32; a quantized"
          + " format may end in -f16 (binary16 scales and offsets, container version 3) or -k6"
          + " (6-bit scale and offset codes under two binary16 steps per row, version 4)"
          + " (default: ${DEFAULT-VALUE}).")
  String format = "q35-g32";

  @Option(names = "--tokenizer", paramLabel = "FILE",
      description = "llama2.c tokenizer to embed (default: the model's own, else tok512.bin from"
          + " the shared models when the vocabulary has 512 tokens).")
  @Nullable Path tokenizer;

  @Option(names = "--quantize-classifier",
      description = "Also quantize the classifier (by default it stays float).")
  boolean quantizeClassifier;

  @Option(names = "--gptq", description = "Choose the codes with GPTQ, calibrated on sequences"
      + " the float model samples itself (the same calibration as eval's +gptq rows).")
  boolean gptq;

  @Option(names = "--clip", description = "Choose each group's range by a two-sided clipping"
      + " search weighted by the same calibration (eval's +clip rows); with --gptq, inside GPTQ.")
  boolean clip;

  @Option(names = "--salience", description = "Store each matrix's inputs in salience order"
      + " (spec/format.md section 6), chosen from the same calibration (eval's +sal rows).")
  boolean salience;

  @Option(names = "--awq", description = "Fold AWQ-style input-channel scales, chosen from the"
      + " same calibration, into the float weights before quantizing (eval's +awq rows).")
  boolean awq;

  @Option(names = "--rotate", description = "Rotate the residual stream by a random-sign"
      + " Walsh-Hadamard matrix folded into the float weights before quantizing (eval's +rot"
      + " rows; the model's dim must be a power of two).")
  boolean rotate;

  @Option(names = "--matrix-format", paramLabel = "NAME=FMT", description = "Give matrix NAME"
      + " (wq, wk, wv, wo, w1, w2, w3) of every layer its own format, e.g. w2=q8 (mixed"
      + " precision, as eval's +w2=q8 rows); repeatable.")
  List<String> matrixFormats = new ArrayList<>();

  @Option(names = "--budget", paramLabel = "BITS", description = "Choose each matrix's format"
      + " (the --format, q35 at half its group, int4 at its group, or q8) from sensitivities"
      + " measured on sequences the float model samples, within BITS bits per weight, q35"
      + " keeping half of the weights (eval's +auto=BITS rows); the choice is printed.")
  @Nullable String budget;

  @Override
  public Integer call() throws Exception {
    Path in = this.in;
    Path out = this.out;
    if (in == null || out == null) {
      throw new IllegalStateException("picocli enforces required options");
    }
    WeightFormat wf;
    EvalCommand.FormatSpec spec;
    try {
      wf = WeightFormat.parse(format);
      // one parser for eval's rows and quantize's options: the row this command writes
      StringBuilder row = new StringBuilder(format);
      row.append(rotate ? "+rot" : "").append(awq ? "+awq" : "");
      row.append(gptq ? "+gptq" : "").append(clip ? "+clip" : "").append(salience ? "+sal" : "");
      for (String m : matrixFormats) {
        row.append('+').append(m.trim());
      }
      row.append(budget != null ? "+auto=" + budget.trim() : "");
      spec = EvalCommand.FormatSpec.parse(row.toString());
    } catch (IllegalArgumentException e) {
      System.err.println("quantize: " + e.getMessage());
      return 2;
    }
    if (!String.valueOf(out.getFileName()).endsWith(".q35")) {
      System.err.println("quantize: --out must end in .q35");
      return 2;
    }
    long start = System.nanoTime();
    // A llama2.c checkpoint streams from a memory mapping, tensor by tensor, so it may be larger
    // than the heap; other formats (and GPTQ, which runs the float model) load whole.
    boolean stream = !spec.calibrated() && !spec.rotate() && ModelLoader.hasExtension(in, ".bin");
    WeightSource weights;
    Vocabulary vocab;
    LoadedModel m = null;
    try {
      if (stream) {
        weights = Llama2cReader.open(in);
        vocab = GenerateCommand.vocabulary(weights.config().vocabSize(), null, tokenizer);
      } else {
        m = ModelLoader.load(in);
        weights = m.floatWeights();
        vocab = GenerateCommand.vocabulary(m, tokenizer);
      }
    } catch (java.io.IOException e) {
      System.err.println("quantize: " + Failure.describe(e));
      return 1;
    }
    try {
      LlamaConfig c = weights.config();
      int tensors = 2 + c.nLayers() * 9 + (quantizeClassifier || !c.sharedClassifier() ? 1 : 0)
          + 1;
      ProgressBar bar = new ProgressBar("quantize " + wf, tensors);
      java.util.Map<String, double[]> h = null;
      EvalCommand.FormatSpec resolved = spec;
      if (m != null && (spec.calibrated() || spec.rotate())
          && wf.kind() != WeightFormat.Kind.F32) {
        q35.llama.Tokenizer tok = new q35.llama.Tokenizer(vocab);
        // the same transforms, calibration and choice as eval's row (FormatSpec.model)
        EvalCommand.Calibrated cm = spec.model(m.floatWeights(),
            x -> q35.gptq.Gptq.calibrate(x, tok, EvalCommand.CALIBRATION_SEQUENCES,
                EvalCommand.CALIBRATION_STEPS, EvalCommand.CALIBRATION_SEED), tok,
            new q35.backend.ReferenceBackend());
        weights = cm.weights();
        h = cm.hessians();
        resolved = cm.spec();
        q35.eval.PrecisionChooser.Choice choice = cm.choice();
        if (choice != null) {
          System.err.println();
          StringBuilder sb = new StringBuilder();
          EvalCommand.choiceMarkdown(sb, spec.label(), choice);
          System.err.print(sb);
        }
      }
      Q35Container.write(out, weights, vocab, wf, resolved::formatOf, quantizeClassifier,
          String.valueOf(in.getFileName()), bar, resolved.quantizer(h));
    } catch (java.io.IOException | IllegalArgumentException e) {
      // ModelFormatException (a transform's re-check of the weights) is an IOException
      System.err.println();
      System.err.println("quantize: " + Failure.describe(e) + " (nothing was written to " + out
          + ")");
      return 1;
    } finally {
      if (weights instanceof java.io.Closeable) {
        ((java.io.Closeable) weights).close();
      }
    }
    System.err.printf("quantize: wrote %s (%s, %d bytes) in %.1f s%n", out, wf,
        java.nio.file.Files.size(out), (System.nanoTime() - start) / 1e9);
    return 0;
  }
}
