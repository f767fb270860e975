package q35.cli;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.Callable;
import org.checkerframework.checker.nullness.qual.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import q35.verify.ContractResult;
import q35.verify.KeyProver;
import q35.verify.ProofManifest;
import q35.verify.ProofReports;

/** {@code q35 prove}: re-proves every JML contract of the kernel with KeY. */
@Command(
    name = "prove",
    mixinStandardHelpOptions = true,
    description = {
      "Proves every JML contract of the kernel (src/main/kernel) with KeY, from scratch, in auto "
          + "mode, with int overflow and runtime exceptions as proof obligations; saves one "
          + ".proof file per contract, replays the committed ones, and writes "
          + "target/key-results.json and <report-dir>/proofs.md.",
      "Exits 1 if a contract the manifest lists as proved stays open, or if the manifest and "
          + "the kernel disagree. Needs about 2-3 GB of heap (-Xmx3g)."
    })
public final class ProveCommand implements Callable<Integer> {

  @Option(names = "--source", paramLabel = "DIR", description = "Source root to prove "
      + "(default: ${DEFAULT-VALUE}).")
  Path source = Path.of("src/main/kernel");

  @Option(names = "--class-path", paramLabel = "DIR", split = ",", description = "KeY's class "
      + "path: folders of Java sources or jars for the types the source uses beyond KeY's JDK "
      + "stubs, here java.lang.SuppressWarnings (default: ${DEFAULT-VALUE}).")
  List<Path> classPath = new ArrayList<>(List.of(Path.of("src/main/key-classpath")));

  @Option(names = "--taclets", paramLabel = "FILE", split = ",", description = "KeY rule files "
      + "loaded with the source: the symbolic-execution rules for the casts KeY lacks and the "
      + "heap-free weight decodings (default: ${DEFAULT-VALUE}).")
  List<Path> taclets = new ArrayList<>(List.of(Path.of("proofs/taclets/float-casts.key"),
      Path.of("proofs/taclets/weights.key")));

  @Option(names = "--proof-dir", paramLabel = "DIR", description = "Where the .proof files "
      + "are replayed from and saved to (default: ${DEFAULT-VALUE}).")
  Path proofDir = Path.of("proofs");

  @Option(names = "--save-dir", paramLabel = "DIR", description = "Where fresh closed .proof "
      + "files are written (default: the proof dir). mvn verify writes them under target/, so "
      + "that a build leaves the working tree as it found it; ./q35 prove saves into proofs/.")
  @Nullable Path saveDir;

  @Option(names = "--manifest", paramLabel = "FILE", description = "Expected status of every "
      + "method (default: ${DEFAULT-VALUE}); \"none\" to only report.")
  String manifest = "proofs/manifest.json";

  @Option(names = "--results", paramLabel = "FILE", description = "Machine-readable results "
      + "(default: ${DEFAULT-VALUE}).")
  Path results = Path.of("target/key-results.json");

  @Option(names = "--report-dir", paramLabel = "DIR", description = "Directory of proofs.md "
      + "(default: ${DEFAULT-VALUE}).")
  Path reportDir = Path.of("verification-reports");

  @Option(names = "--config-dir", paramLabel = "DIR", description = "KeY's private settings "
      + "directory; ~/.key is never read or written (default: ${DEFAULT-VALUE}).")
  Path configDir = Path.of("target/key-config");

