package io.github.logchute.core.pipeline;

import static io.github.logchute.core.pipeline.PipelineFixture.WAIT;
import static io.github.logchute.core.pipeline.PipelineFixture.limits;
import static io.github.logchute.core.pipeline.PipelineFixture.records;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.Await;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.spi.EncodedBatch;
import io.github.logchute.core.spi.InMemorySink;
import io.github.logchute.core.spi.SendOutcome;
import io.github.logchute.core.spi.Sink;
import io.github.logchute.core.spi.SinkLimits;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Batching, retries, splitting, backpressure; every delay on the fake clock. */
class PipelineTest {

  private static final Duration TICK = Duration.ofMillis(5);

  private final PipelineFixture f = new PipelineFixture();
  private final MetricsRegistry metrics = f.metrics;
  private final List<LogRecord> acked = f.acked;
  private Pipeline pipeline;

  @AfterEach
  void closePipeline() {
    if (pipeline != null) {
      f.close(pipeline, Duration.ofSeconds(1));
    }
  }

  @Test
  void everySinkGetsEveryRecordAndAChunkIsAcknowledgedOnceAllSinksAreDone() throws Exception {
    InMemorySink a = new InMemorySink(limits(7, 2));
    InMemorySink b = new InMemorySink(limits(100, 1));
    pipeline = f.builder().sink("a", a).sink("b", b).build().start();
    for (int i = 0; i < 10; i++) {
      pipeline.emit(records(i * 10L, 10));
    }
    f.advanceUntil("100 records acknowledged", TICK, () -> acked.size() == 100);
    assertThat(a.records()).containsExactlyInAnyOrderElementsOf(acked);
    // a single in-flight batch keeps the order of emission
    assertThat(b.records())
        .extracting(LogRecord::timestampNanos)
        .containsExactlyElementsOf(LongStream.range(0, 100).boxed().toList());
    assertThat(f.ackCalls.get()).isEqualTo(10);
    assertThat(a.sent()).allMatch(batch -> batch.recordCount() <= 7);
    assertThat(metrics.value("logchute_sink_records_total", "sink", "a", "result", "accepted"))
        .isEqualTo(100);
    assertThat(pipeline.queuedBytes()).isZero();
  }

  @Test
  void theProcessingStageRewritesDropsAndSurvivesAThrowingStepAndTheTailerGetsItsOwnRecordsBack()
      throws Exception {
    InMemorySink sink = new InMemorySink(limits(100, 1));
    pipeline =
        f.builder()
            .sink("a", sink)
            .processor(
                r -> {
                  long n = r.timestampNanos();
                  if (n % 3 == 0) {
                    return null; // dropped
                  }
                  if (n == 4) {
                    throw new IllegalStateException("a broken step");
                  }
                  return r.withTimestampNanos(n + 1000);
                })
            .build()
            .start();
    List<LogRecord> emitted = records(0, 9);
    pipeline.emit(emitted);
    pipeline.emit(records(9, 1)); // dropped whole: acknowledged without a send
    f.advanceUntil("every record acknowledged", TICK, () -> acked.size() == 10);
    assertThat(acked).containsAll(emitted); // the very objects the tailer emitted
    assertThat(sink.records())
        .extracting(LogRecord::timestampNanos)
        .containsExactly(1001L, 1002L, 4L, 1005L, 1007L, 1008L);
    assertThat(metrics.value("logchute_processing_records_total", "result", "dropped"))
        .isEqualTo(4);
    assertThat(metrics.value("logchute_processing_records_total", "result", "passed")).isEqualTo(6);
    assertThat(metrics.value("logchute_processing_errors_total")).isEqualTo(1);
    assertThat(pipeline.queuedBytes()).isZero();
  }

  @Test
  void recordsAProcessorAddsGoToTheSinksAfterTheBatchAndAreNotAcknowledgedToTheTailer()
      throws Exception {
    InMemorySink sink = new InMemorySink(limits(100, 1));
    java.util.concurrent.atomic.AtomicInteger drains =
        new java.util.concurrent.atomic.AtomicInteger();
    io.github.logchute.core.process.RecordProcessor summarising =
        new io.github.logchute.core.process.RecordProcessor() {
          @Override
          public LogRecord process(LogRecord r) {
            return r.timestampNanos() % 2 == 0 ? null : r;
          }

          @Override
          public List<LogRecord> drain() {
            int n = drains.incrementAndGet();
            if (n == 2) {
              throw new IllegalStateException("a broken drain");
            }
            return n == 1 ? records(1000, 1) : List.of();
          }
        };
    // a step after it: the added record must not go through it
    pipeline =
        f.builder()
            .sink("a", sink)
            .processor(summarising.andThen(r -> r.withTimestampNanos(r.timestampNanos() + 1)))
            .build()
            .start();
    List<LogRecord> first = records(0, 4);
    List<LogRecord> second = records(4, 4);
    pipeline.emit(first);
    pipeline.emit(second);
    f.advanceUntil("every record acknowledged", TICK, () -> acked.size() == 8);
    f.awaitIdle("a");
    assertThat(acked).containsExactlyInAnyOrderElementsOf(concat(first, second));
    assertThat(sink.records())
        .extracting(LogRecord::timestampNanos)
        .containsExactly(2L, 4L, 1000L, 6L, 8L);
    assertThat(drains.get()).isEqualTo(2);
    assertThat(metrics.value("logchute_processing_records_total", "result", "added")).isEqualTo(1);
    assertThat(metrics.value("logchute_processing_errors_total")).isEqualTo(1);
    assertThat(pipeline.queuedBytes()).isZero();
  }

