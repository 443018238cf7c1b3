package io.github.logchute.core.process;

import java.nio.charset.StandardCharsets;
import java.util.Collections;
import java.util.LinkedHashMap;

/**
 * Parses logfmt messages ({@code time=2024-01-02T15:04:05Z level=info msg="hello \"you\"" ok}) into
 * an unmodifiable, insertion-ordered map of strings. Thread-safe.
 *
 * <p>Grammar: pairs separated by blanks (space, tab). A key is a run of bytes above the space other
 * than {@code =} and {@code "}. {@code key=value} takes the bare value up to the next blank ({@code
 * key=} gives the empty string); {@code key="..."} a quoted value with the escapes of Go's {@code
 * strconv.Quote}, which slog, logrus and go-kit write: {@code \" \\ \n \r \t \a \b \f \v \/},
 * {@code \xNN} (a byte), {@code \}{@code uNNNN} (with surrogate pairs), {@code \UNNNNNNNN}; an
 * unknown escape is kept as written. A key without {@code =} is a bare key, value {@code true}.
 * Values stay strings: logfmt has no types, and typing {@code id=007} as a number would change it.
 *
 * <p>A message is logfmt only if its first token is a {@code key=value} pair — plain text
 * ("Starting server on port=8080") does not become fields. After that, an unterminated quote, a
 * quote inside a key, a token starting with {@code =} or a closing quote glued to more text makes
 * the whole message invalid (it stays text).
 */
final class LogfmtFields {

  private final int maxBytes;

  LogfmtFields(int maxBytes) {
    this.maxBytes = maxBytes;
  }

  /**
   * Parses {@code b[off..off+len)}.
   *
   * @return fields, a rejection, or null when the message does not start like logfmt
   */
  ParseOutcome parse(byte[] b, int off, int len) {
    int end = off + len;
    int i = skipBlanks(b, off, end);
    if (!startsWithPair(b, i, end)) {
      return null;
    }
    if (len > maxBytes) {
      return ParseOutcome.Rejection.TOO_LARGE;
    }
    LinkedHashMap<String, Object> fields = new LinkedHashMap<>();
    while (i < end) {
      int ks = i;
      while (i < end && isKeyByte(b[i])) {
        i++;
      }
      if (i == ks || (i < end && b[i] == '"')) {
        return ParseOutcome.Rejection.INVALID;
      }
      String key = new String(b, ks, i - ks, StandardCharsets.UTF_8);
      Object value;
      if (i < end && b[i] == '=') {
        i++;
        if (i < end && b[i] == '"') {
          int close = closingQuote(b, i + 1, end);
          if (close < 0 || (close + 1 < end && !isBlank(b[close + 1]))) {
            return ParseOutcome.Rejection.INVALID;
          }
          value = unquote(b, i + 1, close);
          i = close + 1;
        } else {
          int vs = i;
          while (i < end && !isBlank(b[i])) {
            i++;
          }
          value = new String(b, vs, i - vs, StandardCharsets.UTF_8);
        }
      } else {
        value = Boolean.TRUE;
      }
      fields.put(key, value);
      i = skipBlanks(b, i, end);
    }
    return new ParseOutcome.Parsed(Collections.unmodifiableMap(fields));
  }

  private static boolean startsWithPair(byte[] b, int i, int end) {
    int ks = i;
    while (i < end && isKeyByte(b[i])) {
      i++;
    }
    return i > ks && i < end && b[i] == '=';
  }

  /** The index of the quote closing a value that starts at {@code i}, or -1. */
  private static int closingQuote(byte[] b, int i, int end) {
    while (i < end) {
      if (b[i] == '\\') {
        i += 2;
      } else if (b[i] == '"') {
        return i;
      } else {
        i++;
      }
    }
    return -1;
  }

  private static String unquote(byte[] b, int from, int to) {
    int i = from;
    while (i < to && b[i] != '\\') {
      i++;
    }
    if (i == to) {
      return new String(b, from, to - from, StandardCharsets.UTF_8);
    }
    byte[] out = new byte[(to - from) * 2];
    int n = 0;
    System.arraycopy(b, from, out, 0, i - from);
    n = i - from;
    while (i < to) {
      byte c = b[i++];
      if (c != '\\' || i >= to) {
        out[n++] = c;
        continue;
      }
      byte e = b[i++];
      switch (e) {
        case 'n' -> out[n++] = '\n';
        case 'r' -> out[n++] = '\r';
        case 't' -> out[n++] = '\t';
        case 'a' -> out[n++] = 0x07;
        case 'b' -> out[n++] = '\b';
        case 'f' -> out[n++] = '\f';
        case 'v' -> out[n++] = 0x0b;
        case '"', '\\', '/' -> out[n++] = e;
        case 'x' -> {
          int v = hex(b, i, 2, to);
          if (v < 0) {
            out[n++] = '\\';
            out[n++] = e;
          } else {
            out[n++] = (byte) v;
            i += 2;
          }
        }
        case 'u', 'U' -> {
          int digits = e == 'u' ? 4 : 8;
          int cp = hex(b, i, digits, to);
          if (cp < 0) {
            out[n++] = '\\';
            out[n++] = e;
            break;
          }
          i += digits;
          if (Character.isHighSurrogate((char) cp)
              && e == 'u'
              && i + 6 <= to
              && b[i] == '\\'
              && b[i + 1] == 'u') {
            int low = hex(b, i + 2, 4, to);
            if (low >= 0 && Character.isLowSurrogate((char) low)) {
              cp = Character.toCodePoint((char) cp, (char) low);
              i += 6;
            }
          }
          n = appendUtf8(out, n, cp);
        }
        default -> {
          out[n++] = '\\';
          out[n++] = e;
        }
      }
    }
    return new String(out, 0, n, StandardCharsets.UTF_8);
  }

  /** Appends {@code cp} as UTF-8; a surrogate or an invalid code point as U+FFFD. */
  private static int appendUtf8(byte[] out, int n, int cp) {
    if (cp < 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      cp = 0xFFFD;
    }
    String s = new String(Character.toChars(cp));
    byte[] enc = s.getBytes(StandardCharsets.UTF_8);
    System.arraycopy(enc, 0, out, n, enc.length);
    return n + enc.length;
  }

  private static int hex(byte[] b, int i, int digits, int to) {
    if (i + digits > to) {
      return -1;
    }
    int v = 0;
    for (int k = 0; k < digits; k++) {
      int d = Character.digit(b[i + k], 16);
      if (d < 0) {
        return -1;
      }
      v = (v << 4) | d;
    }
    return v;
  }

  private static int skipBlanks(byte[] b, int i, int end) {
    while (i < end && isBlank(b[i])) {
      i++;
    }
    return i;
  }

  private static boolean isBlank(byte c) {
    return c == ' ' || c == '\t';
  }

  private static boolean isKeyByte(byte c) {
    return (c & 0xff) > ' ' && c != '=' && c != '"';
  }
}
