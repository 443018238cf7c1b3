package io.github.logchute.core.parse;

import io.github.logchute.core.LogStream;

/**
 * The CRI log line: {@code <timestamp> <stream> <tags> <content>}, fields separated by exactly one
 * space.
 *
 * <p>As the kubelet does ({@code parseCRILog}): the stream must be {@code stdout} or {@code
 * stderr}; tags are {@code :}-separated and only the first is defined: {@code P} for a partial
 * line, {@code F} for a full one; further tags are ignored, to stay forward compatible. Unlike the
 * kubelet, a first tag that is neither {@code P} nor {@code F} makes the line unparsed (kept whole,
 * flagged), so that a line written without a tag does not lose its first word; and a line that ends
 * right after its tags (no separating space) is accepted with empty content. The content is
 * everything after the separator, spaces and tabs included, byte for byte.
 */
final class CriDecoder implements LineDecoder {

  private static final byte SP = ' ';

  @Override
  public boolean decode(byte[] b, int off, int len, DecodedLine out) {
    int end = off + len;
    int tsEnd = indexOf(b, off, end, SP);
    if (tsEnd < 0) {
      return false;
    }
    long ts = Timestamps.parse(b, off, tsEnd - off);
    if (ts == Timestamps.INVALID) {
      return false;
    }
    int s = tsEnd + 1;
    LogStream stream;
    if (matches(b, s, end, 's', 't', 'd', 'o', 'u', 't')) {
      stream = LogStream.STDOUT;
    } else if (matches(b, s, end, 's', 't', 'd', 'e', 'r', 'r')) {
      stream = LogStream.STDERR;
    } else {
      return false;
    }
    int t = s + 6;
    if (t >= end || b[t] != SP) {
      return false;
    }
    t++;
    int tagEnd = indexOf(b, t, end, SP);
    int contentStart;
    if (tagEnd < 0) {
      tagEnd = end;
      contentStart = end;
    } else {
      contentStart = tagEnd + 1;
    }
    // the first tag is P (partial) or F (full), alone or followed by ':' and more tags
    if (t + 1 != tagEnd && b[t + 1] != ':') {
      return false;
    }
    if (b[t] != 'P' && b[t] != 'F') {
      return false;
    }
    boolean partial = b[t] == 'P';
    out.timestampNanos = ts;
    out.stream = stream;
    out.partial = partial;
    out.content(b, contentStart, end - contentStart);
    return true;
  }

  @Override
  public LogFormat format() {
    return LogFormat.CRI;
  }

  private static int indexOf(byte[] b, int from, int end, byte value) {
    for (int i = from; i < end; i++) {
      if (b[i] == value) {
        return i;
      }
    }
    return -1;
  }

  private static boolean matches(
      byte[] b, int at, int end, char c0, char c1, char c2, char c3, char c4, char c5) {
    return at + 6 <= end
        && b[at] == c0
        && b[at + 1] == c1
        && b[at + 2] == c2
        && b[at + 3] == c3
        && b[at + 4] == c4
        && b[at + 5] == c5;
  }
}
