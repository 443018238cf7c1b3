package io.github.logchute.sink.stackdriver;

import static io.github.logchute.sink.stackdriver.Records.GKE;
import static io.github.logchute.sink.stackdriver.Records.SOURCE;
import static io.github.logchute.sink.stackdriver.Records.entries;
import static io.github.logchute.sink.stackdriver.Records.map;
import static io.github.logchute.sink.stackdriver.Records.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.entry;

import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogStream;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.Severity;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.metrics.MetricsRegistry;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** How records become LogEntries (SPECS.md 3.1-3.5). */
class EntryMappingTest {

  private final MetricsRegistry metrics = new MetricsRegistry();
  private final StackdriverConfig config = StackdriverConfig.builder().build();

  private Map<String, Object> one(BatchEncoder e, LogRecord r) {
    List<Map<String, Object>> entries = entries(e, List.of(r));
    assertThat(entries).hasSize(1);
    return entries.get(0);
  }

  @Test
  void aTextLineOnGkeBecomesAK8sContainerEntry() {
    BatchEncoder e = Records.encoder(config, null, metrics);
    Map<String, Object> entry = one(e, text(SOURCE, GKE, "GET / 200", LogStream.STDOUT, 0));

    assertThat(entry.get("logName")).isEqualTo("projects/meta-project/logs/stdout");
    assertThat(map(entry.get("resource")))
        .containsEntry("type", "k8s_container")
        .containsEntry(
            "labels",
            Map.of(
                "project_id", "meta-project",
                "location", "europe-west1",
                "cluster_name", "prod-1",
                "namespace_name", "shop",
                "pod_name", "web-7d4b9c8f6-x2x9k",
                "container_name", "nginx"));
    assertThat(map(entry.get("labels")))
        .containsExactly(
            entry("k8s-pod/app", "web"), entry("k8s-pod/app.kubernetes.io/version", "1.2.3"));
    // 1_767_225_600_123_456_789 ns = 2026-01-01T00:00:00.123456789Z, all nine digits
    assertThat(entry.get("timestamp")).isEqualTo("2026-01-01T00:00:00.123456789Z");
    assertThat(entry.get("severity")).isEqualTo("INFO");
    assertThat(entry.get("textPayload")).isEqualTo("GET / 200");
    assertThat(entry).doesNotContainKey("jsonPayload");
    assertThat(entry.get("insertId")).asString().isNotEmpty().hasSizeLessThanOrEqualTo(28);
  }

  @Test
  void theConfiguredProjectAndClusterWinOverMetadata() {
    StackdriverConfig c =
        StackdriverConfig.builder()
            .clusterName("cfg-cluster")
            .clusterLocation("us-central1")
            .build();
    Map<String, Object> entry =
        one(
            Records.encoder(c, "cfg-project", metrics),
            text(SOURCE, GKE, "x", LogStream.STDERR, 0));
    assertThat(entry.get("logName")).isEqualTo("projects/cfg-project/logs/stderr");
    assertThat(map(map(entry.get("resource")).get("labels")))
        .containsEntry("project_id", "cfg-project")
        .containsEntry("cluster_name", "cfg-cluster")
        .containsEntry("location", "us-central1");
  }

  @Test
  void withoutMetadataTheContainerComesFromTheFileName() {
    StackdriverConfig c =
        StackdriverConfig.builder().clusterName("c1").clusterLocation("z").build();
    Map<String, Object> entry =
        one(Records.encoder(c, "p", metrics), text("hello", LogStream.STDOUT, 0));
    assertThat(map(map(entry.get("resource")).get("labels")))
        .containsEntry("namespace_name", "shop")
        .containsEntry("pod_name", "web-7d4b9c8f6-x2x9k")
        .containsEntry("container_name", "nginx");
    assertThat(entry).doesNotContainKey("labels");
  }

  @Test
  void onEksTheLocationIsAwsRegion() {
    SourceMetadata eks =
        SourceMetadata.builder()
            .put(MetadataKeys.CLOUD_PROVIDER, "aws")
            .put(MetadataKeys.CLOUD_REGION, "eu-west-1")
            .put(MetadataKeys.K8S_CLUSTER_NAME, "eks-prod")
            .build();
    Map<String, Object> entry =
        one(Records.encoder(config, "p", metrics), text(SOURCE, eks, "x", LogStream.STDOUT, 0));
    assertThat(map(map(entry.get("resource")).get("labels")))
        .containsEntry("location", "aws:eu-west-1")
        .containsEntry("cluster_name", "eks-prod");
  }

  @Test
  void aConfiguredLogNameIsUrlEncoded() {
    StackdriverConfig c = StackdriverConfig.builder().logName("apps/web.access").build();
    Map<String, Object> entry =
        one(Records.encoder(c, "p", metrics), text("x", LogStream.STDERR, 0));
    assertThat(entry.get("logName")).isEqualTo("projects/p/logs/apps%2Fweb.access");
  }

