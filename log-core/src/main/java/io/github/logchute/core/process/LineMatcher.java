package io.github.logchute.core.process;

import io.github.logchute.core.LogRecord;

/**
 * The state machine of one multi-line rule for one stream: classifies each line given the event
 * being assembled. Used by one thread; {@link StreamGroup} acts on the verdicts.
 */
abstract class LineMatcher {

  /** What a line is to the event being assembled. */
  enum Verdict {
    /** Not part of an event: the open event (if any) is emitted, then this line alone. */
    PLAIN,
    /** Starts an event: the open event (if any) is emitted first. */
    START,
    /** Belongs to the open event (never returned when none is open). */
    CONTINUE,
    /** Belongs to the open event and completes it: emitted at once. */
    END,
    /**
     * May belong to the open event — it does if a later line continues the event (a blank line
     * between Go goroutines, the lines of a Java exception message before its first frame); if the
     * event ends first, the line is classified again on its own. Never returned when none is open.
     */
    TENTATIVE
  }

  /**
   * Classifies {@code line}.
   *
   * @param open whether an event is being assembled (if not, only PLAIN or START may be returned)
   */
  abstract Verdict classify(LogRecord line, boolean open);

  /** Forgets the state: no event is open any more. */
  abstract void reset();

  // ---- byte helpers shared by the built-in rules ----

  static boolean startsWith(byte[] b, int off, String prefix) {
    int n = prefix.length();
    if (off + n > b.length) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      if (b[off + i] != prefix.charAt(i)) {
        return false;
      }
    }
    return true;
  }

  static boolean endsWith(byte[] b, String suffix) {
    int n = suffix.length();
    return b.length >= n && startsWith(b, b.length - n, suffix);
  }

  /** The index of the first byte that is not a space or tab. */
  static int indent(byte[] b) {
    int i = 0;
    while (i < b.length && (b[i] == ' ' || b[i] == '\t')) {
      i++;
    }
    return i;
  }

  static boolean isBlank(byte[] b) {
    return indent(b) == b.length;
  }

  static boolean isDigit(byte[] b, int i) {
    return i < b.length && b[i] >= '0' && b[i] <= '9';
  }
}
