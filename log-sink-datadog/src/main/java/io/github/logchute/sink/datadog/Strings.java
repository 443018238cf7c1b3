package io.github.logchute.sink.datadog;

/** Small string repairs for the encoder. */
final class Strings {

  private Strings() {}

  /** {@code s} with every lone surrogate replaced by U+FFFD, so that it encodes as UTF-8. */
  static String repair(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean lone;
      if (Character.isHighSurrogate(c)) {
        lone = i + 1 >= s.length() || !Character.isLowSurrogate(s.charAt(i + 1));
        if (!lone) {
          i++; // a valid pair
          continue;
        }
      } else {
        lone = Character.isLowSurrogate(c);
      }
      if (lone) {
        if (sb == null) {
          sb = new StringBuilder(s);
        }
        sb.setCharAt(i, '\uFFFD');
      }
    }
    return sb == null ? s : sb.toString();
  }
}
