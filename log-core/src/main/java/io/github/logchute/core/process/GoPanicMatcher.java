package io.github.logchute.core.process;

import io.github.logchute.core.LogRecord;

/**
 * Go panics and fatal errors, as the runtime prints them.
 *
 * <ul>
 *   <li><b>start</b>: {@code panic: ...} or {@code fatal error: ...} at the start of a line; or a
 *       goroutine header {@code goroutine N [state]:} (a dump without a panic line, e.g. after
 *       SIGQUIT).
 *   <li><b>head</b>: after the panic line, indented lines (a nested {@code panic:}), {@code [signal
 *       ...]} and further {@code panic:} lines ({@code [recovered]} chains) continue.
 *   <li><b>stacks</b>: goroutine headers, function lines ({@code main.(*T).m(0xc000010000, ...)}:
 *       no blank before the first {@code (}, ending with {@code )}), tab-indented file lines
 *       ({@code \t/app/main.go:18 +0x1d}), {@code created by ...}, {@code ...additional frames
 *       elided...}, {@code runtime stack:}. The blank lines between goroutines are held
 *       tentatively.
 *   <li><b>end</b>: {@code exit status N} (written by {@code go run}) completes the event at once.
 * </ul>
 */
final class GoPanicMatcher extends LineMatcher {

  private enum Phase {
    NONE,
    HEAD,
    STACK
  }

  private Phase phase = Phase.NONE;

  @Override
  Verdict classify(LogRecord line, boolean open) {
    byte[] b = line.message();
    if (startsWith(b, 0, "panic: ") || startsWith(b, 0, "fatal error: ")) {
      Verdict v = open && phase == Phase.HEAD ? Verdict.CONTINUE : Verdict.START;
      phase = Phase.HEAD;
      return v;
    }
    if (isGoroutineHeader(b)) {
      Verdict v = open && phase != Phase.NONE ? Verdict.CONTINUE : Verdict.START;
      phase = Phase.STACK;
      return v;
    }
    if (!open) {
      phase = Phase.NONE;
      return Verdict.PLAIN;
    }
    if (isBlank(b)) {
      return Verdict.TENTATIVE;
    }
    if (phase == Phase.HEAD && (b[0] == '\t' || b[0] == '[')) {
      return Verdict.CONTINUE;
    }
    if (phase == Phase.STACK) {
      if (startsWith(b, 0, "exit status ") && isDigit(b, 12)) {
        phase = Phase.NONE;
        return Verdict.END;
      }
      if (b[0] == '\t'
          || startsWith(b, 0, "created by ")
          || startsWith(b, 0, "...additional frames elided...")
          || startsWith(b, 0, "runtime stack:")
          || isFunctionLine(b)) {
        return Verdict.CONTINUE;
      }
    }
    if (phase == Phase.HEAD && startsWith(b, 0, "runtime stack:")) {
      phase = Phase.STACK;
      return Verdict.CONTINUE;
    }
    phase = Phase.NONE;
    return Verdict.PLAIN;
  }

  @Override
  void reset() {
    phase = Phase.NONE;
  }

  /** {@code goroutine 1 [running]:}, {@code goroutine 18 [chan receive, 2 minutes]:}. */
  private static boolean isGoroutineHeader(byte[] b) {
    return startsWith(b, 0, "goroutine ") && isDigit(b, 10) && endsWith(b, "]:");
  }

  /** {@code pkg.f(...)}: a name without blanks, then {@code (}, and a final {@code )}. */
  private static boolean isFunctionLine(byte[] b) {
    if (!endsWith(b, ")") || b[0] == ' ' || b[0] == '\t') {
      return false;
    }
    for (int i = 1; i < b.length; i++) {
      if (b[i] == '(') {
        return true;
      }
      if (b[i] == ' ' || b[i] == '\t') {
        return false;
      }
    }
    return false;
  }
}
