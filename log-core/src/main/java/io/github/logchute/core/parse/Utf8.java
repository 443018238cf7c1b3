package io.github.logchute.core.parse;

/** UTF-8 on bytes: encoding a code point, finding character boundaries, repairing invalid input. */
final class Utf8 {

  private static final byte[] REPLACEMENT = {(byte) 0xEF, (byte) 0xBF, (byte) 0xBD};

  private Utf8() {}

  /** Writes {@code cp} at {@code o[n]}; returns the new length. {@code o} must have room for 4. */
  static int encode(int cp, byte[] o, int n) {
    if (cp < 0x80) {
      o[n++] = (byte) cp;
    } else if (cp < 0x800) {
      o[n++] = (byte) (0xC0 | (cp >> 6));
      o[n++] = (byte) (0x80 | (cp & 0x3F));
    } else if (cp < 0x10000) {
      o[n++] = (byte) (0xE0 | (cp >> 12));
      o[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
      o[n++] = (byte) (0x80 | (cp & 0x3F));
    } else {
      o[n++] = (byte) (0xF0 | (cp >> 18));
      o[n++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
      o[n++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
      o[n++] = (byte) (0x80 | (cp & 0x3F));
    }
    return n;
  }

  /**
   * The largest cut point {@code <= at} in {@code b[off, ...)} that does not split a character: it
   * steps back over at most three continuation bytes.
   */
  static int boundary(byte[] b, int off, int at) {
    int i = at;
    while (i > off && i > at - 3 && (b[i] & 0xC0) == 0x80) {
      i--;
    }
    return (b[i] & 0xC0) == 0x80 ? at : i;
  }

  /**
   * Where to end {@code b[0, len)} so that no character is split, given that the byte after it
   * would be {@code next}: {@code len} itself unless {@code next} is a continuation byte, else the
   * index of the lead byte of the character it continues (found within the last three bytes).
   */
  static int cutBefore(byte[] b, int len, byte next) {
    if ((next & 0xC0) != 0x80 || len == 0) {
      return len;
    }
    int j = len - 1;
    int min = Math.max(0, len - 3);
    while (j > min && (b[j] & 0xC0) == 0x80) {
      j--;
    }
    return (b[j] & 0xC0) == 0xC0 ? j : len;
  }

  /**
   * Length of the valid UTF-8 sequence starting at {@code b[i]} (1 to 4), or 0 if the bytes there
   * are not a valid, shortest-form, non-surrogate sequence ending before {@code end}.
   */
  private static int validSequence(byte[] b, int i, int end) {
    int c = b[i] & 0xFF;
    if (c < 0x80) {
      return 1;
    }
    if (c < 0xC2 || c > 0xF4) {
      return 0;
    }
    if (c < 0xE0) {
      return i + 1 < end && (b[i + 1] & 0xC0) == 0x80 ? 2 : 0;
    }
    if (c < 0xF0) {
      if (i + 2 >= end) {
        return 0;
      }
      int c1 = b[i + 1] & 0xFF;
      if ((c1 & 0xC0) != 0x80 || (b[i + 2] & 0xC0) != 0x80) {
        return 0;
      }
      if ((c == 0xE0 && c1 < 0xA0) || (c == 0xED && c1 > 0x9F)) {
        return 0; // overlong, or a surrogate
      }
      return 3;
    }
    if (i + 3 >= end) {
      return 0;
    }
    int c1 = b[i + 1] & 0xFF;
    if ((c1 & 0xC0) != 0x80 || (b[i + 2] & 0xC0) != 0x80 || (b[i + 3] & 0xC0) != 0x80) {
      return 0;
    }
    if ((c == 0xF0 && c1 < 0x90) || (c == 0xF4 && c1 > 0x8F)) {
      return 0; // overlong, or above U+10FFFF
    }
    return 4;
  }

  /** Index of the first byte of {@code b[off, end)} that starts an invalid sequence, or -1. */
  static int firstInvalid(byte[] b, int off, int end) {
    int i = off;
    while (i < end) {
      if (b[i] >= 0) {
        i++;
        continue;
      }
      int n = validSequence(b, i, end);
      if (n == 0) {
        return i;
      }
      i += n;
    }
    return -1;
  }

  /**
   * A copy of {@code b[off, end)} with each broken sequence (an invalid lead byte and the
   * continuation bytes after it) replaced by U+FFFD, given the index of the first invalid byte.
   */
  static byte[] repair(byte[] b, int off, int end, int firstInvalid) {
    byte[] out = new byte[(end - off) * 3];
    int n = firstInvalid - off;
    System.arraycopy(b, off, out, 0, n);
    int i = firstInvalid;
    while (i < end) {
      int len = b[i] >= 0 ? 1 : validSequence(b, i, end);
      if (len > 0) {
        System.arraycopy(b, i, out, n, len);
        n += len;
        i += len;
      } else {
        System.arraycopy(REPLACEMENT, 0, out, n, 3);
        n += 3;
        i++;
        while (i < end && (b[i] & 0xC0) == 0x80) {
          i++; // swallow the stray continuation bytes of the broken sequence
        }
      }
    }
    return java.util.Arrays.copyOf(out, n);
  }
}
