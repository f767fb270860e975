package q35.container;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Writes a file so that its path holds either the complete previous file or the complete new one,
 * whatever happens to the writing process (spec/container.md section 5): the bytes go to a
 * temporary {@code .NAME.RANDOM.tmp} in the same folder, created with the process's umask and
 * locked while it is written; then fsync, an atomic rename over {@code NAME}, and an fsync of
 * the folder. A temporary left by a writer that was killed (its lock died with it) is deleted by
 * the next write of the same {@code NAME}; a locked one belongs to a live writer and is left
 * alone.
 */
final class AtomicFile {
  static final String SUFFIX = ".tmp";

  /** Temporaries this JVM is writing (a lock of our own cannot be told apart by tryLock). */
  private static final Set<Path> IN_PROGRESS = ConcurrentHashMap.newKeySet();

  private AtomicFile() {}

  /** What to write into the open, empty temporary file. */
  interface Body {
    void write(FileChannel ch) throws IOException;
  }

  static void write(Path out, Body body) throws IOException {
    Path target = out.toAbsolutePath();
    Path dir = target.getParent();
    Path name = target.getFileName();
    if (dir == null || name == null) {
      throw new IOException(out + ": not a file path");
    }
    Files.createDirectories(dir);
    String prefix = "." + name + ".";
    removeStale(dir, prefix);
    Path tmp = dir.resolve(prefix + Long.toHexString(ThreadLocalRandom.current().nextLong())
        + SUFFIX);
    IN_PROGRESS.add(tmp);
    boolean moved = false;
    try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW,
        StandardOpenOption.WRITE)) {
      // held until the channel closes, after the rename (closing releases it)
      FileLock lock = ch.lock();
      assert lock.isValid();
      body.write(ch);
      ch.force(true);
      // Renamed while still locked, so no other writer's clean-up can take it for stale.
      Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      moved = true;
    } finally {
      IN_PROGRESS.remove(tmp);
      if (!moved) {
        Files.deleteIfExists(tmp);
      }
    }
    syncDirectory(dir);
  }

  /** Deletes the unlocked temporaries of {@code prefix} (left by writers that died). */
  static int removeStale(Path dir, String prefix) throws IOException {
    int removed = 0;
    try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
      for (Path p : s) {
        Path n = p.getFileName();
        String f = n == null ? "" : n.toString();
        if (!f.startsWith(prefix) || !f.endsWith(SUFFIX) || IN_PROGRESS.contains(p)
            || !Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) {
          continue;
        }
        try (FileChannel c = FileChannel.open(p, StandardOpenOption.WRITE)) {
          FileLock l = c.tryLock();
          if (l != null) {
            Files.deleteIfExists(p);
            l.release();
            removed++;
          }
        } catch (OverlappingFileLockException | IOException e) {
          // held by a live writer, or gone already: not ours to remove
        }
      }
    }
    return removed;
  }

  /** Makes the rename durable; a file system that cannot sync a folder is left as it is. */
  private static void syncDirectory(Path dir) {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // not supported here (some file systems refuse to open a folder for syncing)
    }
  }
}
