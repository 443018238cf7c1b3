package io.github.logchute.core.tail;

import io.github.logchute.core.Await;
import io.github.logchute.core.EngineHarness;
import io.github.logchute.core.FakeClock;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.pipeline.Pipeline;
import io.github.logchute.core.pipeline.RetryPolicy;
import io.github.logchute.core.process.ProcessingOptions;
import io.github.logchute.core.spi.InMemorySink;
import io.github.logchute.core.spi.MetadataEnricher;
import io.github.logchute.core.spi.SinkLimits;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.function.Supplier;
import java.util.function.UnaryOperator;

/** A running FileTailer + Pipeline into an in-memory sink, with test-speed intervals. */
final class TailHarness implements AutoCloseable {

  static final Duration WAIT = Duration.ofSeconds(60);

  /** How far the clock moves at each look of {@link #until}. */
  static final Duration STEP = Duration.ofMillis(10);

  final MetricsRegistry metrics = new MetricsRegistry();

  /** The engine's clock: time passes only as {@link #until} moves it. */
  final FakeClock clock = new FakeClock();

  final InMemorySink sink;
  final FileTailer tailer;
  final Pipeline pipeline;
  private final EngineHarness engine;

  TailHarness(Path dataDir, String glob, UnaryOperator<TailerConfig.Builder> tweak)
      throws IOException {
    this(
        dataDir,
        glob,
        tweak,
        new InMemorySink(new SinkLimits(500, 1 << 20, Duration.ofMillis(5), 2)),
        64L << 20);
  }

  TailHarness(
      Path dataDir,
      String glob,
      UnaryOperator<TailerConfig.Builder> tweak,
      InMemorySink sink,
      long maxQueuedBytes)
      throws IOException {
    this(dataDir, glob, tweak, sink, maxQueuedBytes, MetadataEnricher.noop());
  }

  TailHarness(
      Path dataDir,
      String glob,
      UnaryOperator<TailerConfig.Builder> tweak,
      InMemorySink sink,
      long maxQueuedBytes,
      MetadataEnricher enricher)
      throws IOException {
    this(dataDir, glob, tweak, sink, maxQueuedBytes, enricher, null);
  }

  TailHarness(
      Path dataDir,
      String glob,
      UnaryOperator<TailerConfig.Builder> tweak,
      InMemorySink sink,
      long maxQueuedBytes,
      MetadataEnricher enricher,
      ProcessingOptions processing)
      throws IOException {
    this.sink = sink;
    this.engine =
        EngineHarness.builder(dataDir, glob)
            .sink("memory", sink)
            .metrics(metrics)
            .tweak(tweak)
            .enricher(enricher)
            .processing(processing)
            .maxQueuedBytes(maxQueuedBytes)
            .retry(new RetryPolicy(Duration.ofMillis(2), Duration.ofMillis(20)))
            .clock(clock)
            .start();
    this.tailer = engine.tailer;
    this.pipeline = engine.pipeline;
  }

  List<String> messages() {
    return sink.records().stream().map(LogRecord::messageText).toList();
  }

  void awaitMessages(int n) {
    until("at least " + n + " records delivered", () -> sink.records().size(), c -> c >= n);
  }

  /** Waits for {@code condition}, moving the engine's clock by {@link #STEP} at each look. */
  void until(String what, BooleanSupplier condition) {
    Await.until(what, WAIT, clock, STEP, condition);
  }

  /** As {@link #until(String, BooleanSupplier)}, describing the last value seen on failure. */
  <T> void until(String what, Supplier<T> value, Predicate<T> ok) {
    Object[] last = new Object[1];
    try {
      Await.until(
          what,
          WAIT,
          clock,
          STEP,
          () -> {
            T v = value.get();
            last[0] = v;
            return ok.test(v);
          });
    } catch (AssertionError e) {
      throw new AssertionError(e.getMessage() + " (last value: " + last[0] + ")", e);
    }
  }

  long metric(String name) {
    return metrics.sum(name);
  }

  @Override
  public void close() {
    engine.close();
  }
}
