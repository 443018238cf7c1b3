package io.github.logchute.sink.stackdriver;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.Await;
import io.github.logchute.core.Clock;
import io.github.logchute.core.EngineHarness;
import io.github.logchute.core.http.FakeHttpServer;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.tail.KubeletLogs;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * End to end: real CRI files laid out as the kubelet does → the real engine (FileTailer + Pipeline)
 * → the Cloud Logging sink → the strict fake API, through 429 / 500 / 403 / 401 periods, a reset
 * connection, per-entry errors and oversized lines.
 */
class StackdriverEngineIT {

  private static final KeyPair KEYS = ServiceAccounts.keyPair();
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path dir;
  private final MetricsRegistry metrics = new MetricsRegistry();
  private FakeCloudLogging api;
  private FakeTokenEndpoint tokens;
  private KubeletLogs kubelet;

  @BeforeEach
  void start() throws Exception {
    api = new FakeCloudLogging();
    tokens = new FakeTokenEndpoint(KEYS.getPublic(), ServiceAccounts.EMAIL, Clock.system(), api);
    kubelet = new KubeletLogs(dir.resolve("var-log"));
  }

  @AfterEach
  void stop() {
    assertThat(api.server.handlerErrors()).isEmpty();
    assertThat(tokens.server.handlerErrors()).isEmpty();
    api.close();
    tokens.close();
  }

  private StackdriverSink sink(int maxEntryBytes) throws Exception {
    Path key = ServiceAccounts.write(dir, KEYS, tokens.uri(), "it-project");
    return StackdriverSink.create(
        StackdriverConfig.builder()
            .url(api.baseUri().toString())
            .metadataUrl("http://127.0.0.1:9") // never used: the key gives token and project
            .credentialsFile(key)
            .clusterName("it-cluster")
            .clusterLocation("europe-west4")
            .maxBatchRecords(40)
            .linger(Duration.ofMillis(20))
            .maxEntryBytes(maxEntryBytes)
            .forbiddenRetryDelay(Duration.ofMillis(50))
            .requestTimeout(Duration.ofSeconds(5))
            .build(),
        metrics,
        Clock.system());
  }

  private EngineHarness engine(StackdriverSink sink) throws Exception {
    return new EngineHarness(
        dir.resolve("data"),
        kubelet.glob(),
        "stackdriver",
        sink,
        metrics,
        UnaryOperator.identity());
  }

  private Set<Object> payloads() {
    List<Object> all = api.entries().stream().map(e -> e.get("textPayload")).toList();
    Set<Object> unique = new HashSet<>(all);
    assertThat(unique).as("no entry written twice").hasSize(all.size());
    return unique;
  }