  @Option(names = "--timeout", paramLabel = "SECONDS", description = "Wall-clock backstop of "
      + "one auto-mode attempt per contract; the step budget (--max-steps) decides, so that a "
      + "loaded machine does not change the outcome (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds = 300;

  @Option(names = "--max-steps", paramLabel = "N", description = "Rule applications of the "
      + "first attempt; the retry with non-linear completion gets 4x (default: ${DEFAULT-VALUE}).")
  int maxSteps = 40000;

  @Option(names = "--replay", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Replay the committed proof files before proving (default: on; "
          + "--no-replay skips it).")
  boolean replay = true;

  @Option(names = "--save", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "Write the fresh .proof files (default: on; --no-save skips it).")
  boolean save = true;

  @Option(names = "--require-replay", description = "Also fail if a committed proof of a "
      + "proved contract does not replay to a closed proof.")
  boolean requireReplay;

  @Option(names = "--only", paramLabel = "REGEX", description = "Only contracts whose key "
      + "matches REGEX, e.g. 'Codes\\.pack' (for development; skips the manifest completeness "
      + "checks).")
  String only = "";

  @Option(names = "--jobs", paramLabel = "N", description = "Prover processes run side by "
      + "side, each on a share of the contracts balanced by the size of their committed proofs "
      + "(default: ${DEFAULT-VALUE}).")
  int jobs = 1;

  @Option(names = "--worker", hidden = true, description = "Internal: this process is worker "
      + "W of --jobs and writes its raw results to --worker-out.")
  int worker = -1;

  @Option(names = "--worker-out", hidden = true, paramLabel = "FILE")
  @Nullable Path workerOut;

  @Override
  public Integer call() throws Exception {
    @Nullable ProofManifest m =
        "none".equals(manifest) ? null : ProofManifest.read(Path.of(manifest));
    @Nullable Path out = workerOut;
    boolean isWorker = worker >= 0 && out != null;
    KeyProver.Options options = new KeyProver.Options(source, classPath, taclets, proofDir,
        isWorker ? Path.of(configDir + "-" + worker) : configDir,
        1000L * timeoutSeconds, maxSteps, replay, save, only,
        m == null ? Set.of() : m.testedOnlyKeys(),
        m == null ? java.util.Map.of() : m.strategyOverrides(),
        isWorker ? worker : 0, isWorker ? jobs : 1, saveTo());
    if (isWorker && out != null) {
      KeyProver.writeRun(out, KeyProver.run(options));
      return 0;
    }
    KeyProver.Run run = jobs > 1 ? KeyProver.runWorkers(jobs, workerArgs(), configDir) : KeyProver.run(options);
    List<ContractResult> joined = new ArrayList<>();
    List<String> problems = new ArrayList<>();
    if (m != null) {
      List<String> all = m.check(run, joined, requireReplay);
      for (String p : all) {
        // With --only, methods outside the filter are not run: keep only contract failures.
        if (only.isEmpty() || p.startsWith("contract ")) {
          problems.add(p);
        }
      }
    } else {
      joined.addAll(run.contracts());
    }
    joined = KeyProver.withRestsOn(joined);
    JsonObject json = ProofReports.toJson(run, joined, m, problems, options);
    ProofReports.writeJson(results, json);
    Files.createDirectories(reportDir);
    Files.writeString(reportDir.resolve("proofs.md"),
        ProofReports.toMarkdown(run, joined, m, problems, options), StandardCharsets.UTF_8);
    long closed = joined.stream().filter(ContractResult::closed).count();
    System.out.printf("KeY: %d contracts, %d closed, %d open; load %.1f s, total %.1f s%n",
        joined.size(), closed, joined.size() - closed, run.loadMillis() / 1000.0,
        run.totalMillis() / 1000.0);
    for (String p : problems) {
      System.out.println("PROBLEM: " + p);
    }
    System.out.println("results: " + results + ", report: " + reportDir.resolve("proofs.md"));
    return problems.isEmpty() ? 0 : 1;
  }

  /** Where fresh closed proofs go: --save-dir, or the proof dir. */
  private Path saveTo() {
    @Nullable Path dir = saveDir;
    return dir == null ? proofDir : dir;
  }

  /** This command's options, for the worker processes. */
  private List<String> workerArgs() {
    List<String> a = new ArrayList<>(List.of("--source", source.toString(), "--proof-dir",
        proofDir.toString(), "--manifest", manifest, "--config-dir", configDir.toString(),
        "--timeout", String.valueOf(timeoutSeconds), "--max-steps", String.valueOf(maxSteps),
        "--only", only, "--jobs", String.valueOf(jobs)));
    if (!classPath.isEmpty()) {
      a.add("--class-path");
      a.add(String.join(",", classPath.stream().map(Path::toString).toList()));
    }
    if (!taclets.isEmpty()) {
      a.add("--taclets");
      a.add(String.join(",", taclets.stream().map(Path::toString).toList()));
    }
    @Nullable Path dir = saveDir;
    if (dir != null) {
      a.add("--save-dir");
      a.add(dir.toString());
    }
    a.add(replay ? "--replay" : "--no-replay");
    a.add(save ? "--save" : "--no-save");
    return a;
  }
}
