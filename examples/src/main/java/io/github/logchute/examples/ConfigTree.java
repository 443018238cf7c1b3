package io.github.logchute.examples;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.github.logchute.core.config.ConfigException;
import io.github.logchute.core.config.Redact;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;

/**
 * The agent's configuration as one tree of keys: the YAML file, then environment variables, then
 * command-line flags, each overriding the one before. Every key has one environment variable,
 * derived one way from its path: {@code sinks.datadog.site} is {@code LOGCHUTE_SINKS_DATADOG_SITE},
 * {@code metadata.nodeName} is {@code LOGCHUTE_METADATA_NODE_NAME}. Well-known names are read too:
 * the components map theirs ({@code DD_API_KEY}, {@code DD_SITE}, {@code DD_TAGS}, {@code
 * LOGCHUTE_NODE_NAME}, {@code KUBERNETES_SERVICE_HOST}, ...: see each module's README), the agent
 * maps {@code DD_ENV} ({@link #ALIASES}). The tree remembers where each value came from, so an
 * error names the variable or flag as well as the key.
 */
final class ConfigTree {

  /**
   * Environment variables whose names are not derived from a key path, mapped by the agent itself.
   * The components map theirs (their {@code settingsFromEnv}).
   */
  static final Map<String, String> ALIASES = Map.of("DD_ENV", "environment");

  /** Variables with the LOGCHUTE_ prefix that are not configuration keys. */
  private static final List<String> NOT_KEYS =
      List.of("LOGCHUTE_CONFIG", "LOGCHUTE_SINKS", Plugins.ENV, AgentLog.ENV);

  /** Sections whose keys an environment variable may name: {@code LOGCHUTE_<SECTION>_<KEY>}. */
  static final List<String> SECTIONS = List.of("metadata", "processing", "metrics");

  private static final String FILE_ORIGIN = "the file ";

  private final Map<String, Object> root = new LinkedHashMap<>();
  private final Map<String, String> origins = new LinkedHashMap<>();

  /** The tree: nested maps of keys to strings, numbers, booleans and lists. */
  Map<String, Object> root() {
    return root;
  }

  /**
   * Where {@code keyPath} was set ({@code LOGCHUTE_START_AT}, {@code --set}, the file), or null.
   */
  String origin(String keyPath) {
    return origins.get(keyPath);
  }

  /**
   * Whether {@code keyPath} was set on purpose: by the file, a flag or a {@code LOGCHUTE_}
   * variable, not by a well-known variable such as {@code DD_API_KEY}.
   */
  boolean isExplicit(String keyPath) {
    String origin = origins.get(keyPath);
    return origin != null
        && (origin.startsWith(FILE_ORIGIN)
            || origin.startsWith("--")
            || origin.startsWith("LOGCHUTE_"));
  }

