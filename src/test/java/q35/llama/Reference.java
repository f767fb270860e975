package q35.llama;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/** Reads the run.c reference data in src/test/resources/q35/reference (see the README there). */
final class Reference {
  private Reference() {}

  static List<String> lines(String name) throws IOException {
    try (InputStream in = Reference.class.getResourceAsStream("/q35/reference/" + name)) {
      if (in == null) {
        throw new IOException("missing test resource " + name);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      List<String> out = new ArrayList<>();
      for (String l : text.split("\n")) {
        if (!l.isBlank()) {
          out.add(l.trim());
        }
      }
      return out;
    }
  }

  /** The ints after the label word of the line that starts with {@code label}. */
  static int[] ints(String name, String label) throws IOException {
    for (String l : lines(name)) {
      String[] f = l.split(" ");
      if (f[0].equals(label)) {
        return Arrays.stream(f, 1, f.length).mapToInt(Integer::parseInt).toArray();
      }
    }
    throw new IOException(name + " has no line " + label);
  }

  /** Logit vectors: row = {position, logits...}. */
  static List<float[]> logits(String name) throws IOException {
    List<float[]> out = new ArrayList<>();
    for (String l : lines(name)) {
      String[] f = l.split(" ");
      float[] row = new float[f.length];
      for (int i = 0; i < f.length; i++) {
        row[i] = Float.parseFloat(f[i]);
      }
      out.add(row);
    }
    return out;
  }
}
