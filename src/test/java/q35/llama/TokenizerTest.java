package q35.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Example;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import q35.model.Llama2cTokenizerReader;
import q35.model.TestModels;
import q35.model.Vocabulary;

class TokenizerTest {

  static Tokenizer tok512() throws Exception {
    return new Tokenizer(Llama2cTokenizerReader.read(TestModels.tok512(), 512));
  }

  /** A hand-made vocabulary: specials, 256 byte tokens, then merges with chosen scores. */
  static Tokenizer handMade() {
    String[] merges = {" ", "a", "b", "ab", " ab", "aa", "c", "\u00e9"};
    float[] mergeScores = {0, 0, 0, -1, -2, -0.5f, 0, 0};
    int n = 3 + 256 + merges.length;
    byte[][] pieces = new byte[n][];
    float[] scores = new float[n];
    pieces[0] = "<unk>".getBytes(StandardCharsets.UTF_8);
    pieces[1] = "<s>".getBytes(StandardCharsets.UTF_8);
    pieces[2] = "</s>".getBytes(StandardCharsets.UTF_8);
    for (int b = 0; b < 256; b++) {
      pieces[3 + b] = String.format("<0x%02X>", b).getBytes(StandardCharsets.UTF_8);
    }
    for (int i = 0; i < merges.length; i++) {
      pieces[259 + i] = merges[i].getBytes(StandardCharsets.UTF_8);
      scores[259 + i] = mergeScores[i];
    }
    return new Tokenizer(new Vocabulary(pieces, scores, 6));
  }

  @Example
  void acceptancePromptEncodesToKnownIds() throws Exception {
    // ids from ../shared/models/README.md (run.c behaviour)
    assertArrayEquals(new int[] {1, 403, 407, 261, 378}, tok512().encode("Once upon a time", true, false));
    assertArrayEquals(new int[] {403, 407, 261, 378, 2}, tok512().encode("Once upon a time", false, true));
  }

  @Example
  void encodingMatchesRunCOnAssortedPrompts() throws Exception {
    Tokenizer t = tok512();
    String text;
    try (java.io.InputStream in = TokenizerTest.class.getResourceAsStream("/q35/reference/tok512_encode.txt")) {
      text = new String(java.util.Objects.requireNonNull(in).readAllBytes(), StandardCharsets.UTF_8);
    }
    String[] lines = text.split("\n");
    int pairs = 0;
    for (int i = 0; i + 1 < lines.length; i += 2) {
      String prompt = lines[i];
      int[] expected = java.util.Arrays.stream(lines[i + 1].substring("prompt_ids ".length()).split(" "))
          .mapToInt(Integer::parseInt).toArray();
      int[] ids = t.encode(prompt, true, false);
      assertArrayEquals(expected, ids, prompt);
      assertEquals(prompt, t.decode(ids), prompt);
      pairs++;
    }
    assertEquals(8, pairs);
  }

  @Example
  void emptyTextHasNoDummyPrefix() throws Exception {
    assertArrayEquals(new int[] {1}, tok512().encode("", true, false));
    assertArrayEquals(new int[] {}, tok512().encode("", false, false));
  }

  @Example
  void mergesFollowScoresAndByteFallback() {
    Tokenizer t = handMade();
    int space = 259;
    int a = 260;
    int ab = 262;
    int spaceAb = 263;
    int aa = 264;
    int e = 266;
    // " ab": ' '+'a'+'b' -> "ab" (score -1) beats nothing else -> then " ab" (-2)
    assertArrayEquals(new int[] {1, spaceAb}, t.encode("ab", true, false));
    // " aab": pairs ' a'(absent) 'aa'(-0.5) 'ab'(-1): "aa" wins, then no " aa" / "aab" -> [' ', aa, b]
    assertArrayEquals(new int[] {space, aa, 261}, t.encode("aab", false, false));
    // 'é' is in the vocabulary as one code point; '€' (3 bytes) is not: byte fallback e2 82 ac
    assertArrayEquals(new int[] {space, e, 3 + 0xe2, 3 + 0x82, 3 + 0xac}, t.encode("\u00e9\u20ac", false, false));
    // 'd' is not a token: byte fallback; "aa" merges first (score -0.5)
    assertArrayEquals(new int[] {space, aa, 3 + 'd'}, t.encode("aad", false, false));
    assertEquals(a, t.lookup(new byte[] {'a'}));
  }

  @Example
  void decodeStripsSpaceAfterBosAndMapsByteTokens() throws Exception {
    Tokenizer t = tok512();
    assertEquals("Once", new String(t.decode(1, 403), StandardCharsets.UTF_8));
    assertEquals(" upon", new String(t.decode(403, 407), StandardCharsets.UTF_8));
    assertArrayEquals(new byte[] {'A'}, t.decode(5, 3 + 'A'));
    assertArrayEquals(new byte[] {(byte) 0xe2}, t.decode(5, 3 + 0xe2));
    assertEquals("Once upon a time", t.decode(new int[] {1, 403, 407, 261, 378}));
    // control bytes other than whitespace are dropped, as run.c's safe_printf does
    assertEquals("a\nb", t.decode(new int[] {1, 3 + 'a', 3 + 7, 3 + '\n', 3 + 'b'}));
  }

  @Example
  void byteTokenPattern() {
    assertEquals(0x4f, Tokenizer.byteToken("<0x4F>".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(0xab, Tokenizer.byteToken("<0xab>".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(-1, Tokenizer.byteToken("<0x4G>".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(-1, Tokenizer.byteToken("<0x4>".getBytes(StandardCharsets.US_ASCII)));
    assertEquals(-1, Tokenizer.byteToken("0x4F>>".getBytes(StandardCharsets.US_ASCII)));
  }

  @Provide
  Arbitrary<String> text() {
    List<String> atoms = List.of("a", "b", "e", " ", "  ", "\n", "\t", "Once", " upon", "time", "Lily", ",", ".",
        "!", "\"", "'", "7", "\u00e9", "\u00fc", "\u20ac", "\u65e5\u672c", "\ud83d\ude42", "Z", "qx", "~", "{}");
    return Arbitraries.of(atoms).list().ofMaxSize(30).map(l -> String.join("", l));
  }

  @Property(tries = 300)
  void roundTripTok512(@ForAll("text") String s) throws Exception {
    Tokenizer t = tok512();
    int[] ids = t.encode(s, true, false);
    assertEquals(s, t.decode(ids), "ids " + java.util.Arrays.toString(ids));
  }

  @Property(tries = 300)
  void roundTripHandMade(@ForAll("text") String s) {
    Tokenizer t = handMade();
    assertEquals(s, t.decode(t.encode(s, true, true)));
  }

  @Property(tries = 200)
  void encodingIsNeverLongerThanTheBytesPlusPrefix(@ForAll("text") String s) throws Exception {
    int[] ids = tok512().encode(s, true, true);
    int bytes = s.getBytes(StandardCharsets.UTF_8).length;
    assertEquals(true, ids.length <= bytes + 3, "ids " + ids.length + " bytes " + bytes);
    for (int id : ids) {
      assertEquals(true, id >= 0 && id < 512);
    }
  }
}
