package q35.report;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

/** A budgeted row's choice in the HTML report: its budget and each matrix's format by layer. */
class ReportHtmlChoiceTest {

  @Test
  void theChoiceIsATableOfMatricesByLayer() {
    String json = "{\"budget\": 6.9, \"bitsPerWeight\": 6.8651, \"q35Share\": 0.5031,"
        + " \"tensors\": ["
        + "{\"tensor\": \"layers.0.w2\", \"format\": \"q35-g16-f16\"},"
        + "{\"tensor\": \"layers.1.w2\", \"format\": \"q8-f16\"},"
        + "{\"tensor\": \"layers.0.wq\", \"format\": \"q35-g8-f16\"},"
        + "{\"tensor\": \"layers.1.wq\", \"format\": \"int4-g16-f16\"}]}";
    StringBuilder b = new StringBuilder();
    ReportHtml.choice(b, "q35-g16-f16+auto=6.9", JsonParser.parseString(json).getAsJsonObject());
    String html = b.toString();
    assertTrue(html.contains("q35-g16-f16+auto=6.9: budget 6.9 bits per weight, chosen 6.865,"
        + " q35 on 50.3% of the weights"), html);
    assertTrue(html.contains("<th>layer 0</th><th>layer 1</th></tr>"), html);
    assertTrue(html.contains("<tr><td>w2</td><td>q35-g16-f16</td><td>q8-f16</td></tr>"), html);
    assertTrue(html.contains("<tr><td>wq</td><td>q35-g8-f16</td><td>int4-g16-f16</td></tr>"),
        html);
  }
}
