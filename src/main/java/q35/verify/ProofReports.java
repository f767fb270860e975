package q35.verify;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.checkerframework.checker.nullness.qual.Nullable;

/** Writes the machine-readable results and the human-readable proof report of a run. */
public final class ProofReports {

  private ProofReports() {}

  /** The results as JSON (target/key-results.json). */
  public static JsonObject toJson(KeyProver.Run run, List<ContractResult> results,
      @Nullable ProofManifest manifest, List<String> problems, KeyProver.Options options) {
    JsonObject root = new JsonObject();
    root.addProperty("tool", "KeY");
    root.addProperty("keyVersion", KeyProver.KEY_VERSION);
    root.addProperty("source", options.sourceDir().toString());
    com.google.gson.JsonArray cp = new com.google.gson.JsonArray();
    options.classPath().forEach(p -> cp.add(p.toString()));
    root.add("classPath", cp);
    com.google.gson.JsonArray rules = new com.google.gson.JsonArray();
    options.taclets().forEach(p -> rules.add(p.toString()));
    root.add("taclets", rules);
    root.addProperty("replay", options.replay());
    root.addProperty("proofDir", options.proofDir().toString());
    JsonObject settings = new JsonObject();
    for (Map.Entry<String, String> c : KeyProver.REQUIRED_CHOICES.entrySet()) {
      settings.addProperty(c.getKey(), c.getValue());
    }
    settings.addProperty("attempt1", KeyProver.describe("NON_LIN_ARITH_DEF_OPS",
        "METHOD_CONTRACT", options.maxSteps(), options.timeoutMillis()));
    settings.addProperty("attempt2", KeyProver.describe("NON_LIN_ARITH_COMPLETION",
        "METHOD_CONTRACT", 4 * options.maxSteps(), options.timeoutMillis()));
    settings.addProperty("testedOnlyContracts",
        "attempt 1 only, timeout min(5 s, timeout): the manifest does not expect them to close");
    root.add("settings", settings);
    long closed = results.stream().filter(ContractResult::closed).count();
    JsonObject totals = new JsonObject();
    totals.addProperty("contracts", results.size());
    totals.addProperty("closed", closed);
    totals.addProperty("open", results.size() - closed);
    totals.addProperty("expectedProved",
        results.stream().filter(r -> ProofManifest.PROVED.equals(r.expected())).count());
    totals.addProperty("expectedTestedOnly",
        results.stream().filter(r -> ProofManifest.TESTED_ONLY.equals(r.expected())).count());
    totals.addProperty("replayClosed",
        results.stream().filter(r -> ContractResult.CLOSED.equals(r.replay())).count());
    totals.addProperty("loadMillis", run.loadMillis());
    totals.addProperty("totalMillis", run.totalMillis());
    root.add("totals", totals);
    JsonArray cs = new JsonArray();
    for (ContractResult r : results) {
      JsonObject o = new JsonObject();
      o.addProperty("key", r.key());
      o.addProperty("type", r.type());
      o.addProperty("method", r.method());
      o.addProperty("contract", r.contract());
      o.addProperty("status", r.status());
      o.addProperty("expected", r.expected());
      o.addProperty("strategy", r.strategy());
      @Nullable Path script = KeyProver.scriptFile(options, r.key());
      o.addProperty("script", script == null ? "" : script.toString());
      o.addProperty("nodes", r.nodes());
      o.addProperty("branches", r.branches());
      o.addProperty("openGoals", r.openGoals());
      o.addProperty("millis", r.millis());
      // A bare file name is the committed proof in the proof dir; a path (a fresh proof saved
      // elsewhere, e.g. under target/ by mvn verify) is already relative to the project.
      boolean bareName = !r.proofFile().contains("/") && !r.proofFile().contains("\\");
      o.addProperty("proofFile", r.proofFile().isEmpty() ? ""
          : r.closed() && bareName ? options.proofDir().resolve(r.proofFile()).toString()
          : r.proofFile());
      o.addProperty("replay", r.replay());
      o.addProperty("category", r.category());
      JsonArray rests = new JsonArray();
      r.restsOn().forEach(rests::add);
      o.add("restsOn", rests);
      cs.add(o);
    }
    root.add("contracts", cs);
    if (manifest != null) {
      JsonArray ms = new JsonArray();
      for (ProofManifest.Entry e : manifest.entries().values()) {
        JsonObject o = new JsonObject();
        o.addProperty("method", e.method());
        o.addProperty("status", e.status());
        o.addProperty("reason", e.reason());
        JsonArray tests = new JsonArray();
        e.tests().forEach(tests::add);
        o.add("tests", tests);
        ms.add(o);
      }
      root.add("methods", ms);
    }
    JsonArray ps = new JsonArray();
    problems.forEach(ps::add);
    root.add("problems", ps);
    root.addProperty("ok", problems.isEmpty());
    return root;
  }

