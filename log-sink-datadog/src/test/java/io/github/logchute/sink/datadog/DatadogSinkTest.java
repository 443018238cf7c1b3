package io.github.logchute.sink.datadog;

import static io.github.logchute.sink.datadog.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.FakeClock;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.http.FakeHttpServer;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.spi.EncodedBatch;
import io.github.logchute.core.spi.SendOutcome;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The request on the wire and the classification of every kind of answer (SPECS.md §2.2, §2.5). */
class DatadogSinkTest {

  private static final String KEY = DatadogSinkContractTest.KEY;

  private final MetricsRegistry metrics = new MetricsRegistry();
  private final FakeClock clock = new FakeClock();
  private final FakeDatadogIntake intake = new FakeDatadogIntake(KEY, true, clock);
  private final FakeHttpServer server = FakeHttpServer.start(intake);
  private final List<DatadogSink> sinks = new ArrayList<>();

  @TempDir Path dir;

  @AfterEach
  void close() {
    sinks.forEach(DatadogSink::close);
    server.close();
  }

  private DatadogSink sink(UnaryOperator<DatadogSinkConfig.Builder> tweak) {
    DatadogSinkConfig.Builder b =
        DatadogSinkConfig.builder()
            .url(server.uri(DatadogSite.INTAKE_PATH).toString())
            .requestTimeout(Duration.ofSeconds(2));
    DatadogSink sink = new DatadogSink(tweak.apply(b).build(), metrics, clock);
    sinks.add(sink);
    return sink;
  }

  private DatadogSink sink() {
    return sink(b -> b.apiKey(KEY));
  }

