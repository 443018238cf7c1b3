package io.github.logchute.sink.stackdriver;

import static io.github.logchute.sink.stackdriver.Records.GKE;
import static io.github.logchute.sink.stackdriver.Records.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.FakeClock;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogStream;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.http.FakeHttpServer;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.spi.EncodedBatch;
import io.github.logchute.core.spi.SendOutcome;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sink against the fake API, token endpoint and metadata server: auth and answers. */
class StackdriverSinkTest {

  private static final KeyPair KEYS = ServiceAccounts.keyPair();

  @TempDir Path dir;
  private final FakeClock clock = new FakeClock();
  private final MetricsRegistry metrics = new MetricsRegistry();
  private final FakeCloudLogging api = new FakeCloudLogging();
  private final FakeTokenEndpoint tokens =
      new FakeTokenEndpoint(KEYS.getPublic(), ServiceAccounts.EMAIL, clock, api);
  private final FakeMetadataServer metadata = new FakeMetadataServer(api, "md-project");
  private StackdriverSink sink;

  @AfterEach
  void close() {
    if (sink != null) {
      sink.close();
    }
    assertThat(api.server.handlerErrors()).isEmpty();
    assertThat(tokens.server.handlerErrors()).isEmpty();
    assertThat(metadata.refusedRequests()).isZero();
    api.close();
    tokens.close();
    metadata.close();
  }

  private StackdriverConfig.Builder config() {
    return StackdriverConfig.builder()
        .url(api.baseUri().toString())
        .metadataUrl(metadata.baseUri().toString())
        .clusterName("c1")
        .clusterLocation("europe-west1")
        .forbiddenRetryDelay(Duration.ofMinutes(3))
        .requestTimeout(Duration.ofSeconds(5));
  }

  private StackdriverSink withServiceAccount() throws Exception {
    Path key = ServiceAccounts.write(dir, KEYS, tokens.uri(), "sa-project");
    sink = StackdriverSink.create(config().credentialsFile(key).build(), metrics, clock);
    return sink;
  }

