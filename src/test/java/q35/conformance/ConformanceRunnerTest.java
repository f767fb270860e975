package q35.conformance;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;

/** The runner does not pre-empt the code under test: only its refusal counts. */
class ConformanceRunnerTest {

  static JsonObject json(String s) {
    return JsonParser.parseString(s).getAsJsonObject();
  }

  @Test
  void theKernelItselfRefusesAnEmptyActivationVector() {
    ConformanceRunner.Outcome o = ConformanceRunner.runOne("a.json", "ActivationQuantTest",
        json("{\"tcId\": 1, \"result\": \"invalid\", \"error\": \"SHAPE\", \"x\": []}"));
    assertTrue(o.passed(), o.detail());
  }

  @Test
  void anErrorRaisedByTheRunnerIsAFailureNotARefusal() {
    // "zz" is not hex: the runner's own parsing throws (NumberFormatException is an
    // IllegalArgumentException), before the kernel sees anything.
    ConformanceRunner.Outcome o = ConformanceRunner.runOne("m.json", "MatvecTest", json(
        "{\"tcId\": 2, \"result\": \"invalid\", \"error\": \"SHAPE\", \"format\": \"q35\","
            + " \"n\": 1, \"k\": 2, \"g\": 2, \"packed\": \"zz\"}"));
    assertFalse(o.passed());
    assertTrue(o.detail().startsWith("refused by the runner"), o.detail());
  }

  @Test
  void anUnknownFormatReachesTheKernel() {
    ConformanceRunner.Outcome o = ConformanceRunner.runOne("w.json", "DequantizeTest", json(
        "{\"tcId\": 3, \"result\": \"invalid\", \"error\": \"FORMAT\", \"format\": \"q9\","
            + " \"n\": 1, \"k\": 2, \"g\": 2, \"packed\": \"00\", \"scales\": [\"00000000\"],"
            + " \"offsets\": [\"00000000\"]}"));
    assertTrue(o.passed(), o.detail());
    assertEquals("", o.detail());
  }
}
