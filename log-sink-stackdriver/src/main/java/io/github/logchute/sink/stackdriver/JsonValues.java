package io.github.logchute.sink.stackdriver;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadFeature;
import io.github.logchute.core.FieldsJson;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * JSON-like values (String, Number, Boolean, null, List, Map) to and from JSON with jackson-core's
 * streaming API only (this module does not depend on jackson-databind). Reading is for small
 * documents off the hot path: a credentials file, a token answer, an error body.
 */
final class JsonValues {

  static final JsonFactory FACTORY =
      JsonFactory.builder().enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION).build();

  private JsonValues() {}

  /**
   * Parses one JSON document into maps (insertion-ordered), lists, strings, numbers (Long,
   * BigInteger, Double), booleans and null.
   *
   * @throws IOException if {@code json} is not one well-formed JSON value
   */
  static Object read(byte[] json) throws IOException {
    try (JsonParser p = FACTORY.createParser(json)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new IOException("empty document");
      }
      Object v = readValue(p, t);
      if (p.nextToken() != null) {
        throw new IOException("trailing content after the JSON value");
      }
      return v;
    }
  }

  /** {@link #read} that insists on an object. */
  @SuppressWarnings("unchecked")
  static Map<String, Object> readObject(byte[] json) throws IOException {
    Object v = read(json);
    if (!(v instanceof Map)) {
      throw new IOException("expected a JSON object");
    }
    return (Map<String, Object>) v;
  }

  private static Object readValue(JsonParser p, JsonToken t) throws IOException {
    switch (t) {
      case START_OBJECT:
        Map<String, Object> map = new LinkedHashMap<>();
        while (p.nextToken() == JsonToken.FIELD_NAME) {
          String name = p.currentName();
          map.put(name, readValue(p, p.nextToken()));
        }
        return map;
      case START_ARRAY:
        List<Object> list = new ArrayList<>();
        JsonToken n;
        while ((n = p.nextToken()) != JsonToken.END_ARRAY) {
          list.add(readValue(p, n));
        }
        return list;
      case VALUE_STRING:
        return p.getText();
      case VALUE_NUMBER_INT:
        return p.getNumberType() == JsonParser.NumberType.BIG_INTEGER
            ? p.getBigIntegerValue()
            : (Object) p.getLongValue();
      case VALUE_NUMBER_FLOAT:
        return p.getDoubleValue();
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
   * Writes {@code v} (a JSON-like value as {@link io.github.logchute.core.LogRecord#fields()});
   * non-finite numbers, which a protobuf Struct cannot hold, as text.
   */
  static void write(JsonGenerator g, Object v) throws IOException {
    FieldsJson.write(g, v);
  }

  /** A string, number or boolean as label text; null for anything else. */
  static String scalarText(Object v) {
    if (v instanceof String s) {
      return s;
    }
    if (v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    return null;
  }
}
