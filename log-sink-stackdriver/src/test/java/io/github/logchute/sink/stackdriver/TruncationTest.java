package io.github.logchute.sink.stackdriver;

import static io.github.logchute.sink.stackdriver.Records.GKE;
import static io.github.logchute.sink.stackdriver.Records.SOURCE;
import static io.github.logchute.sink.stackdriver.Records.map;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogStream;
import io.github.logchute.core.Severity;
import io.github.logchute.core.metrics.MetricsRegistry;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Entries over maxEntryBytes are cut, marked and counted, never dropped (SPECS.md 3.6). */
class TruncationTest {

  private static final int MAX = StackdriverConfig.MIN_ENTRY_BYTES;

  private final MetricsRegistry metrics = new MetricsRegistry();
  private final BatchEncoder encoder =
      Records.encoder(StackdriverConfig.builder().maxEntryBytes(MAX).build(), "p", metrics);

  private Map<String, Object> encodeOne(LogRecord r, List<LogRecord> neighbours) {
    List<LogRecord> batch = new java.util.ArrayList<>(neighbours);
    batch.add(1, r);
    List<Map<String, Object>> entries = Records.entries(encoder, batch);
    assertThat(entries).hasSize(batch.size());
    for (Map<String, Object> e : entries) {
      assertThat(CloudLoggingSchema.size(e)).isLessThanOrEqualTo(MAX);
    }
    assertThat(entries.get(0).get("textPayload")).isEqualTo("before");
    assertThat(entries.get(2).get("textPayload")).isEqualTo("after");
    return entries.get(1);
  }

  private static List<LogRecord> neighbours() {
    return List.of(
        Records.text(SOURCE, GKE, "before", LogStream.STDOUT, 0),
        Records.text(SOURCE, GKE, "after", LogStream.STDOUT, 900_000));
  }

  @Test
  void anOversizedTextEntryIsCutWithAMarker() {
    String message = "x".repeat(20_000);
    Map<String, Object> e =
        encodeOne(Records.text(SOURCE, GKE, message, LogStream.STDERR, 100), neighbours());
    String text = (String) e.get("textPayload");
    assertThat(text).startsWith("xxxx").matches("x+ \\[logchute: truncated, \\d+ of 20000 bytes]");
    assertThat(map(e.get("labels")))
        .containsEntry(EntryWriter.TRUNCATED_LABEL, "true")
        .containsEntry("k8s-pod/app", "web");
    assertThat(e.get("severity")).isEqualTo("ERROR");
    assertThat(metrics.sum(SinkMetrics.ENTRIES_TRUNCATED)).isEqualTo(1);
  }

  @Test
  void anOversizedJsonEntryKeepsItsPromotedFieldsAndBecomesMarkedText() {
    String big = "y".repeat(10_000);
    String line = "{\"severity\":\"WARNING\",\"message\":\"" + big + "\"}";
    LogRecord r =
        Records.json(
            GKE,
            line,
            EntryMappingTest.ordered("severity", "WARNING", "message", big, "k", 1),
            Severity.UNSPECIFIED);
    Map<String, Object> e = encodeOne(r, neighbours());
    assertThat(e).doesNotContainKey("jsonPayload");
    assertThat((String) e.get("textPayload"))
        .startsWith("{\"severity\":\"WARNING\",\"message\":\"yyy")
        .endsWith(" of " + line.length() + " bytes]");
    assertThat(e.get("severity")).isEqualTo("WARNING");
  }

  @Test
  void theCutNeverSplitsACharacterAndCountsEscapes() {
    // 2-byte characters and characters that JSON must escape (6 bytes each as \\u00XX)
    String message = "é".repeat(3000) + "\u0001".repeat(3000);
    Map<String, Object> e =
        encodeOne(Records.text(SOURCE, GKE, message, LogStream.STDOUT, 100), neighbours());
    String text = (String) e.get("textPayload");
    assertThat(text).doesNotContain("\uFFFD").contains("[logchute: truncated,");
    byte[] kept = text.substring(0, text.indexOf(" [logchute")).getBytes(StandardCharsets.UTF_8);
    assertThat(message.getBytes(StandardCharsets.UTF_8)).startsWith(kept);
  }

  @Test
  void aLineTheReaderAlreadyCutIsLabelledToo() {
    LogRecord cut =
        LogRecord.of(
            SOURCE,
            GKE,
            LogStream.STDOUT,
            1L,
            "partial".getBytes(StandardCharsets.UTF_8),
            100,
            200,
            LogRecord.TRUNCATED);
    Map<String, Object> e = encodeOne(cut, neighbours());
    assertThat(e.get("textPayload")).isEqualTo("partial");
    assertThat(map(e.get("labels"))).containsEntry(EntryWriter.TRUNCATED_LABEL, "true");
    assertThat(metrics.sum(SinkMetrics.ENTRIES_TRUNCATED)).isZero();
  }
}
