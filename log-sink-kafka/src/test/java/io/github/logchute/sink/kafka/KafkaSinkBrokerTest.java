package io.github.logchute.sink.kafka;

import static io.github.logchute.sink.kafka.TestRecords.containerId;
import static io.github.logchute.sink.kafka.TestRecords.kubelet;
import static io.github.logchute.sink.kafka.TestRecords.metadata;
import static io.github.logchute.sink.kafka.TestRecords.readAll;
import static io.github.logchute.sink.kafka.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.logchute.core.Await;
import io.github.logchute.core.Clock;
import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.LogStream;
import io.github.logchute.core.Severity;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.config.ConfigSection;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.pipeline.Pipeline;
import io.github.logchute.core.spi.EncodedBatch;
import io.github.logchute.core.spi.SendOutcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sink against a real broker (one for the class, {@link KafkaBroker}): what arrives, how it is
 * keyed and routed, a record the broker refuses for its size, and SASL credentials from the
 * properties file, right and wrong. Values are checked by parsing them with Jackson and comparing
 * with the documented field names, written out here.
 */
class KafkaSinkBrokerTest {

  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long BASE_NANOS = 1_767_225_600_000_000_000L; // 2026-01-01T00:00:00Z
  private static final String SASL_PASSWORD = "pw-logchute-7c1f93";

  @TempDir static Path dir;
  private static KafkaBroker broker;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaBroker.start(dir.resolve("broker"), Map.of("logchute", SASL_PASSWORD), Map.of());
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  private static ConfigSection section(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("bootstrapServers", broker.bootstrap());
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return ConfigSection.of("sinks.kafka", m);
  }

  private static KafkaSink sink(MetricsRegistry metrics, Object... kv) {
    return new KafkaSink(KafkaSinkProvider.config(section(kv)), metrics, Clock.system());
  }

