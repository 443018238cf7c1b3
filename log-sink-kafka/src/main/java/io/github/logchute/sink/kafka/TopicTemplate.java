package io.github.logchute.sink.kafka;

import io.github.logchute.core.LogRecord;
import java.util.ArrayList;
import java.util.List;

/**
 * The {@code topic} setting: a topic name, or a template with {@code {namespace}}, {@code {pod}}
 * and {@code {container}} filled from each record's container ({@link Sources}). A value that is
 * unknown becomes {@value #UNKNOWN}; a character Kafka does not allow in a topic name (anything but
 * ASCII letters, digits, {@code .}, {@code _} and {@code -}) becomes {@code _}; a name longer than
 * {@value #MAX_LENGTH} characters is cut.
 */
final class TopicTemplate {

  /** What stands for a value the record does not have. */
  static final String UNKNOWN = "unknown";

  /** Kafka's longest topic name. */
  static final int MAX_LENGTH = 249;

  private enum Field {
    NAMESPACE("{namespace}"),
    POD("{pod}"),
    CONTAINER("{container}");

    final String placeholder;

    Field(String placeholder) {
      this.placeholder = placeholder;
    }
  }

  private final String template;
  private final List<Object> parts; // String literals and Fields
  private final String constant; // the topic when there is no placeholder, else null

  private TopicTemplate(String template, List<Object> parts) {
    this.template = template;
    this.parts = List.copyOf(parts);
    this.constant = parts.size() == 1 && parts.get(0) instanceof String s ? s : null;
  }

  /**
   * Parses {@code template}.
   *
   * @throws IllegalArgumentException for an empty template, an unknown placeholder, a character
   *     Kafka does not allow outside the placeholders, or a name that is too long
   */
  static TopicTemplate parse(String template) {
    String t = template == null ? "" : template.strip();
    if (t.isEmpty()) {
      throw new IllegalArgumentException("a topic name or template is required");
    }
    List<Object> parts = new ArrayList<>();
    StringBuilder literal = new StringBuilder();
    int literalLength = 0;
    int i = 0;
    while (i < t.length()) {
      char c = t.charAt(i);
      if (c == '{') {
        Field field = null;
        for (Field f : Field.values()) {
          if (t.startsWith(f.placeholder, i)) {
            field = f;
          }
        }
        if (field == null) {
          int end = t.indexOf('}', i);
          throw new IllegalArgumentException(
              "unknown placeholder '"
                  + (end < 0 ? t.substring(i) : t.substring(i, end + 1))
                  + "' in '"
                  + t
                  + "'; the template may use {namespace}, {pod} and {container}");
        }
        if (literal.length() > 0) {
          parts.add(literal.toString());
          literal.setLength(0);
        }
        parts.add(field);
        i += field.placeholder.length();
      } else if (legal(c)) {
        literal.append(c);
        literalLength++;
        i++;
      } else {
        throw new IllegalArgumentException(
            "'"
                + t
                + "' has '"
                + c
                + "', which Kafka does not allow in a topic name (only ASCII letters, digits, '.',"
                + " '_' and '-')");
      }
    }
    if (literal.length() > 0) {
      parts.add(literal.toString());
    }
    if (literalLength > MAX_LENGTH) {
      throw new IllegalArgumentException(
          "'" + t + "' is longer than Kafka's " + MAX_LENGTH + " characters for a topic");
    }
    if (t.equals(".") || t.equals("..")) {
      throw new IllegalArgumentException("'" + t + "' is not a valid topic name");
    }
    return new TopicTemplate(t, parts);
  }

  /** Whether the template names one topic for every record. */
  boolean isConstant() {
    return constant != null;
  }

  /** The topic for {@code r}. */
  String topicFor(LogRecord r) {
    if (constant != null) {
      return constant;
    }
    StringBuilder sb = new StringBuilder(64);
    for (Object p : parts) {
      if (p instanceof String s) {
        sb.append(s);
      } else {
        String v =
            switch ((Field) p) {
              case NAMESPACE -> Sources.namespace(r);
              case POD -> Sources.pod(r);
              case CONTAINER -> Sources.container(r);
            };
        appendSanitized(sb, v == null || v.isEmpty() ? UNKNOWN : v);
      }
    }
    if (sb.length() > MAX_LENGTH) {
      sb.setLength(MAX_LENGTH);
    }
    String topic = sb.toString();
    return topic.equals(".") || topic.equals("..") ? UNKNOWN : topic;
  }

  private static void appendSanitized(StringBuilder sb, String v) {
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      sb.append(legal(c) ? c : '_');
    }
  }

  /** A character Kafka allows in a topic name. */
  static boolean legal(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == '-';
  }

  @Override
  public String toString() {
    return template;
  }
}
