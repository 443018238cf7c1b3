package io.github.logchute.examples;

import io.github.logchute.core.config.ConfigException;
import io.github.logchute.core.config.ConfigSection;
import io.github.logchute.core.parse.LogFormat;
import io.github.logchute.core.pipeline.Pipeline;
import io.github.logchute.core.process.ProcessingOptions;
import io.github.logchute.core.tail.StartAt;
import io.github.logchute.core.tail.TailerConfig;
import io.github.logchute.k8s.MetadataEnrichers;
import io.github.logchute.sink.datadog.DatadogSinkProvider;
import io.github.logchute.sink.stackdriver.StackdriverSinkProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The agent's settings: a YAML file ({@code --config} or {@code LOGCHUTE_CONFIG}), then environment
 * variables, then flags (see {@link ConfigTree} for how variable names derive from keys). The
 * engine's own keys are read here; each sink reads its section {@code sinks.<name>}, and the
 * metadata and processing sections are read by the components they configure. A key nobody reads is
 * an error naming it.
 *
 * <p>Top-level keys and flags (every key also has its {@code LOGCHUTE_*} variable):
 *
 * <table>
 *   <caption>Settings</caption>
 *   <tr><th>key</th><th>flag</th><th>default</th></tr>
 *   <tr><td>paths</td><td>--paths</td><td>/var/log/containers/*.log</td></tr>
 *   <tr><td>exclude</td><td>--exclude</td><td>**&#47;*.gz,**&#47;*.tmp</td></tr>
 *   <tr><td>dataDir</td><td>--data-dir</td><td>/var/lib/logchute</td></tr>
 *   <tr><td>startAt</td><td>--start-at</td><td>end</td></tr>
 *   <tr><td>format</td><td>--format</td><td>auto</td></tr>
 *   <tr><td>(enabled sinks)</td><td>--sinks</td><td>the keys of {@code sinks}, else console</td></tr>
 *   <tr><td>checkpointInterval</td><td>--checkpoint-interval</td><td>5s</td></tr>
 *   <tr><td>maxQueuedBytes</td><td>--max-queued-bytes</td><td>64MiB</td></tr>
 *   <tr><td>shutdownTimeout</td><td>--shutdown-timeout</td><td>30s</td></tr>
 *   <tr><td>configWatchInterval</td><td></td><td>10s (0s: only SIGHUP reloads)</td></tr>
 * </table>
 */
