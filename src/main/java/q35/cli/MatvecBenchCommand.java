package q35.cli;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.Callable;
import org.checkerframework.checker.nullness.qual.Nullable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import q35.backend.Backend;
import q35.backend.Backends;
import q35.backend.FloatMatvec;
import q35.backend.PreparedMatrix;
import q35.quant.QuantizedMatrix;
import q35.quant.WeightFormat;

/**
 * {@code q35 bench matvec}: matrix-vector products (one activation row) per second of each
 * weight format on one backend, 1 and 2 threads, measured side by side: rounds interleave the
 * formats, so machine noise hits them alike. Each format cycles through enough copies of its
 * matrix that the weights read per product come from DRAM, not from the last-level cache.
 */
@Command(
    name = "matvec",
    mixinStandardHelpOptions = true,
    description = "G multiply-adds/s and GB/s of weight bytes of one mat-vec per format (and"
        + " float32), measured side by side; prints medians and ratios.")
final class MatvecBenchCommand implements Callable<Integer> {

  @Option(names = "--rows", defaultValue = "16384", description = "Outputs n (default:"
      + " ${DEFAULT-VALUE}).")
  int rows = 16384;

  @Option(names = "--cols", defaultValue = "4096", description = "Inputs k (default:"
      + " ${DEFAULT-VALUE}).")
  int cols = 4096;

  @Option(names = "--formats", defaultValue = "q35,q35-g32,int4,int4-g32,q8,f32",
      description = "Formats, f32 being the backend's float32 mat-vec (default:"
          + " ${DEFAULT-VALUE}).")
  String formats = "q35,q35-g32,int4,int4-g32,q8,f32";

  @Option(names = "--batch", paramLabel = "M", defaultValue = "1", description = "Activation"
      + " rows per product, as in prefill (default: ${DEFAULT-VALUE}: decoding); float32 runs"
      + " its rows one by one.")
  int batch = 1;

  @Option(names = "--threads", defaultValue = "1,2", split = ",", description = "Thread counts"
      + " (default: ${DEFAULT-VALUE}).")
  int[] threads = {1, 2};

  @Option(names = "--rounds", defaultValue = "9", description = "Measured rounds, after 2"
      + " warm-up rounds (default: ${DEFAULT-VALUE}).")
  int rounds = 9;

  @Option(names = "--working-set", paramLabel = "MiB", defaultValue = "640", description =
      "Weight bytes each format cycles through, in MiB: more than the last-level cache, so"
          + " weights stream from DRAM (default: ${DEFAULT-VALUE}).")
  long workingSetMiB = 640;

  @Option(names = "--backend", paramLabel = "NAME", defaultValue = "fast", description =
      "Backend (default: ${DEFAULT-VALUE}).")
  String backendName = "fast";

  @Option(names = "--llama7b-layers", paramLabel = "L", defaultValue = "0", description =
      "Instead of one matrix: L distinct layers shaped like Llama-2-7B's (dim 4096, hidden"
          + " 11008: wq, wk, wv, wo, w1, w3, w2), random weights quantized row block by row"
          + " block; times whole layer passes (one token) per format and reports tokens/s of"
          + " the L layers and of 32 such layers (default: ${DEFAULT-VALUE}: off).")
  int llamaLayers = 0;

  /** Llama-2-7B's linear layers of one transformer layer: outputs, inputs. */
  private static final int[][] LLAMA7B = {
      {4096, 4096}, {4096, 4096}, {4096, 4096}, {4096, 4096}, {11008, 4096}, {11008, 4096},
      {4096, 11008}};

  /** One format's matrices (copies of one matrix) and how it runs one product. */
  private static final class Subject {
    final String name;
    final long weightBytes;
    final List<PreparedMatrix> prepared = new ArrayList<>();
    final List<float[]> floats = new ArrayList<>();
    @Nullable FloatMatvec floatMatvec;
    int next;
    int reps = 1;
    final double[] seconds;

    Subject(String name, long weightBytes, int rounds) {
      this.name = name;
      this.weightBytes = weightBytes;
      this.seconds = new double[rounds];
    }

    int copies() {
      return Math.max(prepared.size(), floats.size());
    }