  private static List<LogRecord> concat(List<LogRecord> a, List<LogRecord> b) {
    List<LogRecord> out = new java.util.ArrayList<>(a);
    out.addAll(b);
    return out;
  }

  /**
   * The tailer's final checkpoint is written once {@link Pipeline#close} returns: every record
   * counted in the byte budget close waits on must have been acknowledged by then, so the bytes of
   * a chunk are given back only after its acknowledgement ran (a clean stop duplicated a batch).
   */
  @Test
  void aChunksBytesAreHeldUntilItsAcknowledgementHasRun() throws Exception {
    List<Long> heldDuringAck = new java.util.concurrent.CopyOnWriteArrayList<>();
    Pipeline[] p = new Pipeline[1];
    pipeline =
        f.builder()
            .sink("s", new InMemorySink(limits(100, 1)))
            .acknowledgeTo(records -> heldDuringAck.add(p[0].queuedBytes()))
            .build();
    p[0] = pipeline;
    pipeline.start();
    pipeline.emit(records(0, 10));
    f.advanceUntil("acknowledged", TICK, () -> heldDuringAck.size() == 1);
    assertThat(heldDuringAck.get(0)).isPositive();
    assertThat(pipeline.queuedBytes()).isZero();
  }

  @Test
  void aBatchThatIsNotFullWaitsForItsLingerOnTheClock() throws Exception {
    InMemorySink sink = new InMemorySink(new SinkLimits(100, 1 << 20, hour(), 1));
    pipeline = f.builder().sink("s", sink).build().start();
    pipeline.emit(records(0, 5));
    f.awaitIdle("s");
    assertThat(sink.sent()).isEmpty();
    f.clock.advance(Duration.ofMinutes(59));
    f.awaitIdle("s");
    assertThat(sink.sent()).isEmpty();
    f.clock.advance(Duration.ofMinutes(1));
    Await.until("lingered batch sent", WAIT, () -> sink.sent().size() == 1);
    Await.until("acknowledged", WAIT, acked::size, n -> n == 5);
  }

  @Test
  void retriesWaitTheirBackoffOrRetryAfterOnTheClockAndOnlyThenAcknowledge() throws Exception {
    InMemorySink sink =
        new InMemorySink(limits(3, 1))
            .answer(
                SendOutcome.retry(Duration.ZERO, "503"),
                SendOutcome.retry(Duration.ofSeconds(20), "429"));
    pipeline = f.builder().sink("s", sink).build().start();
    pipeline.emit(records(0, 3)); // a full batch: sent at once
    Await.until("first send", WAIT, () -> sink.sent().size() == 1);
    f.awaitIdle("s");
    f.clock.advance(Duration.ofMillis(999)); // the first back-off is 1 s
    f.awaitIdle("s");
    assertThat(sink.sent()).hasSize(1);
    f.clock.advance(Duration.ofMillis(1));
    Await.until("second send after 1 s", WAIT, () -> sink.sent().size() == 2);
    f.awaitIdle("s");
    f.clock.advance(Duration.ofMillis(19_999)); // Retry-After 20 s beats the 2 s back-off
    f.awaitIdle("s");
    assertThat(sink.sent()).hasSize(2);
    assertThat(acked).isEmpty();
    f.clock.advance(Duration.ofMillis(1));
    Await.until("acknowledged after the third send", WAIT, acked::size, n -> n == 3);
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
    pipeline = f.builder().sink("s", flaky).build().start();
    pipeline.emit(records(0, 2));
    f.advanceUntil("acknowledged", Duration.ofMillis(500), () -> acked.size() == 2);
    assertThat(calls.get()).isEqualTo(3);
  }

  @Test
  void tooLargeSplitsUntilItFitsAndASingleTooLargeRecordIsDropped() throws Exception {
    InMemorySink sink =
        new InMemorySink(limits(8, 1))
            .otherwise(
                batch ->
                    batch.recordCount() > 2 ? SendOutcome.tooLarge("413") : SendOutcome.accepted());
    pipeline = f.builder().sink("s", sink).build().start();
    pipeline.emit(records(0, 8));
    Await.until("acknowledged", WAIT, acked::size, n -> n == 8); // splits are sent at once
    assertThat(metrics.value("logchute_sink_records_total", "sink", "s", "result", "accepted"))
        .isEqualTo(8);
    assertThat(metrics.value("logchute_sink_batches_total", "sink", "s", "result", "split"))
        .isEqualTo(3); // 8 -> 4+4 -> 2+2+2+2

    InMemorySink never = new InMemorySink(limits(8, 1)).otherwise(b -> SendOutcome.tooLarge("413"));
    Pipeline p2 = f.builder().sink("n", never).metrics(new MetricsRegistry()).build().start();
    try {
      acked.clear();
      p2.emit(records(0, 2));
      f.advanceUntil("acknowledged after drop", TICK, () -> acked.size() == 2);
    } finally {
      f.close(p2, Duration.ofSeconds(1));
    }
  }

