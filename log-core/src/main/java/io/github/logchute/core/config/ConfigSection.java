package io.github.logchute.core.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One section of configuration — for example {@code sinks.datadog} — as a provider sees it: a map
 * of keys to plain values (strings, numbers, booleans, lists, nested maps), bound from YAML,
 * environment variables or code. Getters convert and validate, and every error names the full key
 * path. The section remembers which keys were read, so that after a provider has built its sink the
 * engine can reject keys nobody asked for ({@link #requireAllKeysUsed()}) — a misspelt option fails
 * at start instead of being ignored.
 *
 * <p>Sizes accept a number of bytes or a number with {@code B}, {@code KiB}, {@code MiB}, {@code
 * GiB} (also {@code KB}, {@code MB}, {@code GB} meaning the same powers of two); durations accept
 * {@code 250ms}, {@code 5s}, {@code 2m}, {@code 1h} or ISO-8601 ({@code PT5S}).
 */
public final class ConfigSection {

  private final String path;
  private final Map<String, Object> values;
  private final Set<String> used = ConcurrentHashMap.newKeySet();

  private ConfigSection(String path, Map<String, Object> values) {
    this.path = path;
    this.values = values;
  }

  /** A section at {@code path} over {@code values} (copied). */
  public static ConfigSection of(String path, Map<String, ?> values) {
    return new ConfigSection(path, new LinkedHashMap<>(values));
  }

  /** An empty section at {@code path}. */
  public static ConfigSection empty(String path) {
    return new ConfigSection(path, Map.of());
  }

  /** The section's own path, e.g. {@code sinks.datadog}. */
  public String path() {
    return path;
  }

  /** The full path of {@code key} in this section. */
  public String keyPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  public boolean has(String key) {
    return values.containsKey(key);
  }

  /** The keys present in this section. */
  public Set<String> keys() {
    return values.keySet();
  }

  public String string(String key, String defaultValue) {
    Object v = raw(key);
    return v == null ? defaultValue : v.toString();
  }

  public String requireString(String key) {
    String v = string(key, null);
    if (v == null || v.isBlank()) {
      throw new ConfigException(keyPath(key), "is required");
    }
    return v;
  }

  public int integer(String key, int defaultValue) {
    long v = longValue(key, defaultValue);
    if (v < Integer.MIN_VALUE || v > Integer.MAX_VALUE) {
      throw new ConfigException(keyPath(key), "expected a 32-bit integer, got " + v);
    }
    return (int) v;
  }

  public long longValue(String key, long defaultValue) {
    Object v = raw(key);
    if (v == null) {
      return defaultValue;
    }
    if (v instanceof Number n && !(v instanceof Double) && !(v instanceof Float)) {
      return n.longValue();
    }
    try {
      return Long.parseLong(v.toString().trim());
    } catch (NumberFormatException e) {
      throw new ConfigException(keyPath(key), "expected an integer, got '" + v + "'");
    }
  }

  public boolean bool(String key, boolean defaultValue) {
    Object v = raw(key);
    if (v == null) {
      return defaultValue;
    }
    if (v instanceof Boolean b) {
      return b;
    }
    String s = v.toString().trim().toLowerCase(Locale.ROOT);
    switch (s) {
      case "true":
      case "yes":
      case "on":
      case "1":
        return true;
      case "false":
      case "no":
      case "off":
      case "0":
        return false;
      default:
        throw new ConfigException(keyPath(key), "expected true or false, got '" + v + "'");
    }
  }

  /** A size in bytes; see the class comment for the accepted forms. */
  public long bytes(String key, long defaultValue) {
    Object v = raw(key);
    if (v == null) {
      return defaultValue;
    }
    if (v instanceof Number n) {
      return n.longValue();
    }
    String s = v.toString().trim();
    int i = 0;
    while (i < s.length() && Character.isDigit(s.charAt(i))) {
      i++;
    }
    String unit = s.substring(i).trim().toLowerCase(Locale.ROOT);
    long multiplier;
    switch (unit) {
      case "":
      case "b":
        multiplier = 1;
        break;
      case "k":
      case "kb":
      case "kib":
        multiplier = 1024;
        break;
      case "m":
      case "mb":
      case "mib":
        multiplier = 1024 * 1024;
        break;
      case "g":
      case "gb":
      case "gib":
        multiplier = 1024L * 1024 * 1024;
        break;
      default:
        multiplier = -1;
    }
    if (i == 0 || multiplier < 0) {
      throw new ConfigException(
          keyPath(key), "expected a size such as 65536, 512KiB or 64MiB, got '" + v + "'");
    }
    try {
      return Math.multiplyExact(Long.parseLong(s.substring(0, i)), multiplier);
    } catch (ArithmeticException | NumberFormatException e) {
      throw new ConfigException(keyPath(key), "size out of range: '" + v + "'");
    }
  }

  /** A duration; see the class comment for the accepted forms. */
  public Duration duration(String key, Duration defaultValue) {
    Object v = raw(key);
    if (v == null) {
      return defaultValue;
    }
    String s = v.toString().trim();
    try {
      if (s.startsWith("P") || s.startsWith("p")) {
        return Duration.parse(s);
      }
      int i = 0;
      while (i < s.length() && Character.isDigit(s.charAt(i))) {
        i++;
      }
      if (i > 0) {
        long n = Long.parseLong(s.substring(0, i));
        switch (s.substring(i).trim()) {
          case "ms":
            return Duration.ofMillis(n);
          case "s":
            return Duration.ofSeconds(n);
          case "m":
            return Duration.ofMinutes(n);
          case "h":
            return Duration.ofHours(n);
          default:
            break;
        }
      }
    } catch (RuntimeException e) {
      // fall through to the error below
    }
    throw new ConfigException(
        keyPath(key), "expected a duration such as 250ms, 5s, 2m or PT1H, got '" + v + "'");
  }

  /** A list of strings: a YAML list, or a string separated by commas (blank items are dropped). */
  public List<String> stringList(String key, List<String> defaultValue) {
    Object v = raw(key);
    if (v == null) {
      return defaultValue;
    }
    List<String> out = new ArrayList<>();
    if (v instanceof List<?> list) {
      for (Object o : list) {
        if (o != null && !o.toString().isBlank()) {
          out.add(o.toString().trim());
        }
      }
    } else {
      for (String part : v.toString().split(",", -1)) {
        if (!part.isBlank()) {
          out.add(part.trim());
        }
      }
    }
    return List.copyOf(out);
  }

  /** Whether {@code key} holds a nested section (a map) rather than a value. */
  public boolean isSection(String key) {
    return values.get(key) instanceof Map<?, ?>;
  }

  /** A nested section; empty when absent. */
  public ConfigSection section(String key) {
    Object v = raw(key);
    if (v == null) {
      return empty(keyPath(key));
    }
    if (!(v instanceof Map<?, ?> map)) {
      throw new ConfigException(
          keyPath(key), "expected a section (a map of keys), got '" + v + "'");
    }
    Map<String, Object> copy = new LinkedHashMap<>();
    map.forEach((k, val) -> copy.put(String.valueOf(k), val));
    return new ConfigSection(keyPath(key), copy);
  }

  /**
   * Fails if this section holds a key that no getter has read: a misspelt or unsupported option.
   *
   * @throws ConfigException naming the first unknown key and listing the ones that were read
   */
  public void requireAllKeysUsed() {
    for (String key : values.keySet()) {
      if (!used.contains(key)) {
        throw new ConfigException(
            keyPath(key), "unknown key; this section reads " + new TreeSet<>(used));
      }
    }
  }

  private Object raw(String key) {
    used.add(key);
    return values.get(key);
  }

  @Override
  public String toString() {
    // Values may be secrets: name the keys only.
    return "ConfigSection{" + path + " " + values.keySet() + "}";
  }
}
