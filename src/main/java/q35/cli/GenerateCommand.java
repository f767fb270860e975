package q35.cli;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.checkerframework.checker.nullness.qual.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import q35.backend.Backend;
import q35.backend.BackendLinear;
import q35.llama.Generator;
import q35.llama.Sampler;
import q35.llama.Tokenizer;
import q35.llama.Transformer;
import q35.model.Llama2cTokenizerReader;
import q35.model.LoadedModel;
import q35.model.ModelLoader;
import q35.model.SharedModels;
import q35.model.Vocabulary;

/** {@code q35 generate}: text generation with the float reference transformer, like llama2.c's run. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = "Generate text with the Llama transformer (llama2.c run.c semantics); the"
        + " quantized matrices of a .q35 model run on --backend.")
public final class GenerateCommand implements Callable<Integer> {

  @Option(names = "--model", paramLabel = "FILE",
      description = "Model: llama2.c .bin, .gguf, or a Hugging Face directory (config.json + safetensors)."
          + " Default: stories260K.bin from the shared models directory.")
  @Nullable Path model;

  @Option(names = "--tokenizer", paramLabel = "FILE",
      description = "llama2.c tokenizer .bin. Default: the model's embedded vocabulary, else tok512.bin"
          + " from the shared models directory.")
  @Nullable Path tokenizer;

  @Option(names = "--prompt", paramLabel = "TEXT", description = "Prompt (default: empty).")
  String prompt = "";

  @Option(names = "--steps", paramLabel = "N", description = "Positions to run, prompt included; 0 = seq_len (default: ${DEFAULT-VALUE}).")
  int steps = 256;

  @Option(names = "--temperature", paramLabel = "T", description = "0 = greedy (default: ${DEFAULT-VALUE}).")
  float temperature = 1.0f;

  @Option(names = "--topp", paramLabel = "P", description = "Top-p nucleus; <=0 or >=1 disables (default: ${DEFAULT-VALUE}).")
  float topp = 0.9f;

  @Option(names = "--seed", paramLabel = "S", description = "RNG seed; 0 = time-based, as run.c (default: ${DEFAULT-VALUE}).")
  long seed = 0;

  @Option(names = "--json", description = "Print {\"ids\": [...], \"text\": \"...\"} instead of streaming text.")
  boolean json;

  @Mixin
  BackendOption backend = new BackendOption();

  @Override
  public Integer call() throws IOException {
    PrintStream out = System.out;
    PrintStream err = System.err;
    if (!(temperature >= 0) || Float.isInfinite(temperature) || Float.isNaN(topp) || steps < 0) {
      err.println("generate: --temperature must be >= 0, --topp a number, --steps >= 0");
      return 2;
    }
    Path modelPath = model != null ? model : SharedModels.file(SharedModels.STORIES_BIN);
    Backend b = backend.backendOrReport("generate");
    if (b == null) {
      return 2;
    }
    @Nullable Ready run = load(modelPath, b, err);
    if (run == null) {
      return 1;
    }
    Transformer t = run.transformer();
    Vocabulary vocab = run.vocabulary();
    long s = seed != 0 ? seed : System.currentTimeMillis() / 1000;
    Sampler sampler = new Sampler(t.config().vocabSize(), temperature, topp, s);
    Tokenizer tok = new Tokenizer(vocab);
    Generator.Result r = Generator.generate(t, tok, sampler, prompt, steps, json ? null : piece -> {
      out.write(piece, 0, piece.length);
      out.flush();
    });
    if (json) {
      JsonObject o = new JsonObject();
      JsonArray ids = new JsonArray();
      for (int id : r.ids()) {
        ids.add(id);
      }
      o.add("ids", ids);
      o.addProperty("text", r.text());
      out.write((new com.google.gson.GsonBuilder().disableHtmlEscaping().create().toJson(o) + "\n").getBytes(StandardCharsets.UTF_8));
    } else {
      out.println();
    }
    out.flush();
    err.printf(Locale.ROOT, "achieved tok/s: %.1f (%d tokens sampled)%n", r.tokensPerSecond(), r.sampled());
    return 0;
  }

  /** The --tokenizer file, else the model's embedded vocabulary, else the shared tok512.bin. */
  static Vocabulary vocabulary(LoadedModel m, @Nullable Path tokenizer) throws IOException {
    return vocabulary(m.weights().config().vocabSize(), m.vocabulary(), tokenizer);
  }

  /** The vocabulary of {@code n} tokens: {@code tokenizer}, else the embedded one, else tok512. */
  static Vocabulary vocabulary(int n, @Nullable Vocabulary embedded, @Nullable Path tokenizer)
      throws IOException {
    if (tokenizer != null) {
      return Llama2cTokenizerReader.read(tokenizer, n);
    }
    if (embedded != null) {
      return embedded;
    }
    Path def = SharedModels.file(SharedModels.TOK512);
    if (!java.nio.file.Files.isRegularFile(def)) {
      throw new IOException("the model has no embedded vocabulary; pass --tokenizer FILE ("
          + SharedModels.howToGet(SharedModels.TOK512) + ")");
    }
    return Llama2cTokenizerReader.read(def, n);
  }

  /** A transformer ready to run and its vocabulary. */
  private record Ready(Transformer transformer, Vocabulary vocabulary) {}

  /**
   * Loads the model and builds its transformer on backend {@code b}, or reports why not and
   * returns null. The loaded model is dropped on return: a backend that re-lays the stored
   * matrices out (fast) then holds the only copy of the codes.
   */
  private @Nullable Ready load(Path modelPath, Backend b, PrintStream err) {
    LoadedModel m;
    try {
      m = ModelLoader.load(modelPath);
    } catch (java.nio.file.NoSuchFileException e) {
      err.println("generate: no such model " + modelPath
          + (model == null ? " (" + SharedModels.howToGet(SharedModels.STORIES_BIN) + ")" : ""));
      return null;
    } catch (IOException e) {
      err.println("generate: " + Failure.describe(e));
      return null;
    }
    Vocabulary vocab;
    try {
      vocab = vocabulary(m, tokenizer);
    } catch (IOException e) {
      err.println("generate: tokenizer: " + Failure.describe(e));
      return null;
    }
    int seqLen = m.weights().config().seqLen();
    Transformer t;
    try {
      t = new Transformer(m.weights(), BackendLinear.stored(b, m.quantized()),
          steps > 0 ? Math.min(steps, seqLen) : seqLen);
    } catch (IllegalArgumentException e) {
      err.println("generate: " + e.getMessage() + " (pass a smaller --steps)");
      return null;
    }
    return new Ready(t, vocab);
  }
}
