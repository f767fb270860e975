package q35.llama;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import q35.model.Vocabulary;

/**
 * SentencePiece-style BPE as in llama2.c's run.c: UTF-8 code points looked up as tokens (bytes
 * that are not fall back to byte tokens {@code <0xXX>} = id byte+3), a dummy-prefix space, then
 * repeated merging of the adjacent pair whose merged piece has the highest score (first pair wins
 * ties). BOS is 1, EOS is 2.
 */
public final class Tokenizer {
  public static final int BOS = 1;
  public static final int EOS = 2;

  private final byte[][] pieces;
  private final float[] scores;
  private final Map<Key, Integer> ids = new HashMap<>();

  public Tokenizer(Vocabulary vocab) {
    this.pieces = vocab.pieces();
    this.scores = vocab.scores();
    for (int i = 0; i < pieces.length; i++) {
      ids.putIfAbsent(new Key(pieces[i]), i);
    }
  }

  public int vocabSize() {
    return pieces.length;
  }

  /** The raw bytes of a token's piece (a copy). */
  public byte[] piece(int id) {
    return pieces[id].clone();
  }

  /** The id of an exact piece, or -1. */
  public int lookup(byte[] piece) {
    Integer id = ids.get(new Key(piece));
    return id == null ? -1 : id;
  }

  /** Encodes UTF-8 text; {@code bos}/{@code eos} add token 1 before / token 2 after. */
  public int[] encode(String text, boolean bos, boolean eos) {
    byte[] s = text.getBytes(StandardCharsets.UTF_8);
    int[] tokens = new int[s.length + 3];
    int n = 0;
    if (bos) {
      tokens[n++] = BOS;
    }
    // add_dummy_prefix: a leading space, as SentencePiece does, for non-empty text
    if (s.length > 0) {
      int space = lookup(new byte[] {' '});
      if (space < 0) {
        throw new IllegalStateException("vocabulary has no ' ' token for the dummy prefix");
      }
      tokens[n++] = space;
    }
    // one token per UTF-8 code point, byte tokens where the code point is not in the vocabulary
    byte[] buf = new byte[4];
    int len = 0;
    for (int c = 0; c < s.length; c++) {
      if ((s[c] & 0xC0) != 0x80) {
        len = 0; // not a continuation byte: a new code point starts
      }
      buf[len++] = s[c];
      boolean nextIsContinuation = c + 1 < s.length && (s[c + 1] & 0xC0) == 0x80;
      if (nextIsContinuation && len < 4) {
        continue;
      }
      int id = lookup(Arrays.copyOf(buf, len));
      if (id != -1) {
        tokens[n++] = id;
      } else {
        for (int i = 0; i < len; i++) {
          tokens[n++] = (buf[i] & 0xff) + 3; // byte fallback: ids 3..258 are <0x00>..<0xFF>
        }
      }
      len = 0;
    }
    // merge the best-scoring adjacent pair until no pair is a token
    while (true) {
      float bestScore = -1e10f;
      int bestId = -1;
      int bestIdx = -1;
      for (int i = 0; i < n - 1; i++) {
        int id = lookup(concat(pieces[tokens[i]], pieces[tokens[i + 1]]));
        if (id != -1 && scores[id] > bestScore) {
          bestScore = scores[id];
          bestId = id;
          bestIdx = i;
        }
      }
      if (bestIdx == -1) {
        break;
      }
      tokens[bestIdx] = bestId;
      System.arraycopy(tokens, bestIdx + 2, tokens, bestIdx + 1, n - bestIdx - 2);
      n--;
    }
    if (eos) {
      tokens[n++] = EOS;
    }
    return Arrays.copyOf(tokens, n);
  }

  /**
   * The bytes to print for {@code token} following {@code prev}: after BOS a leading space is
   * dropped, and byte tokens {@code <0xXX>} become that single byte.
   */
  public byte[] decode(int prev, int token) {
    byte[] p = pieces[token];
    int from = prev == BOS && p.length > 0 && p[0] == ' ' ? 1 : 0;
    int b = byteToken(p);
    if (b >= 0) {
      return new byte[] {(byte) b};
    }
    return Arrays.copyOfRange(p, from, p.length);
  }

  /**
   * Decodes a whole sequence to text the way run.c prints it: pieces via {@link #decode}, lone
   * control bytes dropped by {@link #safe}; BOS and EOS print nothing.
   */
  public String decode(int[] ids) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < ids.length; i++) {
      if (ids[i] == BOS || ids[i] == EOS) {
        continue;
      }
      byte[] piece = safe(decode(i == 0 ? BOS : ids[i - 1], ids[i]));
      out.write(piece, 0, piece.length);
    }
    return StandardCharsets.UTF_8.decode(ByteBuffer.wrap(out.toByteArray())).toString();
  }

  /**
   * run.c's safe_printf filter: a lone byte is dropped if it is an ASCII control character other
   * than whitespace. Unlike run.c under the C locale (where isprint rejects bytes 0x80..0xFF) bytes
   * from 0x80 up are kept, so UTF-8 characters spelled with byte tokens still decode.
   */
  public static byte[] safe(byte[] piece) {
    if (piece.length == 1) {
      int b = piece[0] & 0xff;
      boolean printable = b >= 0x20 && b != 0x7f;
      boolean space = b == ' ' || (b >= '\t' && b <= '\r');
      if (!printable && !space) {
        return new byte[0];
      }
    }
    return piece;
  }

  /** The byte of a {@code <0xXX>} piece, or -1. */
  static int byteToken(byte[] p) {
    if (p.length != 6 || p[0] != '<' || p[1] != '0' || p[2] != 'x' || p[5] != '>') {
      return -1;
    }
    int hi = Character.digit(p[3], 16);
    int lo = Character.digit(p[4], 16);
    return hi < 0 || lo < 0 ? -1 : hi * 16 + lo;
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }

  /** Byte-array map key with value equality. */
  private static final class Key {
    private final byte[] b;
    private final int hash;

    Key(byte[] b) {
      this.b = b;
      this.hash = Arrays.hashCode(b);
    }

    @Override
    public boolean equals(@org.checkerframework.checker.nullness.qual.Nullable Object o) {
      return o instanceof Key && Arrays.equals(b, ((Key) o).b);
    }

    @Override
    public int hashCode() {
      return hash;
    }
  }
}
