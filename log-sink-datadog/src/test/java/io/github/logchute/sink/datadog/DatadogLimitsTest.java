package io.github.logchute.sink.datadog;

import static io.github.logchute.sink.datadog.TestRecords.logs;
import static io.github.logchute.sink.datadog.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.databind.JsonNode;
import io.github.logchute.core.FakeClock;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.Severity;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.spi.EncodedBatch;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/** The intake's limits (SPECS.md §2.4) and its 18 h age rule (§2.3). */
class DatadogLimitsTest {

  private final MetricsRegistry metrics = new MetricsRegistry();
  private final FakeClock clock = new FakeClock();
  private final long now = clock.epochNanos();

  private LogEncoder encoder(UnaryOperator<DatadogSinkConfig.Builder> tweak) {
    return new LogEncoder(
        tweak
            .apply(
                DatadogSinkConfig.builder().apiKey(DatadogSinkContractTest.KEY).compressionLevel(0))
            .build(),
        new DatadogMetrics(metrics),
        clock,
        new JsonFactory());
  }

  /** Encodes, checks the body with the strict intake's parser, returns the logs. */
  private List<JsonNode> encodeChecked(LogEncoder e, List<LogRecord> records) {
    EncodedBatch batch = e.encode(records);
    List<JsonNode> logs = logs(batch, false);
    assertThat(logs).hasSize(records.size());
    return logs;
  }

  private static int encodedSize(JsonNode log) {
    return log.toString().getBytes(StandardCharsets.UTF_8).length;
  }

  @Test
  void anOversizedMessageIsCutWithAMarkerNeverDropped() {
    String big = "0123456789".repeat(150_000); // 1.5 MB
    try (LogEncoder e = encoder(b -> b)) {
      JsonNode log = encodeChecked(e, List.of(record(SourceMetadata.empty(), big, now))).get(0);
      String message = log.get("message").asText();
      assertThat(message).endsWith(LogEncoder.TRUNCATION_MARKER);
      assertThat(big).startsWith(message.substring(0, message.length() - 15));
      assertThat(message.length()).isGreaterThan(990_000);
      assertThat(encodedSize(log)).isLessThanOrEqualTo(DatadogSinkConfig.INTAKE_MAX_LOG_BYTES);
      assertThat(log.at("/logchute/truncated").asBoolean()).isTrue();
    }
    assertThat(metrics.sum("logchute_datadog_records_truncated_total")).isEqualTo(1);
  }

  @Test
  void cuttingRespectsCharactersAndEscapes() {
    // 3-byte characters and characters that escape to 6 bytes each
    String s = "€\u0001\"".repeat(3000);
    try (LogEncoder e = encoder(b -> b.maxLogBytes(4096))) {
      JsonNode log = encodeChecked(e, List.of(record(SourceMetadata.empty(), s, now))).get(0);
      String message = log.get("message").asText();
      assertThat(message).endsWith(LogEncoder.TRUNCATION_MARKER);
      assertThat(s).startsWith(message.substring(0, message.length() - 15));
      assertThat(message).doesNotContain("\uFFFD");
    }
    try (LogEncoder e = encoder(b -> b.maxLogBytes(4096))) {
      EncodedBatch batch = e.encode(List.of(record(SourceMetadata.empty(), s, now)));
      // the body is exactly "[" + log + "]": the log itself is within the limit
      assertThat(batch.uncompressedBytes() - 2).isLessThanOrEqualTo(4096);
    }
  }

  @Test
  void bigFieldsOfAnOversizedLogAreLeftOutAndCounted() {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("message", "short message");
    fields.put("user_id", 7L);
    fields.put("payload", "p".repeat(10_000));
    fields.put("after", "kept");
    LogRecord r = record(SourceMetadata.empty(), "{...}", now).withFields(fields, Severity.INFO);
    try (LogEncoder e = encoder(b -> b.maxLogBytes(4096))) {
      JsonNode log = encodeChecked(e, List.of(r)).get(0);
      assertThat(encodedSize(log)).isLessThanOrEqualTo(4096);
      assertThat(log.get("user_id").asLong()).isEqualTo(7);
      assertThat(log.get("after").asText()).isEqualTo("kept");
      assertThat(log.has("payload")).isFalse();
      assertThat(log.at("/logchute/fields_dropped").asInt()).isEqualTo(1);
      assertThat(log.get("message").asText()).startsWith("short message");
    }
    assertThat(metrics.sum("logchute_datadog_fields_dropped_total")).isEqualTo(1);
  }

