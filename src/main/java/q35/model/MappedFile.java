package q35.model;

import java.io.Closeable;
import java.io.IOException;
import java.lang.reflect.Method;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.checkerframework.checker.nullness.qual.Nullable;

/**
 * A read-only file whose regions are memory-mapped one at a time, decoded, and unmapped at once,
 * so that reading a tensor costs its decoded array and at most {@link #WINDOW} bytes of mapped
 * pages, whatever the file's size (files beyond 2 GiB included). Unmapping uses the JDK's
 * {@code Unsafe.invokeCleaner} (as Lucene does on Java 17) when it is available; otherwise the
 * mapping goes when the buffer is collected. No mapped buffer escapes this class.
 */
public final class MappedFile implements Closeable {
  /** Largest region mapped at once. */
  public static final int WINDOW = 64 << 20;

  private final FileChannel channel;
  private final long size;
  private final String source;

  private MappedFile(FileChannel channel, long size, String source) {
    this.channel = channel;
    this.size = size;
    this.source = source;
  }

  public static MappedFile open(Path file) throws IOException {
    FileChannel ch = FileChannel.open(file, StandardOpenOption.READ);
    return new MappedFile(ch, ch.size(), file.toString());
  }

  public long size() {
    return size;
  }

  public String source() {
    return source;
  }

  /** The bytes [offset, offset + length), checked to lie in the file. */
  public byte[] bytes(long offset, int length, String what) throws IOException {
    check(offset, length, what);
    byte[] out = new byte[length];
    for (int done = 0; done < length; ) {
      int n = Math.min(WINDOW, length - done);
      MappedByteBuffer m = channel.map(FileChannel.MapMode.READ_ONLY, offset + done, n);
      m.get(out, done, n);
      unmap(m);
      done += n;
    }
    return out;
  }

  /**
   * {@code count} little-endian float32 values at {@code offset}, each checked finite (the
   * message names {@code what} and the index).
   */
  public float[] float32s(long offset, long count, String what) throws IOException {
    if (count < 0 || count > Integer.MAX_VALUE - 8) {
      throw new ModelFormatException(source + ": " + what + ": " + count + " elements");
    }
    check(offset, 4 * count, what);
    float[] out = new float[(int) count];
    int perWindow = WINDOW / 4;
    for (int done = 0; done < out.length; ) {
      int n = Math.min(perWindow, out.length - done);
      MappedByteBuffer m = channel.map(FileChannel.MapMode.READ_ONLY, offset + 4L * done, 4L * n);
      FloatBuffer f = m.order(ByteOrder.LITTLE_ENDIAN).asFloatBuffer();
      f.get(out, done, n);
      unmap(m);
      done += n;
    }
    Tensors.requireFinite(out, source + ": " + what);
    return out;
  }

  private void check(long offset, long length, String what) throws ModelFormatException {
    if (offset < 0 || length < 0 || offset > size - length) {
      throw new ModelFormatException(source + ": " + what + " [" + offset + ", +" + length
          + ") lies beyond the end of the file (" + size + " bytes)");
    }
  }

  @Override
  public void close() throws IOException {
    channel.close();
  }

  private static final @Nullable Object UNSAFE;
  private static final @Nullable Method INVOKE_CLEANER;

  static {
    @Nullable Object[] found = unsafeCleaner();
    UNSAFE = found[0];
    @Nullable Object m = found[1];
    INVOKE_CLEANER = m instanceof Method ? (Method) m : null;
  }

  /** {theUnsafe, its invokeCleaner method}, or {null, null} where the JDK has neither. */
  @SuppressWarnings("nullness") // Field.get takes null for a static field
  private static @Nullable Object[] unsafeCleaner() {
    try {
      Class<?> c = Class.forName("sun.misc.Unsafe");
      java.lang.reflect.Field f = c.getDeclaredField("theUnsafe");
      f.setAccessible(true);
      return new Object[] {f.get(null), c.getMethod("invokeCleaner", java.nio.ByteBuffer.class)};
    } catch (ReflectiveOperationException | RuntimeException e) {
      return new Object[] {null, null}; // mappings then go with garbage collection
    }
  }

  /** Unmaps {@code m} now; it must not be used afterwards. */
  private static void unmap(MappedByteBuffer m) {
    Object unsafe = UNSAFE;
    Method cleaner = INVOKE_CLEANER;
    if (unsafe != null && cleaner != null) {
      try {
        cleaner.invoke(unsafe, m);
      } catch (ReflectiveOperationException | RuntimeException e) {
        // left to garbage collection
      }
    }
  }
}
