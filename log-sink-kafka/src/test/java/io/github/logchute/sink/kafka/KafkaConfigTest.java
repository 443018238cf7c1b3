package io.github.logchute.sink.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.FakeClock;
import io.github.logchute.core.config.ConfigException;
import io.github.logchute.core.config.ConfigSection;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.spi.Sink;
import io.github.logchute.core.spi.SinkContext;
import io.github.logchute.core.spi.SinkLimits;
import io.github.logchute.core.spi.SinkRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Settings, their errors (naming the key, never a secret), and finding the provider by name. */
class KafkaConfigTest {

  /** A port on 127.0.0.1 nothing listens on: sinks built here never reach a broker. */
  private static final String NOWHERE = "127.0.0.1:9";

  private static final String SECRET = "hunter2-the-password";

  @TempDir Path dir;

  private static Map<String, Object> settings(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("bootstrapServers", NOWHERE);
    for (int i = 0; i < kv.length; i += 2) {
      if (kv[i + 1] == null) {
        m.remove((String) kv[i]);
      } else {
        m.put((String) kv[i], kv[i + 1]);
      }
    }
    return m;
  }

  private static KafkaSinkConfig config(Object... kv) {
    return KafkaSinkProvider.config(ConfigSection.of("sinks.kafka", settings(kv)));
  }

  private static ConfigException error(Object... kv) {
    try {
      new KafkaSinkProvider()
          .create(
              new SinkContext(
                  ConfigSection.of("sinks.kafka", settings(kv)),
                  new MetricsRegistry(),
                  new FakeClock()))
          .close();
    } catch (ConfigException e) {
      assertThat(e.getMessage()).doesNotContain(SECRET);
      return e;
    }
    throw new AssertionError("no ConfigException for " + List.of(kv));
  }

