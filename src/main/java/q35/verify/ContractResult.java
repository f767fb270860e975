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
    String expected) {

  /** Status of a contract whose proof KeY closed. */
  public static final String CLOSED = "closed";
  /** Status of a contract whose proof stayed open. */
  public static final String OPEN = "open";

  /** True iff KeY closed the proof built in this run. */
  public boolean closed() {
    return CLOSED.equals(status);
  }

  /** The same result with another expected status. */
  public ContractResult withExpected(String newExpected) {
    return new ContractResult(key, type, method, contract, status, strategy, nodes, branches,
        openGoals, millis, proofFile, replay, newExpected);
  }
}
