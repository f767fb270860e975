package q35.cli;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.checkerframework.checker.nullness.qual.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import q35.eval.AccuracyEval;
import q35.eval.AccuracyEval.Reference;
import q35.eval.AccuracyEval.Row;
import q35.eval.PrecisionChooser;
import q35.llama.Tokenizer;
import q35.model.LlamaWeights;
import q35.model.LoadedModel;
import q35.model.ModelLoader;
import q35.model.SharedModels;
import java.util.Map;
import q35.backend.Backend;
import q35.backend.BackendLinear;
import q35.gptq.Gptq;
import q35.quant.Quantizer;
import q35.quant.WeightFormat;

/** {@code q35 eval}: the accuracy table of quantized formats against the float model. */
@Command(
    name = "eval",
    mixinStandardHelpOptions = true,
    description = "Compare quantized formats with the float model on a text: bits per weight, mean"
        + " and p99 KL divergence, top-1 agreement, perplexity ratio.")
final class EvalCommand implements Callable<Integer> {

  static final String DEFAULT_FORMATS = "q35,q35-g128,q35-g64,q35-g32,int4,int4-g64,int4-g32,q8,"
      + "q35-g32+cls,q35+gptq,q35-g64+gptq,q35-g32+gptq,q35-g16+gptq,int4-g32+gptq,"
      + "q35+clip,q35-g32+clip,int4-g32+clip,q35+gptq+clip,q35-g32+gptq+clip,"
      + "q35-g16+gptq+clip,int4-g32+gptq+clip,q35-g32+sal,q35-g32+clip+sal,"
      + "q35-g32+gptq+clip+sal,q35-g16+gptq+clip+sal,q35-g32+gptq+clip+sal+w2=q8+w3=q8,"
      + "q35-g32+gptq+clip+sal+w1=q8+w2=q8,q35-g32+gptq+clip+sal+w2=int4-g32+w3=int4-g32,"
      + "q35-g16-f16,q35-g16-f16+gptq+clip+sal,q35-g14-f16+gptq+clip+sal,int4-g32-f16+gptq+clip,"
      + "int4-g16-f16+gptq+clip,q35-g16-f16+gptq+clip+sal+w2=q8-f16+w3=q8-f16,q35-g32+awq,"
      + "q35-g32+rot,q35-g32+awq+gptq+clip+sal,q35-g32+rot+gptq+clip,"
      + "q35-g16-f16+awq+gptq+clip+sal,q35-g8-f16+gptq+clip+sal,"
      + "q35-g16-f16+gptq+clip+sal+auto=6.06,q35-g16-f16+gptq+clip+sal+auto=6.9,"
      + "q35-g16-f16+gptq+clip+sal+auto=7.15,q35-g8-k6,q35-g16-k6+gptq+clip+sal,"
      + "q35-g8-k6+gptq+clip+sal,q35-g4-k6+gptq+clip+sal,q35-g8-k6+gptq+clip+sal+auto=6.06,"
      + "q35-g8-k6+gptq+clip+sal+auto=6.9,q35-g8-k6+gptq+clip+sal+auto=7.15";

  @Option(names = "--model", paramLabel = "FILE",
      description = "Float model (default: stories260K.bin from the shared models).")
  @Nullable Path model;

  @Option(names = "--tokenizer", paramLabel = "FILE", description = "llama2.c tokenizer.")
  @Nullable Path tokenizer;

  @Option(names = "--text", paramLabel = "FILE", description = "Evaluation text, stories separated"
      + " by blank lines (default: ../shared/eval/stories260K-sampled-64.txt).")
  @Nullable Path text;

  @Option(names = "--formats", paramLabel = "LIST", defaultValue = DEFAULT_FORMATS,
      description = "Comma-separated formats (a '-f16' suffix stores scales and offsets as"
          + " binary16, '-k6' as 6-bit codes under two binary16 steps per row); '+cls' also"
          + " quantizes the classifier, '+awq' folds AWQ-style channel"
          + " scales into the weights first, '+rot' a Walsh-Hadamard rotation, '+gptq'"
          + " chooses the codes with GPTQ, '+clip' each group's range by a two-sided clipping"
          + " search weighted by the calibration, '+sal' stores the inputs in salience order,"
          + " '+w2=q8' gives matrix w2 of every layer its own format (mixed precision; any of"
          + " wq, wk, wv, wo, w1, w2, w3) (default: ${DEFAULT-VALUE}).")
  String formats = DEFAULT_FORMATS;

