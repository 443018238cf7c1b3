package io.github.logchute.core.parse;

import io.github.logchute.core.LogStream;

/**
 * The result of decoding one framed line, reused from line to line (no allocation per line). The
 * content lies in {@code buf[off, off + len)}: either the caller's line buffer or the decoder's own
 * scratch buffer (after unescaping), valid until the next decode.
 */
final class DecodedLine {
  long timestampNanos;
  LogStream stream;

  /**
   * True for a runtime partial line: CRI tag {@code P}, or a Docker line without trailing newline.
   */
  boolean partial;

  byte[] buf;
  int off;
  int len;

  void content(byte[] b, int o, int l) {
    buf = b;
    off = o;
    len = l;
  }
}
