package io.github.logchute.core.process;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Which lines of a source form multi-line events: none, a built-in rule for the stack traces of
 * Java, Python or Go, or a start pattern. Immutable; equal when the spec is equal.
 *
 * <p>Spec syntax (configuration {@code processing.multiline}, annotation {@code
 * logchute.io/multiline}, metadata {@link io.github.logchute.core.MetadataKeys#MULTILINE}):
 *
 * <ul>
 *   <li>{@code none} (or empty): no grouping.
 *   <li>{@code java}, {@code python}, {@code go}: the built-in rules (see {@link
 *       MultilineGrouper}).
 *   <li>{@code regex:<pattern>}: a {@link java.util.regex.Pattern}; a line in which it is found
 *       ({@code find()}, so anchor it with {@code ^} to match at the start) starts an event, other
 *       lines continue the open event, and lines before any start pass through.
 *   <li>any other text is taken as such a pattern ({@code ^\d{4}-\d{2}-\d{2}}); write {@code
 *       regex:java} for a pattern that is literally one of the names above.
 * </ul>
 */
public final class MultilineRule {

  enum Kind {
    NONE,
    JAVA,
    PYTHON,
    GO,
    PATTERN
  }

  private static final MultilineRule NONE = new MultilineRule(Kind.NONE, null, "none");
  private static final MultilineRule JAVA = new MultilineRule(Kind.JAVA, null, "java");
  private static final MultilineRule PYTHON = new MultilineRule(Kind.PYTHON, null, "python");
  private static final MultilineRule GO = new MultilineRule(Kind.GO, null, "go");

  private final Kind kind;
  private final Pattern pattern;
  private final String spec;

  private MultilineRule(Kind kind, Pattern pattern, String spec) {
    this.kind = kind;
    this.pattern = pattern;
    this.spec = spec;
  }

  public static MultilineRule none() {
    return NONE;
  }

  public static MultilineRule java() {
    return JAVA;
  }

  public static MultilineRule python() {
    return PYTHON;
  }

  public static MultilineRule go() {
    return GO;
  }

  /** A rule where a line in which {@code startPattern} is found starts an event. */
  public static MultilineRule startPattern(Pattern startPattern) {
    return new MultilineRule(
        Kind.PATTERN,
        Objects.requireNonNull(startPattern, "startPattern"),
        "regex:" + startPattern.pattern());
  }

  /**
   * Parses a spec (see the class comment).
   *
   * @throws IllegalArgumentException if the pattern does not compile, with the reason
   */
  public static MultilineRule parse(String spec) {
    String s = spec == null ? "" : spec.strip();
    switch (s.toLowerCase(Locale.ROOT)) {
      case "":
      case "none":
        return NONE;
      case "java":
        return JAVA;
      case "python":
        return PYTHON;
      case "go":
        return GO;
      default:
        break;
    }
    String regex = s.regionMatches(true, 0, "regex:", 0, 6) ? s.substring(6) : s;
    if (regex.isEmpty()) {
      throw new IllegalArgumentException("empty multi-line pattern in '" + spec + "'");
    }
    try {
      return startPattern(Pattern.compile(regex));
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "invalid multi-line pattern '" + regex + "': " + e.getDescription(), e);
    }
  }

  /** Whether this rule groups nothing. */
  public boolean isNone() {
    return kind == Kind.NONE;
  }

  /** The start pattern of a {@code regex:} rule, else null. */
  public Pattern pattern() {
    return pattern;
  }

  Kind kind() {
    return kind;
  }

  /** A fresh matcher (state for one stream of one source). */
  LineMatcher newMatcher() {
    switch (kind) {
      case JAVA:
        return new JavaTraceMatcher();
      case PYTHON:
        return new PythonTraceMatcher();
      case GO:
        return new GoPanicMatcher();
      case PATTERN:
        return new StartPatternMatcher(pattern);
      default:
        throw new IllegalStateException("no matcher for " + kind);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof MultilineRule other && spec.equals(other.spec);
  }

  @Override
  public int hashCode() {
    return spec.hashCode();
  }

  /**
   * The spec: {@code none}, {@code java}, {@code python}, {@code go} or {@code regex:<pattern>}.
   */
  @Override
  public String toString() {
    return spec;
  }
}
