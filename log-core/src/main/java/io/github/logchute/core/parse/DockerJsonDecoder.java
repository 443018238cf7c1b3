package io.github.logchute.core.parse;

import io.github.logchute.core.LogStream;

/**
 * Docker's json-file line: {@code {"log":"<text>","stream":"stdout|stderr","time":"<RFC3339>"}},
 * parsed by hand on bytes.
 *
 * <p>Keys may come in any order, other keys are skipped whatever their value (Docker adds {@code
 * attrs} with labels), the last of duplicate keys wins. {@code log} is unescaped per RFC 8259 —
 * {@code \u0000} becomes a NUL byte, surrogate pairs become one 4-byte UTF-8 sequence and a lone
 * surrogate becomes U+FFFD. A {@code log} that ends in {@code \n} is a complete line (the newline
 * is removed); one that does not is a piece of a longer line that Docker split at 16 KiB.
 *
 * <p>All three keys are required. Raw bytes inside strings are passed through (the line is produced
 * by Docker, not typed by a person, so leniency costs nothing).
 */
final class DockerJsonDecoder implements LineDecoder {

  private byte[] scratch = new byte[256];

  @Override
  public boolean decode(byte[] b, int off, int len, DecodedLine out) {
    int end = off + len;
    int i = skipWs(b, off, end);
    if (i >= end || b[i] != '{') {
      return false;
    }
    i++;
    int logStart = -1;
    int logEnd = -1;
    boolean logEscaped = false;
    LogStream stream = null;
    int timeStart = -1;
    int timeEnd = -1;
    boolean first = true;
    while (true) {
      i = skipWs(b, i, end);
      if (i >= end) {
        return false;
      }
      if (b[i] == '}') {
        i++;
        break;
      }
      if (!first) {
        if (b[i] != ',') {
          return false;
        }
        i = skipWs(b, i + 1, end);
        if (i >= end) {
          return false;
        }
      }
      first = false;
      if (b[i] != '"') {
        return false;
      }
      int keyStart = i + 1;
      int keyEnd = stringEnd(b, keyStart, end);
      if (keyEnd < 0) {
        return false;
      }
      i = skipWs(b, keyEnd + 1, end);
      if (i >= end || b[i] != ':') {
        return false;
      }
      i = skipWs(b, i + 1, end);
      if (i >= end) {
        return false;
      }
      int keyLen = keyEnd - keyStart;
      int key =
          keyLen == 3 && b[keyStart] == 'l' && b[keyStart + 1] == 'o' && b[keyStart + 2] == 'g'
              ? 1
              : keyLen == 6 && isStreamKey(b, keyStart)
                  ? 2
                  : keyLen == 4
                          && b[keyStart] == 't'
                          && b[keyStart + 1] == 'i'
                          && b[keyStart + 2] == 'm'
                          && b[keyStart + 3] == 'e'
                      ? 3
                      : 0;
      if (key == 0) {
        i = skipValue(b, i, end);
        if (i < 0) {
          return false;
        }
        continue;
      }
      if (b[i] != '"') {
        return false;
      }
      int vStart = i + 1;
      int vEnd = stringEnd(b, vStart, end);
      if (vEnd < 0) {
        return false;
      }
      i = vEnd + 1;
      if (key == 1) {
        logStart = vStart;
        logEnd = vEnd;
        logEscaped = indexOf(b, vStart, vEnd, (byte) '\\') >= 0;
      } else if (key == 2) {
        stream = stream(b, vStart, vEnd);
        if (stream == null) {
          return false;
        }
      } else {
        timeStart = vStart;
        timeEnd = vEnd;
      }
    }
    if (skipWs(b, i, end) != end || logStart < 0 || stream == null || timeStart < 0) {
      return false;
    }
    long ts = Timestamps.parse(b, timeStart, timeEnd - timeStart);
    if (ts == Timestamps.INVALID) {
      return false;
    }
    byte[] content = b;
    int cOff = logStart;
    int cLen = logEnd - logStart;
    if (logEscaped) {
      cLen = unescape(b, logStart, logEnd);
      if (cLen < 0) {
        return false;
      }
      content = scratch;
      cOff = 0;
    }
    boolean complete = cLen > 0 && content[cOff + cLen - 1] == '\n';
    out.timestampNanos = ts;
    out.stream = stream;
    out.partial = !complete;
    out.content(content, cOff, complete ? cLen - 1 : cLen);
    return true;
  }

  @Override
  public LogFormat format() {
    return LogFormat.DOCKER;
  }

