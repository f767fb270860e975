package q35.fuzz;

import java.lang.management.ManagementFactory;

/**
 * The contract every reader fuzz test checks for each input (spec/readers.md section 4): the
 * reader returns, or throws its documented exception with a message; it throws nothing else (no
 * other exception, no {@link Error}), and the heap it allocates while reading stays within
 * {@link #budget}. Hangs are caught by libFuzzer's per-input timeout (1,200 s by default; a JUnit
 * {@code @Timeout} would also cut the whole fuzzing run short).
 */
public final class ReaderFuzzing {
  /** Fixed part of the allocation budget. */
  public static final long BUDGET_FIXED = 16L << 20;
  /** Allocation budget per input byte. */
  public static final long BUDGET_PER_BYTE = 64;

  private static final com.sun.management.ThreadMXBean THREADS =
      (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();

  private ReaderFuzzing() {}

  /** A reader call. */
  public interface Read {
    void run() throws Exception;
  }

  /** Thrown when a read allocates more than its budget: a finding like any crash. */
  public static final class AllocationBudgetExceeded extends RuntimeException {
    private static final long serialVersionUID = 1L;

    AllocationBudgetExceeded(String message) {
      super(message);
    }
  }

  /** Heap bytes a read of {@code inputBytes} may allocate: 16 MiB + 64 per input byte. */
  public static long budget(long inputBytes) {
    return BUDGET_FIXED + BUDGET_PER_BYTE * inputBytes;
  }

  /** Heap bytes allocated so far by this thread. */
  public static long allocated() {
    return THREADS.getCurrentThreadAllocatedBytes();
  }

  /**
   * Runs {@code read} on an input of {@code inputBytes}; any exception other than an instance of
   * {@code documented} (with a non-blank message) escapes, and so does an over-budget allocation.
   */
  public static void check(long inputBytes, Class<? extends Exception> documented, Read read)
      throws Exception {
    long used = measure(documented, read);
    if (used > budget(inputBytes)) {
      // The first read of a new code path also pays for loading (and, when fuzzing,
      // instrumenting) its classes on this thread; the readers are deterministic, so a second
      // read of the same input measures the reader alone.
      used = measure(documented, read);
    }
    if (used > budget(inputBytes)) {
      throw new AllocationBudgetExceeded("allocated " + used + " bytes for a " + inputBytes
          + "-byte input; the budget is " + budget(inputBytes));
    }
  }

  private static long measure(Class<? extends Exception> documented, Read read) throws Exception {
    long before = allocated();
    try {
      read.run();
    } catch (Exception e) {
      if (!documented.isInstance(e)) {
        throw e;
      }
      if (e.getMessage() == null || e.getMessage().isBlank()) {
        throw new IllegalStateException("documented exception without a message", e);
      }
    }
    return allocated() - before;
  }

  /** The little-endian u32 at the start of {@code data}, or -1 if it is shorter than 4 bytes. */
  public static long u32(byte[] data, int at) {
    if (data.length < at + 4) {
      return -1;
    }
    return (data[at] & 0xffL) | (data[at + 1] & 0xffL) << 8 | (data[at + 2] & 0xffL) << 16
        | (data[at + 3] & 0xffL) << 24;
  }
}
