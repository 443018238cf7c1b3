package io.github.logchute.core.process;

import io.github.logchute.core.LogRecord;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A user's start pattern: a line in which the pattern is found (within its first {@value
 * #MAX_CHARS} characters) starts an event; any other line continues the open event, or passes
 * through when none is open.
 */
final class StartPatternMatcher extends LineMatcher {

  /** Bounds the cost of a pattern on a huge line. */
  static final int MAX_CHARS = 4096;

  private final Matcher matcher;

  StartPatternMatcher(Pattern pattern) {
    this.matcher = pattern.matcher("");
  }

  @Override
  Verdict classify(LogRecord line, boolean open) {
    String text = line.messageText();
    matcher.reset(text);
    matcher.region(0, Math.min(text.length(), MAX_CHARS));
    if (matcher.find()) {
      return Verdict.START;
    }
    return open ? Verdict.CONTINUE : Verdict.PLAIN;
  }

  @Override
  void reset() {
    // stateless between lines
  }
}