  private static SendOutcome sendAndWait(KafkaSink sink, EncodedBatch batch) throws Exception {
    return sink.send(batch).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  /** What the test sent, to compare with what it reads. */
  private record Sent(LogRecord record, String topic, String key) {}

  @Test
  void everyRecordOfSeveralBatchesArrivesKeyedByContainerWithHeadersRoutedByNamespace()
      throws Exception {
    String c1 = containerId(1);
    String c2 = containerId(2);
    String c3 = containerId(3);
    LogSource web = kubelet("web-7d4b9c6f5-x2x5z", "shop", "nginx", c1);
    LogSource api = kubelet("api-5c6d7e8f9-abcde", "shop", "app", c2);
    LogSource job = kubelet("report-28000000-q1w2e", "billing", "worker", c3);
    LogSource custom = LogSource.of(Path.of("/var/log/app/custom.log"), FileIdentity.NONE);
    LogSource bare = LogSource.of(Path.of("/var/log/other.log"), FileIdentity.NONE);
    SourceMetadata webMeta = metadata("web-7d4b9c6f5-x2x5z", "shop", "nginx", c1);
    SourceMetadata apiMeta = metadata("api-5c6d7e8f9-abcde", "shop", "app", c2);
    SourceMetadata customMeta =
        SourceMetadata.builder().put("k8s.namespace.name", "Team A/x").build();
    List<LogSource> sources = List.of(web, api, job, custom, bare);
    List<SourceMetadata> metas =
        List.of(webMeta, apiMeta, SourceMetadata.empty(), customMeta, SourceMetadata.empty());
    List<String> topics = List.of("t1-shop", "t1-shop", "t1-billing", "t1-Team_A_x", "t1-unknown");
    List<String> keys = List.of(c1, c2, c3, "/var/log/app/custom.log", "/var/log/other.log");

    Map<String, Sent> sent = new HashMap<>();
    List<List<LogRecord>> batches = new ArrayList<>();
    int seq = 0;
    for (int b = 0; b < 4; b++) {
      List<LogRecord> batch = new ArrayList<>();
      for (int i = 0; i < 60; i++, seq++) {
        int s = seq % sources.size();
        LogRecord r =
            record(
                sources.get(s),
                metas.get(s),
                seq % 2 == 0 ? LogStream.STDOUT : LogStream.STDERR,
                BASE_NANOS + seq * 1_001L,
                "message " + seq + " \"quoted\" é",
                seq * 100L);
        if (seq % 7 == 0) {
          r = r.withFields(Map.of("level", "warn", "user", Map.of("id", 42)), Severity.WARNING);
        }
        if (seq == 13) {
          r =
              LogRecord.of(
                  r.source(),
                  r.metadata(),
                  r.stream(),
                  r.timestampNanos(),
                  r.message(),
                  r.startOffset(),
                  r.endOffset(),
                  LogRecord.TRUNCATED | LogRecord.MULTILINE);
        }
        batch.add(r);
        sent.put("message " + seq, new Sent(r, topics.get(s), keys.get(s)));
      }
      batches.add(batch);
    }

    MetricsRegistry metrics = new MetricsRegistry();
    try (KafkaSink sink = sink(metrics, "topic", "t1-{namespace}")) {
      List<CompletableFuture<SendOutcome>> outcomes = new ArrayList<>();
      for (List<LogRecord> batch : batches) {
        outcomes.add(sink.send(sink.encode(batch)).toCompletableFuture()); // all in flight
      }
      for (CompletableFuture<SendOutcome> o : outcomes) {
        assertThat(o.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(SendOutcome.accepted());
      }
    }
    assertThat(metrics.value("logchute_kafka_records_accepted_total")).isEqualTo(240);
    assertThat(metrics.value("logchute_kafka_records_sent_total")).isEqualTo(240);

    int read = 0;
    for (String topic : List.of("t1-shop", "t1-billing", "t1-Team_A_x", "t1-unknown")) {
      Map<String, List<Integer>> orderByKey = new HashMap<>();
      for (ConsumerRecord<byte[], byte[]> cr : readAll(broker.bootstrap(), topic, WAIT)) {
        read++;
        JsonNode v = JSON.readTree(cr.value());
        String message = v.get("message").asText();
        Sent s = sent.get(message.substring(0, message.indexOf(" \"")));
        assertThat(s).as("a record the test sent: %s", message).isNotNull();
        assertThat(cr.topic()).isEqualTo(s.topic());
        String key = new String(cr.key(), StandardCharsets.UTF_8);
        assertThat(key).isEqualTo(s.key());
        orderByKey
            .computeIfAbsent(key, k -> new ArrayList<>())
            .add(Integer.parseInt(message.split(" ")[1]));
        checkValue(v, s.record());
        checkHeaders(cr, s.record());
      }
      // one key, one partition, the order it was sent in
      orderByKey.forEach((key, order) -> assertThat(order).as(key).isSorted());
    }
    assertThat(read).isEqualTo(240);
  }

  /** The documented format, member by member. */
  private static void checkValue(JsonNode v, LogRecord r) {
    assertThat(v.get("v").isInt()).isTrue();
    assertThat(v.get("v").asInt()).isEqualTo(1);
    assertThat(Instant.parse(v.get("time").asText()))
        .isEqualTo(Instant.ofEpochSecond(0, r.timestampNanos()));
    assertThat(v.get("time").asText()).endsWith("Z");
    assertThat(v.get("stream").asText())
        .isEqualTo(r.stream() == LogStream.STDOUT ? "stdout" : "stderr");
    assertThat(v.get("message").asText())
        .isEqualTo(new String(r.message(), StandardCharsets.UTF_8));
    assertThat(v.get("path").asText()).isEqualTo(r.source().path().toString());
    assertThat(v.get("offset").asLong()).isEqualTo(r.startOffset());
    List<String> names = new ArrayList<>();
    v.fieldNames().forEachRemaining(names::add);
    assertThat(names.get(0)).isEqualTo("v");
    if (r.fields().isEmpty()) {
      assertThat(v.has("severity")).isFalse();
      assertThat(v.has("fields")).isFalse();
    } else {
      assertThat(v.get("severity").asText()).isEqualTo("warning");
      assertThat(v.get("fields").get("level").asText()).isEqualTo("warn");
      assertThat(v.get("fields").get("user").get("id").asInt()).isEqualTo(42);
    }
    boolean flagged = r.hasFlag(LogRecord.TRUNCATED);
    for (String flag : List.of("truncated", "multiline")) {
      assertThat(v.has(flag)).as(flag).isEqualTo(flagged);
      if (flagged) {
        assertThat(v.get(flag).asBoolean()).isTrue();
      }
    }
    assertThat(v.has("unparsed") || v.has("invalid_utf8") || v.has("merged")).isFalse();
    if (r.source().container().isPresent()) {
      var c = r.source().container().get();
      JsonNode cn = v.get("container");
      assertThat(cn.get("pod").asText()).isEqualTo(c.pod());
      assertThat(cn.get("namespace").asText()).isEqualTo(c.namespace());
      assertThat(cn.get("name").asText()).isEqualTo(c.container());
      assertThat(cn.get("id").asText()).isEqualTo(c.containerId());
    } else {
      assertThat(v.has("container")).isFalse();
    }
    if (r.metadata().isEmpty()) {
      assertThat(v.has("metadata")).isFalse();
    } else {
      Map<String, String> m = new LinkedHashMap<>();
      v.get("metadata").properties().forEach(e -> m.put(e.getKey(), e.getValue().asText()));
      assertThat(m).containsExactlyEntriesOf(r.metadata().attributes());
    }
  }

  private static void checkHeaders(ConsumerRecord<byte[], byte[]> cr, LogRecord r) {
    Map<String, String> h = new LinkedHashMap<>();
    for (Header header : cr.headers()) {
      h.put(header.key(), new String(header.value(), StandardCharsets.UTF_8));
    }
    Map<String, String> expected = new LinkedHashMap<>();
    var c = r.source().container().orElse(null);
    String ns = r.metadata().get("k8s.namespace.name");
    if (ns != null || c != null) {
      expected.put("k8s.namespace.name", ns != null ? ns : c.namespace());
    }
    if (c != null) {
      boolean meta = !r.metadata().isEmpty();
      expected.put("k8s.pod.name", c.pod());
      expected.put("k8s.container.name", c.container());
      expected.put("container.id", meta ? "containerd://" + c.containerId() : c.containerId());
      if (meta) {
        expected.put("k8s.node.name", "node-1");
        expected.put("host.name", "i-0abc");
      }
    }
    assertThat(h).containsExactlyInAnyOrderEntriesOf(expected);
  }

  @Test
  void aRecordOverTheBrokersMessageSizeIsACountedDropAndTheRestOfTheBatchArrives()
      throws Exception {
    String topic = "small-messages";
    broker
        .admin()
        .createTopics(
            List.of(
                new NewTopic(topic, 1, (short) 1)
                    .configs(Map.of("max.message.bytes", String.valueOf(64 * 1024)))))
        .all()
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    LogSource src = kubelet("big-1", "shop", "app", containerId(9));
    List<LogRecord> records = new ArrayList<>();
    Random random = new Random(7);
    StringBuilder big = new StringBuilder("huge ");
    String alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";
    while (big.length() < 200 * 1024) { // incompressible: over the limit after zstd too
      big.append(alphabet.charAt(random.nextInt(alphabet.length())));
    }
    for (int i = 0; i < 21; i++) {
      String m = i == 10 ? big.toString() : "small " + i;
      records.add(record(src, SourceMetadata.empty(), LogStream.STDOUT, BASE_NANOS + i, m, i));
    }
    MetricsRegistry metrics = new MetricsRegistry();
    List<LogRecord> acked = new CopyOnWriteArrayList<>();
    KafkaSink sink = sink(metrics, "topic", topic, "linger", "10ms");
    Pipeline pipeline =
        Pipeline.builder()
            .sink("kafka", sink)
            .metrics(metrics)
            .acknowledgeTo(acked::addAll)
            .build();
    pipeline.start();
    try {
      pipeline.emit(records);
      Await.until("the batch is acknowledged", WAIT, () -> acked.size() == 21);
    } finally {
      assertThat(pipeline.close(Duration.ofSeconds(10))).isTrue();
    }
    assertThat(metrics.value("logchute_kafka_records_dropped_total", "reason", "too_large"))
        .isEqualTo(1);
    assertThat(metrics.value("logchute_kafka_errors_total", "kind", "too_large")).isEqualTo(1);
    assertThat(metrics.value("logchute_kafka_records_accepted_total")).isEqualTo(20);
    assertThat(metrics.value("logchute_sink_records_total", "sink", "kafka", "result", "rejected"))
        .isEqualTo(1);
    assertThat(metrics.value("logchute_sink_records_total", "sink", "kafka", "result", "accepted"))
        .isEqualTo(20);
    List<String> messages = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> cr : readAll(broker.bootstrap(), topic, WAIT)) {
      messages.add(JSON.readTree(cr.value()).get("message").asText());
    }
    List<String> expected = new ArrayList<>();
    for (int i = 0; i < 21; i++) {
      if (i != 10) {
        expected.add("small " + i);
      }
    }
    assertThat(messages).containsExactlyElementsOf(expected);
  }

  @Test
  void saslCredentialsComeFromThePropertiesFileAndARefusedOneIsRetriedSlowlyAndLoggedOnce()
      throws Exception {
    String wrong = "not-the-password-55";
    Path good = dir.resolve("good.properties");
    Path bad = dir.resolve("bad.properties");
    Files.writeString(good, jaas(SASL_PASSWORD));
    Files.writeString(bad, jaas(wrong));
    LogSource src = kubelet("sasl-1", "shop", "app", containerId(5));
    List<LogRecord> records =
        List.of(record(src, SourceMetadata.empty(), LogStream.STDOUT, BASE_NANOS, "over sasl", 0));
    CapturingLoggerFinder.MESSAGES.clear();

    MetricsRegistry metrics = new MetricsRegistry();
    try (KafkaSink sink = saslSink(metrics, good)) {
      assertThat(sendAndWait(sink, sink.encode(records))).isEqualTo(SendOutcome.accepted());
    }
    List<ConsumerRecord<byte[], byte[]>> arrived = readAll(broker.bootstrap(), "sasl-topic", WAIT);
    assertThat(arrived).hasSize(1);

    MetricsRegistry badMetrics = new MetricsRegistry();
    try (KafkaSink sink = saslSink(badMetrics, bad)) {
      EncodedBatch batch = sink.encode(records);
      for (int attempt = 0; attempt < 2; attempt++) {
        SendOutcome outcome = sendAndWait(sink, batch);
        assertThat(outcome).isInstanceOf(SendOutcome.Retry.class);
        SendOutcome.Retry retry = (SendOutcome.Retry) outcome;
        assertThat(retry.after()).isEqualTo(Duration.ofSeconds(30));
        assertThat(retry.reason()).contains("auth").doesNotContain(wrong);
      }
    }
    assertThat(badMetrics.value("logchute_kafka_auth_failures_total")).isEqualTo(2);
    assertThat(badMetrics.value("logchute_kafka_errors_total", "kind", "auth")).isEqualTo(2);
    assertThat(CapturingLoggerFinder.MESSAGES.stream().filter(m -> m.contains("KAFKA REFUSED")))
        .hasSize(1);
    assertThat(CapturingLoggerFinder.MESSAGES)
        .isNotEmpty()
        .noneMatch(m -> m.contains(wrong) || m.contains(SASL_PASSWORD));
    assertThat(readAll(broker.bootstrap(), "sasl-topic", WAIT)).hasSize(1);
  }

  private static String jaas(String password) {
    return "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required"
        + " username=\"logchute\" password=\""
        + password
        + "\";\n";
  }

  private static KafkaSink saslSink(MetricsRegistry metrics, Path file) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("bootstrapServers", broker.saslBootstrap());
    m.put("topic", "sasl-topic");
    m.put(
        "producer",
        Map.of("security.protocol", "SASL_PLAINTEXT", "sasl", Map.of("mechanism", "PLAIN")));
    m.put("producerPropertiesFile", file.toString());
    return new KafkaSink(
        KafkaSinkProvider.config(ConfigSection.of("sinks.kafka", m)), metrics, Clock.system());
  }
}
