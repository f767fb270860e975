package q35.onnx;

import ai.onnx.proto.OnnxMl.AttributeProto;
import ai.onnx.proto.OnnxMl.GraphProto;
import ai.onnx.proto.OnnxMl.ModelProto;
import ai.onnx.proto.OnnxMl.NodeProto;
import ai.onnx.proto.OnnxMl.OperatorSetIdProto;
import ai.onnx.proto.OnnxMl.TensorProto;
import ai.onnx.proto.OnnxMl.TensorShapeProto;
import ai.onnx.proto.OnnxMl.TypeProto;
import ai.onnx.proto.OnnxMl.ValueInfoProto;
import com.google.protobuf.ByteString;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * Builds one ONNX graph through the ONNX schema's protobuf classes ({@code ai.onnx.proto.OnnxMl},
 * shipped by tribuo-util-onnx): initializers, nodes with generated output names, typed and
 * statically shaped inputs and outputs. Values are named {@code prefix_N} so that graphs read
 * well in Netron.
 */
final class Graph {

  /** The ONNX IR version written: 8 (ONNX 1.10), which every opset from 13 to 17 accepts. */
  static final long IR_VERSION = 8;
  /** The opsets this exporter writes (GroqFlow accepts 13 and up). */
  static final int MIN_OPSET = 13;
  static final int MAX_OPSET = 17;

  private final GraphProto.Builder g = GraphProto.newBuilder();
  private int counter;

  Graph(String name) {
    g.setName(name);
  }

  /** A fresh value name. */
  String fresh(String hint) {
    return hint + "_" + counter++;
  }

  /** Declares a graph input of a static shape. */
  String input(String name, TensorProto.DataType type, long... dims) {
    g.addInput(valueInfo(name, type, dims));
    return name;
  }

  /** Declares the value {@code value} as a graph output named {@code name}, via an Identity. */
  void output(String name, String value, TensorProto.DataType type, long... dims) {
    g.addNode(NodeProto.newBuilder().setOpType("Identity").setName(fresh("out"))
        .addInput(value).addOutput(name));
    g.addOutput(valueInfo(name, type, dims));
  }

  private static ValueInfoProto valueInfo(String name, TensorProto.DataType type, long... dims) {
    TensorShapeProto.Builder shape = TensorShapeProto.newBuilder();
    for (long d : dims) {
      shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
    }
    return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder()
        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(type.getNumber())
            .setShape(shape))).build();
  }

  private String init(String hint, TensorProto.DataType type, ByteBuffer raw, long... dims) {
    String name = fresh(hint);
    TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(type.getNumber())
        .setRawData(ByteString.copyFrom(raw.flip()));
    for (long d : dims) {
      t.addDims(d);
    }
    g.addInitializer(t);
    return name;
  }

  /** An int8 initializer (raw bytes, row-major). */
  String int8(String hint, byte[] v, long... dims) {
    return init(hint, TensorProto.DataType.INT8, ByteBuffer.allocate(v.length).put(v), dims);
  }

  /** A float32 initializer (little-endian raw data, as ONNX requires). */
  String float32(String hint, float[] v, long... dims) {
    ByteBuffer b = ByteBuffer.allocate(4 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (float f : v) {
      b.putFloat(f);
    }
    return init(hint, TensorProto.DataType.FLOAT, b, dims);
  }

  /** A float32 scalar initializer. */
  String scalar(String hint, float v) {
    return float32(hint, new float[] {v});
  }

  /** An int64 initializer: shapes, axes and indices (never a graph input). */
  String int64(String hint, long[] v, long... dims) {
    ByteBuffer b = ByteBuffer.allocate(8 * v.length).order(ByteOrder.LITTLE_ENDIAN);
    for (long x : v) {
      b.putLong(x);
    }
    return init(hint, TensorProto.DataType.INT64, b, dims);
  }

  /** A boolean initializer. */
  String bool(String hint, boolean[] v, long... dims) {
    ByteBuffer b = ByteBuffer.allocate(v.length);
    for (boolean x : v) {
      b.put((byte) (x ? 1 : 0));
    }
    return init(hint, TensorProto.DataType.BOOL, b, dims);
  }

  /** Adds a node with one output and returns its name. */
  String node(String op, String[] inputs, AttributeProto... attributes) {
    return nodeN(op, inputs, 1, attributes)[0];
  }

  /** Adds a node with {@code outputs} outputs and returns their names. */
  String[] nodeN(String op, String[] inputs, int outputs, AttributeProto... attributes) {
    NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(fresh(op));
    for (String in : inputs) {
      n.addInput(in);
    }
    String[] out = new String[outputs];
    for (int i = 0; i < outputs; i++) {
      out[i] = fresh(op.toLowerCase(java.util.Locale.ROOT));
      n.addOutput(out[i]);
    }
    for (AttributeProto a : attributes) {
      n.addAttribute(a);
    }
    g.addNode(n);
    return out;
  }

  static String[] in(String... names) {
    return names;
  }

  static AttributeProto attr(String name, long v) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT)
        .setI(v).build();
  }

  static AttributeProto attr(String name, long[] v) {
    AttributeProto.Builder a = AttributeProto.newBuilder().setName(name)
        .setType(AttributeProto.AttributeType.INTS);
    for (long x : v) {
      a.addInts(x);
    }
    return a.build();
  }

  /** The model: this graph at {@code opset} (13 to 17) of the default ONNX domain. */
  ModelProto model(int opset, String docString) {
    if (opset < MIN_OPSET || opset > MAX_OPSET) {
      throw new IllegalArgumentException("opset " + opset + " outside " + MIN_OPSET + ".."
          + MAX_OPSET);
    }
    return ModelProto.newBuilder().setIrVersion(IR_VERSION).setProducerName("q35")
        .setProducerVersion("0.1.0").setDocString(docString)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(opset))
        .setGraph(g).build();
  }
}
