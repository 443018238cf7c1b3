package io.github.logchute.sink.datadog;

import static io.github.logchute.sink.datadog.TestRecords.logs;
import static io.github.logchute.sink.datadog.TestRecords.record;
import static io.github.logchute.sink.datadog.TestRecords.tags;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.logchute.core.FakeClock;
import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.LogStream;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.Severity;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.metrics.MetricsRegistry;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** How records become Datadog logs: tags, reserved attributes, fields, status, time. */
class DatadogMappingTest {

  private final MetricsRegistry metrics = new MetricsRegistry();
  private final FakeClock clock = new FakeClock();
  private final long now = clock.epochNanos();

  private LogEncoder encoder(UnaryOperator<DatadogSinkConfig.Builder> tweak) {
    DatadogSinkConfig config =
        tweak
            .apply(
                DatadogSinkConfig.builder().apiKey(DatadogSinkContractTest.KEY).compressionLevel(0))
            .build();
    return new LogEncoder(config, new DatadogMetrics(metrics), clock, new JsonFactory());
  }

  private JsonNode one(LogRecord r) {
    return one(r, b -> b);
  }

  private JsonNode one(LogRecord r, UnaryOperator<DatadogSinkConfig.Builder> tweak) {
    try (LogEncoder e = encoder(tweak)) {
      return logs(e.encode(List.of(r)), false).get(0);
    }
  }

  @Test
  void everyTagComesFromTheMetadata() {
    JsonNode log = one(record(TestRecords.fullMetadata(), "hello", now));
    assertThat(log.get("ddsource").asText()).isEqualTo("java");
    assertThat(log.get("service").asText()).isEqualTo("checkout-api");
    assertThat(log.get("hostname").asText()).isEqualTo("i-0abc123def4567890");
    assertThat(tags(log))
        .containsExactly(
            "pod_name:checkout-7d4b9c6f5-x2x5z",
            "kube_namespace:shop",
            "container_name:checkout",
            "kube_container_name:checkout",
            "container_id:" + TestRecords.ID,
            "kube_replica_set:checkout-7d4b9c6f5",
            "kube_replicaset:checkout-7d4b9c6f5",
            "kube_deployment:checkout",
            "kube_ownerref_kind:replicaset",
            "kube_ownerref_name:checkout-7d4b9c6f5",
            "kube_qos:burstable",
            "pod_phase:running",
            "image_name:123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/checkout",
            "image_tag:1.4.2",
            "short_image:checkout",
            "kube_cluster_name:k8s1",
            "zone:us-east-1a",
            "region:us-east-1",
            "env:prod",
            "version:1.4.2",
            "aws_account_id:123456789012",
            "kube_app_name:checkout",
            "env:test",
            "kube_cluster:k8s1");
  }

  @Test
  void otherOwnersGetTheirAgentTagNames() {
    SourceMetadata md =
        SourceMetadata.builder()
            .put(MetadataKeys.K8S_STATEFULSET_NAME, "db")
            .put(MetadataKeys.K8S_DAEMONSET_NAME, "agent")
            .put(MetadataKeys.K8S_JOB_NAME, "backup-28000000")
            .put(MetadataKeys.K8S_CRONJOB_NAME, "backup")
            .put(MetadataKeys.CLOUD_PROVIDER, "gcp")
            .put(MetadataKeys.CLOUD_ACCOUNT_ID, "not-aws")
            .put(MetadataKeys.CLOUD_PROJECT_ID, "my-project")
            .put(MetadataKeys.K8S_POD_LABEL_PREFIX + "team", "payments")
            .build();
    JsonNode log = one(record(md, "x", now), b -> b.podLabelAsTag("team", "team"));
    assertThat(tags(log))
        .contains(
            "kube_stateful_set:db",
            "kube_daemon_set:agent",
            "kube_job:backup-28000000",
            "kube_cronjob:backup",
            "project_id:my-project",
            "team:payments")
        .noneMatch(t -> t.startsWith("aws_account_id:"));
  }

