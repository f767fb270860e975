package q35.verify;

import de.uka.ilkd.key.control.AbstractUserInterfaceControl;
import de.uka.ilkd.key.control.DefaultUserInterfaceControl;
import de.uka.ilkd.key.control.KeYEnvironment;
import de.uka.ilkd.key.java.abstraction.KeYJavaType;
import de.uka.ilkd.key.logic.Choice;
import de.uka.ilkd.key.logic.op.IObserverFunction;
import de.uka.ilkd.key.logic.op.IProgramMethod;
import de.uka.ilkd.key.logic.op.ProgramMethod;
import de.uka.ilkd.key.java.Position;
import de.uka.ilkd.key.macros.scripts.ProofScriptEngine;
import de.uka.ilkd.key.macros.scripts.ScriptException;
import de.uka.ilkd.key.parser.Location;
import de.uka.ilkd.key.nparser.KeyAst;
import de.uka.ilkd.key.nparser.ParsingFacade;
import de.uka.ilkd.key.nparser.ProofReplayer;
import de.uka.ilkd.key.proof.Node;
import de.uka.ilkd.key.proof.Proof;
import de.uka.ilkd.key.proof.Statistics;
import de.uka.ilkd.key.proof.init.ProofOblInput;
import de.uka.ilkd.key.proof.io.IntermediatePresentationProofFileParser;
import de.uka.ilkd.key.proof.io.IntermediateProofReplayer;
import de.uka.ilkd.key.proof.io.ProofSaver;
import de.uka.ilkd.key.proof.mgt.SpecificationRepository;
import de.uka.ilkd.key.rule.RuleApp;
import de.uka.ilkd.key.settings.PathConfig;
import de.uka.ilkd.key.settings.ProofSettings;
import de.uka.ilkd.key.settings.StrategySettings;
import de.uka.ilkd.key.speclang.Contract;
import de.uka.ilkd.key.strategy.StrategyProperties;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.antlr.v4.runtime.CharStreams;
import org.antlr.v4.runtime.Token;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * Proves every JML contract of a source folder with KeY in auto mode, from scratch, and replays
 * previously saved proof files against the same contracts.
 *
 * <p>Soundness-relevant settings, fixed before KeY reads anything: integer arithmetic with
 * overflow checks ({@code intRules:arithmeticSemanticsCheckingOF}: every int operation must be
 * shown not to overflow), runtime exceptions banned ({@code runtimeExceptions:ban}: every array
 * access, division and dereference is a proof obligation), KeY's user settings ignored
 * ({@code key.disregardSettings}) and its configuration directory private to the build.
 */
public final class KeyProver {

  /** The KeY release this runner was written and measured against. */
  public static final String KEY_VERSION = "2.12.3";
  /** Taclet options every proof must use. */
  public static final Map<String, String> REQUIRED_CHOICES = Map.of(
      "intRules", "intRules:arithmeticSemanticsCheckingOF",
      "runtimeExceptions", "runtimeExceptions:ban",
      // Since Java 17 (JEP 306) all float arithmetic is strict, so KeY may treat every method
      // as strictfp; its default (strictfpOnly) leaves float operations of non-strictfp
      // methods uninterpreted.
      "floatRules", "floatRules:assumeStrictfp");

  /**
   * Settings of one run. {@code classPath} is KeY's class path for the types the source refers
   * to beyond KeY's own Java model (its JDK stubs): here the annotation types of the kernel's
   * {@code @SuppressWarnings} (src/main/key-classpath); each entry must exist.
   */
  public record Options(
      Path sourceDir,
      List<Path> classPath,
      List<Path> taclets,
      Path proofDir,
      Path configDir,
      long timeoutMillis,
      int maxSteps,
      boolean replay,
      boolean save,
      String only,
      java.util.Set<String> quickKeys,
      Map<String, Map<String, String>> strategyOverrides,
      int worker,
      int workers,
      Path saveDir) {

    /** The same options without per-contract strategy settings, in one process. */
    public Options(Path sourceDir, List<Path> classPath, List<Path> taclets, Path proofDir,
        Path configDir, long timeoutMillis, int maxSteps, boolean replay, boolean save,
        String only, java.util.Set<String> quickKeys) {
      this(sourceDir, classPath, taclets, proofDir, configDir, timeoutMillis, maxSteps, replay,
          save, only, quickKeys, Map.of(), 0, 1, proofDir);
    }
  }

  /** Everything one run found: contract results and the methods of the loaded types. */
  public record Run(List<ContractResult> contracts, Map<String, List<String>> methodsByType,
      long loadMillis, long totalMillis) {}

  private static boolean configured;

  private KeyProver() {}