  @Test
  void theDefaults() {
    KafkaSinkConfig c = config();
    assertThat(c.bootstrapServers()).containsExactly(NOWHERE);
    assertThat(c.topic()).isEqualTo("logchute");
    assertThat(c.key()).isEqualTo(KafkaSinkConfig.KeyMode.CONTAINER_ID);
    assertThat(c.compression()).isEqualTo(KafkaSinkConfig.Compression.ZSTD);
    assertThat(c.limits())
        .isEqualTo(new SinkLimits(1000, 4L * 1024 * 1024, Duration.ofMillis(100), 4));
    assertThat(c.maxRecordBytes()).isEqualTo(1_000_000);
    assertThat(c.maxBlock()).isEqualTo(Duration.ofSeconds(1));
    assertThat(c.authFailureRetryDelay()).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.producerProperties())
        .containsEntry("bootstrap.servers", NOWHERE)
        .containsEntry("acks", "all")
        .containsEntry("enable.idempotence", "true")
        .containsEntry("compression.type", "zstd")
        .containsEntry("max.block.ms", "1000")
        .containsEntry("delivery.timeout.ms", "60000");
  }

  @Test
  void everySettingIsRead() {
    KafkaSinkConfig c =
        config(
            "bootstrapServers",
            List.of("kafka-0.kafka:9092", "[::1]:9093"),
            "topic",
            "logs-{namespace}.{pod}_{container}",
            "key",
            "pod",
            "compression",
            "lz4",
            "producer",
            Map.of(
                "security.protocol",
                "SSL",
                "ssl",
                Map.of("truststore", Map.of("location", "/etc/kafka/ca.p12")),
                "max.block.ms",
                250),
            "maxBatchRecords",
            500,
            "maxBatchBytes",
            "2MiB",
            "linger",
            "50ms",
            "maxInFlight",
            2,
            "maxRecordBytes",
            "512KiB",
            "authFailureRetryDelay",
            "10s",
            "closeTimeout",
            "2s");
    assertThat(c.bootstrapServers()).containsExactly("kafka-0.kafka:9092", "[::1]:9093");
    assertThat(c.topic()).isEqualTo("logs-{namespace}.{pod}_{container}");
    assertThat(c.key()).isEqualTo(KafkaSinkConfig.KeyMode.POD);
    assertThat(c.compression()).isEqualTo(KafkaSinkConfig.Compression.LZ4);
    assertThat(c.producerSettings())
        .containsOnly(
            Map.entry("security.protocol", "SSL"),
            Map.entry("ssl.truststore.location", "/etc/kafka/ca.p12"),
            Map.entry("max.block.ms", "250"));
    assertThat(c.maxBlock()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.producerProperties())
        .containsEntry("bootstrap.servers", "kafka-0.kafka:9092,[::1]:9093")
        .containsEntry("compression.type", "lz4");
    assertThat(c.limits())
        .isEqualTo(new SinkLimits(500, 2 * 1024 * 1024, Duration.ofMillis(50), 2));
    assertThat(c.maxRecordBytes()).isEqualTo(512 * 1024);
    assertThat(c.authFailureRetryDelay()).isEqualTo(Duration.ofSeconds(10));
    assertThat(c.closeTimeout()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void errorsNameTheKey() {
    assertThat(error("bootstrapServers", null).key()).isEqualTo("sinks.kafka.bootstrapServers");
    assertThat(error("bootstrapServers", "").getMessage())
        .startsWith("sinks.kafka.bootstrapServers: is required");
    assertThat(error("bootstrapServers", "kafka:http").key())
        .isEqualTo("sinks.kafka.bootstrapServers");
    assertThat(error("topic", "logs/{namespace}").getMessage())
        .startsWith("sinks.kafka.topic:")
        .contains("'/'");
    assertThat(error("topic", "logs-{namespce}").getMessage())
        .startsWith("sinks.kafka.topic: unknown placeholder '{namespce}'");
    assertThat(error("topic", "x".repeat(250)).key()).isEqualTo("sinks.kafka.topic");
    assertThat(error("key", "host").getMessage())
        .isEqualTo("sinks.kafka.key: expected containerId, pod or none, got 'host'");
    assertThat(error("compression", "brotli").key()).isEqualTo("sinks.kafka.compression");
    assertThat(error("maxInFlight", 0).key()).isEqualTo("sinks.kafka.maxInFlight");
    assertThat(error("maxBatchRecords", "many").key()).isEqualTo("sinks.kafka.maxBatchRecords");
    assertThat(error("maxBatchBytes", "1TiB").key()).isEqualTo("sinks.kafka.maxBatchBytes");
    assertThat(error("linger", "fast").key()).isEqualTo("sinks.kafka.linger");
    assertThat(error("authFailureRetryDelay", "0s").key())
        .isEqualTo("sinks.kafka.authFailureRetryDelay");
    assertThat(error("maxRecordBytes", "2MiB").getMessage())
        .startsWith("sinks.kafka.maxRecordBytes:")
        .contains("max.request.size");
    assertThat(
            config("maxRecordBytes", "2MiB", "producer", Map.of("max.request.size", 3 << 20))
                .maxRecordBytes())
        .isEqualTo(2 << 20);
    assertThat(error("topik", "x").getMessage())
        .startsWith("sinks.kafka.topik: unknown key; this section reads [");
    assertThat(error("producer", "SSL").key()).isEqualTo("sinks.kafka.producer");
  }

  @Test
  void producerSettingsMustBeKafkasAndNotTheOnesTheSinkOwns() {
    assertThat(error("producer", Map.of("acks", "1")).getMessage())
        .startsWith("sinks.kafka.producer.acks: cannot be set: the sink always uses acks=all");
    assertThat(error("producer", Map.of("enable.idempotence", "false")).key())
        .isEqualTo("sinks.kafka.producer.enable.idempotence");
    assertThat(error("producer", Map.of("bootstrap", Map.of("servers", "x:1"))).key())
        .isEqualTo("sinks.kafka.producer.bootstrap.servers");
    assertThat(error("producer", Map.of("compression.type", "gzip")).key())
        .isEqualTo("sinks.kafka.producer.compression.type");
    assertThat(error("producer", Map.of("securty.protocol", "SSL")).getMessage())
        .startsWith("sinks.kafka.producer.securty.protocol: is not a Kafka producer setting");
    // the producer's own check, named by the setting it is about
    assertThat(error("producer", Map.of("max.in.flight.requests.per.connection", 10)).getMessage())
        .startsWith("sinks.kafka.producer.max.in.flight.requests.per.connection:")
        .contains("refused");
    assertThat(error("producer", Map.of("max.block.ms", "soon")).key())
        .isEqualTo("sinks.kafka.producer.max.block.ms");
  }

  @Test
  void aSecretGivenInlineIsRefusedNamingItsKeyAndNeverShowingIt() {
    String jaas =
        "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"u\""
            + " password=\""
            + SECRET
            + "\";";
    ConfigException e = error("producer", Map.of("sasl.jaas.config", jaas));
    assertThat(e.key()).isEqualTo("sinks.kafka.producer.sasl.jaas.config");
    assertThat(e.getMessage())
        .contains("producerPropertiesFile")
        .doesNotContain("PlainLoginModule");
    // nested as --set builds it
    assertThat(error("producer", Map.of("ssl", Map.of("key", Map.of("password", SECRET)))).key())
        .isEqualTo("sinks.kafka.producer.ssl.key.password");
    assertThat(error("producer", Map.of("ssl.keystore.password", SECRET)).key())
        .isEqualTo("sinks.kafka.producer.ssl.keystore.password");
    // a PEM private key: Kafka types it as a password
    assertThat(error("producer", Map.of("ssl.keystore.key", SECRET)).key())
        .isEqualTo("sinks.kafka.producer.ssl.keystore.key");
    assertThat(
            error("producer", Map.of("sasl.oauthbearer.client.credentials.client.secret", SECRET))
                .key())
        .isEqualTo("sinks.kafka.producer.sasl.oauthbearer.client.credentials.client.secret");
  }

  @Test
  void secretsComeFromThePropertiesFileAndAreShownNowhere() throws Exception {
    Path file = dir.resolve("client.properties");
    Files.writeString(
        file,
        "# from a Secret\n"
            + "sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required \\\n"
            + "  username=\"logchute\" password=\""
            + SECRET
            + "\";\n"
            + "ssl.truststore.password="
            + SECRET
            + "\n");
    KafkaSinkConfig c =
        config(
            "producer",
            Map.of("security.protocol", "SASL_SSL", "sasl.mechanism", "PLAIN"),
            "producerPropertiesFile",
            file.toString());
    assertThat(c.producerProperties())
        .containsEntry("ssl.truststore.password", SECRET)
        .containsEntry("security.protocol", "SASL_SSL");
    assertThat(c.producerProperties().get("sasl.jaas.config"))
        .contains("username=\"logchute\" password=\"" + SECRET + "\";");
    assertThat(c.toString())
        .doesNotContain(SECRET)
        .contains("sasl.jaas.config")
        .contains(file.toString());
    assertThat(c.redact("failed: password=\"" + SECRET + "\" and " + SECRET))
        .doesNotContain(SECRET);
    try (Sink sink =
        new KafkaSinkProvider()
            .create(
                new SinkContext(
                    ConfigSection.of(
                        "sinks.kafka",
                        settings(
                            "producer",
                            Map.of(
                                "security.protocol", "SASL_PLAINTEXT", "sasl.mechanism", "PLAIN"),
                            "producerPropertiesFile",
                            file.toString())),
                    new MetricsRegistry(),
                    new FakeClock()))) {
      assertThat(sink.toString()).doesNotContain(SECRET);
      assertThat(((KafkaSink) sink).config().toString()).doesNotContain(SECRET);
    }
    assertThat(CapturingLoggerFinder.MESSAGES).noneMatch(m -> m.contains(SECRET));
  }

  @Test
  void aBadPropertiesFileIsNamedButItsValuesAreNot() throws Exception {
    assertThat(error("producerPropertiesFile", dir.resolve("missing").toString()).getMessage())
        .startsWith("sinks.kafka.producerPropertiesFile: cannot read the producer properties file");
    Path owned = dir.resolve("owned.properties");
    Files.writeString(owned, "acks=" + SECRET + "\n");
    assertThat(error("producerPropertiesFile", owned.toString()).getMessage())
        .startsWith("sinks.kafka.producerPropertiesFile: " + owned + ": setting 'acks' cannot be");
    Path unknown = dir.resolve("unknown.properties");
    Files.writeString(unknown, "sasl.jass.config=" + SECRET + "\n");
    assertThat(error("producerPropertiesFile", unknown.toString()).getMessage())
        .contains("'sasl.jass.config' is not a Kafka producer setting");
    Path twice = dir.resolve("twice.properties");
    Files.writeString(twice, "sasl.mechanism=PLAIN\n");
    assertThat(
            error(
                    "producerPropertiesFile",
                    twice.toString(),
                    "producer",
                    Map.of("sasl.mechanism", "SCRAM-SHA-512"))
                .getMessage())
        .startsWith("sinks.kafka.producer.sasl.mechanism: is set inline and in");
  }

  @Test
  void theProviderIsFoundByServiceLoaderAsKafka() {
    SinkRegistry registry = SinkRegistry.load(KafkaConfigTest.class.getClassLoader());
    assertThat(registry.names()).contains("kafka");
    assertThat(registry.provider("kafka")).isInstanceOf(KafkaSinkProvider.class);
    MetricsRegistry metrics = new MetricsRegistry();
    Sink sink =
        registry.create(
            "kafka",
            new SinkContext(
                ConfigSection.of("sinks.kafka", settings("linger", "250ms")),
                metrics,
                new FakeClock()));
    try {
      assertThat(sink).isInstanceOf(KafkaSink.class);
      assertThat(sink.limits().linger()).isEqualTo(Duration.ofMillis(250));
    } finally {
      sink.close();
    }
    assertThat(metrics.value("logchute_kafka_records_sent_total")).isZero();
  }
}
