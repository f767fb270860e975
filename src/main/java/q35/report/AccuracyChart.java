package q35.report;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * The accuracy charts of the report: mean KL, and perplexity ratio, against bits per weight,
 * one point per row of accuracy.json, llama.cpp's figures as reference bars, and the Pareto
 * front of the measured rows (no other row has both fewer bits and a lower value). Plain SVG,
 * drawn here from summary.json's accuracy part, so that it needs no library and no script.
 */
final class AccuracyChart {

  private AccuracyChart() {}

  /** What a chart plots on its y axis. */
  enum Metric {
    MEAN_KL("meanKl", "mean KL divergence (log scale)", "Mean KL against bits per weight"),
    PERPLEXITY("perplexityRatio", "perplexity ratio (log scale of ratio − 1)",
        "Perplexity ratio against bits per weight");

    final String field;
    final String axis;
    final String title;

    Metric(String field, String axis, String title) {
      this.field = field;
      this.axis = axis;
      this.title = title;
    }

    /** The plotted quantity, which is positive: KL itself, or the ratio's excess over 1. */
    double plotted(double value) {
      return this == MEAN_KL ? value : value - 1;
    }

    /** The value a plotted quantity stands for: the inverse of {@link #plotted}. */
    double value(double plotted) {
      return this == MEAN_KL ? plotted : plotted + 1;
    }

    String tickLabel(double plotted) {
      return trim(String.format(Locale.ROOT, "%.4f", value(plotted)));
    }
  }

  /** One measured row or llama.cpp figure, at bits {@code lo} (to {@code hi} for a bar). */
  record Point(String label, String family, boolean gptq, double lo, double hi, double value) {}

  static final int WIDTH = 820;
  static final int HEIGHT = 440;
  private static final int LEFT = 70;
  private static final int RIGHT = 210;
  private static final int TOP = 34;
  private static final int BOTTOM = 50;

  /** The chart's file next to the report. */
  static String fileName(Metric metric) {
    return metric == Metric.MEAN_KL ? "accuracy-kl.svg" : "accuracy-perplexity.svg";
  }

  /** Under each chart: what the points, bars and front are, and where llama.cpp's are from. */
  static String caption(JsonObject accuracy) {
    String refs = accuracy.has("references")
        ? " Bars: " + accuracy.getAsJsonObject("references").get("source").getAsString() : "";
    return "Points: the rows of accuracy.md (hollow: round to nearest; filled: codes chosen by"
        + " GPTQ); the dashed step line joins the measured rows on the Pareto front (ringed)."
        + refs;
  }

