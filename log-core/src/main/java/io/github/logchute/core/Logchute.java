package io.github.logchute.core;

import io.github.logchute.core.config.ConfigSection;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.pipeline.Pipeline;
import io.github.logchute.core.pipeline.RetryPolicy;
import io.github.logchute.core.process.MessageProcessor;
import io.github.logchute.core.process.ProcessMetrics;
import io.github.logchute.core.process.ProcessingOptions;
import io.github.logchute.core.process.RecordProcessor;
import io.github.logchute.core.spi.MetadataEnricher;
import io.github.logchute.core.spi.Sink;
import io.github.logchute.core.spi.SinkContext;
import io.github.logchute.core.spi.SinkRegistry;
import io.github.logchute.core.spi.Tailer;
import io.github.logchute.core.tail.FileTailer;
import io.github.logchute.core.tail.TailerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * The engine as one object: a tailer, the pipeline and its sinks, wired and shut down in the right
 * order. Acknowledgement from the sinks back to the tailer is wired inside, so checkpoints move as
 * records are delivered.
 *
 * <pre>{@code
 * try (Logchute logchute =
 *     Logchute.builder()
 *         .paths("/var/log/containers/*.log")
 *         .dataDir(Path.of("/var/lib/logchute"))
 *         .sink("datadog", Map.of("apiKey", System.getenv("DD_API_KEY")))
 *         .start()) {
 *   // runs until closed
 * }
 * }</pre>
 *
 * <p>{@link #close(Duration)} stops reading, gives the sinks until the deadline to deliver what was
 * read, then saves the final checkpoints: whatever was not delivered is read again at the next
 * start. Thread-safe; {@code close} may be called from a shutdown hook.
 */
public final class Logchute implements AutoCloseable {

  /** How long {@link #close()} gives the sinks to deliver what was read. */
  public static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(25);

  private final Tailer tailer;
  private final Pipeline pipeline;
  private final MetricsRegistry metrics;
  private final MetadataEnricher enricher;
  private Shutdown shutdown;

  private Logchute(
      Tailer tailer, Pipeline pipeline, MetricsRegistry metrics, MetadataEnricher enricher) {
    this.tailer = tailer;
    this.pipeline = pipeline;
    this.metrics = metrics;
    this.enricher = enricher;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The registry every part of the engine counts into (Prometheus text: {@code writePrometheus}).
   */
  public MetricsRegistry metrics() {
    return metrics;
  }

  /** True while the tailer's and every sink's threads run (for a liveness check). */
  public boolean isAlive() {
    boolean tailing = !(tailer instanceof FileTailer f) || f.isAlive();
    return tailing && pipeline.isAlive();
  }

  /**
   * True while alive, the enrichers are ready and checkpoints are being saved (for a readiness
   * check): a node agent that cannot save its positions would read again from older ones.
   */
  public boolean isReady() {
    boolean saving = !(tailer instanceof FileTailer f) || f.checkpointsHealthy();
    return isAlive() && enricher.isReady() && saving;
  }

  /**
   * How a shutdown went.
   *
   * @param delivered everything read was delivered by every sink before the deadline (what was not
   *     is read again at the next start)
   * @param checkpointsSaved the final positions were saved (always true for a custom tailer)
   * @param checkpointError why saving failed, or null
   */
  public record Shutdown(boolean delivered, boolean checkpointsSaved, String checkpointError) {

    /** Everything read was delivered and its position saved: the next start repeats nothing. */
    public boolean clean() {
      return delivered && checkpointsSaved;
    }
  }

  /**
   * Stops reading, gives the sinks until {@code timeout} to deliver what was read (what they do not
   * deliver is read again at the next start), saves the final checkpoints and releases every
   * thread, file and connection. Later calls return the first call's answer at once.
   */
  public synchronized Shutdown shutdown(Duration timeout) {
    if (shutdown != null) {
      return shutdown;
    }
    tailer.stopReading();
    boolean delivered = pipeline.close(timeout);
    tailer.close();
    if (tailer instanceof FileTailer f) {
      shutdown = new Shutdown(delivered, f.checkpointsHealthy(), f.checkpointError());
    } else {
      shutdown = new Shutdown(delivered, true, null);
    }
    return shutdown;
  }

  /**
   * {@link #shutdown(Duration)}, answering whether it was clean.
   *
   * @return true if everything read was delivered and its position saved: the next start repeats
   *     nothing and misses nothing
   */
  public boolean close(Duration timeout) {
    return shutdown(timeout).clean();
  }

  /** {@link #close(Duration)} with {@link #DEFAULT_SHUTDOWN_TIMEOUT}. */
  @Override
  public void close() {
    close(DEFAULT_SHUTDOWN_TIMEOUT);
  }

  /**
   * Builds a {@link Logchute}. Needs at least one sink; everything else has a default: the paths
   * {@link TailerConfig#DEFAULT_INCLUDE}, the data directory {@link TailerConfig#DEFAULT_DATA_DIR},
   * no enricher, the agent's record processing ({@link ProcessingOptions#defaults()}: JSON fields
   * and levels), the system clock, a fresh {@link MetricsRegistry}, {@link
   * Pipeline#DEFAULT_MAX_QUEUED_BYTES}.
   */
  public static final class Builder {

    private final TailerConfig.Builder tailerConfig = TailerConfig.builder();
    private boolean fileSettings;
    private TailerConfig fullConfig;
    private Tailer tailer;
    private final List<MetadataEnricher> enrichers = new ArrayList<>();
    private ProcessingOptions processing = ProcessingOptions.defaults();
    private final List<RecordProcessor> processors = new ArrayList<>();
    private final Map<String, Sink> sinks = new LinkedHashMap<>();
    private final Map<String, Map<String, ?>> namedSinks = new LinkedHashMap<>();
    private ClassLoader pluginLoader = Logchute.class.getClassLoader();
    private MetricsRegistry metrics;
    private Clock clock = Clock.system();
    private long maxQueuedBytes = Pipeline.DEFAULT_MAX_QUEUED_BYTES;
    private RetryPolicy retry;

    private Builder() {}

    /** The globs of the files to tail (default {@code /var/log/containers/*.log}). */
    public Builder paths(String... globs) {
      tailerConfig.include(List.of(globs));
      fileSettings = true;
      return this;
    }

    /** Where checkpoints are kept (default {@code /var/lib/logchute}); created if missing. */
    public Builder dataDir(Path dir) {
      tailerConfig.dataDir(dir);
      fileSettings = true;
      return this;
    }

    /** Any other setting of the file tailer: {@code t -> t.startAt(StartAt.BEGINNING)}. */
    public Builder tailer(UnaryOperator<TailerConfig.Builder> settings) {
      settings.apply(tailerConfig);
      fileSettings = true;
      return this;
    }

    /**
     * Every setting of the file tailer at once (an agent's parsed configuration); excludes {@link
     * #paths}, {@link #dataDir} and {@link #tailer(UnaryOperator)}.
     */
    public Builder tailer(TailerConfig config) {
      this.fullConfig = Objects.requireNonNull(config, "config");
      return this;
    }

    /**
     * Reads from {@code custom} instead of tailing files (it is started, stopped and closed by this
     * engine). Excludes the file settings and enrichers: what a custom tailer attaches to its
     * records is its own business.
     */
    public Builder tailer(Tailer custom) {
      this.tailer = Objects.requireNonNull(custom, "tailer");
      return this;
    }

    /** Adds an enricher; several run in the order added. Closed with the engine. */
    public Builder enricher(MetadataEnricher e) {
      enrichers.add(Objects.requireNonNull(e, "enricher"));
      return this;
    }

    /**
     * The agent's record processing: multi-line grouping in the file tailer (per file, in order),
     * and message parsing (JSON/logfmt fields, levels) in the processing stage, for any tailer's
     * records. Null turns both off.
     */
    public Builder processing(ProcessingOptions options) {
      this.processing = options;
      return this;
    }

    /**
     * Adds a step to the processing stage, after the message parsing of {@link #processing}: it
     * sees every record before the sinks do and may rewrite, redact or drop it (return null). Steps
     * run in the order added.
     */
    public Builder processor(RecordProcessor step) {
      processors.add(Objects.requireNonNull(step, "processor"));
      return this;
    }

    /** Adds a sink built by the caller; {@code name} labels its metrics and log lines. */
    public Builder sink(String name, Sink sink) {
      requireNewName(name);
      sinks.put(name, Objects.requireNonNull(sink, "sink"));
      return this;
    }

    /**
     * Adds the sink whose {@link io.github.logchute.core.spi.SinkProvider} is called {@code kind}
     * (found with {@link java.util.ServiceLoader}: {@code console}, {@code datadog}, {@code
     * stackdriver}, a plugin's), configured by {@code settings} — the keys of its {@code
     * sinks.<kind>} section in the agent's configuration. An unknown kind or key fails {@link
     * #start()} with a {@link io.github.logchute.core.config.ConfigException} naming it.
     */
    public Builder sink(String kind, Map<String, ?> settings) {
      requireNewName(kind);
      namedSinks.put(kind, Map.copyOf(settings));
      return this;
    }

    /** Where {@link #sink(String, Map)} looks for providers (default: logchute's own loader). */
    public Builder pluginLoader(ClassLoader loader) {
      this.pluginLoader = Objects.requireNonNull(loader, "loader");
      return this;
    }

    public Builder metrics(MetricsRegistry registry) {
      this.metrics = Objects.requireNonNull(registry, "metrics");
      return this;
    }

    /** The time source of every interval, wait and retry (a test clock makes them its own). */
    public Builder clock(Clock c) {
      this.clock = Objects.requireNonNull(c, "clock");
      return this;
    }

    /** The memory bound: bytes of records read and not yet delivered by every sink. */
    public Builder maxQueuedBytes(long bytes) {
      this.maxQueuedBytes = bytes;
      return this;
    }

    public Builder retry(RetryPolicy policy) {
      this.retry = Objects.requireNonNull(policy, "retry");
      return this;
    }

    /** The processing stage: message parsing, then the embedder's steps; null if none. */
    private RecordProcessor stage(MetricsRegistry registry) {
      RecordProcessor chain =
          processing == null
              ? null
              : new MessageProcessor(processing, ProcessMetrics.register(registry));
      for (RecordProcessor p : processors) {
        chain = chain == null ? p : chain.andThen(p);
      }
      return chain;
    }

    private void requireNewName(String name) {
      Objects.requireNonNull(name, "name");
      if (sinks.containsKey(name) || namedSinks.containsKey(name)) {
        throw new IllegalArgumentException("a sink named '" + name + "' was already added");
      }
    }

    /**
     * Builds every part and starts reading. On failure everything built so far is closed.
     *
     * @throws io.github.logchute.core.config.ConfigException on a sink's configuration error,
     *     naming the key
     * @throws IOException if the data directory cannot be created or read
     * @throws IllegalStateException if no sink was added, or file settings and a custom tailer were
     *     both given
     */
    public Logchute start() throws IOException {
      if (sinks.isEmpty() && namedSinks.isEmpty()) {
        throw new IllegalStateException("no sink: add one with sink(...)");
      }
      if (fullConfig != null && fileSettings) {
        throw new IllegalStateException(
            "tailer(TailerConfig) sets every file setting; paths, dataDir and tailer settings"
                + " were given too");
      }
      if (tailer != null && (fileSettings || fullConfig != null || !enrichers.isEmpty())) {
        throw new IllegalStateException(
            "paths, dataDir, tailer settings and enrichers are for the file tailer; a custom"
                + " tailer was given");
      }
      MetricsRegistry registry = metrics != null ? metrics : new MetricsRegistry();
      MetadataEnricher enricher =
          enrichers.isEmpty()
              ? MetadataEnricher.noop()
              : enrichers.size() == 1 ? enrichers.get(0) : MetadataEnricher.composite(enrichers);
      Map<String, Sink> all = new LinkedHashMap<>();
      Tailer source = tailer;
      Pipeline pipeline = null;
      try {
        all.putAll(sinks);
        if (!namedSinks.isEmpty()) {
          SinkRegistry found = SinkRegistry.load(pluginLoader);
          for (Map.Entry<String, Map<String, ?>> e : namedSinks.entrySet()) {
            ConfigSection section = ConfigSection.of("sinks." + e.getKey(), e.getValue());
            all.put(
                e.getKey(), found.create(e.getKey(), new SinkContext(section, registry, clock)));
          }
        }
        if (source == null) {
          TailerConfig config = fullConfig != null ? fullConfig : tailerConfig.build();
          source = new FileTailer(config, registry, clock, enricher, processing);
        }
        Pipeline.Builder b =
            Pipeline.builder()
                .metrics(registry)
                .clock(clock)
                .maxQueuedBytes(maxQueuedBytes)
                .processor(stage(registry));
        if (retry != null) {
          b.retry(retry);
        }
        all.forEach(b::sink);
        pipeline = b.acknowledgeTo(source::acknowledge).build().start();
        source.start(pipeline);
        return new Logchute(source, pipeline, registry, enricher);
      } catch (IOException | RuntimeException e) {
        if (pipeline != null) {
          pipeline.close(Duration.ZERO);
        } else {
          all.values().forEach(Sink::close);
        }
        if (source != null) {
          source.stopReading();
          source.close(); // closes the file tailer's enricher too
        } else {
          enricher.close();
        }
        throw e;
      }
    }
  }
}