  @Test
  void withoutMetadataTheKubeletFileNameNamesTheContainer() {
    JsonNode log = one(record(SourceMetadata.empty(), "x", now), b -> b.hostname("node-7"));
    assertThat(log.get("ddsource").asText()).isEqualTo("checkout");
    assertThat(log.get("service").asText()).isEqualTo("checkout");
    assertThat(log.get("hostname").asText()).isEqualTo("node-7");
    assertThat(tags(log))
        .containsExactly(
            "pod_name:checkout-7d4b9c6f5-x2x5z",
            "kube_namespace:shop",
            "container_name:checkout",
            "kube_container_name:checkout",
            "container_id:" + TestRecords.ID);
  }

  @Test
  void nodeNameIsTheHostWhenNoInstanceIdIsKnown() {
    SourceMetadata md =
        SourceMetadata.builder().put(MetadataKeys.K8S_NODE_NAME, "gke-pool-1-abcd").build();
    assertThat(one(record(md, "x", now)).get("hostname").asText()).isEqualTo("gke-pool-1-abcd");
    assertThat(one(record(SourceMetadata.empty(), "x", now)).has("hostname")).isFalse();
  }

  @Test
  void aFileOutsideKubernetesIsNamedByItsPath() {
    LogSource plain = LogSource.of(Path.of("/var/log/app/payments.log"), new FileIdentity(1, 2));
    LogSource pods =
        LogSource.of(Path.of("/var/log/pods/shop_web-1_0b6a/nginx/0.log"), new FileIdentity(1, 3));
    byte[] m = "x".getBytes(StandardCharsets.UTF_8);
    JsonNode a = one(LogRecord.of(plain, LogStream.STDOUT, now, m, 0, 1, 0));
    JsonNode b = one(LogRecord.of(pods, LogStream.STDOUT, now, m, 0, 1, 0));
    assertThat(a.get("ddsource").asText()).isEqualTo("payments");
    assertThat(a.get("service").asText()).isEqualTo("payments");
    assertThat(a.get("ddtags").asText()).isEmpty();
    assertThat(a.at("/logchute/file").asText()).isEqualTo("/var/log/app/payments.log");
    assertThat(b.get("ddsource").asText()).isEqualTo("nginx");
  }

  @Test
  void tagsAreDeduplicatedAndCannotBreakTheFormat() {
    SourceMetadata md =
        SourceMetadata.builder()
            .put(MetadataKeys.DEPLOYMENT_ENVIRONMENT, "prod")
            .put(MetadataKeys.K8S_CLUSTER_NAME, "a,b\nc")
            .put(MetadataKeys.CONTAINER_IMAGE_TAG, "x".repeat(300))
            .put(MetadataKeys.STATIC_TAGS, "env:prod,team:a")
            .build();
    JsonNode log = one(record(md, "x", now), b -> b.tags(List.of("team:a", "dc:eu")));
    List<String> tags = tags(log);
    assertThat(tags) // after pod_name ... container_id from the file name
        .endsWith(
            "container_id:" + TestRecords.ID,
            "image_tag:" + "x".repeat(190),
            "kube_cluster_name:a_b_c",
            "env:prod",
            "team:a",
            "dc:eu");
    assertThat(tags).allMatch(t -> t.length() <= 200);
  }

