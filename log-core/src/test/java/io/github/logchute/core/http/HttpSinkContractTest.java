package io.github.logchute.core.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.FakeClock;
import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.LogStream;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.spi.EncodedBatch;
import io.github.logchute.core.spi.SendOutcome;
import io.github.logchute.core.spi.Sink;
import io.github.logchute.core.spi.SinkLimits;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every HTTP sink keeps, tested once for all of them: a sink module extends this class
 * in ~50 lines (how to build its sink against a {@link FakeHttpServer}, what its destination
 * answers on success, how many records a request carried) and inherits the tests.
 *
 * <p>The subclass's handler must check the wire format strictly and throw (or answer 400) on
 * anything malformed: every test here also asserts that the handler never failed.
 */
public abstract class HttpSinkContractTest {

  protected final MetricsRegistry metrics = new MetricsRegistry();
  protected final FakeClock clock = new FakeClock();
  protected FakeHttpServer server;
  private Set<Thread> threadsBefore;

  /**
   * Creates the sink under test, sending to {@code server}, with a request timeout of at most 2 s.
   */
  protected abstract Sink createSink(
      FakeHttpServer server, MetricsRegistry metrics, FakeClock clock);

  /**
   * Checks one request strictly (headers, encoding, every record) and returns how many records it
   * carried; throws an {@link AssertionError} describing what is wrong otherwise.
   */
  protected abstract int validateAndCount(FakeHttpServer.Request request);

  /** The destination's answer to a good request. */
  protected abstract FakeHttpServer.Response success();

  /** The destination's answer to a malformed request (a whole-batch 400). */
  protected FakeHttpServer.Response badRequest() {
    return FakeHttpServer.Response.json(400, "{\"error\":\"bad request\"}");
  }

  /** A record as the engine would produce it; subclasses may override to add metadata/fields. */
  protected LogRecord record(int i) {
    LogSource source =
        LogSource.of(
            Path.of(
                "/var/log/containers/web-7d4b9c8f6-x2x9k_shop_nginx-" + "a".repeat(64) + ".log"),
            new FileIdentity(1, 42));
    byte[] msg = ("contract line " + i).getBytes(StandardCharsets.UTF_8);
    return LogRecord.of(
        source,
        i % 3 == 0 ? LogStream.STDERR : LogStream.STDOUT,
        1_700_000_000_123_456_789L + i,
        msg,
        i * 100L,
        i * 100L + 99,
        0);
  }

