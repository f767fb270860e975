package q35.cli;

import java.io.PrintStream;
import java.util.function.IntConsumer;

/** A one-line progress bar on stderr for long work; redraws at most ten times a second. */
final class ProgressBar implements IntConsumer {
  private static final int WIDTH = 30;
  private final String label;
  private final int total;
  private final PrintStream err;
  private final long start = System.nanoTime();
  private long lastDraw;

  ProgressBar(String label, int total) {
    this.label = label;
    this.total = Math.max(1, total);
    this.err = System.err;
  }

  @Override
  public void accept(int done) {
    long now = System.nanoTime();
    if (done < total && now - lastDraw < 100_000_000L) {
      return;
    }
    lastDraw = now;
    int filled = (int) ((long) WIDTH * Math.min(done, total) / total);
    err.printf("\r%-28s [%s%s] %d/%d  %.1fs", label, "#".repeat(filled), ".".repeat(WIDTH - filled),
        done, total, (now - start) / 1e9);
    if (done >= total) {
      err.println();
    }
    err.flush();
  }
}
