package io.github.logchute.examples;

import io.github.logchute.core.Clock;
import io.github.logchute.core.Logchute;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.config.ConfigException;
import io.github.logchute.core.config.ConfigSection;
import io.github.logchute.core.metrics.Counter;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.process.Exclusion;
import io.github.logchute.core.process.LineRules;
import io.github.logchute.core.process.ProcessingOptions;
import io.github.logchute.core.process.RateLimit;
import io.github.logchute.core.process.Redaction;
import io.github.logchute.core.spi.MetadataEnricher;
import io.github.logchute.core.spi.Sink;
import io.github.logchute.core.spi.SinkContext;
import io.github.logchute.core.spi.SinkRegistry;
import io.github.logchute.k8s.MetadataEnrichers;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The logchute node agent: tails container log files into the configured sinks until it is stopped.
 * SIGTERM (or Ctrl-C) stops reading, flushes what is queued within the shutdown timeout, saves
 * checkpoints and exits; whatever was not delivered is read again at the next start. SIGHUP, or a
 * change of the configuration file, reloads the configuration in place ({@link #reload}).
 *
 * <p>Records go to the sinks only (the console sink: stdout); the agent's own messages go to stderr
 * through {@link System.Logger}. See {@link AgentOptions} for the settings.
 */
public final class Agent implements AutoCloseable {

  private static final Logger LOG = System.getLogger(Agent.class.getName());

  /** Whether the agent's own log is JSON lines ({@code --log-format json}). */
  private static volatile boolean jsonLog;

  private final String[] args;
  private final Map<String, String> env;
  private final SinkRegistry registry;
  private final MetricsRegistry metrics;
  private final Clock clock;
  private final Counter reloadsApplied;
  private final Counter reloadsRefused;
  private final Counter reloadsFailed;
  private final AtomicLong lastReloadOk = new AtomicLong(1);

  /** The configuration that runs; changed only by a reload, under this object's lock. */
  private AgentOptions options;

  /** The engine that runs; null only while a reload swaps it, or after a failed reload. */
  private volatile Logchute engine;

  /** True while a reload stops one engine and starts the next (alive, not ready). */
  private volatile boolean swapping;

  private StatusServer status;
  private ReloadTriggers triggers;
  private boolean closed;

  private Agent(
      String[] args,
      Map<String, String> env,
      SinkRegistry registry,
      MetricsRegistry metrics,
      Clock clock,
      AgentOptions options) {
    this.args = args.clone();
    this.env = Map.copyOf(env);
    this.registry = registry;
    this.metrics = metrics;
    this.clock = clock;
    this.options = options;
    String help = "Configuration reloads (SIGHUP or a changed file), by result.";
    reloadsApplied = metrics.counter(RELOADS, help, "result", "applied");
    reloadsRefused = metrics.counter(RELOADS, help, "result", "refused");
    reloadsFailed = metrics.counter(RELOADS, help, "result", "failed");
    metrics.gauge(
        "logchute_config_last_reload_successful",
        "1 if the last reload (or the start) applied its configuration, 0 if it was refused or"
            + " failed.",
        lastReloadOk::get);
  }

  static final String RELOADS = "logchute_config_reloads_total";

  /** What the agent is made of once its configuration has been read and checked. */
  record Parts(
      List<String> names,
      List<Sink> sinks,
      MetadataEnricher enricher,
      ProcessingOptions processing,
      List<LineRules.Rule> rules,
      Exclusion exclusion,
      RateLimit.Limit rateLimit,
      Duration rateLimitSummaryInterval,
      Set<Redaction.Kind> redact)
      implements AutoCloseable {
    @Override
    public void close() {
      sinks.forEach(Sink::close);
      enricher.close();
    }
  }

  /**
   * Builds every component from {@code options} without starting any, and checks that every key was
   * read by someone (a misspelt key fails here, naming it).
   *
   * @throws ConfigException on any configuration error, naming the key
   */
  static Parts build(
      AgentOptions options, SinkRegistry registry, MetricsRegistry metrics, Clock clock) {
    List<Sink> created = new ArrayList<>();
    MetadataEnricher enricher = MetadataEnricher.noop();
    try {
      ConfigSection processingSection = options.root().section("processing");
      ProcessingOptions processing = ProcessingOptions.fromConfig(processingSection);
      List<LineRules.Rule> rules = List.of();
      String rulesJson = processingSection.string("rules", null);
      if (rulesJson != null && !rulesJson.isBlank()) {
        try {
          rules = LineRules.parse(rulesJson);
        } catch (IllegalArgumentException e) {
          throw new ConfigException(processingSection.keyPath("rules"), e.getMessage());
        }
      }
      Exclusion exclusion;
      try {
        exclusion =
            new Exclusion(
                Set.copyOf(processingSection.stringList("includeNamespaces", List.of())),
                Set.copyOf(processingSection.stringList("excludeNamespaces", List.of())),
                Set.copyOf(processingSection.stringList("excludeContainers", List.of())),
                Exclusion.labels(processingSection.stringList("excludePodLabels", List.of())));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(processingSection.keyPath("excludePodLabels"), e.getMessage());
      }
      Set<Redaction.Kind> redact;
      try {
        redact = Redaction.parse(processingSection.stringList("redact", List.of()));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(processingSection.keyPath("redact"), e.getMessage());
      }
      RateLimit.Limit rateLimit = RateLimit.Limit.fromSetting(processingSection, "rateLimit");
      Duration summaryInterval =
          processingSection.duration(
              "rateLimitSummaryInterval", RateLimit.DEFAULT_SUMMARY_INTERVAL);
      if (summaryInterval.isNegative() || summaryInterval.isZero()) {
        throw new ConfigException(
            processingSection.keyPath("rateLimitSummaryInterval"), "must be positive");
      }
      processingSection.requireAllKeysUsed();
      for (String name : options.sinks()) {
        created.add(
            registry.create(
                name, new SinkContext(options.sinkSections().get(name), metrics, clock)));
      }
      for (Map.Entry<String, ConfigSection> e : options.disabledSinkSections().entrySet()) {
        try {
          try {
            registry.validate(e.getKey(), e.getValue());
          } catch (ConfigException missing) {
            if (options.tree().origin(missing.key()) != null) {
              throw missing;
            }
            // a required setting the disabled sink lacks (its API key, say), reported after every
            // other key was read: the keys that were set are still checked for typos
            e.getValue().requireAllKeysUsed();
          }
        } catch (ConfigException invalid) {
          // a setting given on purpose is wrong; a required one missing is fine while disabled
          if (options.tree().isExplicit(invalid.key())
              || options.tree().origin(invalid.key()) == null
                  && invalid.getMessage().contains("unknown key")) {
            throw AgentOptions.withOrigin(
                new ConfigException(
                    invalid.key(),
                    invalid.getMessage().substring(invalid.key().length() + 2)
                        + " (sink "
                        + e.getKey()
                        + " is not enabled, but its settings are checked)"),
                options.tree());
          }
        }
      }
      String environment = options.root().string("environment", null);
      ConfigSection metadataSection = options.root().section("metadata");
      MetadataEnricher chain = MetadataEnrichers.fromConfig(metadataSection, metrics, clock);
      enricher =
          environment == null || environment.isBlank()
              ? chain
              : MetadataEnricher.composite(List.of(chain, defaultEnvironment(environment.strip())));
      metadataSection.requireAllKeysUsed();
      ConfigSection metricsSection = options.root().section("metrics");
      options.metricsPort(); // its range, as start-up checks it
      metricsSection.integer("port", AgentOptions.DEFAULT_METRICS_PORT);
      metricsSection.string("address", "0.0.0.0");
      metricsSection.bool("enabled", true);
      metricsSection.requireAllKeysUsed();
      options.root().requireAllKeysUsed();
      requireWritable(options.tailer().dataDir());
      return new Parts(
          options.sinks(),
          created,
          enricher,
          processing,
          rules,
          exclusion,
          rateLimit,
          summaryInterval,
          redact);
    } catch (RuntimeException e) {
      created.forEach(Sink::close);
      enricher.close();
      throw e instanceof ConfigException c ? AgentOptions.withOrigin(c, options.tree()) : e;
    }
  }

  /**
   * The data directory must take the checkpoints: created if missing, then a file written and
   * removed in it — a read-only or misplaced directory fails at start (and in {@code
   * --check-config}), not at the first save minutes later.
   */
  static void requireWritable(java.nio.file.Path dataDir) {
    try {
      java.nio.file.Files.createDirectories(dataDir);
      java.nio.file.Path probe =
          java.nio.file.Files.createTempFile(dataDir, ".logchute-write-check", ".tmp");
      java.nio.file.Files.delete(probe);
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      throw new ConfigException("dataDir", "cannot write checkpoints in " + dataDir + ": " + e);
    }
  }

  /** {@code DD_ENV}: the environment of sources whose pod does not name its own. */
  private static MetadataEnricher defaultEnvironment(String environment) {
    return (source, metadata) -> {
      if (metadata.get(MetadataKeys.DEPLOYMENT_ENVIRONMENT) == null) {
        metadata.put(MetadataKeys.DEPLOYMENT_ENVIRONMENT, environment);
      }
    };
  }

  /**
   * Builds and starts an agent; {@code args} and {@code env} are kept to read the configuration
   * again at a reload (only the file can have changed).
   *
   * @throws ConfigException on any configuration error, naming the key
   * @throws IOException if the data directory cannot be created or the status port bound
   */
  static Agent start(
      AgentOptions options, SinkRegistry registry, String[] args, Map<String, String> env)
      throws IOException {
    Clock clock = Clock.system();
    MetricsRegistry metrics = new MetricsRegistry();
    Parts parts = build(options, registry, metrics, clock);
    Agent agent = new Agent(args, env, registry, metrics, clock, options);
    agent.engine = agent.startEngine(options, parts); // on failure it closed the parts
    int port = options.metricsPort();
    if (options.metricsEnabled()) {
      try {
        agent.status =
            StatusServer.start(
                options.metricsAddress(), port, metrics, agent::isAlive, agent::isReady);
      } catch (IOException e) {
        agent.engine.close(Duration.ZERO);
        throw new IOException(
            "cannot serve metrics on " + options.metricsAddress() + ":" + port + ": " + e, e);
      }
    }
    warnIgnored(options);
    LOG.log(
        Level.INFO,
        "logchute agent reading {0} (checkpoints in {1}) into sinks {2}{3}",
        options.tailer().include(),
        options.tailer().dataDir(),
        options.sinks(),
        agent.status == null ? "" : "; metrics and health on port " + agent.status.port());
    agent.triggers = ReloadTriggers.start(agent, options);
    return agent;
  }

  private static void warnIgnored(AgentOptions options) {
    if (!options.ignoredSettings().isEmpty()) {
      LOG.log(
          Level.WARNING,
          "settings of sinks that are not enabled (sinks: {0}) are ignored: {1}",
          options.sinks(),
          String.join(", ", options.ignoredSettings()));
    }
  }

  /** Starts an engine on {@code parts}; on failure the parts are closed. */
  private Logchute startEngine(AgentOptions options, Parts parts) throws IOException {
    Logchute.Builder builder =
        Logchute.builder()
            .tailer(options.tailer())
            .enricher(parts.enricher())
            .processing(parts.processing())
            // excluded pods and containers, then global rules and each pod's own
            .processor(parts.exclusion().processor(metrics))
            .processor(new LineRules(parts.rules(), metrics))
            // after the rules (what they drop does not count), before the costlier redaction
            .processor(
                new RateLimit(parts.rateLimit(), parts.rateLimitSummaryInterval(), metrics, clock))
            // last: nothing a rule or a parser produced reaches a sink unredacted
            .processor(new Redaction(parts.redact(), metrics))
            .metrics(metrics)
            .clock(clock)
            .maxQueuedBytes(options.maxQueuedBytes());
    for (int i = 0; i < parts.sinks().size(); i++) {
      builder.sink(parts.names().get(i), parts.sinks().get(i));
    }
    return builder.start(); // on failure it has closed the sinks and the enricher
  }

  private boolean isAlive() {
    Logchute e = engine;
    return swapping || (e != null && e.isAlive());
  }

  private boolean isReady() {
    Logchute e = engine;
    return !swapping && e != null && e.isReady();
  }

  /**
   * Reads the configuration again and, if it is valid and changes only what can change in place,
   * stops the running engine as SIGTERM would (reading stops, what was read is delivered within the
   * shutdown timeout, checkpoints are saved) and starts one on the new configuration, which resumes
   * from those checkpoints: nothing read is lost or read twice. An invalid configuration, or one
   * that changes the data directory or the status endpoint, is refused with the reason logged; the
   * running configuration stays.
   *
   * @param trigger what asked for the reload, for the log
   * @return whether the new configuration was applied
   */
  synchronized boolean reload(String trigger) {
    if (closed) {
      return false;
    }
    AgentOptions next;
    Parts parts;
    try {
      next = AgentOptions.parse(args, env, registry.names());
      List<String> fixed = new ArrayList<>();
      Map<String, String> now = options.fixedSettings();
      next.fixedSettings()
          .forEach(
              (key, value) -> {
                if (!value.equals(now.get(key))) {
                  fixed.add(key + " (" + now.get(key) + " -> " + value + ")");
                }
              });
      if (!fixed.isEmpty()) {
        return refuse(
            trigger,
            String.join(", ", fixed) + " cannot change while the agent runs; restart it to apply");
      }
      parts = build(next, registry, metrics, clock);
    } catch (ConfigException e) {
      return refuse(trigger, "configuration error: " + e.getMessage());
    }
    swapping = true;
    try {
      Logchute.Shutdown stopped = engine.shutdown(options.shutdownTimeout());
      engine = null;
      if (!stopped.checkpointsSaved()) {
        LOG.log(
            Level.ERROR,
            "reload: the checkpoints could not be saved ({0}); the new configuration reads again"
                + " from the last positions saved",
            stopped.checkpointError());
      } else if (!stopped.delivered()) {
        LOG.log(
            Level.WARNING,
            "reload: not everything read was delivered within the shutdown timeout ({0}); the"
                + " rest is read again under the new configuration",
            options.shutdownTimeout());
      }
      try {
        engine = startEngine(next, parts);
      } catch (IOException | RuntimeException e) {
        reloadsFailed.increment();
        lastReloadOk.set(0);
        LOG.log(
            Level.ERROR,
            "reload ({0}): the new configuration could not start ({1}); going back to the one"
                + " that ran",
            trigger,
            e.toString());
        try {
          engine = startEngine(options, build(options, registry, metrics, clock));
        } catch (IOException | RuntimeException again) {
          LOG.log(
              Level.ERROR,
              "reload: the configuration that ran could not start again either ({0}); exiting",
              again.toString());
          new Thread(() -> System.exit(1), "logchute-exit").start();
        }
        return false;
      }
    } finally {
      swapping = false;
    }
    options = next;
    reloadsApplied.increment();
    lastReloadOk.set(1);
    warnIgnored(next);
    LOG.log(
        Level.INFO,
        "configuration reloaded ({0}): reading {1} into sinks {2}",
        trigger,
        next.tailer().include(),
        next.sinks());
    if (triggers != null) {
      triggers.interval(next.configWatchInterval());
    }
    return true;
  }

  private boolean refuse(String trigger, String reason) {
    reloadsRefused.increment();
    lastReloadOk.set(0);
    LOG.log(
        Level.ERROR,
        "configuration not reloaded ({0}): {1}; the running configuration stays",
        trigger,
        reason);
    return false;
  }

  MetricsRegistry metrics() {
    return metrics;
  }

  /** The port of the status endpoint, or -1 if it is off. */
  int statusPort() {
    return status == null ? -1 : status.port();
  }

  /** Stops reading, flushes within the shutdown timeout, saves checkpoints. */
  @Override
  public synchronized void close() {
    closeAndReport(null);
  }

  /**
   * As {@link #close}, and says how it went; with {@code direct} non-null the final message goes
   * there rather than through the logger (in a shutdown hook, java.util.logging may already have
   * been reset by its own hook, and the message would be lost).
   *
   * @return the exit code: 0, also when not everything read was delivered within the shutdown
   *     timeout (the rest is read again at the next start); 1 if the final checkpoints could not be
   *     saved (the next start would read again from older positions)
   */
  synchronized int closeAndReport(PrintStream direct) {
    if (closed) {
      return 0;
    }
    closed = true;
    if (triggers != null) {
      triggers.close();
    }
    Logchute running = engine;
    Logchute.Shutdown shutdown =
        running == null
            ? new Logchute.Shutdown(true, true, null)
            : running.shutdown(options.shutdownTimeout());
    if (status != null) {
      status.close();
    }
    boolean saved = shutdown.checkpointsSaved();
    String level = saved ? "INFO" : "ERROR";
    String message;
    if (!saved) {
      message =
          "logchute agent stopped, but its checkpoints could not be saved ("
              + shutdown.checkpointError()
              + "): the next start reads again from the last positions saved";
    } else if (shutdown.delivered()) {
      message = "logchute agent stopped; everything read was delivered";
    } else {
      message =
          "logchute agent stopped before everything read was delivered; the rest is read"
              + " again at the next start";
    }
    if (direct != null) {
      direct.print(
          AgentLog.line(
              jsonLog, java.time.Instant.now(), level, Agent.class.getName(), message, null));
      direct.flush();
    } else {
      LOG.log(saved ? Level.INFO : Level.ERROR, message);
    }
    return saved ? 0 : 1;
  }

  public static void main(String[] args) throws InterruptedException {
    try {
      jsonLog = AgentLog.json(args, System.getenv());
    } catch (ConfigException e) {
      System.err.println("logchute: configuration error: " + e.getMessage());
      System.exit(2);
    }
    AgentLog.install(jsonLog); // one line per message on stderr: time, level, logger, message
    int code = run(args, System.getenv(), System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /**
   * Runs until the JVM is asked to stop (SIGTERM, Ctrl-C): then flushes within the shutdown timeout
   * and exits 0. Returns an exit code if it cannot start, or after {@code --help}, {@code
   * --version} or {@code --check-config}.
   */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err)
      throws InterruptedException {
    SinkRegistry registry;
    AgentOptions options;
    try {
      ClassLoader plugins =
          Plugins.loader(Plugins.directory(args, env), Agent.class.getClassLoader());
      registry = SinkRegistry.load(plugins);
      options = AgentOptions.parse(args, env, registry.names());
    } catch (ConfigException e) {
      err.println("logchute: configuration error: " + e.getMessage());
      return 2;
    }
    if (options.help()) {
      out.print(AgentOptions.USAGE);
      out.println("Sinks found: " + String.join(", ", registry.names()));
      return 0;
    }
    if (options.version()) {
      String v = Agent.class.getPackage().getImplementationVersion();
      out.println("logchute-agent " + (v == null ? "(development build)" : v));
      return 0;
    }
    if (options.checkConfig()) {
      try (Parts parts = build(options, registry, new MetricsRegistry(), Clock.system())) {
        out.println("# logchute: the configuration is valid; effective settings (secrets masked):");
        out.println("# sinks: " + parts.names());
        for (String ignored : options.ignoredSettings()) {
          out.println("# ignored, its sink is not enabled: " + ignored);
        }
        out.print(options.tree().masked());
        return 0;
      } catch (ConfigException e) {
        err.println("logchute: configuration error: " + e.getMessage());
        return 2;
      }
    }
    Agent agent;
    try {
      agent = start(options, registry, args, env);
    } catch (ConfigException e) {
      err.println("logchute: configuration error: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      err.println("logchute: cannot start: " + e.getMessage());
      return 1;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  // A stop requested by SIGTERM that flushed (or gave up at its deadline, leaving
                  // the rest to the next start) is a normal end: exit 0, not 143; checkpoints
                  // that could not be saved are not: exit 1.
                  Runtime.getRuntime().halt(agent.closeAndReport(err));
                },
                "logchute-shutdown"));
    new CountDownLatch(1).await(); // until the JVM shuts down
    return 0;
  }
}
