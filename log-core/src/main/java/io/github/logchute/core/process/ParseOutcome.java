package io.github.logchute.core.process;

import java.util.Map;

/** What a message parser made of a message it considered: fields, or why it kept the text. */
sealed interface ParseOutcome permits ParseOutcome.Parsed, ParseOutcome.Rejection {

  /** The message's members, unmodifiable, in the order written. */
  record Parsed(Map<String, Object> fields) implements ParseOutcome {}

  /** Why a message that looked structured stays text; the name is the metric's reason label. */
  enum Rejection implements ParseOutcome {
    /** Not well-formed: a syntax error, trailing content, an unterminated quote. */
    INVALID("invalid"),
    /** Well-formed JSON that is not an object (an array, a string). */
    NOT_OBJECT("not_object"),
    /** Larger than the configured limit; not parsed at all. */
    TOO_LARGE("too_large"),
    /** Objects or arrays nested deeper than the configured limit. */
    TOO_DEEP("too_deep");

    private final String label;

    Rejection(String label) {
      this.label = label;
    }

    String label() {
      return label;
    }
  }
}
