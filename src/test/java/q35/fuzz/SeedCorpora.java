package q35.fuzz;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import q35.container.Q35Container;
import q35.model.LlamaConfig;
import q35.model.LlamaWeights;
import q35.model.Llama2cTokenizerReader;
import q35.model.Llama2cWriter;
import q35.model.ModelFormatException;
import q35.model.TinyModels;
import q35.model.Vocabulary;
import q35.quant.WeightFormat;

/**
 * Writes the seed corpora of the reader fuzz tests (src/test/resources/.../*FuzzTestInputs/):
 * micro models written by the project's own writers ("valid-" seeds, which must read) and
 * crafted hostile headers ("hostile-" seeds). No model file from elsewhere is copied; the vector
 * seeds are small cuts of the project's own spec/vectors files.
 *
 * <p>Regenerate: {@code mvn -o -q test-compile && java -cp "target/test-classes:target/classes:$(cat
 * target/cp.txt)" q35.fuzz.SeedCorpora} (cp.txt from {@code mvn dependency:build-classpath
 * -Dmdep.outputFile=target/cp.txt}). {@code SeedCorporaTest} checks that the committed valid
 * seeds still read.
 */
public final class SeedCorpora {
  private SeedCorpora() {}

  /** The resource folder Jazzer replays for a fuzz test method. */
  public static Path inputs(Path resources, Class<?> c, String method) {
    return resources.resolve(c.getPackageName().replace('.', '/'))
        .resolve(c.getSimpleName() + "Inputs").resolve(method);
  }

  /** A micro model: dim 8, hidden 8, 1 layer, 2 heads, 1 KV head, 8 tokens, seqLen 4. */
  public static LlamaWeights micro(long seed, boolean shared) throws ModelFormatException {
    LlamaConfig c = new LlamaConfig(8, 8, 1, 2, 1, 8, 4, shared);
    Random r = new Random(seed);
    int d = c.dim();
    int kv = c.kvDim();
    int h = c.hiddenDim();
    float[] emb = fill(r, c.vocabSize() * d);
    return new LlamaWeights(c, emb, layer(r, d), layer(r, d * d), layer(r, kv * d),
        layer(r, kv * d), layer(r, d * d), layer(r, d), layer(r, h * d), layer(r, d * h),
        layer(r, h * d), fill(r, d), shared ? emb : fill(r, c.vocabSize() * d), "micro");
  }