    /** One product of m activation rows on the next copy. */
    void runOnce(int m, int n, int k, byte[] xq, float[] xScales, float[] x, float[] y) {
      int c = next;
      next = (next + 1) % copies();
      FloatMatvec f = floatMatvec;
      if (f != null) {
        for (int r = 0; r < m; r++) {
          f.apply(floats.get(c), n, k, x, y);
        }
      } else {
        prepared.get(c).multiply(m, xq, xScales, y);
      }
    }
  }

  @Override
  public Integer call() {
    Backend base;
    List<WeightFormat> formatList;
    try {
      base = Backends.named(backendName);
      formatList = WeightFormat.parseList(formats);
    } catch (IllegalArgumentException e) {
      System.err.println("bench matvec: " + e.getMessage());
      return 2;
    }
    if (rows < 1 || cols < 1 || rounds < 1 || batch < 1 || threads.length == 0
        || Arrays.stream(threads).anyMatch(t -> t < 1)) {
      System.err.println("bench matvec: --rows, --cols, --rounds, --batch and --threads must be"
          + " >= 1");
      return 2;
    }
    if (llamaLayers > 0) {
      return layers(base, formatList);
    }
    int n = rows;
    int k = cols;
    long need = heapNeeded(n, k, formatList);
    long max = Runtime.getRuntime().maxMemory();
    if (need > max * 9 / 10) {
      System.err.printf(Locale.ROOT, "bench matvec: the matrices need about %d MiB of heap (%d"
          + " MiB of weights per format and the float matrix), this JVM has %d MiB; lower"
          + " --working-set or --formats, or raise the heap (Q35_JAVA_OPTS=-Xmx...)%n",
          need >> 20, workingSetMiB, max >> 20);
      return 2;
    }
    Random random = new Random(42);
    float[] w = new float[Math.multiplyExact(n, k)];
    for (int i = 0; i < w.length; i++) {
      w[i] = weight(random);
    }
    byte[] xq = new byte[batch * k];
    float[] x = new float[k];
    for (int i = 0; i < xq.length; i++) {
      xq[i] = (byte) (random.nextInt(255) - 127);
      if (i < k) {
        x[i] = xq[i] / 127f;
      }
    }
    float[] xScales = new float[batch];
    Arrays.fill(xScales, 1f / 127);
    float[] y = new float[batch * n];
    System.out.printf(Locale.ROOT, "bench matvec: %d x %d (%.1f M weights), %d activation"
        + " row%s per product, backend %s, Java %s, %d cores, %d MiB working set per format, %d"
        + " rounds interleaved (after 2 warm-up)%n", n, k, n * (double) k / 1e6, batch,
        batch == 1 ? "" : "s", base.name(), System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(), workingSetMiB, rounds);
    for (int t : threads) {
      Backend b = base.withThreads(t);
      List<Subject> subjects = new ArrayList<>();
      for (WeightFormat wf : formatList) {
        subjects.add(subject(b, wf, w, n, k));
      }
      measure(subjects, n, k, xq, xScales, x, y);
      print(subjects, batch, n, k, b, t);
      for (Subject s : subjects) {
        s.prepared.forEach(PreparedMatrix::close);
      }
    }
    return 0;
  }

  private Subject subject(Backend b, WeightFormat wf, float[] w, int n, int k) {
    long bytes;
    Subject s;
    if (wf.kind() == WeightFormat.Kind.F32) {
      FloatMatvec f = b.floatBaseline();
      if (f == null) {
        throw new IllegalArgumentException("backend " + b.name() + " has no float32 mat-vec");
      }
      bytes = 4L * w.length;
      s = new Subject("f32", bytes, rounds);
      s.floatMatvec = f;
      s.floats.add(w);
      for (int c = 1; c < copies(bytes); c++) {
        s.floats.add(w.clone());
      }
      return s;
    }
    QuantizedMatrix q = QuantizedMatrix.quantize(wf, w, n, k);
    bytes = q.packed().length + 4L * q.scales().length + 4L * q.offsets().length;
    s = new Subject(wf.toString(), bytes, rounds);
    s.prepared.add(b.prepare(q));
    for (int c = 1; c < copies(bytes); c++) {
      s.prepared.add(b.prepare(new QuantizedMatrix(q.kind(), n, k, q.groupSize(),
          q.packed().clone(), q.scales().clone(), q.offsets().clone())));
    }
    return s;
  }