  private static SendOutcome send(DatadogSink sink, EncodedBatch batch) {
    try {
      return sink.send(batch).toCompletableFuture().get(10, TimeUnit.SECONDS);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  private List<LogRecord> records(int n) {
    List<LogRecord> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(record(TestRecords.fullMetadata(), "line " + i, clock.epochNanos()));
    }
    return out;
  }

  @Test
  void theRequestCarriesKeyTypeAndEncoding() {
    DatadogSink sink = sink();
    EncodedBatch batch = sink.encode(records(3));
    assertThat(send(sink, batch)).isInstanceOf(SendOutcome.Accepted.class);
    FakeHttpServer.Request r = server.requests().get(0);
    assertThat(r.method()).isEqualTo("POST");
    assertThat(r.path()).isEqualTo("/api/v2/logs");
    assertThat(r.header("DD-API-KEY")).isEqualTo(KEY);
    assertThat(r.header("Content-Type")).isEqualTo("application/json");
    assertThat(r.header("Content-Encoding")).isEqualTo("gzip");
    assertThat(r.header("User-Agent")).startsWith("logchute/");
    assertThat(intake.violations()).isEmpty();
    assertThat(intake.counts()).containsOnlyKeys("line 0", "line 1", "line 2");
    assertThat(metrics.value("logchute_datadog_requests_total", "code", "2xx")).isEqualTo(1);
    assertThat(metrics.sum("logchute_datadog_bytes_sent_total")).isEqualTo(r.body().length);
    assertThat(metrics.sum("logchute_datadog_bytes_uncompressed_total"))
        .isEqualTo(batch.uncompressedBytes());
  }

  @Test
  void withoutCompressionTheBodyIsPlainJson() {
    FakeDatadogIntake plain = new FakeDatadogIntake(KEY, false, clock);
    try (FakeHttpServer s = FakeHttpServer.start(plain)) {
      DatadogSinkConfig c =
          DatadogSinkConfig.builder()
              .url(s.uri("/api/v2/logs").toString())
              .apiKey(KEY)
              .compressionLevel(0)
              .build();
      DatadogSink sink = new DatadogSink(c, metrics, clock);
      sinks.add(sink);
      assertThat(send(sink, sink.encode(records(2)))).isInstanceOf(SendOutcome.Accepted.class);
      assertThat(s.requests().get(0).header("Content-Encoding")).isNull();
      assertThat(s.requests().get(0).bodyText()).startsWith("[{\"ddsource\":\"java\"");
      assertThat(plain.violations()).isEmpty();
      assertThat(plain.counts()).hasSize(2);
    }
  }

  @Test
  void aBadRequestIsDroppedWithAShortExcerptOfTheAnswer() {
    DatadogSink sink = sink();
    server.enqueue(
        FakeHttpServer.Response.json(400, "{\"errors\":[\"" + "x".repeat(1000) + "\"]}"));
    SendOutcome outcome = send(sink, sink.encode(records(2)));
    assertThat(outcome).isInstanceOf(SendOutcome.Rejected.class);
    String reason = ((SendOutcome.Rejected) outcome).reason();
    assertThat(reason).contains("HTTP 400").contains("{\"errors\":[\"xxx");
    String excerpt = reason.substring(reason.indexOf("{\"errors\""));
    assertThat(excerpt.length()).isLessThanOrEqualTo(Responses.EXCERPT_CHARS);
    assertThat(metrics.sum("logchute_datadog_batches_rejected_total")).isEqualTo(1);
    assertThat(metrics.value("logchute_datadog_requests_total", "code", "4xx")).isEqualTo(1);
  }

  @Test
  void aRefusedKeyIsRetriedSlowlyAndLoudlyWithoutShowingTheKey() {
    String wrong = "0000000000000000ffffffffffffffff";
    DatadogSink sink = sink(b -> b.apiKey(wrong).authFailureRetryDelay(Duration.ofSeconds(90)));
    int before = CapturingLoggerFinder.MESSAGES.size();
    for (int i = 0; i < 3; i++) {
      SendOutcome outcome = send(sink, sink.encode(records(1)));
      assertThat(outcome).isInstanceOf(SendOutcome.Retry.class);
      assertThat(((SendOutcome.Retry) outcome).after()).isEqualTo(Duration.ofSeconds(90));
      assertThat(((SendOutcome.Retry) outcome).reason()).contains("API key").doesNotContain(wrong);
    }
    server.enqueue(FakeHttpServer.Response.status(401));
    assertThat(send(sink, sink.encode(records(1)))).isInstanceOf(SendOutcome.Retry.class);
    assertThat(intake.authFailures()).isEqualTo(3);
    assertThat(metrics.sum("logchute_datadog_auth_failures_total")).isEqualTo(4);
    List<String> logged =
        CapturingLoggerFinder.MESSAGES.subList(before, CapturingLoggerFinder.MESSAGES.size());
    assertThat(logged)
        .filteredOn(m -> m.contains("REFUSED THE API KEY"))
        .hasSize(1) // rate-limited: the clock did not move
        .allMatch(
            m ->
                m.startsWith("ERROR")
                    && m.contains("DD_API_KEY")
                    && m.contains("LOGCHUTE_DATADOG_URL")
                    && m.contains("retrying every 90 s"));
    assertThat(CapturingLoggerFinder.MESSAGES).noneMatch(m -> m.contains(wrong) || m.contains(KEY));
  }

  @Test
  void aRotatedKeyFileIsReadAgainAfterARefusal() throws Exception {
    Path file = Files.writeString(dir.resolve("api-key"), "0000000000000000ffffffffffffffff\n");
    DatadogSink sink = sink(b -> b.apiKeyFile(file));
    assertThat(send(sink, sink.encode(records(1)))).isInstanceOf(SendOutcome.Retry.class);
    Files.writeString(file, KEY + "\n"); // the Secret was updated
    SendOutcome afterRotation = send(sink, sink.encode(records(1)));
    assertThat(afterRotation)
        .isInstanceOf(SendOutcome.Retry.class); // this attempt used the old key
    assertThat(((SendOutcome.Retry) afterRotation).after()).isEqualTo(Duration.ZERO);
    assertThat(send(sink, sink.encode(records(1)))).isInstanceOf(SendOutcome.Accepted.class);
    assertThat(server.requests().get(2).header("DD-API-KEY")).isEqualTo(KEY);
  }

  @Test
  void retryAfterIsHonouredInSecondsOrAsADate() {
    DatadogSink sink = sink();
    String date =
        ZonedDateTime.ofInstant(
                java.time.Instant.ofEpochSecond(clock.epochNanos() / 1_000_000_000L + 42),
                ZoneOffset.UTC)
            .format(DateTimeFormatter.RFC_1123_DATE_TIME);
    server.enqueue(
        FakeHttpServer.Response.status(429).withHeader("Retry-After", date),
        FakeHttpServer.Response.status(503).withHeader("Retry-After", "3"),
        FakeHttpServer.Response.status(408),
        FakeHttpServer.Response.status(429).withHeader("Retry-After", "86400"),
        FakeHttpServer.Response.status(404));
    assertThat(((SendOutcome.Retry) send(sink, sink.encode(records(1)))).after())
        .isEqualTo(Duration.ofSeconds(42));
    assertThat(((SendOutcome.Retry) send(sink, sink.encode(records(1)))).after())
        .isEqualTo(Duration.ofSeconds(3));
    assertThat(((SendOutcome.Retry) send(sink, sink.encode(records(1)))).after()).isZero();
    assertThat(((SendOutcome.Retry) send(sink, sink.encode(records(1)))).after())
        .isEqualTo(Responses.MAX_RETRY_AFTER);
    SendOutcome notFound = send(sink, sink.encode(records(1)));
    assertThat(notFound).isInstanceOf(SendOutcome.Retry.class);
    assertThat(((SendOutcome.Retry) notFound).reason()).contains("HTTP 404");
  }

  @Test
  void aBatchOverThePayloadLimitIsSplitWithoutBeingSent() {
    DatadogSink sink = sink();
    List<LogRecord> big = new ArrayList<>();
    for (int i = 0; i < 8; i++) {
      big.add(record(SourceMetadata.empty(), "z".repeat(900_000), clock.epochNanos()));
    }
    SendOutcome outcome = send(sink, sink.encode(big));
    assertThat(outcome).isInstanceOf(SendOutcome.TooLarge.class);
    assertThat(server.requests()).isEmpty();
    assertThat(metrics.sum("logchute_datadog_batches_oversized_total")).isEqualTo(1);
    assertThat(send(sink, sink.encode(big.subList(0, 4)))).isInstanceOf(SendOutcome.Accepted.class);
    assertThat(intake.violations()).isEmpty();
  }

  @Test
  void noAnswerIsARetryCountedAsAnError() {
    DatadogSink sink = sink();
    server.enqueue(FakeHttpServer.Response.reset());
    SendOutcome outcome = send(sink, sink.encode(records(1)));
    assertThat(outcome).isInstanceOf(SendOutcome.Retry.class);
    assertThat(metrics.value("logchute_datadog_requests_total", "code", "error")).isEqualTo(1);
  }
}
