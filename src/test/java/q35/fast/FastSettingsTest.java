package q35.fast;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.ShortVector;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The fast backend's tuning properties: defaults, both ends of each range, and refusals. */
class FastSettingsTest {

  @Test
  void unsetOrEmptyMeansTheDefaults() {
    assertEquals(2048, FastSettings.aheadBytes(null));
    assertEquals(2048, FastSettings.aheadBytes(""));
    assertEquals(0, FastSettings.vectorBits(null));
    assertEquals(0, FastSettings.vectorBits(""));
  }

  @Test
  void aheadBytesAcceptsItsWholeRange() {
    assertEquals(0, FastSettings.aheadBytes("0"));
    assertEquals(1, FastSettings.aheadBytes("1"));
    assertEquals(4096, FastSettings.aheadBytes(" 4096 "));
    assertEquals(1048576, FastSettings.aheadBytes("1048576"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"-1", "1048577", "2147483647", "2147483648", "99999999999999999999",
      "abc", "2k", "1.5", "0x10", "+-1"})
  void aheadBytesOutsideItsRangeIsRefusedNamingTheProperty(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FastSettings.aheadBytes(text));
    assertEquals("-Dq35.fast.aheadBytes=" + text
        + ": expected a whole number from 0 to 1048576 bytes", e.getMessage());
  }

  @Test
  void vectorBitsAcceptsPowersOfTwoFrom64To2048() {
    assertEquals(64, FastSettings.vectorBits("64"));
    assertEquals(128, FastSettings.vectorBits("128"));
    assertEquals(512, FastSettings.vectorBits("512"));
    assertEquals(2048, FastSettings.vectorBits("2048"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"32", "63", "4096", "-512", "wide"})
  void vectorBitsOutsideItsRangeIsRefused(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FastSettings.vectorBits(text));
    assertEquals("-Dq35.fast.vectorBits=" + text
        + ": expected a whole number from 64 to 2048 bits", e.getMessage());
  }

  @ParameterizedTest
  @ValueSource(strings = {"65", "96", "384", "2047"})
  void vectorBitsThatAreNotPowersOfTwoAreRefused(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> FastSettings.vectorBits(text));
    assertEquals("-Dq35.fast.vectorBits=" + text
        + ": expected a power of two from 64 to 2048 bits", e.getMessage());
  }

  /** The backend checks the settings each time it is asked whether it can run. */
  @Test
  void theBackendRefusesAMistypedSettingWhenAskedWhetherItCanRun() {
    String before = System.getProperty(FastSettings.AHEAD_BYTES);
    System.setProperty(FastSettings.AHEAD_BYTES, "-1");
    try {
      IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
          () -> new FastBackend(1).unavailableReason());
      assertTrue(e.getMessage().startsWith("-Dq35.fast.aheadBytes=-1: "), e.getMessage());
    } finally {
      if (before == null) {
        System.clearProperty(FastSettings.AHEAD_BYTES);
      } else {
        System.setProperty(FastSettings.AHEAD_BYTES, before);
      }
    }
  }

  /** A mistyped setting stops the command with the property's name; no fallback, no output. */
  @Test
  void theCommandLineRefusesAMistypedSettingInsteadOfFallingBack() throws Exception {
    ConformanceProcess p = ConformanceProcess.run("--add-modules", "jdk.incubator.vector",
        "-Dq35.fast.aheadBytes=2k");
    String out = p.out();
    String err = p.err();
    assertTrue(p.exitValue() != 0, out + err);
    assertTrue(err.contains("-Dq35.fast.aheadBytes=2k: expected a whole number from 0 to"
        + " 1048576 bytes"), err);
    assertFalse(err.contains("instead"), err);
    assertFalse(out.contains("passed"), out);
  }

  /** A width the JVM lacks is not silently replaced by another: fast says why and steps aside. */
  @Test
  void aWidthTheJvmLacksMakesFastFallBackSayingWhy() throws Exception {
    Assumptions.assumeTrue(ShortVector.SPECIES_MAX.vectorBitSize() < 2048,
        "this JVM has 2048-bit vectors");
    ConformanceProcess p = ConformanceProcess.run("--add-modules", "jdk.incubator.vector",
        "-Dq35.fast.vectorBits=2048");
    String out = p.out();
    String err = p.err();
    assertEquals(0, p.exitValue(), out + err);
    assertTrue(err.contains("backend 'fast' cannot run here: the Java Vector API did not start:"
        + " java.lang.IllegalArgumentException: -Dq35.fast.vectorBits=2048: this JVM has no"
        + " 2048-bit vectors (its widest are "), err);
    assertTrue(err.contains("using 'reference' instead"), err);
    assertTrue(out.contains("backend reference"), out);
  }
}