  /**
   * Heap the single-matrix run holds at once: the float matrix, every format's copies, and one
   * more copy of the largest being prepared.
   */
  private long heapNeeded(int n, int k, List<WeightFormat> formatList) {
    long total = 4L * n * k;
    long largest = 0;
    for (WeightFormat wf : formatList) {
      long bytes = wf.storedBytes(n, k);
      total += copies(bytes) * bytes;
      largest = Math.max(largest, bytes);
    }
    return total + largest;
  }

  /** A random weight, uniform in [-0.04, 0.04): speed does not depend on the values. */
  private static float weight(Random random) {
    return (random.nextFloat() - 0.5f) * 0.08f;
  }

  /** Copies of a matrix of {@code bytes} that fill the working set (at least one). */
  private int copies(long bytes) {
    return (int) Math.max(1, Math.min(1024, ((workingSetMiB << 20) + bytes - 1) / bytes));
  }

  private void measure(List<Subject> subjects, int n, int k, byte[] xq, float[] xScales,
      float[] x, float[] y) {
    for (int r = -2; r < rounds; r++) {
      for (Subject s : subjects) {
        long t0 = System.nanoTime();
        for (int i = 0; i < s.reps; i++) {
          s.runOnce(batch, n, k, xq, xScales, x, y);
        }
        double sec = (System.nanoTime() - t0) / 1e9;
        if (r < 0) {
          // warm-up: enough products for about 0.2 s and at least one pass over the copies
          double each = sec / s.reps;
          s.reps = (int) Math.max(s.copies(), Math.min(100_000, Math.ceil(0.2 / each)));
        } else {
          s.seconds[r] = sec / s.reps;
        }
      }
    }
  }

  private static void print(List<Subject> subjects, int m, int n, int k, Backend b, int t) {
    System.out.printf(Locale.ROOT, "%n%d thread%s (%s)%n", t, t == 1 ? "" : "s", b.description());
    double int4 = Double.NaN;
    double f32 = Double.NaN;
    for (Subject s : subjects) {
      if (s.name.equals("int4")) {
        int4 = median(s.seconds);
      } else if (s.name.equals("f32")) {
        f32 = median(s.seconds);
      }
    }
    System.out.println("| format | bits/weight | copies | median us | min us | G MAC/s | GB/s"
        + " weights | speed vs int4 | speed vs f32 |");
    System.out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    double macs = (double) m * n * k;
    for (Subject s : subjects) {
      double med = median(s.seconds);
      double min = Arrays.stream(s.seconds).min().orElse(Double.NaN);
      System.out.printf(Locale.ROOT, "| %s | %.3f | %d | %.0f | %.0f | %.2f | %.2f | %s | %s"
          + " |%n", s.name, 8.0 * s.weightBytes * m / macs, s.copies(), med * 1e6, min * 1e6,
          macs / med / 1e9, s.weightBytes / med / 1e9, ratio(int4, med), ratio(f32, med));
    }
  }

  /** How many times faster than a baseline's median a median is; "n/a" if it was not run. */
  private static String ratio(double baseline, double median) {
    return Double.isNaN(baseline) ? "n/a" : String.format(Locale.ROOT, "%.2f", baseline / median);
  }

