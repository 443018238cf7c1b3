package io.github.logchute.core.metrics;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The collector's own metrics: counters and gauges by name and labels, written in the Prometheus
 * text format. Asking twice for the same name and labels returns the same counter, so components
 * look their counters up once and keep them.
 *
 * <p>Names follow Prometheus conventions ({@code logchute_lines_read_total}); labels are given as
 * alternating keys and values.
 */
public final class MetricsRegistry {

  private final Map<String, Family> families = new ConcurrentHashMap<>();

  /** The counter {@code name} with {@code labels} ({@code key1, value1, key2, value2, ...}). */
  public Counter counter(String name, String help, String... labels) {
    Family f = family(name, help, "counter");
    return (Counter) f.series.computeIfAbsent(labelText(labels), k -> new Counter());
  }

  /**
   * Registers a gauge read from {@code value} whenever metrics are written; replaces an earlier
   * one.
   */
  public void gauge(String name, String help, LongSupplier value, String... labels) {
    Family f = family(name, help, "gauge");
    f.series.put(labelText(labels), value);
  }

  /**
   * The current value of the counter or gauge {@code name} with {@code labels}, or {@code -1} if
   * there is none. For tests and health checks.
   */
  public long value(String name, String... labels) {
    Family f = families.get(name);
    if (f == null) {
      return -1;
    }
    Object s = f.series.get(labelText(labels));
    if (s instanceof Counter c) {
      return c.get();
    }
    if (s instanceof LongSupplier g) {
      return g.getAsLong();
    }
    return -1;
  }

  /** The sum over every label set of the counter {@code name}; 0 if there is none. */
  public long sum(String name) {
    Family f = families.get(name);
    long total = 0;
    if (f != null) {
      for (Object s : f.series.values()) {
        total += s instanceof Counter c ? c.get() : ((LongSupplier) s).getAsLong();
      }
    }
    return total;
  }

  /** Writes every metric in the Prometheus text exposition format 0.0.4. */
  public void writePrometheus(Appendable out) {
    try {
      for (Family f : new TreeMap<>(families).values()) {
        out.append("# HELP ").append(f.name).append(' ').append(f.help).append('\n');
        out.append("# TYPE ").append(f.name).append(' ').append(f.type).append('\n');
        for (Map.Entry<String, Object> e : new TreeMap<>(f.series).entrySet()) {
          long v =
              e.getValue() instanceof Counter c
                  ? c.get()
                  : ((LongSupplier) e.getValue()).getAsLong();
          out.append(f.name).append(e.getKey()).append(' ').append(Long.toString(v)).append('\n');
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private Family family(String name, String help, String type) {
    Objects.requireNonNull(name, "name");
    Family f = families.computeIfAbsent(name, n -> new Family(n, help, type));
    if (!f.type.equals(type)) {
      throw new IllegalArgumentException(name + " is a " + f.type + ", not a " + type);
    }
    return f;
  }

  private static String labelText(String... labels) {
    if (labels.length == 0) {
      return "";
    }
    if (labels.length % 2 != 0) {
      throw new IllegalArgumentException("labels come in key, value pairs");
    }
    List<String> parts = new ArrayList<>(labels.length / 2);
    for (int i = 0; i < labels.length; i += 2) {
      parts.add(labels[i] + "=\"" + escape(labels[i + 1]) + "\"");
    }
    return "{" + String.join(",", parts) + "}";
  }

  private static String escape(String v) {
    StringBuilder sb = new StringBuilder(v.length());
    for (int i = 0; i < v.length(); i++) {
      char c = v.charAt(i);
      switch (c) {
        case '\\':
          sb.append("\\\\");
          break;
        case '"':
          sb.append("\\\"");
          break;
        case '\n':
          sb.append("\\n");
          break;
        default:
          sb.append(c);
      }
    }
    return sb.toString();
  }

  private static final class Family {
    final String name;
    final String help;
    final String type;
    final Map<String, Object> series = new ConcurrentHashMap<>();

    Family(String name, String help, String type) {
      this.name = name;
      this.help = help.replace('\n', ' ');
      this.type = type;
    }
  }
}