record AgentOptions(
    TailerConfig tailer,
    List<String> sinks,
    Map<String, ConfigSection> sinkSections,
    ConfigSection root,
    long maxQueuedBytes,
    Duration shutdownTimeout,
    Path configFile,
    Duration configWatchInterval,
    ConfigTree tree,
    List<String> ignoredSettings,
    Map<String, ConfigSection> disabledSinkSections,
    boolean checkConfig,
    boolean help,
    boolean version) {

  /** Default port of /metrics, /healthz and /readyz (the seed article's Prometheus port). */
  static final int DEFAULT_METRICS_PORT = 24231;

  static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

  /** How often the configuration file is compared with what runs (a ConfigMap update). */
  static final Duration DEFAULT_CONFIG_WATCH_INTERVAL = Duration.ofSeconds(10);

  private static final String[][] FLAGS = {
    {"--paths", "paths"},
    {"--exclude", "exclude"},
    {"--data-dir", "dataDir"},
    {"--start-at", "startAt"},
    {"--format", "format"},
    {"--checkpoint-interval", "checkpointInterval"},
    {"--max-queued-bytes", "maxQueuedBytes"},
    {"--shutdown-timeout", "shutdownTimeout"},
  };

  static final String USAGE =
      "usage: logchute-agent [--config FILE] [--check-config] [--paths GLOB[,GLOB...]]\n"
          + "                      [--exclude GLOB[,...]] [--data-dir DIR] [--start-at end|beginning]\n"
          + "                      [--format auto|cri|docker|raw] [--sinks NAME[,NAME...]]\n"
          + "                      [--checkpoint-interval 5s] [--max-queued-bytes 64MiB]\n"
          + "                      [--shutdown-timeout 30s] [--set KEY.PATH=VALUE ...]\n"
          + "                      [--plugins DIR] [--log-format text|json] [--help] [--version]\n"
          + "Settings come from the YAML file, then environment variables, then flags. Every key\n"
          + "has a variable: startAt is LOGCHUTE_START_AT, sinks.datadog.site is\n"
          + "LOGCHUTE_SINKS_DATADOG_SITE; DD_API_KEY, DD_SITE, DD_TAGS and DD_ENV are read too.\n"
          + "--check-config validates everything, prints the effective settings (secrets masked)\n"
          + "and exits. Records go to the sinks (console: JSON lines on stdout); the agent's own\n"
          + "log goes to stderr. --plugins (LOGCHUTE_PLUGINS_DIR) loads sink plugin jars from DIR.\n";

  /**
   * Reads the file, the environment and the flags.
   *
   * @param knownSinks sink names on the class path (to read {@code LOGCHUTE_SINKS_<NAME>_<KEY>})
   * @throws ConfigException naming the key (and where it was set) on any error
   */
  static AgentOptions parse(String[] args, Map<String, String> env, Collection<String> knownSinks) {
    ConfigTree tree = new ConfigTree();
    Map<String, String> flagValues = new LinkedHashMap<>();
    List<String[]> sets = new ArrayList<>();
    String configFile = env.get("LOGCHUTE_CONFIG");
    String enabled = env.get("LOGCHUTE_SINKS");
    String enabledOrigin = enabled == null ? null : "LOGCHUTE_SINKS";
    boolean help = false;
    boolean version = false;
    boolean check = false;
    for (int i = 0; i < args.length; i++) {
      String arg = args[i];
      switch (arg) {
        case "--help", "-h" -> {
          help = true;
          continue;
        }
        case "--version" -> {
          version = true;
          continue;
        }
        case "--check-config" -> {
          check = true;
          continue;
        }
        default -> {}
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
      switch (flag) {
        case "--config" -> configFile = value;
        case Plugins.FLAG -> {} // read before the sinks were looked for (Plugins.directory)
        case AgentLog.FLAG -> {} // read before anything was logged (Agent.main)
        case "--sinks" -> {
          enabled = value;
          enabledOrigin = "--sinks";
        }
        case "--set" -> {
          int e = value.indexOf('=');
          if (e <= 0) {
            throw new ConfigException("--set", "expected KEY.PATH=VALUE, got '" + value + "'");
          }
          String key = value.substring(0, e);
          if (ConfigTree.isSecretPath(key)) {
            // the command line is seen by anyone who can list processes
            throw new ConfigException(
                key, "secrets are not taken from --set: " + ConfigTree.whereSecretsGo(key));
          }
          sets.add(new String[] {key, value.substring(e + 1)});
        }
        default -> {
          String key = null;
          for (String[] f : FLAGS) {
            if (f[0].equals(flag)) {
              key = f[1];
            }
          }
          if (key == null) {
            throw new ConfigException(flag, "unknown flag\n" + USAGE);
          }
          flagValues.put(key, value);
        }
      }
    }
    if (configFile != null && !configFile.isBlank()) {
      tree.loadYaml(Path.of(configFile));
      tree.rejectSecretsFromFile();
    }
    // Which sinks run: --sinks / LOGCHUTE_SINKS, else the sections in the file, else console.
    List<String> sinks;
    if (enabled != null) {
      sinks = ConfigSection.of("", Map.of("sinks", enabled)).stringList("sinks", List.of());
    } else if (tree.root().get("sinks") instanceof Map<?, ?> m && !m.isEmpty()) {
      sinks = m.keySet().stream().map(String::valueOf).toList();
    } else {
      sinks = List.of("console");
    }
    if (sinks.isEmpty()) {
      throw new ConfigException(
          "sinks", "at least one sink is needed (set by " + enabledOrigin + ")");
    }
    componentEnvironment(env).forEach((key, value) -> tree.put(key, value, "the environment"));
    tree.applyEnvironment(
        env, union(knownSinks, sinks), name -> !componentEnvironment(Map.of(name, "x")).isEmpty());
    flagValues.forEach((k, v) -> tree.put(k, v, flagFor(k)));
    for (String[] s : sets) {
      tree.put(s[0], s[1], "--set " + s[0]);
    }
    // Settings of sinks that are not enabled (DD_API_KEY in a console-only run) are left alone;
    // those given on purpose (the file, a flag, a LOGCHUTE_ variable) are reported
    List<String> ignored = tree.settingsOfSinksNotIn(sinks);
    ConfigException unknown = tree.unknownSinkSetting(knownSinks, sinks);
    if (unknown != null) {
      throw unknown;
    }
    // Known sinks that are not enabled but were configured on purpose: checked, not created
    Map<String, ConfigSection> disabled = new LinkedHashMap<>();
    if (tree.root().get("sinks") instanceof Map<?, ?> configured) {
      for (Object name : List.copyOf(configured.keySet())) {
        String sink = String.valueOf(name);
        if (!sinks.contains(sink)) {
          if (knownSinks.contains(sink)
              && configured.get(name) instanceof Map<?, ?> section
              && ignored.stream().anyMatch(k -> k.startsWith("sinks." + sink + "."))) {
            @SuppressWarnings("unchecked")
            Map<String, ?> values = (Map<String, ?>) section;
            disabled.put(sink, ConfigSection.of("sinks." + sink, values));
          }
          tree.remove("sinks." + sink);
        }
      }
    }
    ConfigSection root = ConfigSection.of("", tree.root());
    try {
      TailerConfig tailer =
          TailerConfig.builder()
              .include(root.stringList("paths", TailerConfig.DEFAULT_INCLUDE))
              .exclude(root.stringList("exclude", TailerConfig.DEFAULT_EXCLUDE))
              .dataDir(Path.of(root.string("dataDir", TailerConfig.DEFAULT_DATA_DIR.toString())))
              .startAt(startAt(root.string("startAt", "end")))
              .format(format(root.string("format", "auto")))
              .checkpointInterval(
                  root.duration("checkpointInterval", TailerConfig.DEFAULT_CHECKPOINT_INTERVAL))
              .refreshInterval(
                  root.duration("refreshInterval", TailerConfig.DEFAULT_REFRESH_INTERVAL))
              .ignoreOlder(root.duration("ignoreOlder", Duration.ZERO))
              .metadataWait(root.duration("metadataWait", TailerConfig.DEFAULT_METADATA_WAIT))
              .maxOpenFiles(root.integer("maxOpenFiles", TailerConfig.DEFAULT_MAX_OPEN_FILES))
              .build();
      long maxQueued = root.bytes("maxQueuedBytes", Pipeline.DEFAULT_MAX_QUEUED_BYTES);
      if (maxQueued < 1024) {
        throw new ConfigException("maxQueuedBytes", "must be at least 1KiB, was " + maxQueued);
      }
      Duration shutdown = root.duration("shutdownTimeout", DEFAULT_SHUTDOWN_TIMEOUT);
      Duration watch = root.duration("configWatchInterval", DEFAULT_CONFIG_WATCH_INTERVAL);
      if (watch.isNegative()) {
        throw new ConfigException("configWatchInterval", "must not be negative");
      }
      Path file = configFile == null || configFile.isBlank() ? null : Path.of(configFile);
      ConfigSection sinkRoot = root.section("sinks");
      Map<String, ConfigSection> sections = new LinkedHashMap<>();
      for (String sink : sinks) {
        sections.put(sink, sinkRoot.section(sink));
      }
      return new AgentOptions(
          tailer, sinks, sections, root, maxQueued, shutdown, file, watch, tree, ignored, disabled,
          check, help, version);
    } catch (ConfigException e) {
      throw withOrigin(e, tree);
    } catch (IllegalArgumentException e) {
      throw new ConfigException("paths", e.getMessage());
    }
  }

  /**
   * What the components read from the environment under their own names, as key paths: the metadata
   * chain's ({@code KUBERNETES_SERVICE_HOST}, {@code LOGCHUTE_NODE_NAME}, {@code DD_TAGS}, ...),
   * the processing options', and the two sinks' ({@code DD_API_KEY}, {@code DD_SITE}, {@code
   * GOOGLE_APPLICATION_CREDENTIALS}, ...).
   */
  static Map<String, String> componentEnvironment(Map<String, String> env) {
    Map<String, String> out = new LinkedHashMap<>();
    MetadataEnrichers.settingsFromEnv(env).forEach((k, v) -> out.put("metadata." + k, v));
    ProcessingOptions.settingsFromEnv(env).forEach((k, v) -> out.put("processing." + k, v));
    DatadogSinkProvider.settingsFromEnv(env)
        .forEach(
            (k, v) -> {
              // DD_TAGS become metadata (logchute.tags) for every sink, not a second copy here
              if (!k.equals("tags")) {
                out.put("sinks.datadog." + k, v);
              }
            });
    StackdriverSinkProvider.settingsFromEnv(env)
        .forEach((k, v) -> out.put("sinks.stackdriver." + k, v));
    return out;
  }

  /** The port of the metrics and health endpoints (0: any free port). */
  int metricsPort() {
    int port = root.section("metrics").integer("port", DEFAULT_METRICS_PORT);
    if (port < 0 || port > 65535) {
      throw withOrigin(new ConfigException("metrics.port", "expected 0-65535, got " + port), tree);
    }
    return port;
  }

  /**
   * The settings a reload cannot change in place, with their values: the data directory (the
   * checkpoints of the running engine are there) and where the status endpoint listens.
   */
  Map<String, String> fixedSettings() {
    Map<String, String> fixed = new LinkedHashMap<>();
    fixed.put("dataDir", tailer.dataDir().toString());
    fixed.put("metrics.enabled", Boolean.toString(metricsEnabled()));
    fixed.put("metrics.address", metricsAddress());
    fixed.put("metrics.port", Integer.toString(metricsPort()));
    return fixed;
  }

  /** Whether /metrics, /healthz and /readyz are served. */
  boolean metricsEnabled() {
    return root.section("metrics").bool("enabled", true);
  }

  /** The address the metrics and health endpoints listen on. */
  String metricsAddress() {
    return root.section("metrics").string("address", "0.0.0.0");
  }

  /** Adds where the key was set to a configuration error. */
  static ConfigException withOrigin(ConfigException e, ConfigTree tree) {
    String key = e.key();
    String from = tree.origin(key);
    if (from == null || e.getMessage().contains("(set by ")) {
      return e;
    }
    return new ConfigException(
        key, e.getMessage().substring(key.length() + 2) + " (set by " + from + ")");
  }

  private static String flagFor(String key) {
    for (String[] f : FLAGS) {
      if (f[1].equals(key)) {
        return f[0];
      }
    }
    return key;
  }

  private static List<String> union(Collection<String> a, Collection<String> b) {
    List<String> out = new ArrayList<>(a);
    b.forEach(
        x -> {
          if (!out.contains(x)) {
            out.add(x);
          }
        });
    return out;
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
}
