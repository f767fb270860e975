package q35.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.List;

/** README.md of the report, rendered from summary.json alone: the same content as index.html. */
final class ReportMarkdown {

  private ReportMarkdown() {}

  static String render(JsonObject s, String linkBase) {
    StringBuilder b = new StringBuilder();
    b.append("# q35 verification report\n\n").append(ReportHtml.provenance(s)).append("\n\n");
    b.append("## Summary\n\n| part | status | result | time of its run (UTC) |\n")
        .append("| --- | --- | --- | --- |\n");
    for (JsonElement e : s.getAsJsonArray("overview")) {
      JsonObject o = e.getAsJsonObject();
      b.append("| ").append(o.get("part").getAsString()).append(" | **")
          .append(o.get("status").getAsString()).append("** | ")
          .append(cell(o.get("result").getAsString())).append(" | ")
          .append(o.get("ranAt").getAsString()).append(" |\n");
    }
    methods(b, s, linkBase);
    b.append("\n## Which theorem each check backs\n\n| theorem (spec/error-bounds.md) |")
        .append(" methods whose every contract KeY proved in this run | tested by |\n")
        .append("| --- | --- | --- |\n");
    for (String[] t : ReportHtml.THEOREMS) {
      b.append("| ").append(t[0]).append(" | ").append(ReportHtml.provedOf(s, t[1]))
          .append(" | ").append(t[2]).append(" |\n");
    }
    checkers(b, s);
    JsonObject t = s.getAsJsonObject("tests");
    b.append("\n## Tests: ").append(t.get("status").getAsString()).append("\n\n")
        .append(ReportHtml.resultOrWhy(t))
        .append(t.has("note") ? " (" + t.get("note").getAsString() + ")" : "").append(".\n");
    mutation(b, s);
    JsonObject c = s.getAsJsonObject("conformance");
    b.append("\n## Conformance vectors: ").append(c.get("status").getAsString()).append("\n\n")
        .append(c.get("result").getAsString()).append(":\n\n");
    for (var e : c.getAsJsonObject("files").entrySet()) {
      b.append("- `").append(e.getKey()).append("`: ").append(e.getValue().getAsString())
          .append('\n');
    }
    b.append('\n').append(BackendConformance.markdown(c));
    JsonObject a = s.getAsJsonObject("accuracy");
    b.append("\n## Accuracy: ").append(a.get("status").getAsString()).append("\n\n")
        .append(ReportHtml.resultOrWhy(a)).append(".\n");
    if (a.has("rows")) {
      b.append('\n');
      for (AccuracyChart.Metric m : AccuracyChart.Metric.values()) {
        b.append("![").append(m.title).append("](").append(AccuracyChart.fileName(m))
            .append(")\n\n");
      }
      b.append(AccuracyChart.caption(a)).append('\n');
    }
    b.append("\n## How this report is made\n\n").append(ReportHtml.HOW).append('\n');
    return b.toString();
  }

  static String cell(String s) {
    return s.replace("|", "\\|").replace("\n", " ");
  }

