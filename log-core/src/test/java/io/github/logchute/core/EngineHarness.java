package io.github.logchute.core;

import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.pipeline.Pipeline;
import io.github.logchute.core.pipeline.RetryPolicy;
import io.github.logchute.core.process.ProcessingOptions;
import io.github.logchute.core.spi.MetadataEnricher;
import io.github.logchute.core.spi.Sink;
import io.github.logchute.core.tail.FileTailer;
import io.github.logchute.core.tail.StartAt;
import io.github.logchute.core.tail.TailerConfig;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The real engine (a {@link FileTailer} and a {@link Pipeline}) reading files that match {@code
 * glob} into one sink, with test-speed intervals — for end-to-end tests of sinks and enrichers in
 * other modules. Shared via the test-jar.
 */
public final class EngineHarness implements AutoCloseable {

  public final MetricsRegistry metrics;
  public final FileTailer tailer;
  public final Pipeline pipeline;
  private final Clock clock;
  private boolean closed;

  /**
   * Starts the engine.
   *
   * @param dataDir where checkpoints go
   * @param glob which files to read (from their beginning)
   * @param sinkName the sink's name in metrics
   * @param sink the sink
   * @param metrics the registry the sink was built with
   * @param tweak changes to the tailer configuration (identity for none)
   */
  public EngineHarness(
      Path dataDir,
      String glob,
      String sinkName,
      Sink sink,
      MetricsRegistry metrics,
      UnaryOperator<TailerConfig.Builder> tweak)
      throws IOException {
    this(dataDir, glob, sinkName, sink, metrics, tweak, MetadataEnricher.noop());
  }

  /** As the other constructor, with an enricher chain (closed with the engine). */
  public EngineHarness(
      Path dataDir,
      String glob,
      String sinkName,
      Sink sink,
      MetricsRegistry metrics,
      UnaryOperator<TailerConfig.Builder> tweak,
      MetadataEnricher enricher)
      throws IOException {
    this(
        builder(dataDir, glob)
            .sink(sinkName, sink)
            .metrics(metrics)
            .tweak(tweak)
            .enricher(enricher));
  }

  private EngineHarness(Builder b) throws IOException {
    this.metrics = b.metrics;
    this.clock = b.clock;
    TailerConfig config =
        b.tweak
            .apply(
                TailerConfig.builder()
                    .include(List.of(b.glob))
                    .dataDir(b.dataDir)
                    .refreshInterval(Duration.ofMillis(20))
                    .pollInterval(Duration.ofMillis(5))
                    .checkpointInterval(Duration.ofMillis(50))
                    .rotateWait(Duration.ofMillis(200))
                    .startAt(StartAt.BEGINNING))
            .build();
    tailer = new FileTailer(config, metrics, b.clock, b.enricher, b.processing);
    pipeline =
        Pipeline.builder()
            .sink(b.sinkName, b.sink)
            .metrics(metrics)
            .clock(b.clock)
            .maxQueuedBytes(b.maxQueuedBytes)
            .retry(b.retry)
            .processor(
                b.processing == null
                    ? null
                    : new io.github.logchute.core.process.MessageProcessor(
                        b.processing,
                        io.github.logchute.core.process.ProcessMetrics.register(metrics)))
            .acknowledgeTo(tailer::acknowledge)
            .build()
            .start();
    tailer.start(pipeline);
  }

  /**
   * An engine reading files matching {@code glob} from their beginning, checkpoints in {@code
   * dataDir}.
   */
  public static Builder builder(Path dataDir, String glob) {
    return new Builder(dataDir, glob);
  }

  /** Options of an {@link EngineHarness}; {@link #start()} builds and starts it. */
  public static final class Builder {
    private final Path dataDir;
    private final String glob;
    private String sinkName = "sink";
    private Sink sink;
    private MetricsRegistry metrics = new MetricsRegistry();
    private UnaryOperator<TailerConfig.Builder> tweak = b -> b;
    private MetadataEnricher enricher = MetadataEnricher.noop();
    private ProcessingOptions processing;
    private long maxQueuedBytes = Pipeline.DEFAULT_MAX_QUEUED_BYTES;
    private RetryPolicy retry = new RetryPolicy(Duration.ofMillis(5), Duration.ofMillis(100));
    private Clock clock = Clock.system();

    private Builder(Path dataDir, String glob) {
      this.dataDir = dataDir;
      this.glob = glob;
    }

    public Builder sink(String name, Sink s) {
      this.sinkName = name;
      this.sink = s;
      return this;
    }

    public Builder metrics(MetricsRegistry m) {
      this.metrics = m;
      return this;
    }

    /** Changes to the tailer configuration. */
    public Builder tweak(UnaryOperator<TailerConfig.Builder> t) {
      this.tweak = t;
      return this;
    }

    public Builder enricher(MetadataEnricher e) {
      this.enricher = e;
      return this;
    }

    /** Multi-line grouping and message parsing (none by default). */
    public Builder processing(ProcessingOptions p) {
      this.processing = p;
      return this;
    }

    public Builder maxQueuedBytes(long bytes) {
      this.maxQueuedBytes = bytes;
      return this;
    }

    public Builder retry(RetryPolicy r) {
      this.retry = r;
      return this;
    }

    /** The clock of the tailer and the pipeline (the system clock by default). */
    public Builder clock(Clock c) {
      this.clock = c;
      return this;
    }

    public EngineHarness start() throws IOException {
      return new EngineHarness(this);
    }
  }

  /** The sum of a metric over its labels. */
  public long metric(String name) {
    return metrics.sum(name);
  }

  /** Stops reading, flushes for up to 10 s, saves checkpoints. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    Runnable shutdown =
        () -> {
          tailer.stopReading();
          pipeline.close(Duration.ofSeconds(10));
          tailer.close();
        };
    if (!(clock instanceof FakeClock fake)) {
      shutdown.run();
      return;
    }
    // on a fake clock the flush deadline and retries run on the test's time: move it while closing
    Thread t = new Thread(shutdown, "engine-harness-close");
    t.start();
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (t.isAlive()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("the engine did not close within 60 s");
      }
      fake.advance(Duration.ofMillis(10));
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
  }
}