  @Option(names = "--stories", paramLabel = "N", description = "Use only the first N stories.")
  int stories = 0;

  @Option(names = "--scoring", paramLabel = "HOW", defaultValue = "story",
      description = "story: each story on its own from its BOS, every position scored (the"
          + " default); llama-perplexity: as llama.cpp's llama-perplexity, the whole text"
          + " tokenized once, cut into --chunk-token chunks each starting with BOS, only the"
          + " second half of each chunk scored.")
  String scoring = "story";

  @Option(names = "--chunk", paramLabel = "N", defaultValue = "512",
      description = "Chunk length of --scoring llama-perplexity (default: ${DEFAULT-VALUE};"
          + " at most the model's context).")
  int chunk = 512;

  @Option(names = "--json", description = "Print the table as JSON instead of Markdown.")
  boolean json;

  @Option(names = "--report-dir", paramLabel = "DIR",
      description = "Also write accuracy.md and accuracy.json there (atomically);"
          + " accuracy-llama-perplexity.md and .json with --scoring llama-perplexity.")
  @Nullable Path reportDir;

  @Mixin
  BackendOption backend = new BackendOption();

  @Override
  public Integer call() throws Exception {
    Backend b = backend.backendOrReport("eval");
    if (b == null) {
      return 2;
    }
    Path modelPath = model != null ? model : SharedModels.file(SharedModels.STORIES_BIN);
    Path textPath = text != null ? text
        : SharedModels.dir().resolve("..").resolve("eval").resolve("stories260K-sampled-64.txt")
            .normalize();
    List<FormatSpec> fmts = new ArrayList<>();
    AccuracyEval.Scoring how;
    try {
      how = AccuracyEval.Scoring.parse(scoring);
      for (String f : formats.split(",")) {
        fmts.add(FormatSpec.parse(f));
      }
    } catch (IllegalArgumentException e) {
      System.err.println("eval: " + e.getMessage());
      return 2;
    }
    LoadedModel loaded;
    LlamaWeights weights;
    Tokenizer tok;
    String body;
    try {
      loaded = ModelLoader.load(modelPath);
      weights = loaded.floatWeights();
      tok = new Tokenizer(GenerateCommand.vocabulary(loaded, tokenizer));
      body = Files.readString(textPath, StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      System.err.println("eval: " + Failure.describe(e));
      return 1;
    }
    if (how == AccuracyEval.Scoring.LLAMA_PERPLEXITY
        && (chunk < 2 || chunk > weights.config().seqLen())) {
      System.err.printf("eval: --chunk %d is outside 2 .. %d, the model's context%n", chunk,
          weights.config().seqLen());
      return 2;
    }
    List<String> all = AccuracyEval.stories(body);
    if (stories > 0 && stories < all.size()) {
      // The first N stories, for either scoring: they split back into the same N stories.
      body = String.join("\n\n", all.subList(0, stories));
    }
    List<AccuracyEval.Window> seqs = AccuracyEval.windows(body, tok, how, chunk);
    int tokens = seqs.stream().mapToInt(s -> s.tokens().length).sum();
    System.err.printf("eval: %d %s, %d tokens (with BOS) from %s, scoring %s%n", seqs.size(),
        how == AccuracyEval.Scoring.STORY ? "stories" : "chunks", tokens, textPath, how.label());
    long t0 = System.nanoTime();
    Reference ref = AccuracyEval.reference(weights, seqs,
        new ProgressBar("float reference", seqs.size()));
    double refSeconds = (System.nanoTime() - t0) / 1e9;
    // One calibration per float model (the original, the rotated one; an AWQ model is its
    // row's own), keyed by identity.
    Map<LlamaWeights, Map<String, double[]>> calibrations = new java.util.IdentityHashMap<>();
    java.util.function.Function<LlamaWeights, Map<String, double[]>> calibration =
        m -> calibrations.computeIfAbsent(m, x -> {
          System.err.printf("eval: calibration on %d sequences the float model samples itself"
              + " (seeds %d..%d, %d positions)%n", CALIBRATION_SEQUENCES, CALIBRATION_SEED,
              CALIBRATION_SEED + CALIBRATION_SEQUENCES - 1, CALIBRATION_STEPS);
          return Gptq.calibrate(x, tok, CALIBRATION_SEQUENCES, CALIBRATION_STEPS,
              CALIBRATION_SEED);
        });
    Map<Sensitivities, List<PrecisionChooser.Tensor>> sensitivities = new HashMap<>();
    List<Row> rows = new ArrayList<>();
    List<PrecisionChooser.@Nullable Choice> choices = new ArrayList<>();
    List<Double> seconds = new ArrayList<>();
    for (FormatSpec f : fmts) {
      long s0 = System.nanoTime();
      Calibrated m;
      try {
        m = f.model(weights, calibration, tok, b, sensitivities);
      } catch (q35.model.ModelFormatException | IllegalArgumentException e) {
        System.err.println("eval: " + f.label() + ": " + e.getMessage());
        return 1;
      }
      FormatSpec resolved = m.spec();
      Quantizer quantizer = resolved.quantizer(m.hessians());
      q35.llama.LinearFactory factory =
          BackendLinear.factory(b, f.format(), f.classifier(), quantizer);
      rows.add(AccuracyEval.evaluate(m.weights(), seqs, ref, f.label(), resolved::formatOf,
          factory, new ProgressBar(f.label(), seqs.size())));
      choices.add(m.choice());
      seconds.add((System.nanoTime() - s0) / 1e9);
    }
    String md = markdown(modelPath, textPath, how, chunk, seqs.size(), tokens, ref, refSeconds,
        rows, seconds, choices);
    String js = json(modelPath, textPath, how, chunk, seqs.size(), tokens, ref, rows, choices);
    System.out.print(json ? js : md);
    Path dir = reportDir;
    if (dir != null) {
      Files.createDirectories(dir);
      // The report reads accuracy.json (story scoring); the other scoring has its own files.
      String name = how == AccuracyEval.Scoring.STORY ? "accuracy" : "accuracy-" + how.label();
      q35.report.VerificationReport.writeAtomically(dir.resolve(name + ".md"), md);
      q35.report.VerificationReport.writeAtomically(dir.resolve(name + ".json"), js);
    }
    return 0;
  }

  /**
   * A row's float model, the calibration its codes use (null when they use none), the row with
   * each matrix's format resolved, and the choice under a budget (null without {@code +auto}).
   */
  record Calibrated(LlamaWeights weights, @Nullable Map<String, double[]> hessians,
      FormatSpec spec, PrecisionChooser.@Nullable Choice choice) {}

  /**
   * What a budgeted row's sensitivities depend on: the float model (by identity: records
   * compare it with its own equals, which is Object's), the base format and how codes are
   * chosen. The backend does not matter: every backend answers bit for bit.
   */
  record Sensitivities(LlamaWeights model, WeightFormat base, Gptq.Options options) {}

  /** The seed of the random signs of {@code +rot}'s Walsh-Hadamard rotation. */
  static final long ROTATION_SEED = 35;

  /** GPTQ calibration: sequences sampled by the float model, disjoint from the eval text. */
  static final int CALIBRATION_SEQUENCES = 32;
  static final int CALIBRATION_STEPS = 256;
  static final long CALIBRATION_SEED = 1001;

  /** The matrices of a layer that a row may give their own format ({@code +w2=q8}). */
  static final List<String> MATRICES = List.of("wq", "wk", "wv", "wo", "w1", "w2", "w3");

  /**
   * One requested row: a format; whether GPTQ, the clipping search or the salience order
   * choose the codes; whether the classifier is in; and the matrices given another format
   * (mixed precision: {@code q35-g32+gptq+w2=q8+w3=q8} keeps w2 and w3 of every layer in q8).
   */
  record FormatSpec(WeightFormat format, boolean classifier, boolean gptq, boolean clip,
      boolean salience, boolean awq, boolean rotate, Map<String, WeightFormat> overrides,
      double budget, Map<String, WeightFormat> tensors, String label) {
    static FormatSpec parse(String text) {
      String[] parts = text.trim().split("\\+", -1);
      boolean cls = false;
      boolean gptq = false;
      boolean clip = false;
      boolean sal = false;
      boolean awq = false;
      boolean rot = false;
      String budget = null;
      Map<String, WeightFormat> overrides = new java.util.TreeMap<>(
          java.util.Comparator.comparingInt(MATRICES::indexOf));
      for (int i = 1; i < parts.length; i++) {
        String p = parts[i];
        int eq = p.indexOf('=');
        if (p.equals("cls")) {
          cls = true;
        } else if (p.equals("gptq")) {
          gptq = true;
        } else if (p.equals("clip")) {
          clip = true;
        } else if (p.equals("sal")) {
          sal = true;
        } else if (p.equals("awq")) {
          awq = true;
        } else if (p.equals("rot")) {
          rot = true;
        } else if (p.startsWith("auto=")) {
          budget = p.substring(5);
        } else if (eq > 0 && MATRICES.contains(p.substring(0, eq))) {
          WeightFormat f = WeightFormat.parse(p.substring(eq + 1));
          if (f.kind() == WeightFormat.Kind.F32) {
            throw new IllegalArgumentException("'" + p + "': every linear layer is quantized;"
                + " a matrix may take q35, int4 or q8");
          }
          overrides.put(p.substring(0, eq), f);
        } else {
          throw new IllegalArgumentException("unknown option '+" + p + "' in '" + text
              + "' (known: +cls, +gptq, +clip, +sal, +awq, +rot, +auto=BITS, +MATRIX=FORMAT with"
              + " MATRIX"
              + " one of "
              + String.join(", ", MATRICES) + ")");
        }
      }
      WeightFormat f = WeightFormat.parse(parts[0]);
      double bits = Double.NaN;
      if (budget != null) {
        try {
          bits = Double.parseDouble(budget);
        } catch (NumberFormatException e) {
          bits = Double.NaN;
        }
        if (!(bits > 0 && bits <= 32)) {
          throw new IllegalArgumentException("'+auto=" + budget + "' in '" + text + "': the"
              + " budget is a number of bits per weight in (0, 32]");
        }
        if (!overrides.isEmpty() || f.kind() == WeightFormat.Kind.F32) {
          throw new IllegalArgumentException("'" + text + "': +auto chooses every matrix's"
              + " format from a quantized base format; it takes no +MATRIX=FORMAT");
        }
      }
      StringBuilder label = new StringBuilder(f.toString());
      label.append(rot ? "+rot" : "").append(awq ? "+awq" : "");
      label.append(gptq ? "+gptq" : "").append(clip ? "+clip" : "").append(sal ? "+sal" : "");
      overrides.forEach((m, of) -> label.append('+').append(m).append('=').append(of));
      label.append(budget != null ? "+auto=" + budget : "");
      label.append(cls ? "+cls" : "");
      return new FormatSpec(f, cls, gptq, clip, sal, awq, rot, overrides, bits, Map.of(),
          label.toString());
    }

    /** Whether the row chooses each matrix's format under a budget ({@code +auto=BITS}). */
    boolean budgeted() {
      return !Double.isNaN(budget);
    }

    /** This row with each named tensor ({@code layers.L.NAME}) in its own format. */
    FormatSpec withTensors(Map<String, WeightFormat> chosen) {
      return new FormatSpec(format, classifier, gptq, clip, salience, awq, rotate, overrides,
          budget, Map.copyOf(chosen), label);
    }

    /**
     * Whether the row needs the calibration (GPTQ, the clipping search, salience order, the
     * AWQ scale search, the sensitivities of {@code +auto}).
     */
    boolean calibrated() {
      return gptq || clip || salience || awq || budgeted();
    }

    /** Whether the codes are chosen with the calibration (not only the AWQ scales). */
    boolean codesCalibrated() {
      return gptq || clip || salience;
    }

    /**
     * The float model this row quantizes: {@code weights} rotated ({@code +rot}) and then given
     * AWQ scales ({@code +awq}), each folded into the weights (q35.gptq.Transforms); the
     * calibration of that model ({@code calibration} of the model it is given), or null; and
     * with {@code +auto}, each matrix's format chosen on {@code backend} from sensitivities
     * measured on sequences the model samples with {@code tok} (q35.eval.PrecisionChooser).
     */
    Calibrated model(LlamaWeights weights,
        java.util.function.Function<LlamaWeights, Map<String, double[]>> calibration,
        Tokenizer tok, Backend backend) throws q35.model.ModelFormatException {
      return model(weights, calibration, tok, backend, new HashMap<>());
    }

    /**
     * As above, reusing the sensitivities in {@code measured} (keyed by the float model, by
     * identity, and how the codes are chosen) that an earlier budgeted row of an eval measured.
     */
    Calibrated model(LlamaWeights weights,
        java.util.function.Function<LlamaWeights, Map<String, double[]>> calibration,
        Tokenizer tok, Backend backend, Map<Sensitivities, List<PrecisionChooser.Tensor>> measured)
        throws q35.model.ModelFormatException {
      if (budgeted()) {
        // a budget the base alone exceeds is refused before any calibration or measurement
        PrecisionChooser.checkBudget(weights, format, salience, budget);
      }
      LlamaWeights w = rotate ? q35.gptq.Transforms.rotate(weights, ROTATION_SEED) : weights;
      if (!calibrated()) {
        return new Calibrated(w, null, this, null);
      }
      Map<String, double[]> h = calibration.apply(w);
      if (awq) {
        w = q35.gptq.Transforms.awq(w, h, this::formatOf);
        h = codesCalibrated() ? calibration.apply(w) : h;
      }
      Map<String, double[]> codes = codesCalibrated() ? h : null;
      if (!budgeted()) {
        return new Calibrated(w, codes, this, null);
      }
      LlamaWeights model = w;
      List<PrecisionChooser.Tensor> sensitivities = measured.computeIfAbsent(
          new Sensitivities(model, format, options()), k -> {
            List<AccuracyEval.Window> seqs = PrecisionChooser.sample(model, tok,
                PrecisionChooser.SEQUENCES, PrecisionChooser.STEPS, CALIBRATION_SEED);
            List<WeightFormat> candidates = PrecisionChooser.candidates(format);
            return PrecisionChooser.measure(model, seqs, candidates, f -> quantizerOf(f, codes),
                backend, new ProgressBar("sensitivity " + candidates,
                    model.config().nLayers() * MATRICES.size()));
          });
      PrecisionChooser.Choice c = PrecisionChooser.allocate(sensitivities, budget);
      return new Calibrated(w, codes, withTensors(c.formats()), c);
    }

    /** How the calibration is used. */
    Gptq.Options options() {
      return new Gptq.Options(gptq, clip, salience);
    }

    /** The format of a tensor ({@code layers.L.NAME} or {@code wcls}). */
    WeightFormat formatOf(String tensor) {
      WeightFormat chosen = tensors.get(tensor);
      return chosen != null ? chosen
          : overrides.getOrDefault(tensor.substring(tensor.lastIndexOf('.') + 1), format);
    }

    /** Each tensor quantized in its own format, as this row's options say. */
    Quantizer quantizer(@Nullable Map<String, double[]> hessians) {
      Map<WeightFormat, Quantizer> byFormat = new HashMap<>();
      return (tensor, w, n, k) -> byFormat.computeIfAbsent(formatOf(tensor),
          f -> quantizerOf(f, hessians)).quantize(tensor, w, n, k);
    }

    /** Format {@code f} quantized as this row's options say (round to nearest without them). */
    Quantizer quantizerOf(WeightFormat f, @Nullable Map<String, double[]> hessians) {
      return hessians == null ? Quantizer.roundToNearest(f)
          : Gptq.quantizer(f, hessians, options());
    }
  }

  static String markdown(Path model, Path text, AccuracyEval.Scoring how, int chunk,
      int windows, int tokens, Reference ref, double refSeconds, List<Row> rows,
      List<Double> seconds, List<PrecisionChooser.@Nullable Choice> choices) {
    StringBuilder sb = new StringBuilder();
    sb.append("# Accuracy of quantized formats\n\n");
    if (how == AccuracyEval.Scoring.STORY) {
      sb.append(String.format(Locale.ROOT, "Model `%s`, text `%s`: %d stories, %d tokens with"
          + " BOS, %d scored positions. Float perplexity %.4f.%n%n", model.getFileName(),
          text.getFileName(), windows, tokens, ref.nextTokens().length, ref.perplexity()));
    } else {
      sb.append(String.format(Locale.ROOT, "Model `%s`, text `%s`, scored as llama.cpp's"
          + " llama-perplexity scores: the text tokenized once with one BOS, %d chunks of %d"
          + " tokens (%d tokens), each chunk's first token replaced by BOS, the second half of"
          + " each chunk scored: %d scored positions. Float perplexity %.4f.%n%n",
          model.getFileName(), text.getFileName(), windows, chunk, tokens,
          ref.nextTokens().length, ref.perplexity()));
    }
    sb.append("Produced by `./q35 eval --report-dir verification-reports"
        + (how == AccuracyEval.Scoring.STORY ? "" : " --scoring " + how.label()
            + (chunk == 512 ? "" : " --chunk " + chunk)) + "`. Every linear layer"
        + " (wq, wk, wv, wo, w1, w2, w3) is quantized; the classifier only in `+cls` rows. Rows"
        + " without `+gptq` round each weight to the nearest lattice point (the kernel's"
        + " quantizer, spec/quantization.md); `+gptq` rows choose the codes with GPTQ (each"
        + " group's range shrunk symmetrically where that lowers its error); `+clip` rows choose"
        + " each group's range by a two-sided search (the low and the high end shrunk by 1 to"
        + " 0.75 each, in steps of 0.025), minimising the group's rounding error weighted by each"
        + " input's mean square activation, then round to nearest (or run GPTQ, with `+gptq`)."
        + " `+sal` rows store each matrix's inputs in salience order (spec/format.md section 6):"
        + " inputs ranked by mean square activation, the most salient on the 4-bit positions,"
        + " each paired with one of the least salient (q35 matrices only: int4 and q8 have no"
        + " pairs); the order's 8 bits per input (16 beyond 256 inputs) are counted."
        + " `+awq` rows fold AWQ-style input-channel scales into the float weights first"
        + " (s = a^alpha over the geometric mean, a the channel's root mean square activation,"
        + " alpha in 0, 0.1, ..., 1 chosen per matrix group by the calibration-weighted output"
        + " error of round-to-nearest; absorbed by the RMSNorm weights and by w3's and wv's"
        + " output rows); `+rot` rows rotate the residual stream by a random-sign Walsh-Hadamard"
        + " matrix (seed 35) folded into the weights (norms folded first, classifier untied)."
        + " Both leave the float model's function unchanged up to rounding and store nothing"
        + " extra; a row that uses the calibration after them calibrates the transformed model"
        + " again."
        + " `+w2=FORMAT` rows keep that matrix of every layer in its own format (mixed"
        + " precision); their bits per weight are the weighted mean over all matrices."
        + " `+auto=BITS` rows choose each matrix's format within a budget of BITS bits per"
        + " weight from measured sensitivity (q35.eval.PrecisionChooser; the choice is listed"
        + " below the table)."
        + " Every calibration runs on 32 sequences of 256 positions that the float model"
        + " samples itself (seeds 1001-1032, temperature 1), never on the evaluation text."
        + " Formats ending in `-f16` store each group's scale and offset as binary16"
        + " (spec/format.md section 7, quantization.md section 2.6: rounded to binary16 before"
        + " the codes are chosen), 32 bits per group instead of 64. Formats ending in `-k6`"
        + " store them as 6-bit codes times two binary16 steps per row (spec/format.md section"
        + " 8, quantization.md section 2.7; GPTQ and the clipping search pick codes on the"
        + " round-to-nearest steps), 12 bits per group and 32 per row."
        + " Bits per weight count codes, scales and offsets of the quantized matrices; the last"
        + " column is the same format on a 4096 x 4096 matrix.\n\n");
    sb.append("| format | bits/weight | bits/weight at 4096 | mean KL | p99 KL | top-1 agreement"
        + " | perplexity | perplexity ratio | seconds |\n");
    sb.append("| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n");
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      sb.append(String.format(Locale.ROOT, "| %s | %.3f | %.3f | %.5f | %.5f | %.4f | %.4f |"
          + " %.4f | %.1f |%n", r.format(), r.bitsPerWeight(), r.bitsPerWeightAt4096(),
          r.meanKl(), r.p99Kl(), r.top1Agreement(), r.perplexity(), r.perplexityRatio(),
          seconds.get(i)));
    }
    sb.append(String.format(Locale.ROOT, "%nFloat reference pass: %.1f s.%n", refSeconds));
    for (int i = 0; i < rows.size(); i++) {
      PrecisionChooser.Choice c = choices.get(i);
      if (c != null) {
        choiceMarkdown(sb, rows.get(i).format(), c);
        sb.append(String.format(Locale.ROOT, "%nThe row measures %.3f bits per weight.%n",
            rows.get(i).bitsPerWeight()));
      }
    }
    return sb.toString();
  }

