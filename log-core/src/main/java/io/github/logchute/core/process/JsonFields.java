package io.github.logchute.core.process;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Parses a message that is one JSON object into an unmodifiable, insertion-ordered map, with
 * Jackson's streaming parser (no tree model). Thread-safe.
 *
 * <p>Values: String, Long (any integer that fits), BigInteger (larger integers), Double (a fraction
 * with at most 15 significant digits, which a double holds exactly as written), BigDecimal (more
 * digits, or beyond a double's range), Boolean, null, List and Map of those. A repeated key keeps
 * its first position and its last value. Lone UTF-16 surrogates from {@code \\u} escapes become
 * U+FFFD, so the strings always encode back to valid UTF-8.
 */
final class JsonFields {

  /*
   * Design notes. Only messages whose first non-blank byte is '{' are candidates for fields; the
   * size check happens before the parser is created, so an over-limit message costs nothing but
   * its count. '[' or '"' with the matching last byte are parsed only to tell a well-formed array or
   * string (counted as not_object) from text that merely starts with a bracket ("[info] ..."),
   * which is not counted at all. Depth is tracked here (root object = depth 1); Jackson's own
   * nesting limit is set just above it as a backstop.
   */

  private static final TooDeep TOO_DEEP = new TooDeep();

  private final JsonFactory factory;
  private final int maxBytes;
  private final int maxDepth;

  JsonFields(int maxBytes, int maxDepth) {
    this.maxBytes = maxBytes;
    this.maxDepth = maxDepth;
    this.factory =
        JsonFactory.builder()
            .streamReadConstraints(
                StreamReadConstraints.builder().maxNestingDepth(maxDepth + 1).build())
            .disable(JsonFactory.Feature.INTERN_FIELD_NAMES)
            .build();
  }

  /**
   * Parses {@code b[off..off+len)}.
   *
   * @return fields, a rejection, or null when the message is not a candidate (plain text)
   */
  ParseOutcome parse(byte[] b, int off, int len) {
    int s = off;
    int e = off + len;
    while (s < e && isBlank(b[s])) {
      s++;
    }
    while (e > s && isBlank(b[e - 1])) {
      e--;
    }
    if (e - s < 2) {
      return null;
    }
    byte first = b[s];
    byte last = b[e - 1];
    if (first != '{') {
      boolean candidate = (first == '[' && last == ']') || (first == '"' && last == '"');
      return candidate && e - s <= maxBytes ? notObject(b, s, e - s) : null;
    }
    if (e - s > maxBytes) {
      return ParseOutcome.Rejection.TOO_LARGE;
    }
    try (JsonParser p = factory.createParser(b, s, e - s)) {
      p.nextToken();
      Map<String, Object> fields = readObject(p, 1);
      if (p.nextToken() != null) {
        return ParseOutcome.Rejection.INVALID;
      }
      return new ParseOutcome.Parsed(fields);
    } catch (TooDeep x) {
      return ParseOutcome.Rejection.TOO_DEEP;
    } catch (IOException | RuntimeException x) {
      return ParseOutcome.Rejection.INVALID;
    }
  }

  private ParseOutcome notObject(byte[] b, int off, int len) {
    try (JsonParser p = factory.createParser(b, off, len)) {
      p.nextToken();
      p.skipChildren();
      return p.nextToken() == null ? ParseOutcome.Rejection.NOT_OBJECT : null;
    } catch (IOException | RuntimeException x) {
      return null;
    }
  }

  private Map<String, Object> readObject(JsonParser p, int depth) throws IOException {
    if (depth > maxDepth) {
      throw TOO_DEEP;
    }
    LinkedHashMap<String, Object> map = new LinkedHashMap<>();
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = Utf16.clean(p.currentName());
      p.nextToken();
      map.put(name, readValue(p, depth));
    }
    if (!p.hasToken(JsonToken.END_OBJECT)) {
      throw new IOException("expected an object member");
    }
    return Collections.unmodifiableMap(map);
  }

  private List<Object> readArray(JsonParser p, int depth) throws IOException {
    if (depth > maxDepth) {
      throw TOO_DEEP;
    }
    ArrayList<Object> list = new ArrayList<>();
    while (p.nextToken() != JsonToken.END_ARRAY) {
      list.add(readValue(p, depth));
    }
    return Collections.unmodifiableList(list);
  }

  private Object readValue(JsonParser p, int depth) throws IOException {
    JsonToken t = p.currentToken();
    if (t == null) {
      throw new IOException("unexpected end of input");
    }
    switch (t) {
      case START_OBJECT:
        return readObject(p, depth + 1);
      case START_ARRAY:
        return readArray(p, depth + 1);
      case VALUE_STRING:
        return Utf16.clean(p.getText());
      case VALUE_NUMBER_INT:
        return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
            ? p.getBigIntegerValue()
            : Long.valueOf(p.getLongValue());
      case VALUE_NUMBER_FLOAT:
        return decimal(p);
      case VALUE_TRUE:
        return Boolean.TRUE;
      case VALUE_FALSE:
        return Boolean.FALSE;
      case VALUE_NULL:
        return null;
      default:
        throw new IOException("unexpected token " + t);
    }
  }

  /**
   * Double when it holds the literal exactly as written (15 significant digits), else BigDecimal.
   */
  private static Object decimal(JsonParser p) throws IOException {
    char[] text = p.getTextCharacters();
    int off = p.getTextOffset();
    int end = off + p.getTextLength();
    int digits = 0;
    boolean leading = true;
    for (int i = off; i < end; i++) {
      char c = text[i];
      if (c == 'e' || c == 'E') {
        break;
      }
      if (c >= '0' && c <= '9') {
        if (c != '0' || !leading) {
          leading = false;
          digits++;
        }
      }
    }
    if (digits <= 15) {
      double d = p.getDoubleValue();
      if (Double.isFinite(d) && (d != 0 || digits == 0)) {
        return d;
      }
    }
    return p.getDecimalValue();
  }

  private static boolean isBlank(byte c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\n';
  }

  /** Thrown without a stack trace when the depth limit is passed. */
  private static final class TooDeep extends RuntimeException {
    private static final long serialVersionUID = 1L;

    TooDeep() {
      super("too deep", null, false, false);
    }
  }
}