  /** The 7B-shaped layer set: one token = every matrix of every layer once, in order. */
  private int layers(Backend base, List<WeightFormat> formatList) {
    System.out.printf(Locale.ROOT, "bench matvec --llama7b-layers %d: %d distinct layers of"
        + " Llama-2-7B's shapes, backend %s, Java %s, %d cores, %d rounds interleaved (after 2"
        + " warm-up)%n", llamaLayers, llamaLayers, base.name(), System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(), rounds);
    long macsPerLayer = 0;
    for (int[] shape : LLAMA7B) {
      macsPerLayer += (long) shape[0] * shape[1];
    }
    List<String> names = new ArrayList<>();
    List<List<QuantizedMatrix>> stored = new ArrayList<>();
    List<Long> bytes = new ArrayList<>();
    for (WeightFormat wf : formatList) {
      if (wf.kind() == WeightFormat.Kind.F32) {
        continue; // 3.2 GB of float32 per 4 layers: not held here
      }
      long t0 = System.nanoTime();
      List<QuantizedMatrix> set = new ArrayList<>();
      long total = 0;
      Random random = new Random(7);
      for (int l = 0; l < llamaLayers; l++) {
        for (int[] shape : LLAMA7B) {
          QuantizedMatrix q = streamed(wf, shape[0], shape[1], random);
          total += q.packed().length + 4L * q.scales().length + 4L * q.offsets().length;
          set.add(q);
        }
      }
      System.out.printf(Locale.ROOT, "  %s: %.0f MB of weights quantized in %.1f s%n", wf,
          total / 1e6, (System.nanoTime() - t0) / 1e9);
      names.add(wf.toString());
      stored.add(set);
      bytes.add(total);
    }
    for (int t : threads) {
      Backend b = base.withThreads(t);
      List<List<PreparedMatrix>> sets = new ArrayList<>();
      for (List<QuantizedMatrix> set : stored) {
        List<PreparedMatrix> prepared = new ArrayList<>();
        for (QuantizedMatrix q : set) {
          prepared.add(b.prepare(q));
        }
        sets.add(prepared);
      }
      double[][] seconds = new double[names.size()][rounds];
      byte[] xq = new byte[11008];
      Random random = new Random(3);
      for (int i = 0; i < xq.length; i++) {
        xq[i] = (byte) (random.nextInt(255) - 127);
      }
      float[] xScales = {1f / 127};
      byte[] xq4096 = java.util.Arrays.copyOf(xq, 4096);
      float[] y = new float[11008];
      float[] y4096 = new float[4096];
      int tokens = 3;
      for (int r = -2; r < rounds; r++) {
        for (int i = 0; i < sets.size(); i++) {
          long t0 = System.nanoTime();
          for (int token = 0; token < tokens; token++) {
            for (PreparedMatrix p : sets.get(i)) {
              p.multiply(1, p.cols() == xq.length ? xq : xq4096, xScales,
                  p.rows() == y.length ? y : y4096);
            }
          }
          if (r >= 0) {
            seconds[i][r] = (System.nanoTime() - t0) / 1e9 / tokens;
          }
        }
      }
      System.out.printf(Locale.ROOT, "%n%d thread%s (%s)%n", t, t == 1 ? "" : "s",
          b.description());
      System.out.println("| format | weight MB (" + llamaLayers + " layers) | median ms per"
          + " token | tok/s, " + llamaLayers + " layers | tok/s, 32 layers (scaled) | G MAC/s |"
          + " GB/s weights |");
      System.out.println("| --- | --- | --- | --- | --- | --- | --- |");
      for (int i = 0; i < names.size(); i++) {
        double med = median(seconds[i]);
        double macs = (double) macsPerLayer * llamaLayers;
        System.out.printf(Locale.ROOT, "| %s | %.0f | %.1f | %.2f | %.3f | %.2f | %.2f |%n",
            names.get(i), bytes.get(i) / 1e6, med * 1e3, 1 / med, llamaLayers / (32 * med),
            macs / med / 1e9, bytes.get(i) / med / 1e9);
      }
      for (List<PreparedMatrix> set : sets) {
        set.forEach(PreparedMatrix::close);
      }
    }
    return 0;
  }

  /**
   * An n x k matrix of random weights quantized 256 rows at a time (rows are quantized
   * independently, so this equals quantizing the whole float matrix, which is never held).
   */
  private static QuantizedMatrix streamed(WeightFormat wf, int n, int k, Random random) {
    int block = 256;
    int g = wf.groupFor(k);
    int groups = (k + g - 1) / g;
    long rowBytes = wf.rowBytes(k);
    byte[] packed = new byte[Math.toIntExact(n * rowBytes)];
    float[] scales = new float[n * groups];
    float[] offsets = new float[n * groups];
    float[] w = new float[block * k];
    for (int j = 0; j < n; j += block) {
      int count = Math.min(block, n - j);
      float[] chunk = count == block ? w : new float[count * k];
      for (int i = 0; i < chunk.length; i++) {
        chunk[i] = weight(random);
      }
      QuantizedMatrix q = QuantizedMatrix.quantize(wf, chunk, count, k);
      System.arraycopy(q.packed(), 0, packed, Math.toIntExact(j * rowBytes),
          q.packed().length);
      System.arraycopy(q.scales(), 0, scales, j * groups, q.scales().length);
      System.arraycopy(q.offsets(), 0, offsets, j * groups, q.offsets().length);
    }
    return new QuantizedMatrix(wf.kind(), n, k, g, packed, scales, offsets);
  }

  private static double median(double[] v) {
    return BenchCommand.median(v);
  }
}