  /** The budget, the choice and its measured sensitivities, under the table. */
  static void choiceMarkdown(StringBuilder sb, String label, PrecisionChooser.Choice c) {
    List<PrecisionChooser.Option> first = c.tensors().get(0).options();
    sb.append(String.format(Locale.ROOT, "%n## Mixed precision chosen for `%s`%n%n", label));
    sb.append(String.format(Locale.ROOT, "Budget %s bits per weight over the block matrices;"
        + " chosen %.3f; q35 holds %.1f%% of the weights."
        + " Sensitivity: the mean KL divergence from the float model with only that matrix"
        + " quantized, on %d sequences of %d positions the float model samples itself (seeds"
        + " %d-%d), not on the evaluation text. The search upgrades the matrix with the largest"
        + " KL decrease per added bit while the budget holds and q35 keeps half of the"
        + " weights.%n%n", c.budget(), c.bitsPerWeight(), 100 * c.q35Share(), PrecisionChooser.SEQUENCES, PrecisionChooser.STEPS,
        CALIBRATION_SEED, CALIBRATION_SEED + PrecisionChooser.SEQUENCES - 1));
    sb.append("| matrix | chosen |");
    for (PrecisionChooser.Option o : first) {
      sb.append(" KL alone, ").append(o.format()).append(" |");
    }
    sb.append("\n| --- | --- |").append(" --- |".repeat(first.size())).append('\n');
    for (PrecisionChooser.Tensor t : c.tensors()) {
      sb.append("| ").append(t.name()).append(" | ").append(t.chosen().format()).append(" |");
      for (PrecisionChooser.Option o : t.options()) {
        sb.append(String.format(Locale.ROOT, " %.5f |", o.meanKl()));
      }
      sb.append('\n');
    }
  }

