package io.github.logchute.sink.kafka;

import static io.github.logchute.sink.kafka.TestRecords.containerId;
import static io.github.logchute.sink.kafka.TestRecords.kubelet;
import static io.github.logchute.sink.kafka.TestRecords.metadata;
import static io.github.logchute.sink.kafka.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
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
import io.github.logchute.core.spi.EncodedBatch;
import io.github.logchute.core.spi.SendOutcome;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.NotLeaderOrFollowerException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;

/**
 * Encoding without a broker: topics, keys, headers, the value's size limit, the frames of a body;
 * error classification; and a send to an address where no broker listens, which must not block.
 */
class KafkaEncodingTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String NOWHERE = "127.0.0.1:9";

  private static KafkaSink sink(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("bootstrapServers", NOWHERE);
    for (int i = 0; i < kv.length; i += 2) {
      m.put((String) kv[i], kv[i + 1]);
    }
    return new KafkaSink(
        KafkaSinkProvider.config(ConfigSection.of("sinks.kafka", m)),
        new MetricsRegistry(),
        Clock.system());
  }

  private static List<ProducerRecord<byte[], byte[]>> frames(EncodedBatch b) {
    return Frames.decode(b.body(), b.recordCount());
  }

  private static String text(byte[] b) {
    return b == null ? null : new String(b, StandardCharsets.UTF_8);
  }

  @Test
  void topicsFromTheTemplateAreValidKafkaNames() {
    String id = containerId(1);
    LogSource kube = kubelet("web-1", "shop", "nginx", id);
    LogRecord r = record(kube, SourceMetadata.empty(), LogStream.STDOUT, 1, "m", 0);
    assertThat(TopicTemplate.parse("logs-{namespace}.{pod}-{container}").topicFor(r))
        .isEqualTo("logs-shop.web-1-nginx");
    assertThat(TopicTemplate.parse("plain").isConstant()).isTrue();
    LogSource other = LogSource.of(Path.of("/var/log/x.log"), FileIdentity.NONE);
    SourceMetadata odd =
        SourceMetadata.builder()
            .put("k8s.namespace.name", "Ünï côde/ns")
            .put("k8s.pod.name", "p".repeat(300))
            .build();
    LogRecord weird = record(other, odd, LogStream.STDOUT, 1, "m", 0);
    LogRecord none = record(other, SourceMetadata.empty(), LogStream.STDOUT, 1, "m", 0);
    assertThat(TopicTemplate.parse("logs-{namespace}").topicFor(weird))
        .isEqualTo("logs-_n__c_de_ns");
    assertThat(TopicTemplate.parse("logs-{namespace}-{container}").topicFor(none))
        .isEqualTo("logs-unknown-unknown");
    assertThat(TopicTemplate.parse("{pod}").topicFor(weird)).hasSize(249).matches("p+");
  }

  @Test
  void keysKeepAContainerOrAPodTogetherAndHeadersCarryTheMetadata() throws Exception {
    String id = containerId(7);
    LogSource kube = kubelet("web-1", "shop", "nginx", id);
    SourceMetadata meta = metadata("web-1", "shop", "nginx", id);
    LogSource plain = LogSource.of(Path.of("/var/log/plain.log"), FileIdentity.NONE);
    SourceMetadata plainMeta =
        SourceMetadata.builder().put("container.id", "docker://0123abc").build();
    List<LogRecord> records =
        List.of(
            record(kube, meta, LogStream.STDOUT, 1, "a", 0),
            record(kube, SourceMetadata.empty(), LogStream.STDOUT, 2, "b", 2),
            record(plain, plainMeta, LogStream.STDOUT, 3, "c", 0),
            record(plain, SourceMetadata.empty(), LogStream.STDOUT, 4, "d", 2));
    try (KafkaSink s = sink()) {
      List<ProducerRecord<byte[], byte[]>> f = frames(s.encode(records));
      assertThat(f)
          .extracting(p -> text(p.key()))
          .containsExactly(id, id, "0123abc", "/var/log/plain.log");
      assertThat(f).extracting(ProducerRecord::topic).containsOnly("logchute");
      assertThat(f).extracting(ProducerRecord::timestamp).containsOnlyNulls();
      Map<String, String> h = new LinkedHashMap<>();
      for (Header header : f.get(0).headers()) {
        h.put(header.key(), text(header.value()));
      }
      assertThat(h)
          .containsExactly(
              Map.entry("k8s.namespace.name", "shop"),
              Map.entry("k8s.pod.name", "web-1"),
              Map.entry("k8s.container.name", "nginx"),
              Map.entry("container.id", "containerd://" + id),
              Map.entry("k8s.node.name", "node-1"),
              Map.entry("host.name", "i-0abc"));
      assertThat(f.get(3).headers().toArray()).isEmpty();
    }
    try (KafkaSink s = sink("key", "pod")) {
      assertThat(frames(s.encode(records)))
          .extracting(p -> text(p.key()))
          .containsExactly("shop/web-1", "shop/web-1", "/var/log/plain.log", "/var/log/plain.log");
    }
    try (KafkaSink s = sink("key", "none")) {
      assertThat(frames(s.encode(records))).extracting(ProducerRecord::key).containsOnlyNulls();
    }
  }

  @Test
  void aValueOverMaxRecordBytesLosesItsFieldsThenHasItsMessageCutWithAMarker() throws Exception {
    int max = 64 * 1024;
    RecordJson json = new RecordJson(new JsonFactory(), max);
    LogSource src = kubelet("web-1", "shop", "nginx", containerId(1));
    StringBuilder big = new StringBuilder();
    while (big.length() < 2_000_000) {
      big.append("é\"\u0001x "); // multi-byte, escaped and control characters
    }
    LogRecord huge = record(src, SourceMetadata.empty(), LogStream.STDERR, 5, big.toString(), 0);
    assertThat(json.write(huge)).isTrue();
    assertThat(json.length()).isLessThanOrEqualTo(max).isGreaterThan(max / 2);
    JsonNode v = JSON.readTree(json.bytes(), 0, json.length());
    String message = v.get("message").asText();
    assertThat(message).endsWith("...TRUNCATED...");
    assertThat(big.toString()).startsWith(message.substring(0, message.length() - 15));
    assertThat(v.get("truncated").asBoolean()).isTrue();
    assertThat(v.has("fields_dropped")).isFalse();

    Map<String, Object> fields = new LinkedHashMap<>();
    for (int i = 0; i < 100; i++) {
      fields.put("f" + i, "v".repeat(1000));
    }
    LogRecord wide =
        record(src, SourceMetadata.empty(), LogStream.STDOUT, 5, "short message", 0)
            .withFields(fields, Severity.INFO);
    assertThat(json.write(wide)).isTrue();
    v = JSON.readTree(json.bytes(), 0, json.length());
    assertThat(v.get("message").asText()).isEqualTo("short message");
    assertThat(v.get("fields_dropped").asInt()).isEqualTo(100);
    assertThat(v.has("fields")).isFalse();
    assertThat(v.has("truncated")).isFalse();

    LogRecord small = record(src, SourceMetadata.empty(), LogStream.STDOUT, 5, "fits", 0);
    assertThat(json.write(small)).isFalse();
    assertThat(JSON.readTree(json.bytes(), 0, json.length()).get("message").asText())
        .isEqualTo("fits");
  }

  @Test
  void framesCarryTopicKeyValueAndHeadersAndRefuseAForeignBody() {
    Frames.Writer w = new Frames.Writer(0);
    byte[] headers = Frames.headers(List.of("a", "b", "c"), java.util.Arrays.asList("1", null, ""));
    w.add(
        "t".getBytes(StandardCharsets.UTF_8),
        null,
        "xyz__".getBytes(StandardCharsets.UTF_8),
        3,
        headers);
    w.add(
        "u".getBytes(StandardCharsets.UTF_8),
        new byte[] {1, 2},
        new byte[0],
        0,
        Frames.headers(List.of(), List.of()));
    byte[] body = w.toByteArray();
    List<ProducerRecord<byte[], byte[]>> f = Frames.decode(body, 2);
    assertThat(f.get(0).topic()).isEqualTo("t");
    assertThat(f.get(0).key()).isNull();
    assertThat(text(f.get(0).value())).isEqualTo("xyz");
    List<String> h = new ArrayList<>();
    f.get(0).headers().forEach(x -> h.add(x.key() + "=" + text(x.value())));
    assertThat(h).containsExactly("a=1", "c=");
    assertThat(f.get(1).key()).containsExactly(1, 2);
    assertThat(f.get(1).value()).isEmpty();
    try {
      Frames.decode(body, 3);
      throw new AssertionError("decoded a short body");
    } catch (IllegalArgumentException expected) {
      assertThat(expected.getMessage()).contains("malformed");
    }
  }

  @Test
  void errorsAreClassified() {
    assertThat(ErrorKind.of(new RecordTooLargeException("x"))).isEqualTo(ErrorKind.TOO_LARGE);
    assertThat(ErrorKind.of(new InvalidRecordException("x"))).isEqualTo(ErrorKind.INVALID);
    assertThat(ErrorKind.of(new InvalidTopicException("x"))).isEqualTo(ErrorKind.INVALID);
    assertThat(ErrorKind.of(new SaslAuthenticationException("x"))).isEqualTo(ErrorKind.AUTH);
    assertThat(ErrorKind.of(new TopicAuthorizationException("x"))).isEqualTo(ErrorKind.AUTH);
    assertThat(ErrorKind.of(new BufferExhaustedException("x"))).isEqualTo(ErrorKind.BUFFER_FULL);
    assertThat(ErrorKind.of(new TimeoutException("x"))).isEqualTo(ErrorKind.TIMEOUT);
    assertThat(ErrorKind.of(new NotLeaderOrFollowerException("x"))).isEqualTo(ErrorKind.RETRIABLE);
    assertThat(ErrorKind.of(new KafkaException("x"))).isEqualTo(ErrorKind.OTHER);
    assertThat(
            ErrorKind.of(
                new java.util.concurrent.ExecutionException(new RecordTooLargeException("x"))))
        .isEqualTo(ErrorKind.TOO_LARGE);
    assertThat(ErrorKind.TOO_LARGE.dropped && ErrorKind.INVALID.dropped).isTrue();
    assertThat(ErrorKind.AUTH.dropped || ErrorKind.TIMEOUT.dropped || ErrorKind.OTHER.dropped)
        .isFalse();
  }

  @Test
  void withoutABrokerSendReturnsAtOnceAndTheBatchIsRetried() throws Exception {
    LogSource src = kubelet("web-1", "shop", "nginx", containerId(1));
    List<LogRecord> records = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      records.add(record(src, SourceMetadata.empty(), LogStream.STDOUT, i, "m" + i, i));
    }
    MetricsRegistry metrics = new MetricsRegistry();
    KafkaSinkConfig config =
        KafkaSinkProvider.config(
            ConfigSection.of(
                "sinks.kafka",
                Map.of("bootstrapServers", NOWHERE, "producer", Map.of("max.block.ms", 300))));
    try (KafkaSink s = new KafkaSink(config, metrics, Clock.system())) {
      EncodedBatch batch = s.encode(records);
      long start = System.nanoTime();
      var stage = s.send(batch);
      long took = System.nanoTime() - start;
      assertThat(Duration.ofNanos(took)).isLessThan(Duration.ofSeconds(3));
      SendOutcome outcome = stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
      assertThat(outcome).isInstanceOf(SendOutcome.Retry.class);
      assertThat(((SendOutcome.Retry) outcome).after()).isEqualTo(Duration.ZERO);
      assertThat(((SendOutcome.Retry) outcome).reason())
          .startsWith("200 of 200 records not acknowledged")
          .contains("timeout");
      // the first record waited for metadata; the others were not handed over
      assertThat(metrics.value("logchute_kafka_records_sent_total")).isEqualTo(1);
      assertThat(metrics.value("logchute_kafka_errors_total", "kind", "not_sent")).isEqualTo(199);
      assertThat(metrics.value("logchute_kafka_errors_total", "kind", "timeout")).isEqualTo(1);
    }
    // close() stopped the producer's network thread and the sink's completion thread
    Await.until(
        "the sinks' threads are gone",
        Duration.ofSeconds(10),
        () ->
            Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(
                    n ->
                        n.startsWith("kafka-producer-network-thread")
                            || n.startsWith("logchute-kafka-"))
                .toList(),
        List::isEmpty);
  }
}