  @Test
  void nothingIsLostAcrossFaultsAndARetriedBatchKeepsItsInsertIds() throws Exception {
    KubeletLogs.Container web = kubelet.container("shop", "web-1", "app");
    KubeletLogs.Container worker = kubelet.container("jobs", "worker-0", "main");
    Set<String> expected = new HashSet<>();
    for (int i = 0; i < 150; i++) {
      web.cri(i % 5 == 0 ? "stderr" : "stdout", "web line " + i);
      worker.cri("stdout", "worker line " + i);
      expected.add("web line " + i);
      expected.add("worker line " + i);
    }
    api.failNext(429, 500, 403, 429);
    try (StackdriverSink sink = sink(StackdriverConfig.DEFAULT_MAX_ENTRY_BYTES);
        EngineHarness engine = engine(sink)) {
      Await.until("300 entries", WAIT, () -> api.entries().size(), n -> n >= 300);

      // a 401 period (the token is revoked) and a reset connection, with more lines
      api.revokeToken("sa-token-1");
      api.server.enqueue(FakeHttpServer.Response.reset());
      for (int i = 150; i < 300; i++) {
        web.cri("stdout", "web line " + i);
        expected.add("web line " + i);
      }
      Await.until("450 entries", WAIT, () -> api.entries().size(), n -> n >= 450);
      Await.until(
          "every record acknowledged",
          WAIT,
          () -> engine.metric("logchute_pipeline_queued_bytes"),
          b -> b == 0);
    }
    assertThat(payloads()).isEqualTo(expected);
    // every fault period really happened
    assertThat(metrics.value(SinkMetrics.REQUESTS, "result", "retry")).isEqualTo(3);
    assertThat(metrics.value(SinkMetrics.REQUESTS, "result", "forbidden")).isEqualTo(1);
    assertThat(metrics.value(SinkMetrics.REQUESTS, "result", "unauthorized")).isPositive();
    assertThat(metrics.value(SinkMetrics.REQUESTS, "result", "io_error")).isPositive();
    assertThat(tokens.issued()).isGreaterThanOrEqualTo(2);

    // the first requests were refused (429, 500, 403, 429) and sent again unchanged
    List<FakeHttpServer.Request> writes = api.writeRequests();
    List<Object> firstIds = insertIds(writes.get(0));
    assertThat(writes.subList(1, writes.size()))
        .as("the refused batch was sent again with the same insertIds")
        .anySatisfy(r -> assertThat(insertIds(r)).isEqualTo(firstIds));
    Map<Object, Object> idByPayload = new java.util.HashMap<>();
    api.entries().forEach(e -> idByPayload.put(e.get("textPayload"), e.get("insertId")));
    List<Map<String, Object>> firstEntries = CloudLoggingSchema.validate(writes.get(0).body());
    for (Map<String, Object> e : firstEntries) {
      assertThat(idByPayload.get(e.get("textPayload"))).isEqualTo(e.get("insertId"));
    }
    Set<Object> ids = new HashSet<>(idByPayload.values());
    assertThat(ids).hasSize(450);

    Map<String, Object> sample =
        api.entries().stream()
            .filter(e -> "web line 5".equals(e.get("textPayload")))
            .findFirst()
            .orElseThrow();
    assertThat(sample.get("severity")).isEqualTo("ERROR"); // stderr, no detected level
    assertThat(sample.get("logName")).isEqualTo("projects/it-project/logs/stderr");
    assertThat(Records.map(Records.map(sample.get("resource")).get("labels")))
        .containsEntry("namespace_name", "shop")
        .containsEntry("pod_name", "web-1")
        .containsEntry("container_name", "app")
        .containsEntry("cluster_name", "it-cluster");
    assertThat(metrics.sum("logchute_sink_records_total")).isGreaterThanOrEqualTo(450);
    assertThat(
            metrics.value(
                "logchute_sink_records_total", "sink", "stackdriver", "result", "rejected"))
        .isZero();
  }

  @Test
  void oversizedLinesAreTruncatedAndBadEntriesAloneAreDropped() throws Exception {
    KubeletLogs.Container web = kubelet.container("shop", "web-2", "app");
    List<String> kept = new ArrayList<>();
    int poisoned = 0;
    for (int i = 0; i < 120; i++) {
      if (i % 30 == 7) {
        web.cri("stdout", "POISON " + i);
        poisoned++;
      } else if (i % 40 == 3) {
        web.cri("stdout", "big " + i + " " + "z".repeat(50_000));
        kept.add("big " + i);
      } else {
        web.cri("stdout", "line " + i);
        kept.add("line " + i);
      }
    }
    api.rejectEntriesWhere(e -> String.valueOf(e.get("textPayload")).startsWith("POISON"));
    try (StackdriverSink sink = sink(8192);
        EngineHarness engine = engine(sink)) {
      int expected = kept.size();
      Await.until("the good entries", WAIT, () -> api.entries().size(), n -> n >= expected);
      Await.until(
          "every record finished, the refused ones too",
          WAIT,
          () -> engine.metric("logchute_pipeline_queued_bytes"),
          q -> q == 0);
    }
    List<Map<String, Object>> entries = api.entries();
    assertThat(entries).hasSize(kept.size());
    List<Map<String, Object>> big =
        entries.stream().filter(e -> ((String) e.get("textPayload")).startsWith("big ")).toList();
    assertThat(big).hasSize(3);
    for (Map<String, Object> e : big) {
      String text = (String) e.get("textPayload");
      String n = text.substring(4, text.indexOf(' ', 4));
      int original = ("big " + n + " ").length() + 50_000;
      assertThat(text)
          .matches("big " + n + " z+ \\[logchute: truncated, \\d+ of " + original + " bytes]");
      assertThat(Records.map(e.get("labels"))).containsEntry(EntryWriter.TRUNCATED_LABEL, "true");
      assertThat(CloudLoggingSchema.size(e)).isLessThanOrEqualTo(8192);
    }
    assertThat(metrics.sum(SinkMetrics.ENTRIES_TRUNCATED)).isGreaterThanOrEqualTo(3);
    assertThat(metrics.sum(SinkMetrics.ENTRIES_REJECTED)).isEqualTo(poisoned);
    assertThat(
            metrics.value(
                "logchute_sink_records_total", "sink", "stackdriver", "result", "rejected"))
        .isEqualTo(poisoned);
  }

  private static List<Object> insertIds(FakeHttpServer.Request r) {
    return CloudLoggingSchema.validate(r.body()).stream().map(e -> e.get("insertId")).toList();
  }
}