  /**
   * Fixes KeY's global settings once per JVM: private config dir, user settings ignored, and
   * the required taclet options as defaults for every proof loaded afterwards.
   */
  public static synchronized void configure(Path configDir) throws IOException {
    if (configured) {
      return;
    }
    Files.createDirectories(configDir);
    System.setProperty(PathConfig.DISREGARD_SETTINGS_PROPERTY, "true");
    PathConfig.setKeyConfigDir(configDir.toAbsolutePath().toString());
    Map<String, String> choices =
        new HashMap<>(ProofSettings.DEFAULT_SETTINGS.getChoiceSettings().getDefaultChoices());
    choices.putAll(REQUIRED_CHOICES);
    ProofSettings.DEFAULT_SETTINGS.getChoiceSettings().setDefaultChoices(choices);
    configured = true;
  }

  /** The strategy of the first attempt: linear plus defined non-linear operations. */
  static StrategyProperties strategy(String nonLinear, String methods) {
    StrategyProperties sp = new StrategyProperties();
    sp.setProperty(StrategyProperties.METHOD_OPTIONS_KEY, methods);
    sp.setProperty(StrategyProperties.LOOP_OPTIONS_KEY, StrategyProperties.LOOP_SCOPE_INV_TACLET);
    sp.setProperty(StrategyProperties.BLOCK_OPTIONS_KEY,
        StrategyProperties.BLOCK_CONTRACT_INTERNAL);
    sp.setProperty(StrategyProperties.SPLITTING_OPTIONS_KEY, StrategyProperties.SPLITTING_NORMAL);
    sp.setProperty(StrategyProperties.STOPMODE_OPTIONS_KEY, StrategyProperties.STOPMODE_DEFAULT);
    sp.setProperty(StrategyProperties.NON_LIN_ARITH_OPTIONS_KEY, nonLinear);
    sp.setProperty(StrategyProperties.QUERY_OPTIONS_KEY, StrategyProperties.QUERY_ON);
    sp.setProperty(StrategyProperties.QUERYAXIOM_OPTIONS_KEY, StrategyProperties.QUERYAXIOM_ON);
    sp.setProperty(StrategyProperties.DEP_OPTIONS_KEY, StrategyProperties.DEP_ON);
    sp.setProperty(StrategyProperties.OSS_OPTIONS_KEY, StrategyProperties.OSS_ON);
    sp.setProperty(StrategyProperties.QUANTIFIERS_OPTIONS_KEY,
        StrategyProperties.QUANTIFIERS_INSTANTIATE);
    sp.setProperty(StrategyProperties.CLASS_AXIOM_OPTIONS_KEY,
        StrategyProperties.CLASS_AXIOM_FREE);
    sp.setProperty(StrategyProperties.MPS_OPTIONS_KEY, StrategyProperties.MPS_MERGE);
    sp.setProperty(StrategyProperties.AUTO_INDUCTION_OPTIONS_KEY,
        StrategyProperties.AUTO_INDUCTION_OFF);
    return sp;
  }

  /**
   * A contract's own step budget of attempt 1 (attempt 2 gets four times as many), in its
   * manifest {@code keyStrategy}: for the few proofs larger than the run's budget allows with
   * a margin of a third (spec/verification.md section 2). Not a KeY strategy property.
   */
  static final String MAX_STEPS = "maxSteps";

  /** A contract's own wall-clock backstop per attempt, in seconds ({@code keyStrategy}). */
  static final String TIMEOUT_SECONDS = "timeoutSeconds";

  /**
   * A contract's proof script ({@code keyStrategy}): a file in {@code proofs/scripts/} that KeY's
   * script engine runs on the fresh proof obligation, in place of auto mode, in every run. For
   * the few proofs whose quantifier instances auto mode does not find (spec/verification.md
   * section 2).
   */
  static final String SCRIPT = "script";

  /** The folder of the proof scripts, in the proof directory. */
  public static final String SCRIPT_DIR = "scripts";

  /**
   * The proof script of a contract ({@code Class.method(params).kind.n}) in the proof directory,
   * from its {@code keyStrategy}, or null when auto mode proves it.
   */
  public static @Nullable Path scriptFile(Options options, String key) {
    @Nullable String name = options.strategyOverrides().getOrDefault(key, Map.of()).get(SCRIPT);
    return name == null ? null : options.proofDir().resolve(SCRIPT_DIR).resolve(name);
  }

  /**
   * The script commands a committed script may use. Each applies rules of KeY's calculus
   * (auto mode, a macro of it, a quantifier instance, one named rule, a cut, hiding a formula,
   * choosing a goal); {@code assume} and {@code axiom}, which add unproved formulas, and
   * commands that run other code or files are refused.
   */
  static final java.util.Set<String> SCRIPT_COMMANDS = java.util.Set.of(
      "auto", "macro", "instantiate", "rule", "cut", "hide", "select", "tryclose");

