package q35.report;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Path;
import q35.backend.Backend;
import q35.backend.Backends;
import q35.conformance.ConformanceRunner;

/**
 * The report's per-backend part: every backend on the class path runs the vectors
 * ({@code q35 conformance --backend NAME}), and the report says what else checks it.
 */
final class BackendConformance {

  private BackendConformance() {}

  /** What is verified for each backend beyond the vectors, in one sentence each. */
  static String verified(String name) {
    return switch (name) {
      case "reference" -> "the verified kernel itself (q35.kernel.QuantMatrix, Activations);"
          + " q8 on Q8Baseline's loops; the oracle of every other backend";
      case "onnx" -> "the Groq backend adapter's ONNX graph run by ONNX Runtime: equal to"
          + " reference bit for bit in BackendProperties (random shapes, every format and group"
          + " size, extreme codes); whole stories260K graph within spec/groq.md section 5"
          + " (LlamaGraphTest); export code mutation-tested (pit-adapter); nothing on Groq"
          + " hardware";
      case "fast" -> "packed SIMD tiles (Java Vector API) on the stored codes: equal to reference"
          + " bit for bit in BackendProperties, FastBackendProperties (several tiles, 1 to 3"
          + " threads) and FastEdgeCasesTest (extreme codes); tiles checked exhaustively against"
          + " the stored stream (TileLayoutTest); mutation-tested (pit-fast)";
      default -> "checked against reference by BackendProperties";
    };
  }

  /** {"reference": {"passed": .., "failed": .., "verified": ..}, ...}. */
  static JsonObject json(Path vectors) throws IOException {
    JsonObject o = new JsonObject();
    for (Backend b : Backends.all()) {
      JsonObject r = new JsonObject();
      String why = b.unavailableReason();
      if (why != null) {
        r.addProperty("status", "not run");
        r.addProperty("why", why);
      } else {
        ConformanceRunner.Report rep = ConformanceRunner.run(vectors, b);
        r.addProperty("status", rep.failed() == 0 ? "passed" : "failed");
        r.addProperty("passed", rep.passed());
        r.addProperty("failed", rep.failed());
      }
      r.addProperty("verified", verified(b.name()));
      o.add(b.name(), r);
    }
    return o;
  }

  /** Whether no backend failed. */
  static boolean allPassed(JsonObject backends) {
    for (var e : backends.entrySet()) {
      if (e.getValue().getAsJsonObject().get("status").getAsString().equals("failed")) {
        return false;
      }
    }
    return true;
  }

  /** The Markdown lines of the backends, under the conformance heading. */
  static String markdown(JsonObject conformance) {
    JsonElement b = conformance.get("backends");
    if (b == null) {
      return "";
    }
    StringBuilder s = new StringBuilder("| backend | vectors | also verified |\n| --- | --- | ---"
        + " |\n");
    for (var e : b.getAsJsonObject().entrySet()) {
      JsonObject r = e.getValue().getAsJsonObject();
      s.append("| `").append(e.getKey()).append("` | ")
          .append(r.has("passed") ? r.get("passed") + " passed, " + r.get("failed") + " failed"
              : r.get("status").getAsString())
          .append(" | ").append(r.get("verified").getAsString()).append(" |\n");
    }
    return s.append('\n').toString();
  }
}