  @Test
  void statusFollowsSeverityElseTheStream() {
    Map<Severity, String> expected = new LinkedHashMap<>();
    expected.put(Severity.TRACE, "debug");
    expected.put(Severity.DEBUG, "debug");
    expected.put(Severity.INFO, "info");
    expected.put(Severity.NOTICE, "notice");
    expected.put(Severity.WARNING, "warning");
    expected.put(Severity.ERROR, "error");
    expected.put(Severity.CRITICAL, "critical");
    expected.put(Severity.ALERT, "alert");
    expected.put(Severity.EMERGENCY, "emerg");
    for (Map.Entry<Severity, String> e : expected.entrySet()) {
      LogRecord r = record(SourceMetadata.empty(), "x", now).withFields(Map.of(), e.getKey());
      assertThat(one(r).get("status").asText()).as("%s", e.getKey()).isEqualTo(e.getValue());
    }
    byte[] m = "x".getBytes(StandardCharsets.UTF_8);
    LogRecord err = LogRecord.of(TestRecords.SOURCE, LogStream.STDERR, now, m, 0, 1, 0);
    LogRecord out = LogRecord.of(TestRecords.SOURCE, LogStream.STDOUT, now, m, 0, 1, 0);
    assertThat(one(err).get("status").asText()).isEqualTo("error");
    assertThat(one(err).at("/logchute/stream").asText()).isEqualTo("stderr");
    assertThat(one(out).get("status").asText()).isEqualTo("info");
  }

  @Test
  void timestampIsEpochMillisAndPositionIsKept() {
    JsonNode log = one(record(SourceMetadata.empty(), "x", 1_767_225_599_123_456_789L));
    assertThat(log.get("timestamp").isIntegralNumber()).isTrue();
    assertThat(log.get("timestamp").asLong()).isEqualTo(1_767_225_599_123L);
    assertThat(log.at("/logchute/offset").asLong()).isEqualTo(100);
    assertThat(log.at("/logchute/file").asText()).isEqualTo(TestRecords.KUBELET_PATH.toString());
    assertThat(log.get("message").asText()).isEqualTo("x");
  }

