package q35.verify;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The committed claim of what is proved: {@code proofs/manifest.json} lists every kernel method
 * with the expected status of each of its contracts ({@code proved} or {@code tested-only}) and,
 * for anything not proved, the reason and the tests that cover it.
 */
public final class ProofManifest {

  /** Expected status of a contract KeY must close in every run. */
  public static final String PROVED = "proved";
  /** Expected status of a contract covered by tests only. */
  public static final String TESTED_ONLY = "tested-only";

  /** Category of a contract that states what a porter or caller relies on. */
  public static final String SUBSTANTIVE = "substantive";
  /** Category of a private helper's contract that serves other proofs. */
  public static final String LEMMA = "lemma";
  /** Category of a contract that claims (almost) nothing: {@code ensures true}, non-null. */
  public static final String TRIVIAL = "trivial";

  /**
   * One method of the manifest: each contract's expected status and category, the KeY strategy
   * settings a contract needs beyond the runner's defaults, and (if any contract is not proved)
   * the reason and the covering tests.
   */
  public record Entry(String method, Map<String, String> contracts,
      Map<String, String> categories, Map<String, Map<String, String>> keyStrategy,
      String reason, List<String> tests) {

    /** Method-level status: proved, tested-only or partial (some contracts proved). */
    public String status() {
      long proved = contracts.values().stream().filter(PROVED::equals).count();
      if (proved > 0 && proved == contracts.size()) {
        return PROVED;
      }
      return proved == 0 ? TESTED_ONLY : "partial";
    }
  }

  private final Map<String, Entry> entries;

  private ProofManifest(Map<String, Entry> entries) {
    this.entries = entries;
  }

  /** The entries by method ({@code q35.kernel.Codes.packPair(int,int)}). */
  public Map<String, Entry> entries() {
    return entries;
  }

  /** Reads a manifest file. */
  public static ProofManifest read(Path file) throws IOException {
    JsonObject root =
        JsonParser.parseString(Files.readString(file, StandardCharsets.UTF_8)).getAsJsonObject();
    Map<String, Entry> entries = new LinkedHashMap<>();
    for (JsonElement el : root.getAsJsonArray("methods")) {
      JsonObject o = el.getAsJsonObject();
      String method = o.get("method").getAsString();
      Map<String, String> contracts = new LinkedHashMap<>();
      JsonObject cs = o.getAsJsonObject("contracts");
      if (cs != null) {
        for (Map.Entry<String, JsonElement> c : cs.entrySet()) {
          String status = c.getValue().getAsString();
          if (!PROVED.equals(status) && !TESTED_ONLY.equals(status)) {
            throw new IOException(file + ": " + method + " " + c.getKey() + ": unknown status "
                + status);
          }
          contracts.put(c.getKey(), status);
        }
      }
      Map<String, String> categories = new LinkedHashMap<>();
      JsonObject cats = o.getAsJsonObject("categories");
      for (String c : contracts.keySet()) {
        String cat = cats == null || !cats.has(c) ? "" : cats.get(c).getAsString();
        if (!List.of(SUBSTANTIVE, LEMMA, TRIVIAL).contains(cat)) {
          throw new IOException(file + ": " + method + " " + c
              + ": category must be substantive, lemma or trivial, not \"" + cat + "\"");
        }
        categories.put(c, cat);
      }
      Map<String, Map<String, String>> keyStrategy = new LinkedHashMap<>();
      JsonObject ks = o.getAsJsonObject("keyStrategy");
      if (ks != null) {
        for (Map.Entry<String, JsonElement> c : ks.entrySet()) {
          Map<String, String> settings = new LinkedHashMap<>();
          for (Map.Entry<String, JsonElement> kv : c.getValue().getAsJsonObject().entrySet()) {
            String value = kv.getValue().getAsString();
            if ((kv.getKey().equals(KeyProver.MAX_STEPS)
                || kv.getKey().equals(KeyProver.TIMEOUT_SECONDS))
                && !value.matches("[1-9][0-9]{0,8}")) {
              throw new IOException(file + ": " + method + " " + c.getKey() + ": "
                  + kv.getKey() + " must be a positive integer, not \"" + value + "\"");
            }
            if (kv.getKey().equals(KeyProver.SCRIPT)) {
              // A file name in proofs/scripts/, checked here so that a typo stops the run
              // before KeY loads anything.
              Path script = file.resolveSibling(KeyProver.SCRIPT_DIR).resolve(value);
              if (!value.matches("[A-Za-z0-9_.-]+[.]script") || !Files.isRegularFile(script)) {
                throw new IOException(file + ": " + method + " " + c.getKey() + ": script \""
                    + value + "\" is not a .script file in " + KeyProver.SCRIPT_DIR + "/");
              }
              try {
                KeyProver.scriptCommands(Files.readString(script, StandardCharsets.UTF_8));
              } catch (IllegalArgumentException e) {
                throw new IOException(file + ": " + method + " " + c.getKey() + ": "
                    + KeyProver.SCRIPT_DIR + "/" + value + ": " + e.getMessage(), e);
              }
            }
            settings.put(kv.getKey(), value);
          }
          keyStrategy.put(c.getKey(), settings);
        }
      }
      String reason = o.has("reason") ? o.get("reason").getAsString() : "";
      List<String> tests = new ArrayList<>();
      JsonArray ts = o.getAsJsonArray("tests");
      if (ts != null) {
        for (JsonElement t : ts) {
          tests.add(t.getAsString());
        }
      }
      Entry e = new Entry(method, contracts, categories, keyStrategy, reason, tests);
      if (!PROVED.equals(e.status()) && (reason.isBlank() || tests.isEmpty())) {
        throw new IOException(file + ": " + method
            + " is not proved, so it needs a reason and the tests that cover it");
      }
      if (entries.put(method, e) != null) {
        throw new IOException(file + ": " + method + " listed twice");
      }
    }
    return new ProofManifest(entries);
  }