  static void methods(StringBuilder b, JsonObject s, String linkBase) {
    JsonObject p = s.getAsJsonObject("proofs");
    JsonObject j = s.getAsJsonObject("openjml");
    b.append("\n## Kernel methods\n\nKeY: ")
        .append(p.has("result") ? p.get("result").getAsString() : "not run: "
            + p.get("why").getAsString())
        .append(".\nOpenJML: ").append(j.has("result") ? j.get("result").getAsString()
            : "not run: " + j.get("why").getAsString())
        .append(".\n\nEach KeY contract: its kind, status and, when proved, its category and"
            + " committed proof file (made by ./q35 prove, which replays it; the build proves"
            + " every contract afresh); *rests on tested* marks a proof that uses a callee"
            + " contract not proved in this run.\n");
    String current = "";
    for (JsonElement e : s.getAsJsonArray("methods")) {
      JsonObject m = e.getAsJsonObject();
      String c = m.get("type").getAsString();
      if (!c.equals(current)) {
        current = c;
        b.append("\n### `").append(c).append("`\n\n| method | KeY contracts | OpenJML |")
            .append(" why not proved; covering tests |\n| --- | --- | --- | --- |\n");
      }
      b.append("| `").append(m.get("method").getAsString()).append("` | ");
      boolean allProved = true;
      JsonArray cs = m.getAsJsonArray("contracts");
      if (cs.size() == 0 && ReportHtml.isLemma(m)) {
        b.append("proof lemma; KeY does not read it");
      }
      for (int i = 0; i < cs.size(); i++) {
        JsonObject k = cs.get(i).getAsJsonObject();
        String st = k.get("status").getAsString();
        allProved &= st.equals("proved");
        boolean rests = !k.get("restsOn").isJsonNull() && k.getAsJsonArray("restsOn").size() > 0;
        String file = k.get("proofFile").getAsString();
        b.append(i > 0 ? "<br>" : "").append(k.get("kind").getAsString()).append(": ");
        b.append(st.equals("proved") && !file.isEmpty() ? "[proved](" + linkBase + "/" + file + ")" : st);
        if (st.equals("proved")) {
          b.append(", ").append(k.get("category").getAsString());
        }
        if (!ReportHtml.script(k).isEmpty()) {
          b.append(", by [script](").append(linkBase).append('/').append(ReportHtml.script(k))
              .append(')');
        }
        if (rests) {
          b.append(", *rests on tested* ")
              .append(String.join(", ", ReportHtml.strings(k.getAsJsonArray("restsOn"))));
        }
      }
      b.append(" | ");
      if (m.has("openjml")) {
        JsonObject o = m.getAsJsonObject("openjml");
        b.append(o.get("status").getAsString());
        List<String> msgs = ReportHtml.strings(o.getAsJsonArray("messages"));
        if (!msgs.isEmpty()) {
          b.append(": ").append(cell(msgs.get(0)));
        }
        List<String> only = ReportHtml.strings(o.getAsJsonArray("openJmlOnlyClauses"));
        if (!only.isEmpty()) {
          b.append("<br>").append(ReportHtml.openJmlOnlyWords(o.get("status").getAsString()))
              .append(": ").append(cell(String.join("; ", only)));
        }
      } else {
        b.append(ReportHtml.noOpenJmlResult(m, j));
      }
      b.append(" | ");
      String reason = m.has("reason") ? m.get("reason").getAsString() : "";
      if (!allProved && !reason.isEmpty()) {
        b.append(cell(reason)).append("; ");
      }
      List<String> tests = ReportHtml.strings(m.getAsJsonArray("tests"));
      b.append(tests.isEmpty() ? "" : "tests: " + String.join(", ", tests)).append(" |\n");
    }
  }

  static void checkers(StringBuilder b, JsonObject s) {
    JsonObject c = s.getAsJsonObject("checkers");
    b.append("\n## Checker Framework: ").append(c.get("status").getAsString()).append("\n\n");
    if (!c.has("index")) {
      b.append(c.get("why").getAsString()).append('\n');
      return;
    }
    for (String k : List.of("nullness", "signedness", "index")) {
      JsonObject x = c.getAsJsonObject(k);
      b.append("- **").append(x.get("status").getAsString()).append("** ")
          .append(x.get("line").getAsString()).append('\n');
      if (x.has("proofClaims")) {
        b.append("  Suppressions that say \"bounds proved by KeY\": ")
            .append(x.get("proofClaims").getAsString()).append('\n');
      }
    }
  }

  static void mutation(StringBuilder b, JsonObject s) {
    JsonObject m = s.getAsJsonObject("mutation");
    b.append("\n## Mutation testing (PIT): ").append(m.get("status").getAsString()).append("\n\n");
    if (!m.has("runs")) {
      b.append(m.get("why").getAsString()).append('\n');
      return;
    }
    for (JsonElement e : m.getAsJsonArray("runs")) {
      JsonObject r = e.getAsJsonObject();
      b.append("### ").append(r.get("title").getAsString()).append(": ")
          .append(r.get("status").getAsString()).append("\n\n")
          .append(ReportHtml.resultOrWhy(r))
          .append(". Allowed survivors: `").append(r.get("list").getAsString()).append("`.\n");
      if (r.has("survivors")) {
        rows(b, r.getAsJsonArray("survivors"), true);
        if (r.getAsJsonArray("unlisted").size() > 0) {
          b.append("\nNot listed (they fail the build):\n");
          rows(b, r.getAsJsonArray("unlisted"), false);
        }
        for (String st : ReportHtml.strings(r.getAsJsonArray("stale"))) {
          b.append("\n- stale entry: ").append(st).append('\n');
        }
      }
    }
  }

  static void rows(StringBuilder b, JsonArray rows, boolean reasons) {
    if (rows.size() == 0) {
      return;
    }
    b.append("\n| class.method | line | mutator | mutated line | ")
        .append(reasons ? "why it may survive" : "PIT's description").append(" |\n")
        .append("| --- | --- | --- | --- | --- |\n");
    for (JsonElement e : rows) {
      JsonObject o = e.getAsJsonObject();
      String cls = o.get("class").getAsString();
      b.append("| `").append(cls.substring(cls.lastIndexOf('.') + 1)).append('.')
          .append(o.get("method").getAsString()).append("` | ").append(o.get("line"))
          .append(" | ").append(o.get("mutator").getAsString()).append(" | `")
          .append(cell(o.get("code").getAsString())).append("` | ")
          .append(cell(reasons && o.has("reason") ? o.get("reason").getAsString()
              : o.get("description").getAsString()))
          .append(" |\n");
    }
  }
}
