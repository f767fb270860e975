package q35.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import q35.verify.MutationSurvivors;

/**
 * The PIT part of the report: one run per list of allowed survivors in src/test/pit/ (each
 * names its mutations.xml), with every survivor, its identity and the reason it may survive;
 * a survivor the list does not allow, or a listed one that no longer survives, fails the part.
 */
final class MutationSection {

  private MutationSection() {}

  static JsonObject build(VerificationReport.Inputs in) throws IOException {
    List<Path> lists = new ArrayList<>();
    if (Files.isDirectory(in.pitLists())) {
      try (Stream<Path> s = Files.list(in.pitLists())) {
        s.filter(p -> p.toString().endsWith(".json")).sorted().forEach(lists::add);
      }
    }
    if (lists.isEmpty()) {
      return VerificationReport.notRun("no list of allowed survivors in src/test/pit/");
    }
    JsonArray runs = new JsonArray();
    List<String> statuses = new ArrayList<>();
    Instant newest = Instant.EPOCH;
    List<String> results = new ArrayList<>();
    for (Path list : lists) {
      JsonObject run = run(in, list);
      runs.add(run);
      statuses.add(run.get("status").getAsString());
      if (run.has("ranAt")) {
        Instant t = Instant.parse(run.get("ranAt").getAsString());
        newest = t.isAfter(newest) ? t : newest;
      }
      results.add(run.has("result") ? run.get("result").getAsString()
          : run.get("title").getAsString() + ": " + (run.has("why")
              ? run.get("why").getAsString() : run.get("status").getAsString()));
    }
    JsonObject o = new JsonObject();
    o.addProperty("status", statuses.contains(VerificationReport.FAILED) ? VerificationReport.FAILED
        : statuses.stream().allMatch(VerificationReport.PASSED::equals) ? VerificationReport.PASSED
        : statuses.contains(VerificationReport.PASSED) ? "partly run"
        : statuses.get(0));
    if (!newest.equals(Instant.EPOCH)) {
      o.addProperty("ranAt", newest.toString());
    }
    o.addProperty("result", String.join("; ", results));
    o.add("runs", runs);
    return o;
  }

  static JsonObject run(VerificationReport.Inputs in, Path list) throws IOException {
    String listName = VerificationReport.relative(in.project(), list.toAbsolutePath().toString());
    Path mutations = MutationSurvivors.mutationsOf(in.project(), list);
    JsonObject listJson = VerificationReport.readJson(list);
    String title = listJson.has("title") ? listJson.get("title").getAsString() : listName;
    JsonObject o;
    if (!Files.isRegularFile(mutations)) {
      o = VerificationReport.notRun("no " + VerificationReport.relative(in.project(),
          mutations.toString()) + ": PIT did not run");
    } else {
      Instant ranAt = VerificationReport.modified(mutations);
      JsonObject late = VerificationReport.notCurrent(in, ranAt, "PIT",
          List.of(in.kernel(), in.project().resolve("src/test/java"), list));
      if (late != null) {
        o = late;
      } else {
        MutationSurvivors.Check c = MutationSurvivors.check(in.project(), list);
        o = new JsonObject();
        o.addProperty("status", c.ok() ? VerificationReport.PASSED : VerificationReport.FAILED);
        o.addProperty("ranAt", ranAt.toString());
        o.addProperty("mutants", c.mutants());
        o.addProperty("killed", c.killed());
        o.addProperty("score", c.mutants() == 0 ? 0.0
            : Math.round(1000.0 * c.killed() / c.mutants()) / 10.0);
        JsonObject bs = new JsonObject();
        c.byStatus().forEach(bs::addProperty);
        o.add("byStatus", bs);
        o.add("survivors", MutationSurvivors.toJson(c.allowedSurvivors(), c.reasons()));
        o.add("unlisted", MutationSurvivors.toJson(c.unlisted(), List.of()));
        JsonArray stale = new JsonArray();
        c.stale().forEach(stale::add);
        o.add("stale", stale);
        o.addProperty("result", title + ": " + c.mutants() + " mutants, " + c.killed()
            + " killed, " + c.allowedSurvivors().size() + " survivors, each listed with its"
            + " reason" + (c.ok() ? "" : "; " + c.unlisted().size() + " not listed, "
            + c.stale().size() + " stale entries"));
      }
    }
    o.addProperty("title", title);
    o.addProperty("list", listName);
    o.addProperty("mutations", VerificationReport.relative(in.project(), mutations.toString()));
    return o;
  }
}
