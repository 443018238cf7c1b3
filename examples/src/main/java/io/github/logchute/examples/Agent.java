package io.github.logchute.examples;

import io.github.logchute.core.Clock;
import io.github.logchute.core.Logchute;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.config.ConfigException;
import io.github.logchute.core.config.ConfigSection;
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

/**
 * The logchute node agent: tails container log files into the configured sinks until it is stopped.
 * SIGTERM (or Ctrl-C) stops reading, flushes what is queued within the shutdown timeout, saves
 * checkpoints and exits; whatever was not delivered is read again at the next start.
 *
 * <p>Records go to the sinks only (the console sink: stdout); the agent's own messages go to stderr
 * through {@link System.Logger}. See {@link AgentOptions} for the settings.
 */
public final class Agent implements AutoCloseable {

  private static final Logger LOG = System.getLogger(Agent.class.getName());

  /** Whether the agent's own log is JSON lines ({@code --log-format json}). */
  private static volatile boolean jsonLog;

  private final AgentOptions options;
  private final Logchute engine;
  private final StatusServer status;
  private boolean closed;

  private Agent(AgentOptions options, Logchute engine, StatusServer status) {
    this.options = options;
    this.engine = engine;
    this.status = status;
  }

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
   * Builds and starts an agent.
   *
   * @throws ConfigException on any configuration error, naming the key
   * @throws IOException if the data directory cannot be created or the status port bound
   */
  static Agent start(AgentOptions options, SinkRegistry registry) throws IOException {
    Clock clock = Clock.system();
    MetricsRegistry metrics = new MetricsRegistry();
    Parts parts = build(options, registry, metrics, clock);
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
    Logchute engine = builder.start(); // on failure it has closed the sinks and the enricher
    StatusServer status = null;
    int port = options.metricsPort();
    if (options.metricsEnabled()) {
      try {
        status =
            StatusServer.start(
                options.metricsAddress(), port, metrics, engine::isAlive, engine::isReady);
      } catch (IOException e) {
        engine.close(Duration.ZERO);
        throw new IOException(
            "cannot serve metrics on " + options.metricsAddress() + ":" + port + ": " + e, e);
      }
    }
    if (!options.ignoredSettings().isEmpty()) {
      LOG.log(
          Level.WARNING,
          "settings of sinks that are not enabled (sinks: {0}) are ignored: {1}",
          options.sinks(),
          String.join(", ", options.ignoredSettings()));
    }
    LOG.log(
        Level.INFO,
        "logchute agent reading {0} (checkpoints in {1}) into sinks {2}{3}",
        options.tailer().include(),
        options.tailer().dataDir(),
        options.sinks(),
        status == null ? "" : "; metrics and health on port " + status.port());
    return new Agent(options, engine, status);
  }

  MetricsRegistry metrics() {
    return engine.metrics();
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
    Logchute.Shutdown shutdown = engine.shutdown(options.shutdownTimeout());
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
      agent = start(options, registry);
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