  static String json(Path model, Path text, AccuracyEval.Scoring how, int chunk, int windows,
      int tokens, Reference ref, List<Row> rows, List<PrecisionChooser.@Nullable Choice> choices) {
    JsonObject o = new JsonObject();
    // When the table was measured: the verification report shows it beside the other parts.
    o.addProperty("measuredAt", java.time.Instant.now()
        .truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString());
    o.addProperty("model", String.valueOf(model.getFileName()));
    o.addProperty("text", String.valueOf(text.getFileName()));
    o.addProperty("scoring", how.label());
    if (how == AccuracyEval.Scoring.STORY) {
      o.addProperty("stories", windows);
    } else {
      o.addProperty("chunks", windows);
      o.addProperty("chunkLength", chunk);
    }
    o.addProperty("tokens", tokens);
    o.addProperty("scoredPositions", ref.nextTokens().length);
    o.addProperty("floatPerplexity", ref.perplexity());
    JsonArray a = new JsonArray();
    for (int i = 0; i < rows.size(); i++) {
      Row r = rows.get(i);
      JsonObject j = new JsonObject();
      j.addProperty("format", r.format());
      j.addProperty("bitsPerWeight", r.bitsPerWeight());
      j.addProperty("bitsPerWeightAt4096", r.bitsPerWeightAt4096());
      j.addProperty("meanKl", r.meanKl());
      j.addProperty("p99Kl", r.p99Kl());
      j.addProperty("top1Agreement", r.top1Agreement());
      j.addProperty("perplexity", r.perplexity());
      j.addProperty("perplexityRatio", r.perplexityRatio());
      PrecisionChooser.Choice c = choices.get(i);
      if (c != null) {
        j.add("choice", choiceJson(c));
      }
      a.add(j);
    }
    o.add("rows", a);
    return new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(o) + "\n";
  }

  /** A choice under a budget as JSON: each matrix's format and its measured options. */
  static JsonObject choiceJson(PrecisionChooser.Choice c) {
    JsonObject o = new JsonObject();
    o.addProperty("budget", c.budget());
    o.addProperty("bitsPerWeight", c.bitsPerWeight());
    o.addProperty("q35Share", c.q35Share());
    o.addProperty("sensitivitySequences", PrecisionChooser.SEQUENCES);
    o.addProperty("sensitivitySteps", PrecisionChooser.STEPS);
    o.addProperty("sensitivityFirstSeed", CALIBRATION_SEED);
    JsonArray tensors = new JsonArray();
    for (PrecisionChooser.Tensor t : c.tensors()) {
      JsonObject j = new JsonObject();
      j.addProperty("tensor", t.name());
      j.addProperty("format", t.chosen().format().toString());
      JsonArray os = new JsonArray();
      for (PrecisionChooser.Option op : t.options()) {
        JsonObject x = new JsonObject();
        x.addProperty("format", op.format().toString());
        x.addProperty("bits", op.bits());
        x.addProperty("meanKl", op.meanKl());
        os.add(x);
      }
      j.add("options", os);
      tensors.add(j);
    }
    o.add("tensors", tensors);
    return o;
  }
}