  /** Rules that KeY's script commands introduce outside its calculus: never in a proof. */
  static final java.util.Set<String> UNSOUND_RULES = java.util.Set.of(
      "UNSOUND_ASSUME", "introduceAxiom");

  /**
   * The command names of a proof script, in order, after checking each against
   * {@link #SCRIPT_COMMANDS}. Read as KeY's script parser reads it: commands end with
   * {@code ;}, {@code #} starts a comment to the end of the line, quotes enclose arguments, and
   * the command is the first argument that is not {@code key=value}.
   *
   * @throws IllegalArgumentException naming the first command that is not allowed
   */
  static List<String> scriptCommands(String script) {
    List<String> names = new ArrayList<>();
    StringBuilder command = new StringBuilder();
    int i = 0;
    while (i < script.length()) {
      char c = script.charAt(i);
      if (c == '#') {
        int end = script.indexOf('\n', i);
        i = end < 0 ? script.length() : end;
      } else if (c == '"' || c == '\'') {
        int end = script.indexOf(c, i + 1);
        if (end < 0) {
          throw new IllegalArgumentException("unterminated quote in proof script");
        }
        boolean value = command.length() > 0 && command.charAt(command.length() - 1) == '=';
        // A quoted value stands for itself; a quoted positional argument may be the command.
        command.append(value ? "v" : script.substring(i + 1, end).replaceAll("\\s", "_"));
        command.append(' ');
        i = end + 1;
      } else if (c == ';') {
        names.add(commandName(command.toString()));
        command.setLength(0);
        i++;
      } else {
        command.append(c);
        i++;
      }
    }
    if (!command.toString().isBlank()) {
      throw new IllegalArgumentException("proof script command without ';' at the end: "
          + command.toString().trim());
    }
    return names;
  }

  private static String commandName(String command) {
    String name = "";
    for (String token : command.trim().split("\\s+")) {
      if (!token.contains("=")) {
        name = token;
        break;
      }
    }
    if (!SCRIPT_COMMANDS.contains(name)) {
      throw new IllegalArgumentException("proof script command \"" + name
          + "\" is not allowed; allowed: " + new TreeSet<>(SCRIPT_COMMANDS));
    }
    return name;
  }

  /**
   * The strategy of an attempt with a contract's own settings from the manifest (its
   * {@code keyStrategy}: StrategyProperties keys and values, e.g. QUERY_OPTIONS_KEY=QUERY_OFF).
   */
  static StrategyProperties strategy(String nonLinear, String methods,
      Map<String, String> overrides) {
    StrategyProperties sp = strategy(nonLinear, methods);
    for (Map.Entry<String, String> o : overrides.entrySet()) {
      sp.setProperty(o.getKey(), o.getValue());
    }
    return sp;
  }

  /** Short description of a strategy attempt, for the results. */
  static String describe(String nonLinear, String methods, int maxSteps, long timeoutMillis) {
    return "SPLITTING_NORMAL, STOPMODE_DEFAULT, " + methods + ", LOOP_SCOPE_INV_TACLET, QUERY_ON, "
        + "QUANTIFIERS_INSTANTIATE, " + nonLinear + ", maxSteps=" + maxSteps + ", timeout="
        + timeoutMillis + "ms";
  }

  /** The description of an attempt with a contract's own settings. */
  static String describe(String nonLinear, String methods, int maxSteps, long timeoutMillis,
      Map<String, String> overrides) {
    String d = describe(nonLinear, methods, maxSteps, timeoutMillis);
    for (Map.Entry<String, String> o : new TreeMap<>(overrides).entrySet()) {
      d += ", " + o.getKey() + "=" + o.getValue() + " (manifest)";
    }
    return d;
  }

  /** Loads {@code options.sourceDir()}, proves every contract and replays saved proofs. */
  public static Run run(Options options) throws Exception {
    configure(options.configDir());
    long t0 = System.nanoTime();
    List<String> typeNames = typeNames(options.sourceDir());
    KeYEnvironment<DefaultUserInterfaceControl> env =
        load(options.sourceDir(), options.classPath(), options.taclets());
    long loadMillis = (System.nanoTime() - t0) / 1_000_000;
    try {
      checkChoices(env);
      Map<String, List<String>> methods = new TreeMap<>();
      for (String typeName : typeNames) {
        methods.put(typeName, methodsOf(env, typeName));
      }
      List<ContractResult> results = new ArrayList<>();
      Map<String, Contract> byKey = contracts(env, typeNames);
      if (options.save()) {
        Files.createDirectories(options.saveDir());
      }
      java.util.Set<String> mine = share(new TreeSet<String>(byKey.keySet()), options);
      for (Map.Entry<String, Contract> e : byKey.entrySet()) {
        if (!java.util.regex.Pattern.compile(options.only()).matcher(e.getKey()).find()
            || !mine.contains(e.getKey())) {
          continue;
        }
        results.add(proveOne(env, e.getKey(), e.getValue(), options));
      }
      long totalMillis = (System.nanoTime() - t0) / 1_000_000;
      return new Run(results, methods, loadMillis, totalMillis);
    } finally {
      env.dispose();
    }
  }

