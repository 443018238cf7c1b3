package io.github.logchute.sink.stackdriver;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.FakeClock;
import io.github.logchute.core.http.FakeHttpServer;
import io.github.logchute.core.http.HttpSinkContractTest;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.spi.Sink;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;

/**
 * The shared HTTP sink contract against the Cloud Logging wire format: every request is checked by
 * {@link CloudLoggingSchema} and must carry the metadata server's token.
 */
class StackdriverSinkContractTest extends HttpSinkContractTest {

  private FakeMetadataServer metadata;

  @Override
  protected Sink createSink(FakeHttpServer server, MetricsRegistry metrics, FakeClock clock) {
    if (metadata == null) {
      metadata = new FakeMetadataServer(null, "contract-project");
    }
    return StackdriverSink.create(
        StackdriverConfig.builder()
            .url(server.baseUri().toString())
            .metadataUrl(metadata.baseUri().toString())
            .project("contract-project")
            .clusterName("contract")
            .clusterLocation("europe-west1")
            .requestTimeout(Duration.ofSeconds(1))
            .build(),
        metrics,
        clock);
  }

  @Override
  protected int validateAndCount(FakeHttpServer.Request request) {
    assertThat(request.method()).isEqualTo("POST");
    assertThat(request.path()).isEqualTo(FakeCloudLogging.WRITE_PATH);
    assertThat(request.header("Authorization")).matches("Bearer md-token-\\d+");
    assertThat(request.header("Content-Type")).startsWith("application/json");
    List<Map<String, Object>> entries = CloudLoggingSchema.validate(request.body());
    for (Map<String, Object> e : entries) {
      assertThat(e.get("logName"))
          .isIn("projects/contract-project/logs/stdout", "projects/contract-project/logs/stderr");
      assertThat(e.get("textPayload")).asString().startsWith("contract line ");
    }
    return entries.size();
  }

  @Override
  protected FakeHttpServer.Response success() {
    return FakeHttpServer.Response.json(200, "{}");
  }

  @Override
  protected FakeHttpServer.Response badRequest() {
    return FakeCloudLogging.error(400, "INVALID_ARGUMENT", "Invalid value at 'entries[0]'");
  }

  @AfterEach
  void stopMetadata() {
    if (metadata != null) {
      assertThat(metadata.refusedRequests()).isZero();
      metadata.close();
    }
  }
}
