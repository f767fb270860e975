package q35.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The accuracy charts: the Pareto front, the points drawn, and the files the report writes. */
class AccuracyChartTest {

  static AccuracyChart.Point point(String label, double bits, double value) {
    return new AccuracyChart.Point(label, AccuracyChart.family(label), false, bits, bits, value);
  }

  /** Worked by hand: b beats c (fewer bits, lower KL), d beats e (same bits, lower KL). */
  @Test
  void paretoFrontKeepsExactlyTheUndominatedRows() {
    AccuracyChart.Point a = point("q35", 4.0, 0.4);
    AccuracyChart.Point b = point("q35-g64", 4.5, 0.2);
    AccuracyChart.Point c = point("q35-g32", 5.0, 0.3);
    AccuracyChart.Point d = point("int4-g32", 6.0, 0.05);
    AccuracyChart.Point e = point("int4-g32x", 6.0, 0.08);
    AccuracyChart.Point f = point("q8", 9.0, 0.001);
    assertEquals(List.of(a, b, d, f), AccuracyChart.paretoFront(List.of(f, e, d, c, b, a)));
    // Two rows with the same bits and value dominate neither each other.
    AccuracyChart.Point twin = point("int4-twin", 6.0, 0.05);
    assertEquals(4, AccuracyChart.paretoFront(List.of(a, d, twin, f)).size());
  }

  static final String ACCURACY = """
      {"rows": [
        {"format": "q35-g32", "bitsPerWeight": 5.576, "meanKl": 0.28216,
         "perplexityRatio": 1.3310},
        {"format": "int4-g32+gptq", "bitsPerWeight": 6.056, "meanKl": 0.05016,
         "perplexityRatio": 1.0497},
        {"format": "q8", "bitsPerWeight": 8.847, "meanKl": 0.00116, "perplexityRatio": 1.0012},
        {"format": "broken", "bitsPerWeight": 4.0}],
       "references": {"source": "figures from elsewhere",
        "points": [{"type": "iq4_nl", "meanKl": 0.063, "perplexityRatio": 1.064,
                    "bitsPerWeightLow": 7.2, "bitsPerWeightHigh": 7.9}]}}
      """;

  static int count(String text, String regex) {
    Matcher m = Pattern.compile(regex).matcher(text);
    int n = 0;
    while (m.find()) {
      n++;
    }
    return n;
  }

  @Test
  void everyCompleteRowIsAPointAndEveryReferenceABar() {
    JsonObject a = JsonParser.parseString(ACCURACY).getAsJsonObject();
    String kl = AccuracyChart.svg(a, AccuracyChart.Metric.MEAN_KL);
    assertTrue(kl.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\""), kl);
    // Three rows with both figures; the row without a mean KL is left out.
    // (The legend's circles have no title.)
    assertEquals(3, count(kl, "r=\"4.5\" fill=\"#[0-9a-f]+\" stroke=\"#[0-9a-f]+\""
        + " stroke-width=\"1.8\"><title>"), kl);
    assertTrue(kl.contains("<title>int4-g32+gptq: mean KL 0.0502, 6.056 bits per weight</title>"));
    assertFalse(kl.contains(">broken<"));
    assertEquals(1, count(kl, "stroke=\"#8250df\" stroke-width=\"4\" stroke-linecap"));
    assertTrue(kl.contains("llama.cpp iq4_nl: mean KL 0.0630, 7.2 to 7.9 bits per weight"));
    // All three rows are on the front here: each has more bits and a lower KL than the last.
    assertEquals(3, count(kl, "r=\"8\" fill=\"none\""));
    String ppl = AccuracyChart.svg(a, AccuracyChart.Metric.PERPLEXITY);
    assertTrue(ppl.contains("<title>q8: perplexity ratio 1.0012, 8.847 bits per weight</title>"));
    assertEquals("", AccuracyChart.svg(new JsonObject(), AccuracyChart.Metric.MEAN_KL));
  }

  /** Log scale: a tenfold smaller KL is drawn lower by the same distance, whatever the value. */
  @Test
  void theValueAxisIsLogarithmic() {
    AccuracyChart.Plot p = new AccuracyChart.Plot(4, 10, 0.001, 1);
    assertEquals(p.y(0.01) - p.y(0.1), p.y(0.001) - p.y(0.01), 1e-9);
    assertTrue(p.y(0.1) < p.y(0.01), "larger values are higher up");
    assertTrue(p.x(5) < p.x(6));
  }

  /** The report draws both charts from accuracy.json and shows them, with their sources. */
  @Test
  void theReportWritesAndShowsBothCharts(@TempDir Path project) throws IOException {
    Path out = project.resolve("target/verification-reports");
    Path vectors = Files.createDirectories(project.resolve("spec/vectors"));
    try (java.util.stream.Stream<Path> s = Files.list(VerificationReportTest.REAL.resolve(
        "spec/vectors"))) {
      for (Path f : (Iterable<Path>) s::iterator) {
        Files.copy(f, vectors.resolve(String.valueOf(f.getFileName())));
      }
    }
    Files.writeString(Files.createDirectories(project.resolve("src/main/kernel/q35/kernel"))
        .resolve("Codes.java"), "package q35.kernel;\nclass Codes {}\n");
    VerificationReport.write(new VerificationReport.Inputs(project, out, null, "./q35 report"));
    assertFalse(Files.exists(out.resolve("accuracy-kl.svg")), "no accuracy table, no chart");
    Files.createDirectories(project.resolve("verification-reports"));
    Files.writeString(project.resolve("verification-reports/accuracy.json"),
        ACCURACY.replace("\"references\"", "\"ignored\""), StandardCharsets.UTF_8);
    VerificationReport.write(new VerificationReport.Inputs(project, out, null, "./q35 report"));
    String kl = Files.readString(out.resolve("accuracy-kl.svg"));
    assertTrue(kl.contains("llama.cpp iq4_nl"), "the committed llama.cpp figures are drawn");
    assertTrue(Files.readString(out.resolve("accuracy-perplexity.svg")).contains("<svg"));
    String html = Files.readString(out.resolve("index.html"));
    assertEquals(2, count(html, "<figure style=\"margin:12px 0\"><svg "));
    assertTrue(html.contains("Not measured by q35"), "the bars say where they come from");
    String md = Files.readString(out.resolve("README.md"));
    assertTrue(md.contains("![Mean KL against bits per weight](accuracy-kl.svg)"), md);
  }
}
