package io.github.logchute.sink.datadog;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.FakeClock;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.http.FakeHttpServer;
import io.github.logchute.core.http.HttpSinkContractTest;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.spi.Sink;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The shared HTTP sink contract, against the strict {@link FakeDatadogIntake}. */
class DatadogSinkContractTest extends HttpSinkContractTest {

  static final String KEY = "0123456789abcdef0123456789abcdef";

  private FakeDatadogIntake intake;

  private FakeDatadogIntake intake() {
    if (intake == null) {
      intake = new FakeDatadogIntake(KEY, true, clock);
    }
    return intake;
  }

  @Override
  protected Sink createSink(FakeHttpServer server, MetricsRegistry metrics, FakeClock clock) {
    DatadogSinkConfig config =
        DatadogSinkConfig.builder()
            .url(server.uri(DatadogSite.INTAKE_PATH).toString())
            .apiKey(KEY)
            .requestTimeout(Duration.ofSeconds(2))
            .build();
    return new DatadogSink(config, metrics, clock);
  }

  @Override
  protected int validateAndCount(FakeHttpServer.Request request) {
    return intake().validate(request).size();
  }

  @Override
  protected FakeHttpServer.Response success() {
    return FakeHttpServer.Response.json(202, "{}");
  }

  /** Records stamped near the fake clock, so that the 18 h rule does not apply. */
  @Override
  protected LogRecord record(int i) {
    LogRecord r = super.record(i);
    return LogRecord.of(
        r.source(),
        r.stream(),
        clock.epochNanos() - 1_000_000_000L + i,
        r.message(),
        r.startOffset(),
        r.endOffset(),
        r.flags());
  }

  @Test
  void everyRecordArrivesWithItsMessage() {
    try (Sink sink = createSink(server, metrics, clock)) {
      sink.send(sink.encode(records(7))).toCompletableFuture().join();
    }
    assertThat(intake().validate(server.requests().get(0)))
        .extracting(n -> n.get("message").asText())
        .containsExactly(
            "contract line 0",
            "contract line 1",
            "contract line 2",
            "contract line 3",
            "contract line 4",
            "contract line 5",
            "contract line 6");
  }
}
