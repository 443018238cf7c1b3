package io.github.logchute.sink.datadog;

/** UTF-8 checks on raw bytes, for messages that reach the encoder from any {@code Tailer}. */
final class Utf8s {

  private Utf8s() {}

  /** Whether {@code b[0, len)} is well-formed UTF-8 (no overlongs, surrogates or > U+10FFFF). */
  static boolean isValid(byte[] b, int len) {
    int i = 0;
    while (i < len) {
      int c = b[i] & 0xff;
      if (c < 0x80) {
        i++;
        continue;
      }
      int n;
      int min;
      if (c >= 0xc2 && c <= 0xdf) {
        n = 1;
        min = 0x80;
      } else if (c >= 0xe0 && c <= 0xef) {
        n = 2;
        min = 0x800;
      } else if (c >= 0xf0 && c <= 0xf4) {
        n = 3;
        min = 0x10000;
      } else {
        return false;
      }
      if (i + n >= len) {
        return false;
      }
      int cp = c & (0x3f >> n);
      for (int k = 1; k <= n; k++) {
        int cc = b[i + k] & 0xff;
        if ((cc & 0xc0) != 0x80) {
          return false;
        }
        cp = (cp << 6) | (cc & 0x3f);
      }
      if (cp < min || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) {
        return false;
      }
      i += n + 1;
    }
    return true;
  }

  /** The largest index {@code <= at} that does not fall inside a multi-byte character. */
  static int boundary(byte[] b, int len, int at) {
    if (at >= len) {
      return len;
    }
    int i = Math.max(0, at);
    while (i > 0 && (b[i] & 0xc0) == 0x80) {
      i--;
    }
    return i;
  }
}
