package io.github.logchute.core.process;

import io.github.logchute.core.LogRecord;

/**
 * Java (and Kotlin, Scala: the JVM's {@code Throwable.printStackTrace} layout) stack traces.
 *
 * <ul>
 *   <li><b>start</b>: an exception line at the start of a line — a qualified class name (with a
 *       dot) whose last segment contains {@code Exception}, {@code Error}, {@code Throwable} or
 *       {@code Failure}, followed by {@code :} or the end of the line ({@code
 *       java.lang.IllegalStateException: boom}, {@code java.lang.NullPointerException}); or {@code
 *       Exception in thread "..."}.
 *   <li><b>continuation</b>: an indented {@code at ...} frame, {@code ... N more}, {@code ... N
 *       common frames omitted}, and {@code Caused by:}, {@code Suppressed:}, {@code Wrapped by:}
 *       lines, indented or not (so {@code Caused by} nested in a suppressed exception too). A
 *       continuation line with no event open starts one (frames whose header was cut off still
 *       group).
 *   <li><b>exception message lines</b>: after an exception line and before its first frame, up to
 *       {@value #MAX_MESSAGE_LINES} other lines are held tentatively (a message with newlines, such
 *       as an SQL error); they join the event if a frame follows, else are emitted on their own. A
 *       line starting with a digit, {@code [} or <code>{</code> (a new log line) ends that at once.
 * </ul>
 */
final class JavaTraceMatcher extends LineMatcher {

  static final int MAX_MESSAGE_LINES = 10;

  private boolean inHeader;
  private int messageLines;

  @Override
  Verdict classify(LogRecord line, boolean open) {
    byte[] b = line.message();
    if (isExceptionLine(b)) {
      inHeader = true;
      messageLines = 0;
      return Verdict.START;
    }
    int i = indent(b);
    boolean causeLine =
        startsWith(b, i, "Caused by: ")
            || startsWith(b, i, "Suppressed: ")
            || startsWith(b, i, "Wrapped by: ");
    if (causeLine || (i > 0 && isFrameLine(b, i))) {
      inHeader = causeLine;
      messageLines = 0;
      return open ? Verdict.CONTINUE : Verdict.START;
    }
    if (open && inHeader && messageLines < MAX_MESSAGE_LINES && !looksLikeLogLine(b)) {
      messageLines++;
      return Verdict.TENTATIVE;
    }
    reset();
    return Verdict.PLAIN;
  }

  @Override
  void reset() {
    inHeader = false;
    messageLines = 0;
  }

  /** {@code at x.y(Z.java:1)} or {@code ... 3 more} / {@code ... 3 common frames omitted}. */
  private static boolean isFrameLine(byte[] b, int i) {
    return startsWith(b, i, "at ") || (startsWith(b, i, "... ") && isDigit(b, i + 4));
  }

  private static boolean looksLikeLogLine(byte[] b) {
    return b.length > 0 && (isDigit(b, 0) || b[0] == '[' || b[0] == '{');
  }

  static boolean isExceptionLine(byte[] b) {
    if (startsWith(b, 0, "Exception in thread \"")) {
      return true;
    }
    int n = b.length;
    int i = 0;
    int lastDot = -1;
    while (i < n && isNameByte(b[i])) {
      if (b[i] == '.') {
        lastDot = i;
      }
      i++;
    }
    if (lastDot <= 0 || lastDot == i - 1 || !isLetter(b[0])) {
      return false;
    }
    if (i < n && b[i] != ':') {
      return false;
    }
    return contains(b, lastDot + 1, i, "Exception")
        || contains(b, lastDot + 1, i, "Error")
        || contains(b, lastDot + 1, i, "Throwable")
        || contains(b, lastDot + 1, i, "Failure");
  }

  private static boolean contains(byte[] b, int from, int to, String word) {
    int n = word.length();
    for (int i = from; i + n <= to; i++) {
      if (b[i] == word.charAt(0) && startsWith(b, i, word)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isNameByte(byte c) {
    return isLetter(c) || (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '$';
  }

  private static boolean isLetter(byte c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
  }
}
