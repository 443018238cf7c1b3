package io.github.logchute.sink.datadog;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.IOException;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * Writes the JSON-like values of {@link io.github.logchute.core.LogRecord#fields()} (String,
 * Number, Boolean, null, List, Map) with a streaming generator — no data binding. Non-finite
 * numbers become strings (JSON has none), anything else its {@code toString()}, and nesting deeper
 * than the limit its {@code toString()}, so every value produces valid JSON.
 */
final class Values {

  private Values() {}

  static void write(JsonGenerator g, Object v, int depth, int maxDepth, boolean repair)
      throws IOException {
    if (v == null) {
      g.writeNull();
    } else if (v instanceof String s) {
      g.writeString(repair ? Strings.repair(s) : s);
    } else if (v instanceof Boolean b) {
      g.writeBoolean(b);
    } else if (v instanceof Integer
        || v instanceof Long
        || v instanceof Short
        || v instanceof Byte) {
      g.writeNumber(((Number) v).longValue());
    } else if (v instanceof Double d) {
      if (d.isNaN() || d.isInfinite()) {
        g.writeString(d.toString());
      } else {
        g.writeNumber(d);
      }
    } else if (v instanceof Float f) {
      if (f.isNaN() || f.isInfinite()) {
        g.writeString(f.toString());
      } else {
        g.writeNumber(f);
      }
    } else if (v instanceof BigDecimal bd) {
      g.writeNumber(bd);
    } else if (v instanceof BigInteger bi) {
      g.writeNumber(bi);
    } else if (v instanceof Map<?, ?> m) {
      if (depth >= maxDepth) {
        g.writeString(Strings.repair(String.valueOf(m)));
        return;
      }
      g.writeStartObject();
      for (Map.Entry<?, ?> e : m.entrySet()) {
        String k = String.valueOf(e.getKey());
        g.writeFieldName(repair ? Strings.repair(k) : k);
        write(g, e.getValue(), depth + 1, maxDepth, repair);
      }
      g.writeEndObject();
    } else if (v instanceof List<?> l) {
      if (depth >= maxDepth) {
        g.writeString(Strings.repair(String.valueOf(l)));
        return;
      }
      g.writeStartArray();
      for (Object o : l) {
        write(g, o, depth + 1, maxDepth, repair);
      }
      g.writeEndArray();
    } else {
      g.writeString(Strings.repair(String.valueOf(v)));
    }
  }
}