  @Test
  void severityComesFromTheDetectedLevelElseTheStream() {
    BatchEncoder e = Records.encoder(config, "p", metrics);
    LogRecord out = text("x", LogStream.STDOUT, 0);
    LogRecord err = text("x", LogStream.STDERR, 100);
    assertThat(one(e, out).get("severity")).isEqualTo("INFO");
    assertThat(one(e, err).get("severity")).isEqualTo("ERROR");
    Map<Severity, String> expected = new LinkedHashMap<>();
    expected.put(Severity.TRACE, "DEBUG");
    expected.put(Severity.DEBUG, "DEBUG");
    expected.put(Severity.INFO, "INFO");
    expected.put(Severity.NOTICE, "NOTICE");
    expected.put(Severity.WARNING, "WARNING");
    expected.put(Severity.ERROR, "ERROR");
    expected.put(Severity.CRITICAL, "CRITICAL");
    expected.put(Severity.ALERT, "ALERT");
    expected.put(Severity.EMERGENCY, "EMERGENCY");
    expected.forEach(
        (s, name) ->
            assertThat(one(e, err.withFields(Map.of(), s)).get("severity"))
                .as("%s", s)
                .isEqualTo(name));
  }

  @Test
  void anApplicationsSeverityKeyIsPromotedWithAliases() {
    BatchEncoder e = Records.encoder(config, "p", metrics);
    Map<String, String> cases =
        Map.of(
            "warn",
            "WARNING",
            "E",
            "ERROR",
            "FATAL",
            "CRITICAL",
            "notice",
            "NOTICE",
            "chatty",
            "DEFAULT",
            "400",
            "WARNING");
    cases.forEach(
        (written, name) -> {
          Map<String, Object> entry =
              one(
                  e,
                  Records.json(
                      SourceMetadata.empty(),
                      "{}",
                      ordered("severity", written, "message", "m", "k", 1),
                      Severity.UNSPECIFIED));
          assertThat(entry.get("severity")).as(written).isEqualTo(name);
          assertThat(map(entry.get("jsonPayload"))).doesNotContainKey("severity");
        });
    // a level a processor detected wins over the key
    Map<String, Object> entry =
        one(
            e,
            Records.json(
                SourceMetadata.empty(), "{}", ordered("severity", "info", "a", 1), Severity.ERROR));
    assertThat(entry.get("severity")).isEqualTo("ERROR");
  }

  @Test
  void specialKeysArePromotedAndRemovedFromJsonPayload() {
    Map<String, Object> fields =
        ordered(
            "severity", "WARNING",
            "message", "checkout failed",
            "time", "2026-02-03T04:05:06.5+01:00",
            "logging.googleapis.com/trace", "projects/p/traces/4bf92f3577b34da6a3ce929d0e0e4736",
            "logging.googleapis.com/spanId", "00f067aa0ba902b7",
            "logging.googleapis.com/trace_sampled", true,
            "logging.googleapis.com/insertId", "app-id-1",
            "logging.googleapis.com/labels", ordered("team", "payments", "shard", 3),
            "logging.googleapis.com/sourceLocation",
                ordered("file", "Checkout.java", "line", 42L, "function", "pay"),
            "logging.googleapis.com/operation", ordered("id", "op-1", "first", true),
            "httpRequest",
                ordered(
                    "requestMethod",
                    "POST",
                    "requestUrl",
                    "/pay",
                    "status",
                    502L,
                    "responseSize",
                    "1234",
                    "latency",
                    "0.250s"),
            "user", "bob",
            "cart", ordered("items", List.of(1L, 2L), "total", 9.5));
    Map<String, Object> entry =
        one(
            Records.encoder(config, "p", metrics),
            Records.json(GKE, "{...}", fields, Severity.UNSPECIFIED));

    assertThat(entry.get("severity")).isEqualTo("WARNING");
    assertThat(entry.get("timestamp")).isEqualTo("2026-02-03T03:05:06.500000000Z");
    assertThat(entry.get("trace")).isEqualTo("projects/p/traces/4bf92f3577b34da6a3ce929d0e0e4736");
    assertThat(entry.get("spanId")).isEqualTo("00f067aa0ba902b7");
    assertThat(entry.get("traceSampled")).isEqualTo(true);
    assertThat(entry.get("insertId")).isEqualTo("app-id-1");
    assertThat(map(entry.get("labels")))
        .containsEntry("team", "payments")
        .containsEntry("shard", "3")
        .containsEntry("k8s-pod/app", "web");
    assertThat(map(entry.get("sourceLocation")))
        .containsExactly(
            entry("file", "Checkout.java"), entry("line", "42"), entry("function", "pay"));
    assertThat(map(entry.get("operation")))
        .containsEntry("id", "op-1")
        .containsEntry("first", true);
    assertThat(map(entry.get("httpRequest")))
        .containsEntry("requestMethod", "POST")
        .containsEntry("status", 502L)
        .containsEntry("responseSize", "1234")
        .containsEntry("latency", "0.250s");
    assertThat(map(entry.get("jsonPayload")))
        .containsOnlyKeys("message", "user", "cart")
        .containsEntry("message", "checkout failed")
        .containsEntry("cart", ordered("items", List.of(1L, 2L), "total", 9.5));
  }