  /**
   * Settings under {@code sinks.<name>} for a sink not in {@code enabled}, set by the file, a flag
   * or a {@code LOGCHUTE_} variable (not by a well-known variable such as {@code DD_API_KEY}, which
   * a shared environment may hold for other programs): {@code key (set by origin)}, in order.
   */
  List<String> settingsOfSinksNotIn(Collection<String> enabled) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> e : origins.entrySet()) {
      String key = e.getKey();
      if (!key.startsWith("sinks.")) {
        continue;
      }
      String rest = key.substring("sinks.".length());
      int dot = rest.indexOf('.');
      String sink = dot < 0 ? rest : rest.substring(0, dot);
      if (!enabled.contains(sink) && isExplicit(key)) {
        out.add(key + " (set by " + e.getValue() + ")");
      }
    }
    return out;
  }

  /**
   * The first setting under {@code sinks.<name>} for a sink name that is neither known (on the
   * class path) nor enabled, as a {@link ConfigException} naming the key and where it was set; null
   * if there is none. A misspelt sink name would otherwise be an ignored section.
   */
  ConfigException unknownSinkSetting(Collection<String> known, Collection<String> enabled) {
    for (Map.Entry<String, String> e : origins.entrySet()) {
      String key = e.getKey();
      if (!key.startsWith("sinks.")) {
        continue;
      }
      String rest = key.substring("sinks.".length());
      int dot = rest.indexOf('.');
      String sink = dot < 0 ? rest : rest.substring(0, dot);
      if (!known.contains(sink) && !enabled.contains(sink)) {
        return new ConfigException(
            key,
            "no sink is named '"
                + sink
                + "' (set by "
                + e.getValue()
                + "); the sinks found are "
                + new java.util.TreeSet<>(known));
      }
    }
    return null;
  }

  /** Reads a YAML file whose top level is a map. */
  void loadYaml(Path file) {
    Object doc;
    try {
      byte[] bytes = Files.readAllBytes(file);
      doc =
          bytes.length == 0
              ? Map.of()
              : new ObjectMapper(new YAMLFactory()).readValue(bytes, Object.class);
    } catch (IOException e) {
      throw new ConfigException("config", "cannot read " + file + ": " + e.getMessage());
    }
    if (doc == null) {
      return;
    }
    if (!(doc instanceof Map<?, ?> map)) {
      throw new ConfigException("config", file + ": the top level must be a map of keys");
    }
    merge("", map, FILE_ORIGIN + file);
  }

  private void merge(String prefix, Map<?, ?> map, String origin) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = prefix.isEmpty() ? String.valueOf(e.getKey()) : prefix + "." + e.getKey();
      if (e.getValue() instanceof Map<?, ?> nested && !nested.isEmpty()) {
        merge(key, nested, origin);
      } else {
        put(key, e.getValue() instanceof Map<?, ?> ? new LinkedHashMap<>() : e.getValue(), origin);
      }
    }
  }

  /**
   * Applies environment variables: aliases, then {@code LOGCHUTE_*} names derived from key paths.
   *
   * @param sinkNames the sink names known (on the class path or configured), to split {@code
   *     LOGCHUTE_SINKS_<NAME>_<KEY>} where a name has several words
   * @param componentVariable whether a component reads the variable under its own name (then it is
   *     not also taken as a key path)
   */
  void applyEnvironment(
      Map<String, String> env, Collection<String> sinkNames, Predicate<String> componentVariable) {
    ALIASES.forEach(
        (name, key) -> {
          String v = env.get(name);
          if (v != null) {
            put(key, v, name);
          }
        });
    for (Map.Entry<String, String> e : env.entrySet()) {
      String name = e.getKey();
      if (!name.startsWith("LOGCHUTE_")
          || ALIASES.containsKey(name)
          || NOT_KEYS.contains(name)
          || componentVariable.test(name)) {
        continue;
      }
      put(keyOf(name.substring("LOGCHUTE_".length()), sinkNames), e.getValue(), name);
    }
  }

  /** The key path a {@code LOGCHUTE_} variable names (without its prefix). */
  static String keyOf(String rest, Collection<String> sinkNames) {
    if (rest.startsWith("SINKS_")) {
      String after = rest.substring("SINKS_".length());
      String best = null;
      for (String sink : sinkNames) {
        String p = envName(sink) + "_";
        if (after.startsWith(p) && (best == null || p.length() > envName(best).length() + 1)) {
          best = sink;
        }
      }
      if (best != null) {
        return "sinks." + best + "." + camel(after.substring(envName(best).length() + 1));
      }
      int us = after.indexOf('_');
      if (us > 0) {
        return "sinks."
            + after.substring(0, us).toLowerCase(Locale.ROOT)
            + "."
            + camel(after.substring(us + 1));
      }
    }
    for (String section : SECTIONS) {
      String p = section.toUpperCase(Locale.ROOT) + "_";
      if (rest.startsWith(p) && rest.length() > p.length()) {
        return section + "." + camel(rest.substring(p.length()));
      }
    }
    return camel(rest);
  }

  /**
   * The environment variable of {@code keyPath}: {@code sinks.datadog.site} →
   * LOGCHUTE_SINKS_DATADOG_SITE.
   */
  static String envVar(String keyPath) {
    StringBuilder sb = new StringBuilder("LOGCHUTE_");
    for (char ch : keyPath.toCharArray()) {
      if (ch == '.' || ch == '-') {
        sb.append('_');
      } else if (Character.isUpperCase(ch)) {
        sb.append('_').append(ch);
      } else {
        sb.append(Character.toUpperCase(ch));
      }
    }
    return sb.toString();
  }

  private static String envName(String sink) {
    return sink.toUpperCase(Locale.ROOT).replace('-', '_');
  }

  static String camel(String upperSnake) {
    StringBuilder sb = new StringBuilder();
    boolean up = false;
    for (char ch : upperSnake.toLowerCase(Locale.ROOT).toCharArray()) {
      if (ch == '_') {
        up = true;
      } else {
        sb.append(up ? Character.toUpperCase(ch) : ch);
        up = false;
      }
    }
    return sb.toString();
  }

  /** Sets the value at a dotted key path, creating sections on the way. */
  @SuppressWarnings("unchecked")
  void put(String keyPath, Object value, String origin) {
    String[] parts = keyPath.split("\\.");
    Map<String, Object> node = root;
    StringBuilder at = new StringBuilder();
    for (int i = 0; i < parts.length - 1; i++) {
      if (parts[i].isEmpty()) {
        throw new ConfigException(keyPath, "is not a valid key (set by " + origin + ")");
      }
      at.append(at.length() == 0 ? "" : ".").append(parts[i]);
      Object child = node.get(parts[i]);
      if (child == null) {
        child = new LinkedHashMap<String, Object>();
        node.put(parts[i], child);
      } else if (!(child instanceof Map)) {
        throw new ConfigException(
            at.toString(), "is a value, so it cannot hold " + keyPath + " (set by " + origin + ")");
      }
      node = (Map<String, Object>) child;
    }
    String last = parts[parts.length - 1];
    if (last.isEmpty()) {
      throw new ConfigException(keyPath, "is not a valid key (set by " + origin + ")");
    }
    node.put(last, value);
    origins.put(keyPath, origin);
  }

  /** Removes the sub-tree at {@code keyPath}, if any. */
  @SuppressWarnings("unchecked")
  void remove(String keyPath) {
    String[] parts = keyPath.split("\\.");
    Map<String, Object> node = root;
    for (int i = 0; i < parts.length - 1; i++) {
      if (!(node.get(parts[i]) instanceof Map<?, ?> child)) {
        return;
      }
      node = (Map<String, Object>) child;
    }
    node.remove(parts[parts.length - 1]);
  }

  /**
   * Fails if the configuration file set a secret ({@link #isSecret}): secrets come from the
   * environment (a Kubernetes Secret) or from a file of their own ({@code apiKeyFile}), never from
   * a file that is usually a ConfigMap, checked in, or printed.
   */
  void rejectSecretsFromFile() {
    for (Map.Entry<String, String> e : origins.entrySet()) {
      String key = e.getKey();
      String last = key.substring(key.lastIndexOf('.') + 1);
      if (isSecret(last) && e.getValue().startsWith(FILE_ORIGIN)) {
        throw new ConfigException(
            key,
            "secrets are not read from the configuration file ("
                + e.getValue().substring(FILE_ORIGIN.length())
                + "): "
                + whereSecretsGo(key));
      }
    }
  }

  /** Where the secret {@code key} is to be given instead of a file or a flag. */
  static String whereSecretsGo(String key) {
    return "set it in the environment (for example "
        + (key.equals("sinks.datadog.apiKey") ? "DD_API_KEY" : envVar(key))
        + ", from a Kubernetes Secret) or give a file that holds it";
  }

  /** Whether the key path {@code key} (its last segment) holds a secret. */
  static boolean isSecretPath(String key) {
    return isSecret(key.substring(key.lastIndexOf('.') + 1));
  }

  /** The tree as YAML-like text with every secret replaced by {@code ****}. */
  String masked() {
    StringBuilder sb = new StringBuilder();
    print(sb, root, "");
    return sb.toString();
  }

  private static void print(StringBuilder sb, Map<?, ?> map, String indent) {
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String key = String.valueOf(e.getKey());
      Object v = e.getValue();
      if (v instanceof Map<?, ?> m) {
        sb.append(indent).append(key).append(':').append(m.isEmpty() ? " {}\n" : "\n");
        print(sb, m, indent + "  ");
      } else if (isSecret(key)) {
        sb.append(indent).append(key).append(": \"****\"\n");
      } else if (v instanceof List<?> list) {
        List<String> items = new ArrayList<>();
        list.forEach(o -> items.add(quote(o)));
        sb.append(indent).append(key).append(": ").append(items).append('\n');
      } else {
        sb.append(indent).append(key).append(": ").append(quote(v)).append('\n');
      }
    }
  }

  private static String quote(Object v) {
    if (v instanceof String s && s.contains("://")) {
      v = Redact.url(s); // user info, ?api_key=…
    }
    if (v == null) {
      return "null";
    }
    if (v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    return "\"" + v.toString().replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }

  /** Keys whose values are secrets: API keys, tokens, passwords, private keys. */
  static boolean isSecret(String key) {
    String k = key.toLowerCase(Locale.ROOT);
    if (k.endsWith("file") || k.endsWith("path") || k.endsWith("url")) {
      return false; // where a secret is, not the secret
    }
    return k.endsWith("key")
        || k.endsWith("token")
        || k.contains("secret")
        || k.contains("password");
  }
}