  /** Keys ({@code Class.method(params).kind.n}) of the contracts expected to stay open. */
  public java.util.Set<String> testedOnlyKeys() {
    java.util.Set<String> keys = new java.util.TreeSet<>();
    for (Entry e : entries.values()) {
      int dot = e.method().lastIndexOf('.', e.method().indexOf('('));
      String type = e.method().substring(0, dot);
      String simple = type.substring(type.lastIndexOf('.') + 1);
      for (Map.Entry<String, String> c : e.contracts().entrySet()) {
        if (TESTED_ONLY.equals(c.getValue())) {
          keys.add(simple + "." + e.method().substring(dot + 1) + "." + c.getKey());
        }
      }
    }
    return keys;
  }

  /** KeY strategy settings by contract key ({@code Class.method(params).kind.n}). */
  public Map<String, Map<String, String>> strategyOverrides() {
    Map<String, Map<String, String>> out = new java.util.TreeMap<>();
    for (Entry e : entries.values()) {
      int dot = e.method().lastIndexOf('.', e.method().indexOf('('));
      String type = e.method().substring(0, dot);
      String simple = type.substring(type.lastIndexOf('.') + 1);
      for (Map.Entry<String, Map<String, String>> c : e.keyStrategy().entrySet()) {
        out.put(simple + "." + e.method().substring(dot + 1) + "." + c.getKey(), c.getValue());
      }
    }
    return out;
  }

  /** Method id of a result: {@code type.method(params)}. */
  public static String methodId(ContractResult r) {
    return r.type() + "." + r.method();
  }

  /** Contract id within its method: {@code kind.n}, the key without class and method. */
  public static String contractId(ContractResult r) {
    String prefix = r.key().substring(0, r.key().indexOf(')') + 1);
    return r.key().substring(prefix.length() + 1);
  }

  /**
   * Joins a run with the manifest: sets each result's expected status and returns every
   * problem (a proved contract that is open, an unlisted method or contract, a stale entry).
   */
  public List<String> check(KeyProver.Run run, List<ContractResult> joined,
      boolean requireReplay) {
    List<String> problems = new ArrayList<>();
    for (Map.Entry<String, List<String>> t : run.methodsByType().entrySet()) {
      for (String m : t.getValue()) {
        String id = t.getKey() + "." + m;
        if (!entries.containsKey(id)) {
          problems.add("method " + id + " is missing from the manifest");
        }
      }
    }
    for (ContractResult r : run.contracts()) {
      Entry e = entries.get(methodId(r));
      String expected = e == null ? "unlisted" : e.contracts().getOrDefault(contractId(r),
          "unlisted");
      String category = e == null ? "unlisted" : e.categories().getOrDefault(contractId(r),
          "unlisted");
      if ("unlisted".equals(expected)) {
        problems.add("contract " + r.key() + " is missing from the manifest");
      } else if (PROVED.equals(expected) && !r.closed()) {
        problems.add("contract " + r.key() + " is listed as proved but KeY left "
            + r.openGoals() + " goal(s) open");
      } else if (PROVED.equals(expected) && requireReplay
          && !ContractResult.CLOSED.equals(r.replay())) {
        problems.add("contract " + r.key() + ": committed proof did not replay: " + r.replay());
      }
      joined.add(r.withExpected(expected, category));
    }
    for (Entry e : entries.values()) {
      int dot = e.method().lastIndexOf('.', e.method().indexOf('('));
      String type = e.method().substring(0, dot);
      List<String> ms = run.methodsByType().get(type);
      if (ms == null || !ms.contains(e.method().substring(dot + 1))) {
        problems.add("manifest lists " + e.method() + ", which the kernel does not declare");
        continue;
      }
      for (String c : e.contracts().keySet()) {
        boolean found = run.contracts().stream()
            .anyMatch(r -> methodId(r).equals(e.method()) && contractId(r).equals(c));
        if (!found) {
          problems.add("manifest lists contract " + c + " of " + e.method()
              + ", which the kernel does not declare");
        }
      }
    }
    return problems;
  }
}