  @Test
  void jsonFieldsBecomeTopLevelAttributesAndTheAppMessageIsTheMessage() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("message", "Hello World");
    fields.put("log_level", "info");
    fields.put("user_id", 42L);
    fields.put("ratio", 0.5);
    fields.put("ok", true);
    fields.put("nothing", null);
    fields.put("big", new BigDecimal("12345678901234567890.5"));
    fields.put("nan", Double.NaN);
    fields.put("tags", List.of("a", 1L));
    fields.put("http", Map.of("status_code", 200L));
    String line = "{\"message\":\"Hello World\",\"log_level\":\"info\",...}";
    LogRecord r = record(SourceMetadata.empty(), line, now).withFields(fields, Severity.INFO);
    JsonNode log = one(r);
    assertThat(log.get("message").asText()).isEqualTo("Hello World");
    assertThat(log.get("log_level").asText()).isEqualTo("info");
    assertThat(log.get("user_id").asLong()).isEqualTo(42);
    assertThat(log.get("ratio").asDouble()).isEqualTo(0.5);
    assertThat(log.get("ok").asBoolean()).isTrue();
    assertThat(log.get("nothing").isNull()).isTrue();
    assertThat(log.get("big").decimalValue()).isEqualByComparingTo("12345678901234567890.5");
    assertThat(log.get("nan").asText()).isEqualTo("NaN");
    assertThat(log.get("tags").get(1).asLong()).isEqualTo(1);
    assertThat(log.at("/http/status_code").asInt()).isEqualTo(200);
    assertThat(log.has("app")).isFalse();
  }

  @Test
  void msgIsTheMessageWhenThereIsNoMessageAndOtherwiseTheLineIs() {
    LogRecord withMsg =
        record(SourceMetadata.empty(), "{\"msg\":\"m\"}", now)
            .withFields(Map.of("msg", "m", "a", 1L), Severity.UNSPECIFIED);
    assertThat(one(withMsg).get("message").asText()).isEqualTo("m");
    assertThat(one(withMsg).has("msg")).isFalse();
    LogRecord noMessage =
        record(SourceMetadata.empty(), "{\"a\":1}", now)
            .withFields(Map.of("a", 1L), Severity.UNSPECIFIED);
    assertThat(one(noMessage).get("message").asText()).isEqualTo("{\"a\":1}");
    LogRecord objectMessage =
        record(SourceMetadata.empty(), "{\"message\":{\"k\":1}}", now)
            .withFields(Map.of("message", Map.of("k", 1L)), Severity.UNSPECIFIED);
    JsonNode log = one(objectMessage);
    assertThat(log.get("message").asText()).isEqualTo("{\"message\":{\"k\":1}}");
    assertThat(log.at("/app/message/k").asInt()).isEqualTo(1);
  }

  @Test
  void reservedNamesOfTheApplicationGoUnderApp() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("message", "m");
    for (String k :
        List.of(
            "status",
            "service",
            "host",
            "hostname",
            "ddsource",
            "ddtags",
            "timestamp",
            "logchute",
            "app")) {
      fields.put(k, "app-" + k);
    }
    fields.put("level", "WARN");
    LogRecord r =
        record(TestRecords.fullMetadata(), "{}", now).withFields(fields, Severity.WARNING);
    JsonNode log = one(r);
    assertThat(log.get("status").asText()).isEqualTo("warning");
    assertThat(log.get("service").asText()).isEqualTo("checkout-api");
    assertThat(log.get("hostname").asText()).isEqualTo("i-0abc123def4567890");
    assertThat(log.has("host")).isFalse();
    assertThat(log.get("timestamp").asLong()).isEqualTo(now / 1_000_000);
    assertThat(log.get("ddtags").asText()).startsWith("pod_name:");
    assertThat(log.get("logchute").isObject()).isTrue();
    assertThat(log.get("level").asText()).isEqualTo("WARN");
    JsonNode app = log.get("app");
    for (String k :
        List.of(
            "status",
            "service",
            "host",
            "hostname",
            "ddsource",
            "ddtags",
            "timestamp",
            "logchute",
            "app")) {
      assertThat(app.get(k).asText()).as(k).isEqualTo("app-" + k);
    }
  }

  @Test
  void flagsAreVisibleAttributes() {
    byte[] m = "cut".getBytes(StandardCharsets.UTF_8);
    LogRecord r =
        LogRecord.of(
            TestRecords.SOURCE,
            LogStream.STDOUT,
            now,
            m,
            0,
            3,
            LogRecord.TRUNCATED | LogRecord.UNPARSED);
    JsonNode log = one(r);
    assertThat(log.at("/logchute/truncated").asBoolean()).isTrue();
    assertThat(log.at("/logchute/unparsed").asBoolean()).isTrue();
    assertThat(one(record(SourceMetadata.empty(), "fine", now)).get("logchute").has("truncated"))
        .isFalse();
  }

  @Test
  void invalidUtf8FromAnotherTailerIsRepairedNotSentBroken() {
    byte[] m = {'a', (byte) 0xc3, 'b', (byte) 0xff};
    LogRecord r = LogRecord.of(TestRecords.SOURCE, LogStream.STDOUT, now, m, 0, 4, 0);
    JsonNode log = one(r);
    assertThat(log.get("message").asText()).isEqualTo("a\uFFFDb\uFFFD");
    assertThat(log.at("/logchute/invalid_utf8").asBoolean()).isTrue();
    assertThat(metrics.sum("logchute_datadog_records_invalid_utf8_total")).isEqualTo(1);
  }

  @Test
  void theConstantPartIsEncodedOncePerSourceMetadata() {
    SourceMetadata md = TestRecords.fullMetadata();
    List<LogRecord> batch = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      batch.add(record(md, "line " + i, now));
    }
    try (LogEncoder e = encoder(b -> b)) {
      e.encode(batch);
      e.encode(batch);
      assertThat(metrics.sum("logchute_datadog_source_encodings_total")).isEqualTo(1);
      SourceMetadata changed = md.toBuilder().put(MetadataKeys.K8S_POD_PHASE, "Succeeded").build();
      List<JsonNode> logs = logs(e.encode(List.of(record(changed, "after", now))), false);
      assertThat(metrics.sum("logchute_datadog_source_encodings_total")).isEqualTo(2);
      assertThat(tags(logs.get(0))).contains("pod_phase:succeeded");
    }
  }
}
