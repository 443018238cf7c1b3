package io.github.logchute.core.pipeline;

import static io.github.logchute.core.pipeline.PipelineFixture.limits;
import static io.github.logchute.core.pipeline.PipelineFixture.records;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.LogRecord;
import io.github.logchute.core.spi.EncodedBatch;
import io.github.logchute.core.spi.InMemorySink;
import io.github.logchute.core.spi.SendOutcome;
import io.github.logchute.core.spi.Sink;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The export path never dies: whatever a sink answers, throws or forgets, the batch is counted, its
 * in-flight slot and its bytes come back, and later records are still delivered.
 */
class SinkAnswersTest {

  private static final Duration STEP = Duration.ofMillis(500);

  private final PipelineFixture f = new PipelineFixture();
  private Pipeline pipeline;

  @AfterEach
  void close() {
    if (pipeline != null) {
      f.close(pipeline, Duration.ofSeconds(1));
    }
  }

  /** A sink whose first send answers {@code first}; later sends are accepted. */
  private static Sink firstSend(Supplier<CompletionStage<SendOutcome>> first) {
    AtomicInteger sends = new AtomicInteger();
    return new DelegatingSink(new InMemorySink(limits(3, 1))) {
      @Override
      public CompletionStage<SendOutcome> send(EncodedBatch batch) {
        return sends.getAndIncrement() == 0 ? first.get() : super.send(batch);
      }
    };
  }

  /** A stage that hands its action {@code answers}, in order — a broken CompletionStage. */
  private static CompletionStage<SendOutcome> answering(SendOutcome... answers) {
    return new CompletableFuture<>() {
      @Override
      public CompletableFuture<SendOutcome> whenComplete(
          BiConsumer<? super SendOutcome, ? super Throwable> action) {
        for (SendOutcome o : answers) {
          action.accept(o, null);
        }
        return this;
      }
    };
  }

  static Stream<Arguments> badAnswers() {
    return Stream.of(
        bad("a partial acceptance with no entries", "none", 3, 0, () -> partial(Map.of())),
        bad(
            "a partial acceptance outside the batch",
            "bad_outcome",
            3,
            0,
            () -> partial(Map.of(7, "?"))),
        bad("a null outcome", "no_outcome", 3, 0, () -> CompletableFuture.completedFuture(null)),
        bad(
            "send throws",
            "send",
            3,
            0,
            () -> {
              throw new IllegalStateException("a buggy sink");
            }),
        bad("send returns no stage", "send", 3, 0, () -> null),
        bad(
            "the stage fails",
            "stage",
            3,
            0,
            () -> CompletableFuture.failedFuture(new java.io.IOException("reset"))),
        bad(
            "whenComplete throws",
            "stage",
            3,
            0,
            () ->
                new CompletableFuture<SendOutcome>() {
                  @Override
                  public CompletableFuture<SendOutcome> whenComplete(
                      BiConsumer<? super SendOutcome, ? super Throwable> action) {
                    throw new UnsupportedOperationException("no listeners here");
                  }
                }),
        bad(
            "two answers to one send",
            "late_answer",
            3,
            0,
            () -> answering(SendOutcome.accepted(), SendOutcome.rejected("400"))),
        bad(
            "a partial acceptance with one entry",
            "none",
            2,
            1,
            () -> partial(Map.of(1, "bad timestamp"))));
  }

  private static Arguments bad(
      String name,
      String kind,
      int accepted,
      int rejected,
      Supplier<CompletionStage<SendOutcome>> first) {
    return Arguments.of(Named.of(name, first), kind, accepted, rejected);
  }