  private static float[] fill(Random r, int n) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (r.nextInt(129) - 64) / 64f; // exact in F16 and BF16
    }
    return a;
  }

  private static float[][] layer(Random r, int n) {
    return new float[][] {fill(r, n)};
  }

  static byte[] le(int... ints) {
    ByteBuffer b = ByteBuffer.allocate(4 * ints.length).order(ByteOrder.LITTLE_ENDIAN);
    for (int i : ints) {
      b.putInt(i);
    }
    return b.array();
  }

  static byte[] concat(byte[]... parts) {
    int n = 0;
    for (byte[] p : parts) {
      n += p.length;
    }
    byte[] out = new byte[n];
    int at = 0;
    for (byte[] p : parts) {
      System.arraycopy(p, 0, out, at, p.length);
      at += p.length;
    }
    return out;
  }

  /** Every seed, by fuzz test: folder (class, method) to file name to bytes. */
  public static Map<String, Map<String, byte[]>> all(Path projectDir) throws IOException {
    Map<String, Map<String, byte[]>> all = new LinkedHashMap<>();
    LlamaWeights shared = micro(1, true);
    LlamaWeights unshared = micro(2, false);

    Map<String, byte[]> llama2c = new LinkedHashMap<>();
    llama2c.put("valid-shared.bin", Llama2cWriter.toBytes(shared));
    llama2c.put("valid-unshared.bin", Llama2cWriter.toBytes(unshared));
    llama2c.put("hostile-2pow30-layers.bin", le(8, 8, 1 << 30, 2, 1, 8, 4));
    llama2c.put("hostile-min-vocab.bin", le(8, 8, 1, 2, 1, Integer.MIN_VALUE, 4));
    llama2c.put("hostile-truncated.bin", Arrays.copyOf(Llama2cWriter.toBytes(shared), 100));
    all.put("q35.model.Llama2cModelFuzzTest#read", llama2c);

    Map<String, byte[]> tok = new LinkedHashMap<>();
    byte[] tokFile = TinyModels.tokenizerBytes(8);
    tok.put("valid-8-tokens.bin", concat(le(8), tokFile));
    tok.put("hostile-2pow31-1-tokens.bin", concat(le(Integer.MAX_VALUE), tokFile));
    tok.put("hostile-huge-token-length.bin", concat(le(1), le(4, 0, Integer.MAX_VALUE)));
    all.put("q35.model.Llama2cTokenizerFuzzTest#read", tok);

    Map<String, byte[]> gguf = new LinkedHashMap<>();
    gguf.put("valid-f32-vocab.gguf", TinyModels.ggufOf(unshared, 0, true));
    gguf.put("valid-f16.gguf", TinyModels.ggufOf(shared, 1, false));
    gguf.put("hostile-2pow62-kv.gguf", ggufHeader(0, 1L << 62));
    gguf.put("hostile-2pow62-string.gguf", concat(ggufHeader(0, 1), le64(1L << 62)));
    gguf.put("hostile-2pow31-u8-array.gguf", concat(ggufHeader(0, 1), le64(1), "a".getBytes(
        StandardCharsets.US_ASCII), le(9, 0), le64(1L << 31)));
    Map<String, Object[]> md = new LinkedHashMap<>();
    md.put("general.architecture", new Object[] {8, "llama"});
    md.put("llama.context_length", new Object[] {4, 4});
    md.put("llama.embedding_length", new Object[] {4, 8});
    md.put("llama.feed_forward_length", new Object[] {4, 8});
    md.put("llama.block_count", new Object[] {4, 1 << 30});
    md.put("llama.attention.head_count", new Object[] {4, 2});
    gguf.put("hostile-2pow30-layers.gguf", TinyModels.gguf(md, java.util.List.of(
        new TinyModels.GTensor("token_embd.weight", new long[] {8, 8}, 0, new float[64])), 32));
    all.put("q35.model.GgufFuzzTest#read", gguf);

    Map<String, byte[]> hf = new LinkedHashMap<>();
    String cfgShared = TinyModels.hfConfig(shared.config());
    hf.put("valid-f32-tied.hf", hfInput(cfgShared, TinyModels.hfSafetensors(shared, "F32")));
    hf.put("valid-bf16-untied.hf", hfInput(TinyModels.hfConfig(unshared.config()),
        TinyModels.hfSafetensors(unshared, "BF16")));
    hf.put("hostile-2pow30-layers.hf", hfInput(cfgShared.replace("\"num_hidden_layers\":1",
        "\"num_hidden_layers\":1073741824"), TinyModels.hfSafetensors(shared, "F32")));
    hf.put("hostile-2pow62-header.hf", hfInput(cfgShared, le64(1L << 62)));
    hf.put("hostile-2pow62-offsets.hf", hfInput(cfgShared, safetensorsHeader(
        "{\"a\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,4611686018427387904]}}")));
    all.put("q35.model.SafetensorsFuzzTest#read", hf);

    Map<String, byte[]> q35 = new LinkedHashMap<>();
    Path tmp = Files.createTempDirectory("q35-seeds");
    Vocabulary vocab = Llama2cTokenizerReader.read(tokFile, 8, "micro-tok");
    String[] formats = {"q35-g4", "int4", "q8-g2", "f32"};
    for (int i = 0; i < formats.length; i++) {
      Path out = tmp.resolve("m" + i + ".q35");
      LlamaWeights w = i % 2 == 0 ? shared : unshared;
      Q35Container.write(out, w, i == 0 ? vocab : null, WeightFormat.parse(formats[i]), i == 1,
          "micro", x -> { });
      q35.put("valid-" + formats[i] + ".q35", Files.readAllBytes(out));
      Files.delete(out);
    }
    Files.delete(tmp);
    ByteBuffer pre = ByteBuffer.allocate(64).order(ByteOrder.LITTLE_ENDIAN);
    pre.put("Q35MODEL".getBytes(StandardCharsets.US_ASCII)).putInt(1).putInt(0)
        .putLong(64).putLong(1L << 62);
    pre.putInt(36, Q35Container.crcOf(pre.array(), 36));
    q35.put("hostile-2pow62-header.q35", pre.array());
    all.put("q35.container.ContainerFuzzTest#read", q35);
    all.put("q35.container.ContainerFuzzTest#readWithChecksumsFixed", q35);

    Map<String, byte[]> vectors = new LinkedHashMap<>();
    Path dir = projectDir.resolve("spec/vectors");
    for (String f : new String[] {"pair_codes", "code_stream", "weight_quant",
        "activation_quant", "matvec"}) {
      vectors.put("valid-" + f + ".json", cut(Files.readAllBytes(dir.resolve(f + ".json")), 3));
    }
    vectors.put("hostile-2pow30-n.json", ("{\"numberOfTests\":1,\"testGroups\":[{\"type\":"
        + "\"CodeStreamTest\",\"tests\":[{\"tcId\":1,\"result\":\"invalid\",\"n\":1073741824,"
        + "\"packed\":\"\"}]}]}").getBytes(StandardCharsets.UTF_8));
    all.put("q35.conformance.VectorFileFuzzTest#run", vectors);
    return all;
  }

  static byte[] le64(long v) {
    return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(v).array();
  }

  static byte[] ggufHeader(long tensors, long kvs) {
    return concat(le(0x46554747, 3), le64(tensors), le64(kvs));
  }

  static byte[] hfInput(String config, byte[] safetensors) {
    byte[] c = config.getBytes(StandardCharsets.UTF_8);
    return concat(le(c.length), c, safetensors);
  }

  static byte[] safetensorsHeader(String json) {
    byte[] h = json.getBytes(StandardCharsets.UTF_8);
    return concat(le64(h.length), h);
  }

  /** A vector file with at most {@code keep} tests per group (numberOfTests adjusted). */
  static byte[] cut(byte[] file, int keep) {
    JsonObject root = com.google.gson.JsonParser.parseString(
        new String(file, StandardCharsets.UTF_8)).getAsJsonObject();
    int n = 0;
    for (var g : root.getAsJsonArray("testGroups")) {
      JsonArray tests = g.getAsJsonObject().getAsJsonArray("tests");
      JsonArray kept = new JsonArray();
      for (int i = 0; i < tests.size(); i++) {
        String s = tests.get(i).toString();
        if (kept.size() < keep && s.length() < 2000) {
          kept.add(tests.get(i));
        }
      }
      n += kept.size();
      g.getAsJsonObject().add("tests", kept);
    }
    root.addProperty("numberOfTests", n);
    return root.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** Writes every seed into {@code src/test/resources} of the project in the working directory. */
  public static void main(String[] args) throws IOException {
    Path project = Path.of(args.length > 0 ? args[0] : ".");
    Path resources = project.resolve("src/test/resources");
    for (Map.Entry<String, Map<String, byte[]>> e : all(project).entrySet()) {
      String[] cm = e.getKey().split("#");
      Path dir = resources.resolve(cm[0].replace('.', '/') + "Inputs").resolve(cm[1]);
      Files.createDirectories(dir);
      for (Map.Entry<String, byte[]> f : e.getValue().entrySet()) {
        Files.write(dir.resolve(f.getKey()), f.getValue());
      }
      System.out.println(dir + ": " + e.getValue().size() + " seeds");
    }
  }
}
