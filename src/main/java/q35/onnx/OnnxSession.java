package q35.onnx;

import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * One exported graph loaded into ONNX Runtime (CPU), run with named inputs. Graph optimization
 * is ONNX Runtime's "basic" level by default, the level GroqFlow's own ONNX optimization step
 * applies before it compiles (spec/groq.md); {@code -Dq35.onnx.optimization=none|basic|all}
 * chooses another. One intra-op thread: the products are exact or elementwise, so threads
 * change no result, and the machine is small.
 */
public final class OnnxSession implements AutoCloseable {

  /** The optimization levels a session can use. */
  public enum Optimization {
    NONE(OrtSession.SessionOptions.OptLevel.NO_OPT),
    BASIC(OrtSession.SessionOptions.OptLevel.BASIC_OPT),
    ALL(OrtSession.SessionOptions.OptLevel.ALL_OPT);

    final OrtSession.SessionOptions.OptLevel level;

    Optimization(OrtSession.SessionOptions.OptLevel level) {
      this.level = level;
    }

    /** The level named by {@code -Dq35.onnx.optimization}, basic by default. */
    public static Optimization fromProperty() {
      return valueOf(System.getProperty("q35.onnx.optimization", "basic")
          .toUpperCase(Locale.ROOT));
    }
  }

  private final OrtSession session;

  /** Loads {@code model} at the level of {@code -Dq35.onnx.optimization}. */
  public OnnxSession(ModelProto model) {
    this(model, Optimization.fromProperty());
  }

  /** Loads {@code model} at {@code optimization}. */
  public OnnxSession(ModelProto model, Optimization optimization) {
    try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
      options.setOptimizationLevel(optimization.level);
      options.setIntraOpNumThreads(1);
      options.setInterOpNumThreads(1);
      this.session = environment().createSession(model.toByteArray(), options);
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime refused the exported graph: "
          + e.getMessage(), e);
    }
  }

  /** ONNX Runtime's process-wide environment (loads its native library on first use). */
  static OrtEnvironment environment() {
    return OrtEnvironment.getEnvironment();
  }

  /** An int8 tensor. */
  public static OnnxTensor int8(byte[] v, long... shape) {
    try {
      return OnnxTensor.createTensor(environment(), ByteBuffer.wrap(v), shape,
          ai.onnxruntime.OnnxJavaType.INT8);
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A float32 tensor. */
  public static OnnxTensor float32(float[] v, long... shape) {
    try {
      return OnnxTensor.createTensor(environment(), FloatBuffer.wrap(v), shape);
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An int32 tensor. */
  public static OnnxTensor int32(int[] v, long... shape) {
    try {
      return OnnxTensor.createTensor(environment(), IntBuffer.wrap(v), shape);
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The outputs of one run, copied out of ONNX Runtime, by name. */
  public record Outputs(Map<String, Object> values) {
    /** A float output. */
    public float[] floats(String name) {
      return (float[]) get(name);
    }

    /** An int32 output. */
    public int[] ints(String name) {
      return (int[]) get(name);
    }

    /** An int8 output. */
    public byte[] bytes(String name) {
      return (byte[]) get(name);
    }

    private Object get(String name) {
      Object v = values.get(name);
      if (v == null) {
        throw new IllegalStateException("the graph has no output " + name);
      }
      return v;
    }
  }

  /** Runs the graph; closes the input tensors. */
  public Outputs run(Map<String, OnnxTensor> inputs) {
    try (OrtSession.Result r = session.run(inputs)) {
      Map<String, Object> out = new LinkedHashMap<>();
      for (Map.Entry<String, OnnxValue> e : r) {
        out.put(e.getKey(), copy((OnnxTensor) e.getValue()));
      }
      return new Outputs(out);
    } catch (OrtException e) {
      throw new IllegalStateException("ONNX Runtime failed: " + e.getMessage(), e);
    } finally {
      for (OnnxTensor t : inputs.values()) {
        t.close();
      }
    }
  }

  private static Object copy(OnnxTensor t) {
    switch (t.getInfo().type) {
      case FLOAT: {
        FloatBuffer b = t.getFloatBuffer();
        float[] a = new float[b.remaining()];
        b.get(a);
        return a;
      }
      case INT32: {
        IntBuffer b = t.getIntBuffer();
        int[] a = new int[b.remaining()];
        b.get(a);
        return a;
      }
      case INT8: {
        ByteBuffer b = t.getByteBuffer();
        byte[] a = new byte[b.remaining()];
        b.get(a);
        return a;
      }
      default:
        throw new IllegalStateException("unexpected output type " + t.getInfo().type);
    }
  }

  @Override
  public void close() {
    try {
      session.close();
    } catch (OrtException e) {
      throw new IllegalStateException(e);
    }
  }
}
