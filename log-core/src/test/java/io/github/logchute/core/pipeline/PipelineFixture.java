package io.github.logchute.core.pipeline;

import io.github.logchute.core.Await;
import io.github.logchute.core.FakeClock;
import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.LogStream;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.spi.SinkLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * What the pipeline tests share: a {@link FakeClock} that alone moves linger, retry and close
 * deadlines (real time only bounds how long a test waits for a failure), the records, and the
 * acknowledgements received.
 */
final class PipelineFixture {

  static final Duration WAIT = Duration.ofSeconds(20);
  static final LogSource SOURCE =
      LogSource.of(Path.of("/var/log/containers/a.log"), FileIdentity.NONE);

  final FakeClock clock = new FakeClock();
  final MetricsRegistry metrics = new MetricsRegistry();
  final List<LogRecord> acked = new CopyOnWriteArrayList<>();
  final AtomicLong ackCalls = new AtomicLong();

  static LogRecord record(long n) {
    byte[] msg = ("message " + n).getBytes(StandardCharsets.UTF_8);
    return LogRecord.of(SOURCE, LogStream.STDOUT, n, msg, n * 10, n * 10 + 10, 0);
  }

  static List<LogRecord> records(long from, int count) {
    List<LogRecord> out = new ArrayList<>();
    for (long i = from; i < from + count; i++) {
      out.add(record(i));
    }
    return out;
  }

  static SinkLimits limits(int maxRecords, int maxInFlight) {
    return new SinkLimits(maxRecords, 1 << 20, Duration.ofMillis(5), maxInFlight);
  }

  /**
   * A pipeline on the fake clock whose retries wait 1 s, 2 s, 4 s, 8 s (the top of the jitter
   * range), acknowledging into {@link #acked}.
   */
  Pipeline.Builder builder() {
    return Pipeline.builder()
        .metrics(metrics)
        .clock(clock)
        .retry(new RetryPolicy(Duration.ofSeconds(1), Duration.ofSeconds(8)))
        .random(BackoffTest.ScriptedRandom.highest())
        .acknowledgeTo(
            rs -> {
              ackCalls.incrementAndGet();
              acked.addAll(rs);
            });
  }

  /** Moves the clock by {@code step} until {@code done} holds. */
  void advanceUntil(String what, Duration step, BooleanSupplier done) {
    Await.until(
        what,
        WAIT,
        () -> {
          if (done.getAsBoolean()) {
            return true;
          }
          clock.advance(step);
          return false;
        });
  }

  /** Waits until {@code sink}'s thread waits on the clock, having seen the current time. */
  void awaitIdle(String sink) {
    Await.until(
        "sink " + sink + " waits on the clock",
        WAIT,
        () -> clock.isWaiting("logchute-sink-" + sink));
  }

  /** Closes {@code p}, moving the clock while it waits; returns what close returned. */
  boolean close(Pipeline p, Duration deadline) {
    AtomicBoolean result = new AtomicBoolean();
    Thread closer = new Thread(() -> result.set(p.close(deadline)), "pipeline-closer");
    closer.start();
    advanceUntil("close returns", Duration.ofMillis(100), () -> !closer.isAlive());
    return result.get();
  }
}
