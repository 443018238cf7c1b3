package io.github.logchute.examples;

import io.github.logchute.core.config.ConfigException;
import io.github.logchute.core.config.ConfigSection;
import io.github.logchute.core.parse.LogFormat;
import io.github.logchute.core.pipeline.Pipeline;
import io.github.logchute.core.tail.StartAt;
import io.github.logchute.core.tail.TailerConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The agent's settings, from command-line flags, then environment variables, then defaults. Every
 * setting has one of each:
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>key</th><th>flag</th><th>environment</th><th>default</th></tr>
 *   <tr><td>paths</td><td>--paths</td><td>LOGCHUTE_PATHS</td><td>/var/log/containers/*.log</td></tr>
 *   <tr><td>exclude</td><td>--exclude</td><td>LOGCHUTE_EXCLUDE</td><td>**&#47;*.gz,**&#47;*.tmp</td></tr>
 *   <tr><td>dataDir</td><td>--data-dir</td><td>LOGCHUTE_DATA_DIR</td><td>/var/lib/logchute</td></tr>
 *   <tr><td>startAt</td><td>--start-at</td><td>LOGCHUTE_START_AT</td><td>end</td></tr>
 *   <tr><td>format</td><td>--format</td><td>LOGCHUTE_FORMAT</td><td>auto</td></tr>
 *   <tr><td>sinks</td><td>--sinks</td><td>LOGCHUTE_SINKS</td><td>console</td></tr>
 *   <tr><td>checkpointInterval</td><td>--checkpoint-interval</td><td>LOGCHUTE_CHECKPOINT_INTERVAL</td><td>5s</td></tr>
 *   <tr><td>maxQueuedBytes</td><td>--max-queued-bytes</td><td>LOGCHUTE_MAX_QUEUED_BYTES</td><td>64MiB</td></tr>
 *   <tr><td>shutdownTimeout</td><td>--shutdown-timeout</td><td>LOGCHUTE_SHUTDOWN_TIMEOUT</td><td>30s</td></tr>
 * </table>
 *
 * <p>A sink's own options: {@code --set sinks.<name>.<key>=<value>} or {@code
 * LOGCHUTE_SINKS_<NAME>_<KEY>} ({@code LOGCHUTE_SINKS_CONSOLE_MAX_BATCH_RECORDS} is {@code
 * sinks.console.maxBatchRecords}).
 */
