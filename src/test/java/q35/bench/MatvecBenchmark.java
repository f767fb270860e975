package q35.bench;

import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import q35.backend.Backend;
import q35.backend.Backends;
import q35.backend.FloatMatvec;
import q35.backend.PreparedMatrix;
import q35.quant.QuantizedMatrix;
import q35.quant.WeightFormat;

/**
 * JMH micro-benchmarks of one mat-vec (one activation row) per format and backend: the fast
 * backend's packed SIMD loops, the verified kernel (reference), and the fast backend's float32
 * mat-vec. A benchmark, never a test: run it by hand (README, "Speed"). Time per product;
 * G multiply-adds/s = rows * cols / time. The matrix here fits in the last-level cache for the
 * smaller shapes: {@code q35 bench matvec} measures products with weights streamed from DRAM.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "-Xmx4g"})
public class MatvecBenchmark {

  /** A weight format name (WeightFormat.parse), or f32 for the float32 mat-vec. */
  @Param({"q35", "q35-g32", "int4", "int4-g32", "q8", "f32"})
  public String format;

  /** fast or reference. */
  @Param({"fast"})
  public String backend;

  @Param({"1"})
  public int threads;

  @Param({"4096"})
  public int rows;

  @Param({"4096"})
  public int cols;

  private PreparedMatrix prepared;
  private FloatMatvec floatMatvec;
  private float[] w;
  private float[] x;
  private byte[] xq;
  private final float[] xScales = {1f / 127};
  private float[] y;

  @Setup(Level.Trial)
  public void setUp() {
    Random r = new Random(1);
    w = new float[rows * cols];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (r.nextGaussian() * 0.02);
    }
    x = new float[cols];
    xq = new byte[cols];
    for (int i = 0; i < cols; i++) {
      xq[i] = (byte) (r.nextInt(255) - 127);
      x[i] = xq[i] / 127f;
    }
    y = new float[rows];
    Backend b = Backends.named(backend).withThreads(threads);
    WeightFormat wf = WeightFormat.parse(format);
    if (wf.kind() == WeightFormat.Kind.F32) {
      floatMatvec = b.floatBaseline();
      if (floatMatvec == null) {
        throw new IllegalStateException(backend + " has no float32 mat-vec");
      }
    } else {
      prepared = b.prepare(QuantizedMatrix.quantize(wf, w, rows, cols));
    }
  }

  @TearDown(Level.Trial)
  public void tearDown() {
    if (prepared != null) {
      prepared.close();
    }
  }

  /** One product y = W x from int8 activation codes (float32: from the floats). */
  @Benchmark
  public float[] matvec() {
    if (floatMatvec != null) {
      floatMatvec.apply(w, rows, cols, x, y);
    } else {
      prepared.multiply(1, xq, xScales, y);
    }
    return y;
  }
}