  private static List<LogRecord> lines(int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> Records.text(SOURCE, GKE, "line " + i, LogStream.STDOUT, i * 100L))
        .toList();
  }

  private static SendOutcome send(StackdriverSink s, EncodedBatch batch) throws Exception {
    return s.send(batch).toCompletableFuture().get(20, TimeUnit.SECONDS);
  }

  private List<String> bearerTokens() {
    return api.writeRequests().stream().map(r -> r.header("Authorization")).toList();
  }

  @Test
  void aServiceAccountTokenIsReusedAndRefreshedBeforeItExpires() throws Exception {
    StackdriverSink s = withServiceAccount();
    assertThat(send(s, s.encode(lines(3)))).isInstanceOf(SendOutcome.Accepted.class);
    assertThat(send(s, s.encode(lines(3)))).isInstanceOf(SendOutcome.Accepted.class);
    assertThat(tokens.issued()).isEqualTo(1);
    clock.advance(Duration.ofMinutes(61));
    assertThat(send(s, s.encode(lines(3)))).isInstanceOf(SendOutcome.Accepted.class);
    assertThat(tokens.issued()).isEqualTo(2);
    assertThat(bearerTokens())
        .containsExactly("Bearer sa-token-1", "Bearer sa-token-1", "Bearer sa-token-2");
    // the project comes from the key file; the entries name it
    assertThat(api.entries()).hasSize(9);
    assertThat(api.entries().get(0).get("logName")).isEqualTo("projects/sa-project/logs/stdout");
  }

  @Test
  void aRevokedTokenIsRefreshedOnceAndTheRequestSentAgain() throws Exception {
    StackdriverSink s = withServiceAccount();
    assertThat(send(s, s.encode(lines(2)))).isInstanceOf(SendOutcome.Accepted.class);
    api.revokeToken("sa-token-1");
    assertThat(send(s, s.encode(lines(2)))).isInstanceOf(SendOutcome.Accepted.class);
    assertThat(bearerTokens())
        .containsExactly("Bearer sa-token-1", "Bearer sa-token-1", "Bearer sa-token-2");
    assertThat(api.entries()).hasSize(4);
  }

  @Test
  void a401AfterARefreshIsRetriedLater() throws Exception {
    StackdriverSink s = withServiceAccount();
    api.failNext(401, 401);
    SendOutcome o = send(s, s.encode(lines(2)));
    assertThat(o).isInstanceOf(SendOutcome.Retry.class);
    assertThat(((SendOutcome.Retry) o).reason()).contains("401").doesNotContain("sa-token");
    assertThat(api.writeRequests()).hasSize(2);
    assertThat(tokens.issued()).isEqualTo(2);
  }

  @Test
  void a403IsRetriedSlowlyAndCounted() throws Exception {
    StackdriverSink s = withServiceAccount();
    api.failNext(403);
    SendOutcome o = send(s, s.encode(lines(2)));
    assertThat(o).isInstanceOf(SendOutcome.Retry.class);
    assertThat(((SendOutcome.Retry) o).after()).isEqualTo(Duration.ofMinutes(3));
    assertThat(((SendOutcome.Retry) o).reason()).contains("PERMISSION_DENIED");
    assertThat(metrics.value(SinkMetrics.REQUESTS, "result", "forbidden")).isEqualTo(1);
  }

  @Test
  void quotaAndServerErrorsAreRetried() throws Exception {
    StackdriverSink s = withServiceAccount();
    api.failNext(429, 500, 503);
    EncodedBatch batch = s.encode(lines(2));
    for (String status : List.of("RESOURCE_EXHAUSTED", "INTERNAL", "UNAVAILABLE")) {
      SendOutcome o = send(s, batch);
      assertThat(o).isInstanceOf(SendOutcome.Retry.class);
      assertThat(((SendOutcome.Retry) o).reason()).contains(status);
    }
    assertThat(send(s, batch)).isInstanceOf(SendOutcome.Accepted.class);
    assertThat(api.entries()).hasSize(2);
  }

  @Test
  void perEntryErrorsDropOnlyThoseEntries() throws Exception {
    StackdriverSink s = withServiceAccount();
    api.rejectEntriesWhere(e -> String.valueOf(e.get("textPayload")).contains("POISON"));
    List<LogRecord> records =
        List.of(
            Records.text(SOURCE, GKE, "ok 0", LogStream.STDOUT, 0),
            Records.text(SOURCE, GKE, "POISON 1", LogStream.STDOUT, 100),
            Records.text(SOURCE, GKE, "ok 2", LogStream.STDOUT, 200),
            Records.text(SOURCE, GKE, "POISON 3", LogStream.STDOUT, 300));
    SendOutcome o = send(s, s.encode(records));
    assertThat(o).isInstanceOf(SendOutcome.PartiallyAccepted.class);
    Map<Integer, String> rejected = ((SendOutcome.PartiallyAccepted) o).rejected();
    assertThat(rejected).containsOnlyKeys(1, 3);
    assertThat(rejected.get(1)).startsWith("INVALID_ARGUMENT: ");
    assertThat(api.entries()).extracting(e -> e.get("textPayload")).containsExactly("ok 0", "ok 2");
    assertThat(metrics.sum(SinkMetrics.ENTRIES_REJECTED)).isEqualTo(2);
  }

  @Test
  void aWholeBatch400IsRejectedWithAnExcerptAndThePayloadLimitAsksForASplit() throws Exception {
    StackdriverSink s = withServiceAccount();
    api.server.enqueue(
        FakeCloudLogging.error(400, "INVALID_ARGUMENT", "Invalid JSON payload received."),
        FakeCloudLogging.error(
            400, "INVALID_ARGUMENT", "Request payload size exceeds the limit: 10485760 bytes."),
        FakeHttpServer.Response.status(413));
    EncodedBatch batch = s.encode(lines(2));
    SendOutcome bad = send(s, batch);
    assertThat(bad).isInstanceOf(SendOutcome.Rejected.class);
    assertThat(((SendOutcome.Rejected) bad).reason()).contains("Invalid JSON payload received");
    assertThat(send(s, batch)).isInstanceOf(SendOutcome.TooLarge.class);
    assertThat(send(s, batch)).isInstanceOf(SendOutcome.TooLarge.class);
  }

  @Test
  void aBodyOverTheRequestLimitIsSplitWithoutBeingSent() throws Exception {
    StackdriverSink s = withServiceAccount();
    byte[] huge = new byte[StackdriverSink.MAX_REQUEST_BYTES + 1];
    assertThat(send(s, new EncodedBatch(huge, 2, huge.length)))
        .isInstanceOf(SendOutcome.TooLarge.class);
    assertThat(api.writeRequests()).isEmpty();
  }

  @Test
  void withoutAKeyTheMetadataServerGivesTokenAndProject() throws Exception {
    sink = StackdriverSink.create(config().build(), metrics, clock);
    SourceMetadata noProject = GKE.toBuilder().put(MetadataKeys.CLOUD_PROJECT_ID, null).build();
    List<LogRecord> records =
        List.of(
            Records.text(SOURCE, noProject, "a", LogStream.STDOUT, 0),
            Records.text(SOURCE, noProject, "b", LogStream.STDOUT, 100));
    assertThat(send(sink, sink.encode(records))).isInstanceOf(SendOutcome.Accepted.class);
    assertThat(bearerTokens()).containsOnly("Bearer md-token-1");
    assertThat(api.entries().get(0).get("logName")).isEqualTo("projects/md-project/logs/stdout");
    // a record that names its project (the Kubernetes enricher's cloud.project.id) keeps it
    SourceMetadata other = GKE.toBuilder().put(MetadataKeys.CLOUD_PROJECT_ID, "other").build();
    LogRecord r = Records.text(SOURCE, other, "x", LogStream.STDERR, 5000);
    assertThat(send(sink, sink.encode(List.of(r)))).isInstanceOf(SendOutcome.Accepted.class);
    assertThat(api.entries().get(2).get("logName")).isEqualTo("projects/other/logs/stderr");
    assertThat(metadata.tokensIssued()).isEqualTo(1);
  }

  @Test
  void recordsWithNoKnownProjectAreReportedNotSent() throws Exception {
    try (FakeMetadataServer noProject = new FakeMetadataServer(api, null)) {
      sink =
          StackdriverSink.create(
              config().metadataUrl(noProject.baseUri().toString()).build(), metrics, clock);
      LogRecord unknown = Records.text("no project", LogStream.STDOUT, 0);
      LogRecord known = Records.text(SOURCE, GKE, "has project", LogStream.STDOUT, 100);
      SendOutcome o = send(sink, sink.encode(List.of(unknown, known, unknown)));
      assertThat(o).isInstanceOf(SendOutcome.PartiallyAccepted.class);
      assertThat(((SendOutcome.PartiallyAccepted) o).rejected()).containsOnlyKeys(0, 2);
      assertThat(api.entries())
          .extracting(e -> e.get("textPayload"))
          .containsExactly("has project");
      assertThat(metrics.sum(SinkMetrics.UNADDRESSABLE)).isEqualTo(2);
      SendOutcome none = send(sink, sink.encode(List.of(unknown)));
      assertThat(((SendOutcome.PartiallyAccepted) none).rejected()).containsOnlyKeys(0);
      assertThat(api.writeRequests()).hasSize(1);
    }
  }

  @Test
  void noTokenMeansRetryAndNoRequest() throws Exception {
    StackdriverSink s = withServiceAccount();
    tokens.server.enqueue(FakeHttpServer.Response.status(503));
    SendOutcome o = send(s, s.encode(lines(1)));
    assertThat(o).isInstanceOf(SendOutcome.Retry.class);
    assertThat(((SendOutcome.Retry) o).reason()).contains("token endpoint").contains("503");
    assertThat(api.writeRequests()).isEmpty();
    assertThat(send(s, s.encode(lines(1)))).isInstanceOf(SendOutcome.Accepted.class);
  }

  @Test
  void secretsStayOutOfToString() throws Exception {
    StackdriverSink s = withServiceAccount();
    send(s, s.encode(lines(1)));
    assertThat(s.toString()).doesNotContain("sa-token").doesNotContain("PRIVATE KEY");
  }
}
