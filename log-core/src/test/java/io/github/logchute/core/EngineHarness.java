package io.github.logchute.core;

import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.pipeline.Pipeline;
import io.github.logchute.core.pipeline.RetryPolicy;
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
    this.metrics = metrics;
    TailerConfig config =
        tweak
            .apply(
                TailerConfig.builder()
                    .include(List.of(glob))
                    .dataDir(dataDir)
                    .refreshInterval(Duration.ofMillis(20))
                    .pollInterval(Duration.ofMillis(5))
                    .checkpointInterval(Duration.ofMillis(50))
                    .rotateWait(Duration.ofMillis(200))
                    .startAt(StartAt.BEGINNING))
            .build();
    tailer = new FileTailer(config, metrics, Clock.system(), enricher);
    pipeline =
        Pipeline.builder()
            .sink(sinkName, sink)
            .metrics(metrics)
            .retry(new RetryPolicy(Duration.ofMillis(5), Duration.ofMillis(100)))
            .acknowledgeTo(tailer::acknowledge)
            .build()
            .start();
    tailer.start(pipeline);
  }

  /** The sum of a metric over its labels. */
  public long metric(String name) {
    return metrics.sum(name);
  }

  /** Stops reading, flushes for up to 10 s, saves checkpoints. */
  @Override
  public void close() {
    if (!closed) {
      closed = true;
      tailer.stopReading();
      pipeline.close(Duration.ofSeconds(10));
      tailer.close();
    }
  }
}