  @Test
  void aLogJustUnderTheLimitIsLeftAlone() {
    try (LogEncoder e = encoder(b -> b.maxLogBytes(4096))) {
      JsonNode small = encodeChecked(e, List.of(record(SourceMetadata.empty(), "m", now))).get(0);
      int room = 4096 - encodedSize(small);
      String exact = "m" + "x".repeat(room);
      JsonNode log = encodeChecked(e, List.of(record(SourceMetadata.empty(), exact, now))).get(0);
      assertThat(log.get("message").asText()).isEqualTo(exact);
      assertThat(encodedSize(log)).isEqualTo(4096);
    }
    assertThat(metrics.sum("logchute_datadog_records_truncated_total")).isZero();
  }

  @Test
  void logsOlderThan18HoursAreCountedAndSentAsTheyAre() {
    long old = now - Duration.ofHours(19).toNanos();
    long recent = now - Duration.ofHours(17).toNanos();
    try (LogEncoder e = encoder(b -> b)) {
      List<JsonNode> logs =
          encodeChecked(
              e,
              List.of(
                  record(SourceMetadata.empty(), "old", old),
                  record(SourceMetadata.empty(), "recent", recent)));
      assertThat(logs.get(0).get("timestamp").asLong()).isEqualTo(old / 1_000_000);
      assertThat(logs.get(0).get("logchute").has("original_timestamp")).isFalse();
      assertThat(logs.get(1).get("timestamp").asLong()).isEqualTo(recent / 1_000_000);
    }
    assertThat(metrics.sum("logchute_datadog_records_too_old_total")).isEqualTo(1);
    assertThat(metrics.sum("logchute_datadog_records_restamped_total")).isZero();
    assertThat(CapturingLoggerFinder.MESSAGES)
        .anyMatch(m -> m.contains("more than 18 h ago") && m.contains("stampOldLogsWithSendTime"));
  }

  @Test
  void withTheOptionOldLogsAreStampedWithTheSendTimeKeepingTheOriginal() {
    long old = now - Duration.ofHours(30).toNanos();
    try (LogEncoder e = encoder(b -> b.stampOldLogsWithSendTime(true))) {
      clock.advance(Duration.ofSeconds(5));
      JsonNode log = encodeChecked(e, List.of(record(SourceMetadata.empty(), "old", old))).get(0);
      assertThat(log.get("timestamp").asLong()).isEqualTo(clock.epochNanos() / 1_000_000);
      assertThat(log.at("/logchute/original_timestamp").asLong()).isEqualTo(old / 1_000_000);
    }
    assertThat(metrics.sum("logchute_datadog_records_too_old_total")).isEqualTo(1);
    assertThat(metrics.sum("logchute_datadog_records_restamped_total")).isEqualTo(1);
  }

  @Test
  void aBatchOverFiveMegabytesIsNotCompressedAndIsMarkedForSplitting() {
    List<LogRecord> records = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      records.add(record(SourceMetadata.empty(), "y".repeat(600_000), now));
    }
    try (LogEncoder e = encoder(b -> b.compressionLevel(6))) {
      EncodedBatch batch = e.encode(records);
      assertThat(batch.uncompressedBytes())
          .isGreaterThan(DatadogSinkConfig.INTAKE_MAX_PAYLOAD_BYTES);
      assertThat(batch.recordCount()).isEqualTo(10);
      EncodedBatch half = e.encode(records.subList(0, 5));
      assertThat(half.uncompressedBytes()).isLessThan(DatadogSinkConfig.INTAKE_MAX_PAYLOAD_BYTES);
      assertThat(half.body().length).isLessThan(100_000); // gzip: repeated bytes
    }
  }
}