  @Test
  void rejectedAndPartiallyAcceptedBatchesAreCountedAndAcknowledged() throws Exception {
    InMemorySink sink =
        new InMemorySink(limits(3, 1))
            .answer(
                SendOutcome.rejected("400 bad request"),
                new SendOutcome.PartiallyAccepted(Map.of(1, "bad timestamp")));
    pipeline = f.builder().sink("s", sink).build().start();
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
            CompletableFuture<SendOutcome> future = new CompletableFuture<>();
            pending.add(future);
            return future;
          }
        };
    long budget = 8 * 1024;
    pipeline = f.builder().sink("stuck", stuck).maxQueuedBytes(budget).build().start();
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
                CompletableFuture<SendOutcome> p = pending.poll();
                if (p != null) {
                  p.complete(SendOutcome.accepted());
                } else {
                  Thread.onSpinWait();
                }
              }
            });
    answerer.start();
    f.advanceUntil("everything acknowledged", TICK, () -> acked.size() == 500);
    reader.join(WAIT.toMillis());
    answerer.join(WAIT.toMillis());
    assertThat(metrics.value("logchute_pipeline_queued_bytes_peak")).isLessThanOrEqualTo(budget);
    assertThat(pipeline.queuedBytes()).isZero();
  }

  @Test
  void closeGivesUpAtItsDeadlineOnTheClockWithoutAcknowledging() throws Exception {
    InMemorySink sink =
        new InMemorySink(limits(5, 1)).otherwise(b -> SendOutcome.retry(Duration.ZERO, "down"));
    pipeline = f.builder().sink("s", sink).build().start();
    pipeline.emit(records(0, 5));
    Await.until("a send was attempted", WAIT, () -> sink.sent().size() > 0);
    Thread closer = new Thread(() -> pipeline.close(Duration.ofSeconds(30)), "closer");
    closer.start();
    Await.until("close waits on the clock", WAIT, () -> f.clock.isWaiting("closer"));
    f.clock.advance(Duration.ofMillis(29_999));
    Await.until("close waits again", WAIT, () -> f.clock.isWaiting("closer"));
    assertThat(closer.isAlive()).isTrue();
    f.clock.advance(Duration.ofMillis(1));
    closer.join(WAIT.toMillis());
    assertThat(closer.isAlive()).isFalse();
    assertThat(acked).isEmpty();
    assertThat(sink.closed()).isTrue();
    pipeline = null;
  }

  @Test
  void closeFlushesWhatLingersAndAcknowledgesIt() throws Exception {
    InMemorySink sink = new InMemorySink(new SinkLimits(1000, 1 << 20, hour(), 1));
    pipeline = f.builder().sink("s", sink).build().start();
    pipeline.emit(records(0, 5));
    // no clock move needed: close sends at once and the sink accepts at once
    assertThat(pipeline.close(Duration.ofSeconds(10))).isTrue();
    assertThat(acked).hasSize(5);
    pipeline = null;
  }

  @Test
  void closeWaitsForAStuckSinkThreadOnlyItsGraceOnTheClock() throws Exception {
    CompletableFuture<Void> entered = new CompletableFuture<>();
    CompletableFuture<Void> release = new CompletableFuture<>();
    InMemorySink inner = new InMemorySink(limits(1, 1));
    Sink stuck =
        new DelegatingSink(inner) {
          @Override
          public EncodedBatch encode(List<LogRecord> records) {
            entered.complete(null);
            release.join(); // a buggy sink blocks its batching thread
            return super.encode(records);
          }
        };
    pipeline = f.builder().sink("s", stuck).build().start();
    pipeline.emit(records(0, 1));
    Await.until("encode entered", WAIT, entered::isDone);
    Thread closer = new Thread(() -> pipeline.close(Duration.ofSeconds(2)), "closer");
    closer.start();
    Await.until("close waits for the budget", WAIT, () -> f.clock.isWaiting("closer"));
    f.clock.advance(Duration.ofSeconds(2));
    Await.until("close waits for the thread", WAIT, () -> f.clock.isWaiting("closer"));
    f.clock.advance(Pipeline.STOP_GRACE);
    closer.join(WAIT.toMillis());
    assertThat(closer.isAlive()).isFalse();
    assertThat(inner.closed()).isTrue();
    release.complete(null);
    pipeline = null;
  }

  private static Duration hour() {
    return Duration.ofHours(1);
  }
}
