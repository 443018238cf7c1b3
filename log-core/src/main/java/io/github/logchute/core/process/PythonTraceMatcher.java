package io.github.logchute.core.process;

import io.github.logchute.core.LogRecord;

/**
 * CPython tracebacks.
 *
 * <ul>
 *   <li><b>start</b>: {@code Traceback (most recent call last):} at the start of a line, or an
 *       indented {@code + Exception Group Traceback (most recent call last):} (3.11+).
 *   <li><b>frames</b>: every indented line ({@code File "...", line N, in f}, source lines, {@code
 *       ^^^^} markers, the {@code |} lines of an exception group).
 *   <li><b>final line</b>: the first line that is not indented ({@code ValueError: bad}) is part of
 *       the event; after it, indented lines still are. An exception group has no such line: its
 *       event ends at the first line that is not indented.
 *   <li><b>chains</b>: after the final line, {@code During handling of the above exception, another
 *       exception occurred:} or {@code The above exception was the direct cause of the following
 *       exception:} and the next {@code Traceback} continue the event; the blank lines around them
 *       are held tentatively (a blank line followed by something else is its own record).
 * </ul>
 */
final class PythonTraceMatcher extends LineMatcher {

  private static final String TRACEBACK = "Traceback (most recent call last):";
  private static final String GROUP = "+ Exception Group Traceback (most recent call last):";

  private enum Phase {
    NONE,
    FRAMES,
    GROUP,
    FINAL,
    CHAIN
  }

  private Phase phase = Phase.NONE;

  @Override
  Verdict classify(LogRecord line, boolean open) {
    byte[] b = line.message();
    int i = indent(b);
    if (i == 0 && startsWith(b, 0, TRACEBACK)) {
      Verdict v = open && phase == Phase.CHAIN ? Verdict.CONTINUE : Verdict.START;
      phase = Phase.FRAMES;
      return v;
    }
    if (i > 0 && startsWith(b, i, GROUP) && !(open && phase == Phase.FRAMES)) {
      Verdict v = open && phase == Phase.CHAIN ? Verdict.CONTINUE : Verdict.START;
      phase = Phase.GROUP;
      return v;
    }
    if (!open) {
      phase = Phase.NONE;
      return Verdict.PLAIN;
    }
    boolean blank = i == b.length;
    switch (phase) {
      case FRAMES:
        if (blank) {
          return Verdict.TENTATIVE;
        }
        if (i == 0) {
          phase = Phase.FINAL;
        }
        return Verdict.CONTINUE;
      case GROUP:
        if (blank) {
          return Verdict.TENTATIVE;
        }
        if (i > 0) {
          return Verdict.CONTINUE;
        }
        break;
      case FINAL:
        if (blank) {
          return Verdict.TENTATIVE;
        }
        if (startsWith(b, 0, "During handling of the above exception")
            || startsWith(b, 0, "The above exception was the direct cause")) {
          phase = Phase.CHAIN;
          return Verdict.CONTINUE;
        }
        if (i > 0) {
          return Verdict.CONTINUE;
        }
        break;
      case CHAIN:
        if (blank) {
          return Verdict.TENTATIVE;
        }
        break;
      default:
        break;
    }
    phase = Phase.NONE;
    return Verdict.PLAIN;
  }

  @Override
  void reset() {
    phase = Phase.NONE;
  }
}