  /** Writes JSON to a file, creating its directory. */
  public static void writeJson(Path file, JsonObject json) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Files.writeString(file, new GsonBuilder().setPrettyPrinting().disableHtmlEscaping()
        .create().toJson(json) + "\n", StandardCharsets.UTF_8);
  }

  /** The Markdown report (verification-reports/proofs.md). */
  public static String toMarkdown(KeyProver.Run run, List<ContractResult> results,
      @Nullable ProofManifest manifest, List<String> problems, KeyProver.Options options) {
    StringBuilder sb = new StringBuilder();
    long closed = results.stream().filter(ContractResult::closed).count();
    sb.append("# KeY proofs of the kernel contracts\n\n")
        .append("Generated by `q35 prove` (q35.verify.KeyProver) with KeY ")
        .append(KeyProver.KEY_VERSION).append(". Source: `").append(options.sourceDir())
        .append("`, class path: `").append(options.classPath().stream().map(Object::toString)
            .collect(java.util.stream.Collectors.joining(",")))
        .append("`, extra rules: `").append(options.taclets().stream().map(Object::toString)
            .collect(java.util.stream.Collectors.joining(",")))
        .append("`. Every contract was proved from scratch in this run; ")
        .append(options.replay()
            ? "the committed proof files were also replayed against the current source.\n\n"
            : "the committed proof files were not replayed (replay: not run).\n\n")
        .append("Taclet options: `intRules:arithmeticSemanticsCheckingOF` (every int "
            + "operation is an overflow obligation), `runtimeExceptions:ban` (array bounds, "
            + "null, division by zero are obligations), `floatRules:assumeStrictfp` (Java 17 "
            + "float semantics). Contracts listed as tested-only in proofs/manifest.json get one "
            + "short attempt (at most 5 s).\n\n")
        .append("| | count |\n|---|---|\n")
        .append("| contracts | ").append(results.size()).append(" |\n")
        .append("| closed by KeY | ").append(closed).append(" |\n")
        .append("| open | ").append(results.size() - closed).append(" |\n")
        .append("| load time | ").append(run.loadMillis() / 1000.0).append(" s |\n")
        .append("| total time | ").append(run.totalMillis() / 1000.0).append(" s |\n\n");
    if (!problems.isEmpty()) {
      sb.append("## Problems (the run failed)\n\n");
      for (String p : problems) {
        sb.append("- ").append(p).append('\n');
      }
      sb.append('\n');
    }
    sb.append("## Contracts\n\n")
        .append("| contract | expected | KeY | nodes | time (s) | replay of committed proof |\n")
        .append("|---|---|---|---|---|---|\n");
    for (ContractResult r : results) {
      sb.append("| `").append(r.key()).append("` | ").append(r.expected()).append(" | ")
          .append(r.status()).append(" | ").append(r.nodes()).append(" | ")
          .append(r.millis() / 1000.0).append(" | ").append(r.replay().replace('|', '/'))
          .append(" |\n");
    }
    if (manifest != null) {
      sb.append("\n## Methods\n\n| method | status | reason | covered by |\n|---|---|---|---|\n");
      for (ProofManifest.Entry e : manifest.entries().values()) {
        sb.append("| `").append(e.method()).append("` | ").append(e.status()).append(" | ")
            .append(e.reason().replace('|', '/')).append(" | ")
            .append(String.join(", ", e.tests())).append(" |\n");
      }
    }
    return sb.toString();
  }
}
