package q35.verify;

/**
 * The outcome of one JML contract in one prover run.
 *
 * @param key stable name of the contract: {@code Class.method(params).kind.n}
 * @param type fully qualified name of the class that declares the method
 * @param method the method signature, e.g. {@code packPair(int,int)}
 * @param contract KeY's name of the contract
 * @param status {@code closed} or {@code open} (the proof KeY built from scratch in this run)
 * @param strategy the settings of the attempt that produced {@code status}
 * @param nodes proof nodes of that attempt
 * @param branches proof branches of that attempt
 * @param openGoals goals left open (0 when closed)
 * @param millis wall time of all attempts for this contract
 * @param proofFile file name of the saved proof (relative to the proof directory when closed,
 *     absolute under target/key-open-proofs when open), or ""
 * @param replay result of replaying the committed proof file: {@code closed}, {@code open},
 *     {@code error: ...}, {@code missing} or {@code skipped}
 * @param expected status the manifest expects ({@code proved}, {@code tested-only}) or
 *     {@code unlisted}
 * @param category the manifest's category: {@code substantive}, {@code lemma}, {@code trivial}
 *     (or {@code unlisted})
 * @param uses keys of the callee contracts (method and dependency contracts) the proof built in
 *     this run applied, each specification case on its own
 * @param restsOn the contracts among {@code uses}, followed transitively through the closed
 *     ones, that this run did not close: the proof holds only if they do
 */
public record ContractResult(
    String key,
    String type,
    String method,
    String contract,
    String status,
    String strategy,
    int nodes,
    int branches,
    int openGoals,
    long millis,
    String proofFile,
    String replay,
    String expected,
    String category,
    java.util.List<String> uses,
    java.util.List<String> restsOn) {

  /** Status of a contract whose proof KeY closed. */
  public static final String CLOSED = "closed";
  /** Status of a contract whose proof stayed open. */
  public static final String OPEN = "open";

  /** True iff KeY closed the proof built in this run. */
  public boolean closed() {
    return CLOSED.equals(status);
  }

  /** The same result with the manifest's expected status and category. */
  public ContractResult withExpected(String newExpected, String newCategory) {
    return new ContractResult(key, type, method, contract, status, strategy, nodes, branches,
        openGoals, millis, proofFile, replay, newExpected, newCategory, uses, restsOn);
  }

  /** The same result with the contracts its proof rests on. */
  public ContractResult withRestsOn(java.util.List<String> newRestsOn) {
    return new ContractResult(key, type, method, contract, status, strategy, nodes, branches,
        openGoals, millis, proofFile, replay, expected, category, uses, newRestsOn);
  }
}