  protected List<LogRecord> records(int n) {
    List<LogRecord> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(record(i));
    }
    return out;
  }

  @BeforeEach
  void startServer() {
    server =
        FakeHttpServer.start(
            request -> {
              validateAndCount(request);
              return success();
            });
    // after the server: its JDK dispatcher thread ("HTTP-Dispatcher", not a daemon) is not the
    // sink's
    threadsBefore = liveThreads();
  }

  @AfterEach
  void stopServer() {
    server.close();
  }

  private static Set<Thread> liveThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(Thread::isAlive)
        .collect(Collectors.toSet());
  }

  private static SendOutcome send(Sink sink, EncodedBatch batch) {
    try {
      return sink.send(batch).toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new CompletionException(e);
    }
  }

  @Test
  void limitsAreUsable() {
    try (Sink sink = createSink(server, metrics, clock)) {
      SinkLimits limits = sink.limits();
      assertThat(limits.maxBatchRecords()).isPositive();
      assertThat(limits.maxBatchBytes()).isPositive();
      assertThat(limits.maxInFlight()).isPositive();
    }
  }

  @Test
  void aHealthyDestinationGetsEveryRecordOnce() {
    try (Sink sink = createSink(server, metrics, clock)) {
      EncodedBatch batch = sink.encode(records(25));
      assertThat(batch.recordCount()).isEqualTo(25);
      assertThat(send(sink, batch)).isInstanceOf(SendOutcome.Accepted.class);
    }
    assertThat(server.handlerErrors()).isEmpty();
    assertThat(server.requests()).hasSize(1);
    assertThat(validateAndCount(server.requests().get(0))).isEqualTo(25);
  }

  @Test
  void aBatchCanBeSentAgainUnchanged() {
    try (Sink sink = createSink(server, metrics, clock)) {
      EncodedBatch batch = sink.encode(records(5));
      server.enqueue(FakeHttpServer.Response.status(503));
      assertThat(send(sink, batch)).isInstanceOf(SendOutcome.Retry.class);
      assertThat(send(sink, batch)).isInstanceOf(SendOutcome.Accepted.class);
    }
    List<FakeHttpServer.Request> requests = server.requests();
    assertThat(requests).hasSize(2);
    assertThat(requests.get(1).body()).isEqualTo(requests.get(0).body());
    assertThat(server.handlerErrors()).isEmpty();
  }

  @Test
  void tooManyRequestsIsRetriedAfterTheServersDelay() {
    try (Sink sink = createSink(server, metrics, clock)) {
      server.enqueue(FakeHttpServer.Response.status(429).withHeader("Retry-After", "7"));
      SendOutcome outcome = send(sink, sink.encode(records(3)));
      assertThat(outcome).isInstanceOf(SendOutcome.Retry.class);
      assertThat(((SendOutcome.Retry) outcome).after()).isEqualTo(Duration.ofSeconds(7));
    }
  }

  @Test
  void serverErrorsAreRetried() {
    try (Sink sink = createSink(server, metrics, clock)) {
      for (int status : new int[] {500, 502, 503, 504}) {
        server.enqueue(FakeHttpServer.Response.status(status));
        assertThat(send(sink, sink.encode(records(2))))
            .as("HTTP %d", status)
            .isInstanceOf(SendOutcome.Retry.class);
      }
    }
  }

  @Test
  void payloadTooLargeAsksForASplit() {
    try (Sink sink = createSink(server, metrics, clock)) {
      server.enqueue(FakeHttpServer.Response.status(413));
      assertThat(send(sink, sink.encode(records(10)))).isInstanceOf(SendOutcome.TooLarge.class);
    }
  }

  @Test
  void aBadRequestIsNotRetried() {
    try (Sink sink = createSink(server, metrics, clock)) {
      server.enqueue(badRequest());
      assertThat(send(sink, sink.encode(records(4))))
          .isInstanceOfAny(SendOutcome.Rejected.class, SendOutcome.PartiallyAccepted.class);
    }
  }

  @Test
  void aResetConnectionIsTransient() {
    try (Sink sink = createSink(server, metrics, clock)) {
      server.enqueue(FakeHttpServer.Response.reset());
      SendOutcome outcome;
      try {
        outcome =
            sink.send(sink.encode(records(2))).toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        outcome = null; // exceptional completion: the pipeline retries it
      } catch (Exception e) {
        throw new AssertionError(e);
      }
      if (outcome != null) {
        assertThat(outcome).isInstanceOf(SendOutcome.Retry.class);
      }
    }
  }

  @Test
  void aSlowDestinationTimesOutInsteadOfHanging() {
    try (Sink sink = createSink(server, metrics, clock)) {
      server.enqueue(success().delayed(Duration.ofSeconds(30)));
      long start = System.nanoTime();
      SendOutcome outcome;
      try {
        outcome =
            sink.send(sink.encode(records(2))).toCompletableFuture().get(10, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException e) {
        outcome = null;
      } catch (Exception e) {
        throw new AssertionError("send did not complete within 10 s", e);
      }
      if (outcome != null) {
        assertThat(outcome).isInstanceOf(SendOutcome.Retry.class);
      }
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
    }
  }

  @Test
  void closeLeavesNoThreadsRunning() {
    Sink sink = createSink(server, metrics, clock);
    send(sink, sink.encode(records(3)));
    sink.close();
    io.github.logchute.core.Await.until(
        "threads started by the sink end after close",
        Duration.ofSeconds(10),
        () ->
            liveThreads().stream()
                .filter(t -> !threadsBefore.contains(t))
                .filter(t -> !t.getName().startsWith("fake-http"))
                // the JDK HttpServer's own (non-daemon) thread of the fake servers
                .filter(t -> !t.getName().equals("HTTP-Dispatcher"))
                .filter(t -> !t.isDaemon())
                .toList(),
        List::isEmpty);
  }
}
