package q35.fast;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.IntConsumer;

/**
 * The threads that share a product's tiles: a pool of daemon threads kept between calls (so a
 * call costs a hand-over, not a thread start); the calling thread runs part 0 itself.
 */
final class Workers {

  private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "q35-fast");
    t.setDaemon(true);
    return t;
  });

  private Workers() {}

  /**
   * Runs {@code part.accept(i)} for every i in [0, parts), part 0 on this thread, the others
   * on the pool, and returns when all are done; rethrows the first failure.
   */
  static void run(int parts, IntConsumer part) {
    if (parts == 1) {
      part.accept(0);
      return;
    }
    Future<?>[] others = new Future<?>[parts - 1];
    for (int i = 1; i < parts; i++) {
      int id = i;
      others[i - 1] = POOL.submit(() -> part.accept(id));
    }
    Throwable failure = null;
    try {
      part.accept(0);
    } catch (RuntimeException | Error e) {
      failure = e;
    }
    boolean interrupted = false;
    for (Future<?> f : others) {
      while (true) {
        try {
          f.get();
          break;
        } catch (InterruptedException e) {
          interrupted = true; // the parts read shared buffers: wait for them all the same
        } catch (ExecutionException e) {
          if (failure == null) {
            failure = e.getCause();
          }
          break;
        }
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
    if (failure instanceof RuntimeException e) {
      throw e;
    }
    if (failure instanceof Error e) {
      throw e;
    }
    if (failure != null) {
      throw new IllegalStateException("a worker failed", failure);
    }
  }
}