  private static boolean isStreamKey(byte[] b, int k) {
    return b[k] == 's'
        && b[k + 1] == 't'
        && b[k + 2] == 'r'
        && b[k + 3] == 'e'
        && b[k + 4] == 'a'
        && b[k + 5] == 'm';
  }

  private static LogStream stream(byte[] b, int s, int e) {
    if (e - s != 6 || b[s] != 's' || b[s + 1] != 't' || b[s + 2] != 'd') {
      return null;
    }
    if (b[s + 3] == 'o' && b[s + 4] == 'u' && b[s + 5] == 't') {
      return LogStream.STDOUT;
    }
    if (b[s + 3] == 'e' && b[s + 4] == 'r' && b[s + 5] == 'r') {
      return LogStream.STDERR;
    }
    return null;
  }

  private static int skipWs(byte[] b, int i, int end) {
    while (i < end && (b[i] == ' ' || b[i] == '\t' || b[i] == '\r' || b[i] == '\n')) {
      i++;
    }
    return i;
  }

  private static int indexOf(byte[] b, int from, int end, byte value) {
    for (int i = from; i < end; i++) {
      if (b[i] == value) {
        return i;
      }
    }
    return -1;
  }

  /** Index of the closing quote of a string whose content starts at {@code i}, or -1. */
  private static int stringEnd(byte[] b, int i, int end) {
    while (i < end) {
      byte c = b[i];
      if (c == '"') {
        return i;
      }
      i += c == '\\' ? 2 : 1;
    }
    return -1;
  }

  /** Index just past the JSON value starting at {@code i}, or -1. */
  private static int skipValue(byte[] b, int i, int end) {
    byte c = b[i];
    if (c == '"') {
      int e = stringEnd(b, i + 1, end);
      return e < 0 ? -1 : e + 1;
    }
    if (c == '{' || c == '[') {
      int depth = 0;
      while (i < end) {
        c = b[i];
        if (c == '"') {
          int e = stringEnd(b, i + 1, end);
          if (e < 0) {
            return -1;
          }
          i = e + 1;
          continue;
        }
        if (c == '{' || c == '[') {
          depth++;
        } else if (c == '}' || c == ']') {
          depth--;
          if (depth == 0) {
            return i + 1;
          }
        }
        i++;
      }
      return -1;
    }
    int start = i;
    while (i < end) {
      c = b[i];
      if (c == ',' || c == '}' || c == ']' || c == ' ' || c == '\t' || c == '\r' || c == '\n') {
        break;
      }
      i++;
    }
    return i > start ? i : -1;
  }

  /** Unescapes {@code b[s, e)} into {@link #scratch}; returns the length, or -1 if invalid. */
  private int unescape(byte[] b, int s, int e) {
    if (scratch.length < e - s) {
      scratch = new byte[Math.max(e - s, scratch.length * 2)];
    }
    byte[] o = scratch;
    int n = 0;
    int i = s;
    while (i < e) {
      byte c = b[i];
      if (c != '\\') {
        o[n++] = c;
        i++;
        continue;
      }
      if (i + 1 >= e) {
        return -1;
      }
      byte x = b[i + 1];
      i += 2;
      switch (x) {
        case '"':
        case '\\':
        case '/':
          o[n++] = x;
          break;
        case 'b':
          o[n++] = '\b';
          break;
        case 'f':
          o[n++] = '\f';
          break;
        case 'n':
          o[n++] = '\n';
          break;
        case 'r':
          o[n++] = '\r';
          break;
        case 't':
          o[n++] = '\t';
          break;
        case 'u':
          int cp = hex4(b, i, e);
          if (cp < 0) {
            return -1;
          }
          i += 4;
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            int low = i + 6 <= e && b[i] == '\\' && b[i + 1] == 'u' ? hex4(b, i + 2, e) : -1;
            if (low >= 0xDC00 && low <= 0xDFFF) {
              cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
              i += 6;
            } else {
              cp = 0xFFFD;
            }
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            cp = 0xFFFD;
          }
          n = Utf8.encode(cp, o, n);
          break;
        default:
          return -1;
      }
    }
    return n;
  }

  private static int hex4(byte[] b, int i, int e) {
    if (i + 4 > e) {
      return -1;
    }
    int v = 0;
    for (int k = 0; k < 4; k++) {
      int d = Character.digit(b[i + k], 16);
      if (d < 0) {
        return -1;
      }
      v = (v << 4) | d;
    }
    return v;
  }
}
