package io.github.logchute.core.process;

/** Repairs strings decoded from escapes so that they always encode to valid UTF-8. */
final class Utf16 {

  private Utf16() {}

  /**
   * {@code s} with every unpaired surrogate replaced by U+FFFD; {@code s} itself when it has none.
   */
  static String clean(String s) {
    int n = s.length();
    int i = 0;
    while (i < n) {
      char c = s.charAt(i);
      if (Character.isSurrogate(c)) {
        if (Character.isHighSurrogate(c)
            && i + 1 < n
            && Character.isLowSurrogate(s.charAt(i + 1))) {
          i += 2;
          continue;
        }
        return repair(s, i);
      }
      i++;
    }
    return s;
  }

  private static String repair(String s, int from) {
    StringBuilder sb = new StringBuilder(s.length()).append(s, 0, from);
    int n = s.length();
    for (int i = from; i < n; i++) {
      char c = s.charAt(i);
      if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
        sb.append(c).append(s.charAt(++i));
      } else if (Character.isSurrogate(c)) {
        sb.append('\uFFFD');
      } else {
        sb.append(c);
      }
    }
    return sb.toString();
  }
}