  @Test
  void aMessageLeftAloneBecomesTextPayload() {
    Map<String, Object> entry =
        one(
            Records.encoder(config, "p", metrics),
            Records.json(
                SourceMetadata.empty(),
                "{\"severity\":\"ERROR\",\"message\":\"boom\"}",
                ordered("severity", "ERROR", "message", "boom"),
                Severity.UNSPECIFIED));
    assertThat(entry.get("textPayload")).isEqualTo("boom");
    assertThat(entry.get("severity")).isEqualTo("ERROR");
    assertThat(entry).doesNotContainKey("jsonPayload");
  }

  @Test
  void malformedSpecialValuesStayInThePayloadInsteadOfBreakingTheRequest() {
    Map<String, Object> fields =
        ordered(
            "httpRequest", ordered("requestMethod", "GET", "bogus", 1L),
            "logging.googleapis.com/sourceLocation", ordered("file", "a", "line", "forty-two"),
            "logging.googleapis.com/labels", ordered("nested", ordered("x", 1L)),
            "time", "yesterday",
            "message", "m");
    Map<String, Object> entry =
        one(
            Records.encoder(config, "p", metrics),
            Records.json(SourceMetadata.empty(), "{}", fields, Severity.UNSPECIFIED));
    assertThat(entry)
        .doesNotContainKeys("httpRequest", "sourceLocation", "labels")
        .containsEntry("timestamp", "2026-01-01T00:00:00.123456789Z");
    assertThat(map(entry.get("jsonPayload"))).containsOnlyKeys(fields.keySet());
  }

  @Test
  void timestampObjectsAndNumbersArePromoted() {
    BatchEncoder e = Records.encoder(config, "p", metrics);
    Map<String, Object> a =
        one(
            e,
            Records.json(
                SourceMetadata.empty(),
                "{}",
                ordered("timestamp", ordered("seconds", 1_700_000_000L, "nanos", 5L), "m", 1),
                Severity.UNSPECIFIED));
    assertThat(a.get("timestamp")).isEqualTo("2023-11-14T22:13:20.000000005Z");
    assertThat(map(a.get("jsonPayload"))).containsOnlyKeys("m");
    Map<String, Object> b =
        one(
            e,
            Records.json(
                SourceMetadata.empty(),
                "{}",
                ordered("timestampSeconds", 1_700_000_000L, "timestampNanos", 7L, "m", 1),
                Severity.UNSPECIFIED));
    assertThat(b.get("timestamp")).isEqualTo("2023-11-14T22:13:20.000000007Z");
    assertThat(map(b.get("jsonPayload"))).containsOnlyKeys("m");
  }

  @Test
  void nonFiniteNumbersAreWrittenAsText() {
    Map<String, Object> entry =
        one(
            Records.encoder(config, "p", metrics),
            Records.json(
                SourceMetadata.empty(), "{}", ordered("ratio", Double.NaN, "n", 1), Severity.INFO));
    assertThat(map(entry.get("jsonPayload"))).containsEntry("ratio", "NaN");
  }

  @Test
  void theSourcePartIsBuiltOncePerSourceAndMetadata() {
    BatchEncoder e = Records.encoder(config, "p", metrics);
    List<LogRecord> batch =
        java.util.stream.IntStream.range(0, 200)
            .mapToObj(i -> text(SOURCE, GKE, "line " + i, LogStream.STDOUT, i * 100L))
            .toList();
    entries(e, batch);
    entries(e, batch);
    assertThat(metrics.sum(SinkMetrics.SOURCE_PARTS)).isEqualTo(1);
    SourceMetadata changed =
        GKE.toBuilder().put(MetadataKeys.K8S_POD_LABEL_PREFIX + "app", "web2").build();
    Map<String, Object> entry = one(e, text(SOURCE, changed, "x", LogStream.STDOUT, 0));
    assertThat(map(entry.get("labels"))).containsEntry("k8s-pod/app", "web2");
    assertThat(metrics.sum(SinkMetrics.SOURCE_PARTS)).isEqualTo(2);
  }

  @Test
  void atMost64LabelsAreSentAndTheRestCounted() {
    SourceMetadata.Builder b = SourceMetadata.builder();
    for (int i = 0; i < 70; i++) {
      b.put(MetadataKeys.K8S_POD_LABEL_PREFIX + "l" + i, "v");
    }
    Map<String, Object> entry =
        one(
            Records.encoder(config, "p", metrics),
            Records.json(
                b.build(),
                "{}",
                ordered("logging.googleapis.com/labels", ordered("app-label", "x"), "m", 1),
                Severity.INFO));
    assertThat(map(entry.get("labels"))).hasSize(64);
    assertThat(metrics.sum(SinkMetrics.LABELS_DROPPED)).isPositive();
  }

  /** An insertion-ordered map of alternating keys and values, as a JSON processor builds. */
  static Map<String, Object> ordered(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return java.util.Collections.unmodifiableMap(m);
  }
}