  private static CompletionStage<SendOutcome> partial(Map<Integer, String> rejected) {
    return CompletableFuture.completedFuture(new SendOutcome.PartiallyAccepted(rejected));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("badAnswers")
  void aBadAnswerIsCountedAndThePipelineKeepsDelivering(
      Supplier<CompletionStage<SendOutcome>> first, String kind, int accepted, int rejected)
      throws Exception {
    pipeline = f.builder().sink("s", firstSend(first)).build().start();
    pipeline.emit(records(0, 3));
    f.advanceUntil("the first records finished", STEP, () -> f.acked.size() == 3);
    pipeline.emit(records(3, 3));
    f.advanceUntil("later records acknowledged", STEP, () -> f.acked.size() == 6);
    assertDelivering();
    assertThat(errors("s")).isEqualTo(kind.equals("none") ? 0 : 1);
    if (!kind.equals("none")) {
      assertThat(f.metrics.value("logchute_sink_errors_total", "sink", "s", "kind", kind))
          .isEqualTo(1);
    }
    assertThat(recordsTotal("accepted")).isEqualTo(accepted + 3);
    assertThat(recordsTotal("rejected")).isEqualTo(rejected);
  }

  @Test
  void anEncoderThatThrowsOrReturnsNothingDropsTheBatchAndNothingElse() throws Exception {
    AtomicInteger encodes = new AtomicInteger();
    Sink sink =
        new DelegatingSink(new InMemorySink(limits(3, 1))) {
          @Override
          public EncodedBatch encode(List<LogRecord> records) {
            int n = encodes.getAndIncrement();
            if (n == 0) {
              throw new IllegalArgumentException("cannot encode");
            }
            return n == 1 ? null : super.encode(records);
          }
        };
    pipeline = f.builder().sink("s", sink).build().start();
    pipeline.emit(records(0, 3));
    pipeline.emit(records(3, 3));
    pipeline.emit(records(6, 3));
    f.advanceUntil("all acknowledged", STEP, () -> f.acked.size() == 9);
    assertDelivering();
    assertThat(f.metrics.value("logchute_sink_errors_total", "sink", "s", "kind", "encode"))
        .isEqualTo(2);
    assertThat(recordsTotal("rejected")).isEqualTo(6);
    assertThat(recordsTotal("accepted")).isEqualTo(3);
  }

  @Test
  void anExceptionWhileHandlingAnAnswerIsARetry() throws Exception {
    AtomicInteger draws = new AtomicInteger();
    RandomGenerator brokenOnce =
        new RandomGenerator() {
          @Override
          public long nextLong() {
            if (draws.getAndIncrement() == 0) {
              throw new IllegalStateException("a broken random source");
            }
            return 0;
          }

          @Override
          public long nextLong(long bound) {
            return nextLong();
          }
        };
    Sink sink =
        firstSend(() -> CompletableFuture.completedFuture(SendOutcome.retry(Duration.ZERO, "503")));
    pipeline = f.builder().sink("s", sink).random(brokenOnce).build().start();
    pipeline.emit(records(0, 3));
    f.advanceUntil("retried and acknowledged", STEP, () -> f.acked.size() == 3);
    pipeline.emit(records(3, 3));
    f.advanceUntil("later records acknowledged", STEP, () -> f.acked.size() == 6);
    assertDelivering();
    assertThat(f.metrics.value("logchute_sink_errors_total", "sink", "s", "kind", "handling"))
        .isEqualTo(1);
  }

  @Test
  void anAcknowledgementCallbackThatThrowsKeepsNoBudget() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    pipeline =
        f.builder()
            .sink("s", new InMemorySink(limits(3, 1)))
            .acknowledgeTo(
                rs -> {
                  if (calls.getAndIncrement() % 2 == 0) {
                    throw new IllegalStateException("checkpoint store broken");
                  }
                  f.acked.addAll(rs);
                })
            .build()
            .start();
    for (int i = 0; i < 4; i++) {
      pipeline.emit(records(i * 3L, 3));
    }
    f.advanceUntil("every callback called", STEP, () -> calls.get() == 4);
    assertThat(f.acked).hasSize(6);
    assertDelivering();
    assertThat(f.metrics.value("logchute_pipeline_acknowledge_errors_total")).isEqualTo(2);
  }

  @Test
  void oneSinksRetryWarningsDoNotHideAnErrorOfItsOwnOrOfAnotherSink() throws Exception {
    List<String> logged = new java.util.concurrent.CopyOnWriteArrayList<>();
    java.util.logging.Logger jul = java.util.logging.Logger.getLogger(Pipeline.class.getName());
    java.util.logging.Handler capture =
        new java.util.logging.Handler() {
          @Override
          public void publish(java.util.logging.LogRecord r) {
            logged.add(r.getMessage());
          }

          @Override
          public void flush() {}

          @Override
          public void close() {}
        };
    jul.addHandler(capture);
    try {
      InMemorySink flaky =
          new InMemorySink(limits(3, 1))
              .answer(
                  SendOutcome.retry(Duration.ZERO, "503"),
                  SendOutcome.retry(Duration.ZERO, "503"),
                  SendOutcome.rejected("400 poison"));
      InMemorySink strict = new InMemorySink(limits(3, 1)).answer(SendOutcome.rejected("400"));
      pipeline = f.builder().sink("flaky", flaky).sink("strict", strict).build().start();
      pipeline.emit(records(0, 3));
      f.advanceUntil("both sinks finished", STEP, () -> f.acked.size() == 3);
    } finally {
      jul.removeHandler(capture);
    }
    assertThat(logged)
        .filteredOn(m -> m.startsWith("sink flaky: sending"))
        .hasSize(1); // the second retry warning is held back
    assertThat(logged)
        .anyMatch(m -> m.startsWith("sink flaky: destination rejected a batch"))
        .anyMatch(m -> m.startsWith("sink strict: destination rejected a batch"));
  }

  private void assertDelivering() {
    assertThat(pipeline.queuedBytes()).as("budget held").isZero();
    assertThat(f.metrics.value("logchute_sink_in_flight", "sink", "s")).as("in flight").isZero();
    assertThat(pipeline.isAlive()).isTrue();
  }

  private long errors(String sink) {
    long sum = 0;
    for (Answers.Kind k : Answers.Kind.values()) {
      sum += f.metrics.value("logchute_sink_errors_total", "sink", sink, "kind", k.label());
    }
    return sum;
  }

  private long recordsTotal(String result) {
    return f.metrics.value("logchute_sink_records_total", "sink", "s", "result", result);
  }
}