record AgentOptions(
    TailerConfig tailer,
    List<String> sinks,
    Map<String, Map<String, String>> sinkSettings,
    long maxQueuedBytes,
    Duration shutdownTimeout,
    boolean help,
    boolean version) {

  private static final String[][] KEYS = {
    {"paths", "--paths", "LOGCHUTE_PATHS"},
    {"exclude", "--exclude", "LOGCHUTE_EXCLUDE"},
    {"dataDir", "--data-dir", "LOGCHUTE_DATA_DIR"},
    {"startAt", "--start-at", "LOGCHUTE_START_AT"},
    {"format", "--format", "LOGCHUTE_FORMAT"},
    {"sinks", "--sinks", "LOGCHUTE_SINKS"},
    {"checkpointInterval", "--checkpoint-interval", "LOGCHUTE_CHECKPOINT_INTERVAL"},
    {"maxQueuedBytes", "--max-queued-bytes", "LOGCHUTE_MAX_QUEUED_BYTES"},
    {"shutdownTimeout", "--shutdown-timeout", "LOGCHUTE_SHUTDOWN_TIMEOUT"},
  };

  static final String USAGE =
      "usage: logchute-agent [--paths GLOB[,GLOB...]] [--exclude GLOB[,...]] [--data-dir DIR]\n"
          + "                      [--start-at end|beginning] [--format auto|cri|docker|raw]\n"
          + "                      [--sinks NAME[,NAME...]] [--checkpoint-interval 5s]\n"
          + "                      [--max-queued-bytes 64MiB] [--shutdown-timeout 30s]\n"
          + "                      [--set sinks.NAME.KEY=VALUE ...] [--help] [--version]\n"
          + "Every flag has an environment variable: --start-at is LOGCHUTE_START_AT, and a sink\n"
          + "option sinks.console.target is LOGCHUTE_SINKS_CONSOLE_TARGET. Records go to the\n"
          + "sinks (console: JSON lines on stdout); the agent's own log goes to stderr.\n";

  /**
   * Reads flags, then the environment.
   *
   * @throws ConfigException naming the setting (and where it came from) on any error
   */
  static AgentOptions parse(String[] args, Map<String, String> env) {
    Map<String, Object> values = new LinkedHashMap<>();
    Map<String, String> origin = new LinkedHashMap<>();
    Map<String, Map<String, String>> sinkSettings = new LinkedHashMap<>();
    boolean help = false;
    boolean version = false;
    for (String[] k : KEYS) {
      String v = env.get(k[2]);
      if (v != null) {
        values.put(k[0], v);
        origin.put(k[0], k[2]);
      }
    }
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      if (arg.equals("--help") || arg.equals("-h")) {
        help = true;
        continue;
      }
      if (arg.equals("--version")) {
        version = true;
        continue;
      }
      String flag = arg;
      String value = null;
      int eq = arg.indexOf('=');
      if (arg.startsWith("--") && eq > 0 && !arg.startsWith("--set")) {
        flag = arg.substring(0, eq);
        value = arg.substring(eq + 1);
      }
      if (value == null) {
        if (i + 1 >= args.length) {
          throw new ConfigException(flag, "needs a value");
        }
        value = args[++i];
      }
      if (flag.equals("--set")) {
        int e = value.indexOf('=');
        String[] path = e > 0 ? value.substring(0, e).split("\\.", 3) : new String[0];
        if (path.length != 3
            || !path[0].equals("sinks")
            || path[1].isEmpty()
            || path[2].isEmpty()) {
          throw new ConfigException("--set", "expected sinks.NAME.KEY=VALUE, got '" + value + "'");
        }
        sinkSettings
            .computeIfAbsent(path[1], n -> new LinkedHashMap<>())
            .put(path[2], value.substring(e + 1));
        continue;
      }
      String key = null;
      for (String[] k : KEYS) {
        if (k[1].equals(flag)) {
          key = k[0];
        }
      }
      if (key == null) {
        throw new ConfigException(flag, "unknown flag\n" + USAGE);
      }
      values.put(key, value);
      origin.put(key, flag);
    }
    ConfigSection c = ConfigSection.of("", values);
    try {
      List<String> sinks = c.stringList("sinks", List.of("console"));
      if (sinks.isEmpty()) {
        throw new ConfigException("sinks", "at least one sink is needed");
      }
      for (String sink : sinks) {
        Map<String, String> fromEnv = sinkEnv(sink, env);
        Map<String, String> merged = new LinkedHashMap<>(fromEnv);
        merged.putAll(sinkSettings.getOrDefault(sink, Map.of()));
        sinkSettings.put(sink, merged);
      }
      for (String configured : sinkSettings.keySet()) {
        if (!sinks.contains(configured)) {
          throw new ConfigException(
              "sinks." + configured, "options given for a sink that is not enabled in " + sinks);
        }
      }
      TailerConfig tailer =
          TailerConfig.builder()
              .include(c.stringList("paths", TailerConfig.DEFAULT_INCLUDE))
              .exclude(c.stringList("exclude", TailerConfig.DEFAULT_EXCLUDE))
              .dataDir(Path.of(c.string("dataDir", TailerConfig.DEFAULT_DATA_DIR.toString())))
              .startAt(startAt(c.string("startAt", "end")))
              .format(format(c.string("format", "auto")))
              .checkpointInterval(
                  c.duration("checkpointInterval", TailerConfig.DEFAULT_CHECKPOINT_INTERVAL))
              .build();
      long maxQueued = c.bytes("maxQueuedBytes", Pipeline.DEFAULT_MAX_QUEUED_BYTES);
      if (maxQueued < 1024) {
        throw new ConfigException("maxQueuedBytes", "must be at least 1KiB, was " + maxQueued);
      }
      Duration shutdown = c.duration("shutdownTimeout", Duration.ofSeconds(30));
      return new AgentOptions(tailer, sinks, sinkSettings, maxQueued, shutdown, help, version);
    } catch (ConfigException e) {
      String key = e.key();
      String from = origin.get(key);
      throw new ConfigException(
          key,
          e.getMessage().substring(key.length() + 2)
              + (from == null ? "" : " (set by " + from + ")"));
    } catch (IllegalArgumentException e) {
      throw new ConfigException("paths", e.getMessage());
    }
  }

  private static StartAt startAt(String v) {
    switch (v.trim().toLowerCase(Locale.ROOT)) {
      case "end":
        return StartAt.END;
      case "beginning":
        return StartAt.BEGINNING;
      default:
        throw new ConfigException("startAt", "expected end or beginning, got '" + v + "'");
    }
  }

  private static LogFormat format(String v) {
    try {
      return LogFormat.fromConfigName(v);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("format", e.getMessage());
    }
  }

  /** {@code LOGCHUTE_SINKS_<NAME>_<KEY>} variables of one sink, keys in camelCase. */
  static Map<String, String> sinkEnv(String sink, Map<String, String> env) {
    String prefix = "LOGCHUTE_SINKS_" + sink.toUpperCase(Locale.ROOT).replace('-', '_') + "_";
    Map<String, String> out = new LinkedHashMap<>();
    env.forEach(
        (k, v) -> {
          if (k.startsWith(prefix) && k.length() > prefix.length()) {
            out.put(camel(k.substring(prefix.length())), v);
          }
        });
    return out;
  }

  private static String camel(String upperSnake) {
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
}