  /** Writes a worker's raw run (its contracts, the methods of the loaded types, its times). */
  public static void writeRun(Path file, Run run) throws IOException {
    Path dir = file.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Files.writeString(file, new com.google.gson.Gson().toJson(run),
        java.nio.charset.StandardCharsets.UTF_8);
  }

  /**
   * Runs {@code jobs} worker processes (this JVM's java, class path and options, the command's
   * arguments plus the worker's number) and merges their runs; fails if a worker fails.
   */
  public static Run runWorkers(int jobs, List<String> args, Path configDir) throws Exception {
    long t0 = System.nanoTime();
    String javaExe = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<Process> procs = new ArrayList<>();
    List<Path> outs = new ArrayList<>();
    for (int w = 0; w < jobs; w++) {
      Path out = configDir.toAbsolutePath().resolveSibling("key-worker-" + w + ".json");
      Files.deleteIfExists(out);
      outs.add(out);
      List<String> cmd = new ArrayList<>(List.of(javaExe));
      cmd.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
      cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "q35.cli.Q35Cli", "prove"));
      cmd.addAll(args);
      cmd.addAll(List.of("--worker", String.valueOf(w), "--worker-out", out.toString()));
      procs.add(new ProcessBuilder(cmd).inheritIO().start());
    }
    List<ContractResult> contracts = new ArrayList<>();
    Map<String, List<String>> methods = new TreeMap<>();
    long load = 0;
    for (int w = 0; w < jobs; w++) {
      int exit = procs.get(w).waitFor();
      if (exit != 0 || !Files.isRegularFile(outs.get(w))) {
        throw new IllegalStateException("KeY worker " + w + " failed (exit " + exit + ")");
      }
      Run r = new com.google.gson.Gson().fromJson(Files.readString(outs.get(w),
          java.nio.charset.StandardCharsets.UTF_8), Run.class);
      contracts.addAll(r.contracts());
      methods.putAll(r.methodsByType());
      load = Math.max(load, r.loadMillis());
    }
    contracts.sort(java.util.Comparator.comparing(ContractResult::key));
    return new Run(contracts, methods, load, (System.nanoTime() - t0) / 1_000_000);
  }

  /**
   * The contracts this process proves: all of them, or, for worker w of n, a share balanced by
   * expected cost. Every worker computes the same assignment from the same inputs: the
   * contracts sorted by the size of their committed proof (a proxy of the proof's work; 200 KB
   * when there is none, 5 KB for contracts that get the short tested-only attempt), each given
   * to the least loaded worker.
   */
  static java.util.Set<String> share(java.util.Set<String> keys, Options options)
      throws IOException {
    if (options.workers() <= 1) {
      return keys;
    }
    Map<String, Long> cost = new TreeMap<>();
    for (String k : keys) {
      Path proof = options.proofDir().resolve(proofFileName(k));
      long c = options.quickKeys().contains(k) ? 5_000
          : Files.isRegularFile(proof) ? Files.size(proof) : 200_000;
      cost.put(k, c);
    }
    List<String> order = new ArrayList<>(cost.keySet());
    order.sort((a, b) -> {
      int byCost = Long.compare(cost.getOrDefault(b, 0L), cost.getOrDefault(a, 0L));
      return byCost != 0 ? byCost : a.compareTo(b);
    });
    long[] load = new long[options.workers()];
    java.util.Set<String> mine = new TreeSet<>();
    for (String k : order) {
      int least = 0;
      for (int w = 1; w < load.length; w++) {
        if (load[w] < load[least]) {
          least = w;
        }
      }
      load[least] += cost.getOrDefault(k, 0L);
      if (least == options.worker()) {
        mine.add(k);
      }
    }
    return mine;
  }

  /**
   * Loads a source folder with the given class path: folders of Java sources (KeY reads their
   * declarations, not their method bodies) or jars. KeY has no class path of its own beyond its
   * JDK stubs, which lack {@code java.lang.SuppressWarnings}.
   */
  @SuppressWarnings("nullness:argument") // KeY's API takes null for "default boot class path"
  private static KeYEnvironment<DefaultUserInterfaceControl> load(Path sourceDir,
      List<Path> classPath, List<Path> taclets) throws Exception {
    List<File> cp = existing(classPath, "KeY class path entry");
    List<File> includes = existing(taclets, "KeY taclet file");
    return KeYEnvironment.load(sourceDir.toFile(), cp, null, includes);
  }

  /** The given paths as files, each checked to exist: a missing one is a setup error. */
  private static List<File> existing(List<Path> paths, String what) {
    List<File> files = new ArrayList<>();
    for (Path p : paths) {
      if (!Files.exists(p)) {
        throw new IllegalArgumentException(what + " not found: " + p);
      }
      files.add(p.toFile());
    }
    return files;
  }

  /** Fails loudly if KeY did not take the required taclet options. */
  private static void checkChoices(KeYEnvironment<?> env) {
    TreeSet<String> active = new TreeSet<>();
    for (Choice c : env.getInitConfig().getActivatedChoices()) {
      active.add(c.name().toString());
    }
    for (String required : REQUIRED_CHOICES.values()) {
      if (!active.contains(required)) {
        throw new IllegalStateException("KeY did not activate " + required + "; active: " + active);
      }
    }
  }

  /** Fully qualified names of the top-level classes in a source folder. */
  static List<String> typeNames(Path sourceDir) throws IOException {
    List<String> names = new ArrayList<>();
    try (Stream<Path> files = Files.walk(sourceDir)) {
      for (Path p : (Iterable<Path>) files::iterator) {
        String rel = sourceDir.relativize(p).toString();
        if (rel.endsWith(".java")) {
          names.add(rel.substring(0, rel.length() - 5).replace(File.separatorChar, '.'));
        }
      }
    }
    java.util.Collections.sort(names);
    return names;
  }

  /** Signatures of the methods (no constructors, no implicit methods) declared in a type. */
  private static List<String> methodsOf(KeYEnvironment<?> env, String typeName) {
    List<String> out = new ArrayList<>();
    KeYJavaType kjt = env.getJavaInfo().getKeYJavaType(typeName);
    if (kjt == null) {
      throw new IllegalStateException("KeY did not load type " + typeName);
    }
    for (ProgramMethod pm : env.getJavaInfo().getAllProgramMethodsLocallyDeclared(kjt)) {
      if (pm.isConstructor() || pm.isImplicit()) {
        continue;
      }
      out.add(signature(pm));
    }
    java.util.Collections.sort(out);
    return out;
  }

  /** {@code name(paramType,...)} of a method or observer. */
  static String signature(IObserverFunction target) {
    String name = target instanceof IProgramMethod pm ? pm.getName() : target.name().toString();
    int colons = name.lastIndexOf("::");
    if (colons >= 0) {
      name = name.substring(colons + 2);
    }
    StringBuilder sb = new StringBuilder(name).append('(');
    for (int i = 0; i < target.getNumParams(); i++) {
      if (i > 0) {
        sb.append(',');
      }
      sb.append(javaTypeName(target.getParamType(i).getFullName()));
    }
    return sb.append(')').toString();
  }

  /** Source spelling of a type name KeY may give in JVM form ({@code [B} is {@code byte[]}). */
  static String javaTypeName(String name) {
    int dims = 0;
    while (dims < name.length() && name.charAt(dims) == '[') {
      dims++;
    }
    if (dims == 0) {
      return name;
    }
    String elem = name.substring(dims);
    String base = switch (elem) {
      case "B" -> "byte";
      case "C" -> "char";
      case "D" -> "double";
      case "F" -> "float";
      case "I" -> "int";
      case "J" -> "long";
      case "S" -> "short";
      case "Z" -> "boolean";
      default -> elem.startsWith("L") && elem.endsWith(";")
          ? elem.substring(1, elem.length() - 1) : elem;
    };
    return base + "[]".repeat(dims);
  }

  /** Every non-combined contract of the given types, by stable key. */
  private static Map<String, Contract> contracts(KeYEnvironment<?> env, List<String> typeNames) {
    Map<String, Contract> byKey = new TreeMap<>();
    for (Contract c : env.getSpecificationRepository().getAllContracts()) {
      String type = c.getKJT().getFullName();
      if (!typeNames.contains(type)
          || c.getName().contains(SpecificationRepository.CONTRACT_COMBINATION_MARKER)) {
        continue;
      }
      String key = key(c);
      if (byKey.put(key, c) != null) {
        throw new IllegalStateException("two contracts share the key " + key);
      }
    }
    return byKey;
  }

  /** Stable name of a contract: {@code SimpleClass.method(params).kind.n}. */
  static String key(Contract c) {
    String type = c.getKJT().getFullName();
    String simple = type.substring(type.lastIndexOf('.') + 1);
    String name = c.getName();
    String kind;
    if (name.contains("normal_behavior")) {
      kind = "normal_behavior";
    } else if (name.contains("exceptional_behavior")) {
      kind = "exceptional_behavior";
    } else if (name.contains("accessible") || name.contains("dependency")) {
      kind = "accessible";
    } else {
      kind = "behavior";
    }
    String n = name.substring(name.lastIndexOf('.') + 1);
    return simple + "." + signature(c.getTarget()) + "." + kind + "." + n;
  }

  /** File name of a contract's proof: the key with brackets and commas made file-safe. */
  public static String proofFileName(String key) {
    // JML's \bigint (parameters of KeY-only model methods) without its backslash: a file name
    // that every file system takes.
    return key.replace("[]", "Arr").replace("(", "__").replace(")", "").replace(",", "_")
        .replace("\\bigint", "bigint") + ".proof";
  }

  private static ContractResult proveOne(KeYEnvironment<?> env, String key, Contract contract,
      Options options) throws Exception {
    long t0 = System.nanoTime();
    String type = contract.getKJT().getFullName();
    String method = signature(contract.getTarget());
    String fileName = proofFileName(key);
    Path file = options.proofDir().resolve(fileName);

    // Replay the committed proof first (before it is overwritten), in this environment, so it
    // is checked against the current source and this run's taclet options.
    String replay = "skipped";
    if (options.replay()) {
      replay = Files.isRegularFile(file) ? replay(env, contract, file) : "missing";
    }

    // Then prove from scratch: the fresh proof is the authority.
    // Attempt 1: defined non-linear operations; attempt 2: non-linear completion (more case
    // splits, more steps). Contracts the manifest expects to stay open get attempt 1 only,
    // with at most 5 s, so that the run stays within minutes.
    boolean quick = options.quickKeys().contains(key);
    Map<String, String> settings = options.strategyOverrides().getOrDefault(key, Map.of());
    Map<String, String> overrides = new TreeMap<>(settings);
    overrides.remove(MAX_STEPS);
    overrides.remove(TIMEOUT_SECONDS);
    overrides.remove(SCRIPT);
    @Nullable Path scriptFile = scriptFile(options, key);
    @Nullable String script = scriptFile == null ? null
        : Files.readString(scriptFile, java.nio.charset.StandardCharsets.UTF_8);
    if (script != null) {
      scriptCommands(script);
    }
    List<String[]> attempts = new ArrayList<>();
    attempts.add(new String[] {StrategyProperties.NON_LIN_ARITH_DEF_OPS,
        StrategyProperties.METHOD_CONTRACT});
    if (!quick && script == null) {
      attempts.add(new String[] {StrategyProperties.NON_LIN_ARITH_COMPLETION,
          StrategyProperties.METHOD_CONTRACT});
    }
    int maxSteps = settings.containsKey(MAX_STEPS)
        ? Integer.parseInt(settings.get(MAX_STEPS)) : options.maxSteps();
    long fullTimeout = settings.containsKey(TIMEOUT_SECONDS)
        ? 1000L * Integer.parseInt(settings.get(TIMEOUT_SECONDS)) : options.timeoutMillis();
    long timeout = quick ? Math.min(5000, fullTimeout) : fullTimeout;
    @Nullable Proof proof = null;
    String strategy = "";
    for (int a = 0; a < attempts.size(); a++) {
      if (proof != null) {
        proof.dispose();
      }
      int steps = a == 0 ? maxSteps : 4 * maxSteps;
      String[] att = attempts.get(a);
      proof = attempt(env, contract, strategy(att[0], att[1], overrides), steps, timeout,
          script, scriptFile);
      strategy = describe(att[0], att[1], steps, timeout, overrides)
          + (scriptFile == null ? ""
              : ", script " + SCRIPT_DIR + "/" + scriptFile.getFileName() + " (manifest)");
      if (proof.closed()) {
        break;
      }
      printOpenGoals(key + " (attempt " + (a + 1) + ")", proof);
    }
    if (proof == null) {
      throw new IllegalStateException("no proof attempt for " + key);
    }

    Statistics stats = proof.getStatistics();
    boolean closed = proof.closed();
    String savedAs = "";
    if (closed && ContractResult.CLOSED.equals(replay)
        && (!options.save() || recordsClassPath(file, options.classPath()))) {
      // The committed proof replayed to a closed proof of the current source: keep it, so that
      // a run does not rewrite proof files just because timings in them changed. A file whose
      // header lacks the class path (saved before the kernel needed one) is rewritten, so that
      // it still loads in KeY on its own.
      savedAs = fileName;
    } else if (options.save()) {
      // Closed proofs go to the proof directory (committed); open ones, which can be tens of
      // MB, next to KeY's config dir under target/ for inspection.
      Path dir = closed ? options.saveDir()
          : options.configDir().toAbsolutePath().resolveSibling("key-open-proofs");
      Files.createDirectories(dir);
      ProofSaver.saveToFile(dir.resolve(fileName).toFile(), proof);
      // Relative to the working directory (the project): no machine paths in the results.
      Path saved = dir.resolve(fileName).toAbsolutePath();
      Path cwd = Path.of("").toAbsolutePath();
      boolean committed = closed && dir.toAbsolutePath().normalize()
          .equals(options.proofDir().toAbsolutePath().normalize());
      savedAs = committed ? fileName
          : saved.startsWith(cwd) ? cwd.relativize(saved).toString() : saved.toString();
    }
    int open = proof.openGoals().size();
    List<String> uses = usedContracts(env, proof, key);
    proof.dispose();
    long millis = (System.nanoTime() - t0) / 1_000_000;
    System.err.printf("KeY %-6s %7d ms %7d nodes  replay=%s  %s%n",
        closed ? ContractResult.CLOSED : ContractResult.OPEN, millis, stats.nodes, replay, key);
    return new ContractResult(key, type, method, contract.getName(),
        closed ? ContractResult.CLOSED : ContractResult.OPEN, strategy, stats.nodes,
        stats.branches, open, millis, savedAs, replay, "unlisted", "unlisted", uses, List.of());
  }

  /**
   * Keys of the contracts a proof applied (method contracts and dependency contracts), each
   * specification case on its own: KeY applies the combination of a callee's cases, so the
   * proof uses every case of it.
   */
  private static List<String> usedContracts(KeYEnvironment<?> env, Proof proof, String self) {
    TreeSet<String> ids = new TreeSet<>();
    SpecificationRepository specs = env.getSpecificationRepository();
    for (Contract used : proof.mgt().getUsedContracts()) {
      for (Contract atomic : specs.splitContract(used)) {
        String k = key(atomic);
        String type = atomic.getKJT().getFullName();
        // Contracts of KeY's own JDK model (its trusted base) are not the project's.
        if (!k.equals(self) && !type.startsWith("java.")) {
          ids.add(contractRef(type, k));
        }
      }
    }
    return new ArrayList<>(ids);
  }

  /** {@code <type.method(params)> <kind.n>} of a contract key, the form results refer to. */
  static String contractRef(String type, String key) {
    int close = key.indexOf(')');
    String simple = type.substring(type.lastIndexOf('.') + 1);
    return type + key.substring(simple.length(), close + 1) + " " + key.substring(close + 2);
  }

  /**
   * Sets each result's {@code restsOn}: the contracts its proof applied that this run did not
   * close, followed transitively through those it did close.
   */
  public static List<ContractResult> withRestsOn(List<ContractResult> results) {
    Map<String, ContractResult> byKey = new HashMap<>();
    results.forEach(r -> byKey.put(contractRef(r.type(), r.key()), r));
    List<ContractResult> out = new ArrayList<>();
    for (ContractResult r : results) {
      TreeSet<String> rests = new TreeSet<>();
      java.util.ArrayDeque<String> todo = new java.util.ArrayDeque<>(r.uses());
      java.util.Set<String> seen = new java.util.HashSet<>();
      while (!todo.isEmpty()) {
        String u = todo.pop();
        if (!seen.add(u)) {
          continue;
        }
        @Nullable ContractResult c = byKey.get(u);
        if (c == null || !c.closed()) {
          rests.add(u);
        } else {
          todo.addAll(c.uses());
        }
      }
      out.add(r.withRestsOn(new ArrayList<>(rests)));
    }
    return out;
  }

  /** With -Dq35.key.debug=true, prints up to three open goals of an attempt (development). */
  private static void printOpenGoals(String what, Proof proof) {
    if (!Boolean.getBoolean("q35.key.debug")) {
      return;
    }
    int shown = 0;
    int limit = Integer.getInteger("q35.key.debugGoals", 3);
    System.err.println(proof.openGoals().size() + " open goals of " + what);
    for (de.uka.ilkd.key.proof.Goal g : proof.openGoals()) {
      if (shown++ == limit) {
        break;
      }
      System.err.println("OPEN GOAL of " + what + ":\n" + de.uka.ilkd.key.pp.LogicPrinter
          .quickPrintSequent(g.sequent(), proof.getServices()));
    }
  }

  /** Whether a proof file's header names a class path exactly when the run uses one. */
  static boolean recordsClassPath(Path proofFile, List<Path> classPath) throws IOException {
    String text = Files.readString(proofFile, java.nio.charset.StandardCharsets.UTF_8);
    int end = text.indexOf("\\proofObligation");
    String header = end < 0 ? text : text.substring(0, end);
    return header.contains("\\classpath") == !classPath.isEmpty();
  }

  /**
   * One proof attempt from scratch: auto mode, or the contract's proof script. A script that
   * fails is reported and leaves the proof open; a proof with a rule from outside KeY's
   * calculus is refused outright.
   */
  private static Proof attempt(KeYEnvironment<?> env, Contract contract, StrategyProperties sp,
      int maxSteps, long timeoutMillis, @Nullable String script, @Nullable Path scriptFile)
      throws Exception {
    ProofOblInput po = contract.createProofObl(env.getInitConfig(), contract);
    Proof proof = env.createProof(po);
    applyStrategy(proof, sp, maxSteps, timeoutMillis);
    if (script == null || scriptFile == null) {
      env.getProofControl().startAndWaitForAutoMode(proof);
    } else {
      try {
        new ProofScriptEngine(script, new Location(scriptFile.toAbsolutePath().toUri(),
            Position.newOneBased(1, 1))).execute((AbstractUserInterfaceControl) env.getUi(), proof);
      } catch (ScriptException e) {
        System.err.println("KeY script " + scriptFile.getFileName() + " stopped: " + oneLine(e));
      }
    }
    List<String> unsound = new ArrayList<>();
    for (java.util.Iterator<Node> it = proof.root().subtreeIterator(); it.hasNext(); ) {
      @Nullable RuleApp app = it.next().getAppliedRuleApp();
      if (app != null && UNSOUND_RULES.contains(app.rule().name().toString())) {
        unsound.add(app.rule().name().toString());
      }
    }
    if (!unsound.isEmpty()) {
      throw new IllegalStateException("the proof of " + contract.getName()
          + " applies rules outside KeY's calculus: " + unsound);
    }
    return proof;
  }

  private static void applyStrategy(Proof proof, StrategyProperties sp, int maxSteps,
      long timeoutMillis) {
    for (StrategySettings ss : List.of(proof.getSettings().getStrategySettings(),
        ProofSettings.DEFAULT_SETTINGS.getStrategySettings())) {
      ss.setMaxSteps(maxSteps);
      ss.setTimeout(timeoutMillis);
      ss.setActiveStrategyProperties(sp);
    }
    proof.setActiveStrategy(
        proof.getServices().getProfile().getDefaultStrategyFactory().create(proof, sp));
  }

  /**
   * Replays a saved proof file onto a fresh proof obligation of {@code contract} built in this
   * environment (current source, this run's taclet options). Returns {@code closed}, {@code open}
   * or {@code error: ...}.
   */
  @SuppressWarnings("nullness:argument") // KeY documents null as allowed for the loader (only used in error messages), listener and monitor
  static String replay(KeYEnvironment<?> env, Contract contract, Path file) {
    @Nullable Proof proof = null;
    try {
      proof = env.createProof(contract.createProofObl(env.getInitConfig(), contract));
      applyStrategy(proof, strategy(StrategyProperties.NON_LIN_ARITH_COMPLETION,
          StrategyProperties.METHOD_CONTRACT), 1, 1000);
      KeyAst.File ast = ParsingFacade.parseFile(file);
      @Nullable Token token = ast.findProof();
      if (token == null) {
        return "error: no \\proof section";
      }
      IntermediatePresentationProofFileParser parser =
          new IntermediatePresentationProofFileParser(proof);
      ProofReplayer.run(token, CharStreams.fromPath(file), parser, file.toUri());
      IntermediatePresentationProofFileParser.Result parsed = parser.getResult();
      IntermediateProofReplayer replayer = new IntermediateProofReplayer(null, proof, parsed);
      IntermediateProofReplayer.Result result = replayer.replay(null, null);
      int errors = parsed.errors().size() + result.getErrors().size();
      if (errors > 0) {
        Throwable first = !parsed.errors().isEmpty() ? parsed.errors().get(0)
            : result.getErrors().get(0);
        return "error: " + errors + " replay errors, first: " + oneLine(first);
      }
      return proof.closed() ? ContractResult.CLOSED : ContractResult.OPEN;
    } catch (Exception | AssertionError e) {
      return "error: " + oneLine(e);
    } finally {
      if (proof != null) {
        proof.dispose();
      }
    }
  }

  private static String oneLine(Throwable t) {
    String msg = t.getClass().getSimpleName() + ": " + t.getMessage();
    msg = msg.replace('\n', ' ');
    return msg.length() > 300 ? msg.substring(0, 300) + "..." : msg;
  }
}