  /** The chart of {@code metric} for the accuracy part, or "" when it has no rows. */
  static String svg(JsonObject accuracy, Metric metric) {
    List<Point> rows = rows(accuracy, metric);
    if (rows.isEmpty()) {
      return "";
    }
    List<Point> refs = references(accuracy, metric);
    List<Point> all = new ArrayList<>(rows);
    all.addAll(refs);
    double xMin = Math.floor(all.stream().mapToDouble(Point::lo).min().orElse(0) - 0.25);
    double xMax = Math.ceil(all.stream().mapToDouble(Point::hi).max().orElse(1) + 0.25);
    double yMin = Math.pow(10, Math.floor(Math.log10(
        all.stream().mapToDouble(Point::value).min().orElse(1e-3))));
    double yMax = Math.pow(10, Math.ceil(Math.log10(
        all.stream().mapToDouble(Point::value).max().orElse(1))));
    Plot p = new Plot(xMin, xMax, yMin, yMax);

    StringBuilder b = new StringBuilder();
    b.append(String.format(Locale.ROOT, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\""
        + " height=\"%d\" viewBox=\"0 0 %d %d\" font-family=\"system-ui,sans-serif\""
        + " font-size=\"11\" role=\"img\" aria-label=\"%s\">%n", WIDTH, HEIGHT, WIDTH, HEIGHT,
        ReportHtml.attr(metric.title)));
    b.append("<rect width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n");
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"20\" font-size=\"14\""
        + " font-weight=\"600\">%s</text>%n", LEFT, ReportHtml.esc(metric.title)));
    axes(b, p, metric);
    front(b, p, rows);
    for (Point r : refs) {
      b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\""
          + " stroke=\"#8250df\" stroke-width=\"4\" stroke-linecap=\"round\"><title>%s</title>"
          + "</line>%n", p.x(r.lo()), p.y(r.value()), p.x(r.hi()), p.y(r.value()),
          title(metric, r)));
    }
    for (Point r : rows) {
      String color = color(r.family());
      b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4.5\""
          + " fill=\"%s\" stroke=\"%s\" stroke-width=\"1.8\"><title>%s</title></circle>%n",
          p.x(r.lo()), p.y(r.value()), r.gptq() ? color : "#ffffff", color, title(metric, r)));
    }
    labels(b, p, all);
    legend(b);
    b.append("</svg>\n");
    return b.toString();
  }

  /** The measured rows of accuracy.json, with their plotted value. */
  static List<Point> rows(JsonObject accuracy, Metric metric) {
    List<Point> out = new ArrayList<>();
    if (!accuracy.has("rows")) {
      return out;
    }
    for (JsonElement e : accuracy.getAsJsonArray("rows")) {
      JsonObject r = e.getAsJsonObject();
      if (!r.has(metric.field) || !r.has("bitsPerWeight")) {
        continue;
      }
      String label = r.get("format").getAsString();
      double bits = r.get("bitsPerWeight").getAsDouble();
      double v = metric.plotted(r.get(metric.field).getAsDouble());
      if (v > 0) {
        out.add(new Point(label, family(label), label.contains("+gptq"), bits, bits, v));
      }
    }
    return out;
  }

  /** llama.cpp's figures from the accuracy part's {@code references}, as bars. */
  static List<Point> references(JsonObject accuracy, Metric metric) {
    List<Point> out = new ArrayList<>();
    if (!accuracy.has("references")) {
      return out;
    }
    JsonArray refs = accuracy.getAsJsonObject("references").getAsJsonArray("points");
    for (JsonElement e : refs) {
      JsonObject r = e.getAsJsonObject();
      double v = metric.plotted(r.get(metric.field).getAsDouble());
      if (v > 0) {
        out.add(new Point("llama.cpp " + r.get("type").getAsString(), "llama.cpp", false,
            r.get("bitsPerWeightLow").getAsDouble(), r.get("bitsPerWeightHigh").getAsDouble(),
            v));
      }
    }
    return out;
  }

  /**
   * The rows no other row dominates (fewer or equal bits and a lower or equal value, one of the
   * two strictly), by increasing bits.
   */
  static List<Point> paretoFront(List<Point> rows) {
    List<Point> front = new ArrayList<>();
    for (Point a : rows) {
      boolean dominated = false;
      for (Point o : rows) {
        if (o != a && o.lo() <= a.lo() && o.value() <= a.value()
            && (o.lo() < a.lo() || o.value() < a.value())) {
          dominated = true;
          break;
        }
      }
      if (!dominated) {
        front.add(a);
      }
    }
    front.sort(Comparator.comparingDouble(Point::lo).thenComparingDouble(Point::value));
    return front;
  }

  /** Linear in bits, logarithmic in the plotted value. */
  record Plot(double xMin, double xMax, double yMin, double yMax) {
    double x(double bits) {
      return LEFT + (bits - xMin) / (xMax - xMin) * (WIDTH - LEFT - RIGHT);
    }

    double y(double value) {
      double t = (Math.log10(value) - Math.log10(yMin)) / (Math.log10(yMax) - Math.log10(yMin));
      return HEIGHT - BOTTOM - t * (HEIGHT - TOP - BOTTOM);
    }
  }

  private static void axes(StringBuilder b, Plot p, Metric metric) {
    int x0 = LEFT;
    int x1 = WIDTH - RIGHT;
    int y0 = HEIGHT - BOTTOM;
    b.append(String.format(Locale.ROOT, "<rect x=\"%d\" y=\"%d\" width=\"%d\" height=\"%d\""
        + " fill=\"none\" stroke=\"#8c959f\"/>%n", x0, TOP, x1 - x0, y0 - TOP));
    for (double bits = p.xMin(); bits <= p.xMax() + 1e-9; bits += 1) {
      double x = p.x(bits);
      b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%d\" x2=\"%.1f\" y2=\"%d\""
          + " stroke=\"#eaeef2\"/><text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n",
          x, TOP, x, y0, x, y0 + 16, trim(String.format(Locale.ROOT, "%.0f", bits))));
    }
    for (double decade = p.yMin(); decade < p.yMax() * 1.0001; decade *= 10) {
      for (int m : new int[] {1, 2, 5}) {
        double v = decade * m;
        if (v > p.yMax() * 1.0001) {
          break;
        }
        double y = p.y(v);
        b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\""
            + " stroke=\"%s\"/><text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%s</text>%n",
            x0, y, x1, y, m == 1 ? "#d0d7de" : "#f3f4f6", x0 - 5, y + 4, metric.tickLabel(v)));
      }
    }
    b.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" text-anchor=\"middle\""
        + " font-size=\"12\">bits per weight (codes, scales and offsets of the quantized"
        + " matrices)</text>%n", (x0 + x1) / 2, HEIGHT - 10));
    b.append(String.format(Locale.ROOT, "<text transform=\"translate(14 %d) rotate(-90)\""
        + " text-anchor=\"middle\" font-size=\"12\">%s</text>%n", (TOP + y0) / 2,
        ReportHtml.esc(metric.axis)));
  }

  private static void front(StringBuilder b, Plot p, List<Point> rows) {
    List<Point> front = paretoFront(rows);
    StringBuilder path = new StringBuilder();
    for (int i = 0; i < front.size(); i++) {
      Point f = front.get(i);
      if (i == 0) {
        path.append(String.format(Locale.ROOT, "M%.1f %.1f", p.x(f.lo()), p.y(f.value())));
      } else {
        // A step: the better value is reached only at the larger size.
        path.append(String.format(Locale.ROOT, " H%.1f V%.1f", p.x(f.lo()), p.y(f.value())));
      }
    }
    b.append("<path d=\"").append(path).append("\" fill=\"none\" stroke=\"#57606a\"")
        .append(" stroke-dasharray=\"5 4\"><title>Pareto front of the measured rows</title>")
        .append("</path>\n");
    for (Point f : front) {
      b.append(String.format(Locale.ROOT, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"8\""
          + " fill=\"none\" stroke=\"#57606a\" stroke-width=\"1\"/>%n", p.x(f.lo()),
          p.y(f.value())));
    }
  }

  /**
   * A label beside each point (or right of each bar): the nearest place, right then left of
   * it, that overlaps no point and no label already placed, with a thin line back to the
   * point when the label had to move.
   */
  private static void labels(StringBuilder b, Plot p, List<Point> points) {
    List<double[]> taken = new ArrayList<>(); // boxes: x, y (top), width, height
    for (Point q : points) {
      taken.add(new double[] {p.x(q.lo()) - 7, p.y(q.value()) - 7,
          p.x(q.hi()) - p.x(q.lo()) + 14, 14});
    }
    List<Point> order = new ArrayList<>(points);
    order.sort(Comparator.comparingDouble((Point q) -> p.x(q.lo()))
        .thenComparingDouble(q -> p.y(q.value())));
    for (Point q : order) {
      double px = p.x(q.hi());
      double py = p.y(q.value());
      double w = 6.3 * q.label().length();
      double lx = px + 9;
      double ly = py + 4;
      search:
      for (int dist = 0; dist <= 8; dist++) {
        for (int sign : new int[] {1, -1}) {
          for (boolean right : new boolean[] {true, false}) {
            double x = right ? px + 9 : p.x(q.lo()) - 9 - w;
            double y = py + 4 + sign * 13 * dist;
            if (x >= LEFT + 2 && x + w <= WIDTH - RIGHT + 150 && free(taken, x, y - 10, w, 12)) {
              lx = x;
              ly = y;
              break search;
            }
          }
        }
      }
      taken.add(new double[] {lx, ly - 10, w, 12});
      if (Math.abs(ly - 4 - py) > 1) {
        double ax = lx > px ? lx - 2 : lx + w + 2;
        b.append(String.format(Locale.ROOT, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\""
            + " y2=\"%.1f\" stroke=\"%s\" stroke-width=\"0.6\"/>%n",
            lx > px ? px + 5 : p.x(q.lo()) - 5, py, ax, ly - 4, color(q.family())));
      }
      // A white halo keeps the label readable where the front's line passes behind it.
      b.append(String.format(Locale.ROOT, "<text x=\"%.1f\" y=\"%.1f\" fill=\"%s\""
          + " stroke=\"#ffffff\" stroke-width=\"3\" paint-order=\"stroke\">%s</text>%n",
          lx, ly, color(q.family()), ReportHtml.esc(q.label())));
    }
  }

  private static boolean free(List<double[]> taken, double x, double y, double w, double h) {
    for (double[] r : taken) {
      if (x < r[0] + r[2] && r[0] < x + w && y < r[1] + r[3] && r[1] < y + h) {
        return false;
      }
    }
    return true;
  }

  private static void legend(StringBuilder b) {
    int x = WIDTH - RIGHT + 60;
    int y = TOP + 8;
    String[][] items = {{"q35", "q35 rows"}, {"int4", "INT4 rows"}, {"q8", "q8 row"}};
    for (String[] it : items) {
      b.append(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"4.5\" fill=\"#ffffff\""
          + " stroke=\"%s\" stroke-width=\"1.8\"/><text x=\"%d\" y=\"%d\">%s</text>%n", x, y,
          color(it[0]), x + 10, y + 4, it[1]));
      y += 16;
    }
    b.append(String.format(Locale.ROOT, "<circle cx=\"%d\" cy=\"%d\" r=\"4.5\" fill=\"#57606a\"/>"
        + "<text x=\"%d\" y=\"%d\">filled: codes by GPTQ</text>%n", x, y, x + 10, y + 4));
    y += 16;
    b.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\""
        + " stroke=\"#8250df\" stroke-width=\"4\"/><text x=\"%d\" y=\"%d\">llama.cpp</text>%n",
        x - 6, y, x + 6, y, x + 10, y + 4));
    y += 16;
    b.append(String.format(Locale.ROOT, "<path d=\"M%d %d H%d\" stroke=\"#57606a\""
        + " stroke-dasharray=\"5 4\"/><text x=\"%d\" y=\"%d\">Pareto front</text>%n",
        x - 8, y, x + 6, x + 10, y + 4));
  }

  static String family(String label) {
    return label.startsWith("q35") ? "q35" : label.startsWith("int4") ? "int4" : "q8";
  }

  static String color(String family) {
    return switch (family) {
      case "q35" -> "#0969da";
      case "int4" -> "#bc4c00";
      case "llama.cpp" -> "#8250df";
      default -> "#1a7f37";
    };
  }

  /** A point's tooltip: its label, value and bits per weight, escaped for SVG. */
  private static String title(Metric metric, Point q) {
    String value = String.format(Locale.ROOT, metric == Metric.MEAN_KL ? "mean KL %.4f"
        : "perplexity ratio %.4f", metric.value(q.value()));
    String bits = q.lo() == q.hi() ? String.format(Locale.ROOT, "%.3f bits per weight", q.lo())
        : String.format(Locale.ROOT, "%.1f to %.1f bits per weight", q.lo(), q.hi());
    return ReportHtml.esc(q.label() + ": " + value + ", " + bits);
  }

  /** A number without trailing zeros after its decimal point. */
  static String trim(String number) {
    return number.contains(".") ? number.replaceAll("0+$", "").replaceAll("[.]$", "") : number;
  }
}
