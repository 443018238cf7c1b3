package io.github.logchute.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.Await;
import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.LogStream;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.spi.EncodedBatch;
import io.github.logchute.core.spi.InMemorySink;
import io.github.logchute.core.spi.SendOutcome;
import io.github.logchute.core.spi.Sink;
import io.github.logchute.core.spi.SinkLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PipelineTest {

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final LogSource SOURCE =
      LogSource.of(Path.of("/var/log/containers/a.log"), FileIdentity.NONE);
  private static final RetryPolicy FAST =
      new RetryPolicy(Duration.ofMillis(1), Duration.ofMillis(5));

  private final MetricsRegistry metrics = new MetricsRegistry();
  private final List<LogRecord> acked = new CopyOnWriteArrayList<>();
  private final AtomicLong ackCalls = new AtomicLong();
  private Pipeline pipeline;

  @AfterEach
  void closePipeline() {
    if (pipeline != null) {
      pipeline.close(Duration.ofSeconds(1));
    }
  }

  private static LogRecord record(long n) {
    byte[] msg = ("message " + n).getBytes(StandardCharsets.UTF_8);
    return LogRecord.of(SOURCE, LogStream.STDOUT, n, msg, n * 10, n * 10 + 10, 0);
  }

  private static List<LogRecord> records(long from, int count) {
    List<LogRecord> out = new ArrayList<>();
    for (long i = from; i < from + count; i++) {
      out.add(record(i));
    }
    return out;
  }

  private Pipeline.Builder builder() {
    return Pipeline.builder()
        .metrics(metrics)
        .retry(FAST)
        .acknowledgeTo(
            rs -> {
              ackCalls.incrementAndGet();
              acked.addAll(rs);
            });
  }

  private static SinkLimits limits(int maxRecords, int maxInFlight) {
    return new SinkLimits(maxRecords, 1 << 20, Duration.ofMillis(5), maxInFlight);
  }

  @Test
  void everySinkGetsEveryRecordAndAChunkIsAcknowledgedOnceAllSinksAreDone() throws Exception {
    InMemorySink a = new InMemorySink(limits(7, 2));
    InMemorySink b = new InMemorySink(limits(100, 1));
    pipeline = builder().sink("a", a).sink("b", b).build().start();
    for (int i = 0; i < 10; i++) {
      pipeline.emit(records(i * 10L, 10));
    }
    Await.until("100 records acknowledged", WAIT, acked::size, n -> n == 100);
    assertThat(a.records()).containsExactlyInAnyOrderElementsOf(acked);
    // a single in-flight batch keeps the order of emission
    assertThat(b.records())
        .extracting(LogRecord::timestampNanos)
        .containsExactlyElementsOf(java.util.stream.LongStream.range(0, 100).boxed().toList());
    assertThat(ackCalls.get()).isEqualTo(10);
    assertThat(a.sent()).allMatch(batch -> batch.recordCount() <= 7);
    assertThat(metrics.value("logchute_sink_records_total", "sink", "a", "result", "accepted"))
        .isEqualTo(100);
    assertThat(pipeline.queuedBytes()).isZero();
  }

  @Test
  void retriesUntilTheSinkAcceptsAndOnlyThenAcknowledges() throws Exception {
    InMemorySink sink =
        new InMemorySink(limits(100, 1))
            .answer(
                SendOutcome.retry(Duration.ZERO, "503"),
                SendOutcome.retry(Duration.ofMillis(20), "429"));
    pipeline = builder().sink("s", sink).build().start();
    pipeline.emit(records(0, 3));
    Await.until("acknowledged", WAIT, acked::size, n -> n == 3);
    assertThat(sink.sent()).hasSize(3);
    assertThat(sink.sent().get(0))
        .isSameAs(sink.sent().get(2)); // same body re-sent, not re-encoded
    assertThat(metrics.value("logchute_sink_batches_total", "sink", "s", "result", "retry"))
        .isEqualTo(2);
  }

  @Test
  void aFailedSendStageIsRetried() throws Exception {
    AtomicLong calls = new AtomicLong();
    InMemorySink sink = new InMemorySink(limits(100, 1));
    Sink flaky =
        new DelegatingSink(sink) {
          @Override
          public CompletionStage<SendOutcome> send(EncodedBatch batch) {
            if (calls.incrementAndGet() == 1) {
              return CompletableFuture.failedFuture(new java.io.IOException("connection reset"));
            }
            if (calls.get() == 2) {
              throw new IllegalStateException("a buggy sink threw");
            }
            return super.send(batch);
          }
        };
    pipeline = builder().sink("s", flaky).build().start();
    pipeline.emit(records(0, 2));
    Await.until("acknowledged", WAIT, acked::size, n -> n == 2);
    assertThat(calls.get()).isEqualTo(3);
  }

  @Test
  void tooLargeSplitsUntilItFitsAndASingleTooLargeRecordIsDropped() throws Exception {
    InMemorySink sink =
        new InMemorySink(limits(8, 1))
            .otherwise(
                batch ->
                    batch.recordCount() > 2 ? SendOutcome.tooLarge("413") : SendOutcome.accepted());
    pipeline = builder().sink("s", sink).build().start();
    pipeline.emit(records(0, 8));
    Await.until("acknowledged", WAIT, acked::size, n -> n == 8);
    assertThat(metrics.value("logchute_sink_records_total", "sink", "s", "result", "accepted"))
        .isEqualTo(8);
    assertThat(metrics.value("logchute_sink_batches_total", "sink", "s", "result", "split"))
        .isEqualTo(3); // 8 -> 4+4 -> 2+2+2+2

    InMemorySink never = new InMemorySink(limits(8, 1)).otherwise(b -> SendOutcome.tooLarge("413"));
    Pipeline p2 = builder().sink("n", never).metrics(new MetricsRegistry()).build().start();
    try {
      acked.clear();
      p2.emit(records(0, 2));
      Await.until("acknowledged after drop", WAIT, acked::size, n -> n == 2);
    } finally {
      p2.close(Duration.ofSeconds(1));
    }
  }

  @Test
  void rejectedAndPartiallyAcceptedBatchesAreCountedAndAcknowledged() throws Exception {
    InMemorySink sink =
        new InMemorySink(limits(100, 1))
            .answer(
                SendOutcome.rejected("400 bad request"),
                new SendOutcome.PartiallyAccepted(Map.of(1, "bad timestamp")));
    pipeline = builder().sink("s", sink).build().start();
    pipeline.emit(records(0, 3));
    Await.until("first batch acknowledged", WAIT, acked::size, n -> n == 3);
    pipeline.emit(records(3, 3));
    Await.until("second batch acknowledged", WAIT, acked::size, n -> n == 6);
    assertThat(metrics.value("logchute_sink_records_total", "sink", "s", "result", "rejected"))
        .isEqualTo(4);
    assertThat(metrics.value("logchute_sink_records_total", "sink", "s", "result", "accepted"))
        .isEqualTo(2);
  }

  @Test
  void aStuckSinkStopsEmitWithinTheByteBudgetAndNothingIsAcknowledgedEarly() throws Exception {
    ConcurrentLinkedQueue<CompletableFuture<SendOutcome>> pending = new ConcurrentLinkedQueue<>();
    InMemorySink inner = new InMemorySink(limits(4, 2));
    Sink stuck =
        new DelegatingSink(inner) {
          @Override
          public CompletionStage<SendOutcome> send(EncodedBatch batch) {
            CompletableFuture<SendOutcome> f = new CompletableFuture<>();
            pending.add(f);
            return f;
          }
        };
    long budget = 8 * 1024;
    pipeline = builder().sink("stuck", stuck).maxQueuedBytes(budget).build().start();
    AtomicLong emitted = new AtomicLong();
    Thread reader =
        new Thread(
            () -> {
              try {
                for (int i = 0; i < 500; i++) {
                  pipeline.emit(records(i, 1));
                  emitted.incrementAndGet();
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            });
    reader.start();
    Await.until(
        "emit blocked on the budget",
        WAIT,
        () -> metrics.value("logchute_pipeline_emit_waits"),
        n -> n > 0);
    long blockedAt = emitted.get();
    assertThat(blockedAt).isLessThan(500);
    assertThat(acked).isEmpty();
    assertThat(metrics.value("logchute_pipeline_queued_bytes")).isLessThanOrEqualTo(budget);
    assertThat(pending).hasSizeLessThanOrEqualTo(2); // maxInFlight
    // the destination recovers: answer every send, past and future
    Thread answerer =
        new Thread(
            () -> {
              while (acked.size() < 500) {
                CompletableFuture<SendOutcome> f = pending.poll();
                if (f != null) {
                  f.complete(SendOutcome.accepted());
                } else {
                  Thread.onSpinWait();
                }
              }
            });
    answerer.start();
    reader.join(WAIT.toMillis());
    Await.until("everything acknowledged", WAIT, acked::size, n -> n == 500);
    answerer.join(WAIT.toMillis());
    assertThat(metrics.value("logchute_pipeline_queued_bytes_peak")).isLessThanOrEqualTo(budget);
    assertThat(pipeline.queuedBytes()).isZero();
  }

  @Test
  void closeGivesUpAtItsDeadlineWithoutAcknowledging() throws Exception {
    InMemorySink sink =
        new InMemorySink(limits(100, 1)).otherwise(b -> SendOutcome.retry(Duration.ZERO, "down"));
    pipeline = builder().sink("s", sink).build().start();
    pipeline.emit(records(0, 5));
    Await.until("a send was attempted", WAIT, () -> sink.sent().size() > 0);
    assertThat(pipeline.close(Duration.ofMillis(50))).isFalse();
    assertThat(acked).isEmpty();
    assertThat(sink.closed()).isTrue();
    pipeline = null;
  }

  @Test
  void closeFlushesWhatLingersAndAcknowledgesIt() throws Exception {
    InMemorySink sink = new InMemorySink(new SinkLimits(1000, 1 << 20, Duration.ofHours(1), 1));
    pipeline = builder().sink("s", sink).build().start();
    pipeline.emit(records(0, 5));
    assertThat(pipeline.close(Duration.ofSeconds(10))).isTrue();
    assertThat(acked).hasSize(5);
    pipeline = null;
  }

  /** Forwards everything to another sink; tests override what they need. */
  private static class DelegatingSink implements Sink {
    private final Sink inner;

    DelegatingSink(Sink inner) {
      this.inner = inner;
    }

    @Override
    public SinkLimits limits() {
      return inner.limits();
    }

    @Override
    public EncodedBatch encode(List<LogRecord> records) {
      return inner.encode(records);
    }

    @Override
    public CompletionStage<SendOutcome> send(EncodedBatch batch) {
      return inner.send(batch);
    }

    @Override
    public void close() {
      inner.close();
    }
  }
}
