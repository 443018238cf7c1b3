package io.github.logchute.core.process;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;

/** Rewrites every string inside parsed fields (maps and lists, nested), for masking steps. */
final class FieldStrings {

  private FieldStrings() {}

  /**
   * {@code v} with {@code f} applied to every string in it; the same instance wherever nothing
   * changed, so an untouched record keeps its fields.
   */
  static Object map(Object v, UnaryOperator<String> f) {
    if (v instanceof String s) {
      return f.apply(s);
    }
    if (v instanceof Map<?, ?> m) {
      Map<String, Object> out = new LinkedHashMap<>();
      boolean changed = false;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        Object mapped = map(e.getValue(), f);
        changed |= mapped != e.getValue();
        out.put(String.valueOf(e.getKey()), mapped);
      }
      return changed ? Collections.unmodifiableMap(out) : v;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      boolean changed = false;
      for (Object o : l) {
        Object mapped = map(o, f);
        changed |= mapped != o;
        out.add(mapped);
      }
      return changed ? Collections.unmodifiableList(out) : v;
    }
    return v;
  }
}
