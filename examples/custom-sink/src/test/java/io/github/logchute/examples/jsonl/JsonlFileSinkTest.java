package io.github.logchute.examples.jsonl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.logchute.core.FakeClock;
import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.LogStream;
import io.github.logchute.core.Severity;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.spi.EncodedBatch;
import io.github.logchute.core.spi.SendOutcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlFileSinkTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ID =
      "c7761e58969f7edd498186641b2021e8477e1bcd230de4cf3435242da4a40d14";
  private static final long T0 = 1_700_000_000_123_456_789L;

  @TempDir Path dir;
  private final MetricsRegistry metrics = new MetricsRegistry();
  private final List<JsonlFileSink> sinks = new ArrayList<>();

  @AfterEach
  void closeSinks() {
    sinks.forEach(JsonlFileSink::close);
  }

  private JsonlFileSink sink(Path path) throws IOException {
    JsonlFileSink s =
        new JsonlFileSink(JsonlFileConfig.builder().path(path).build(), metrics, new FakeClock());
    sinks.add(s);
    return s;
  }

  private static LogRecord record(int i, String message) {
    LogSource source =
        LogSource.of(
            Path.of("/var/log/containers/checkout-7d4b9c6f5-x2x5z_shop_checkout-" + ID + ".log"),
            new FileIdentity(1, 42));
    return LogRecord.of(
        source,
        i % 2 == 0 ? LogStream.STDOUT : LogStream.STDERR,
        T0 + i,
        message.getBytes(StandardCharsets.UTF_8),
        i * 100L,
        i * 100L + 99,
        0);
  }

  private static SendOutcome await(java.util.concurrent.CompletionStage<SendOutcome> stage)
      throws Exception {
    return stage.toCompletableFuture().get(10, TimeUnit.SECONDS);
  }

  private static List<JsonNode> lines(Path file) throws IOException {
    List<JsonNode> out = new ArrayList<>();
    for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
      out.add(JSON.readTree(line));
    }
    return out;
  }

  @Test
  void encodesOneJsonObjectPerLineThatReadsBackToTheRecord() throws Exception {
    String tricky = "say \"hi\"\n\tand \\ bye — é 🚀";
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("order_id", "A-10021");
    fields.put("amount", 59.9);
    fields.put("items", List.of(1L, 2L));
    fields.put("user", Map.of("id", 4711L));
    LogRecord plain = record(0, tricky);
    LogRecord rich =
        record(1, "order placed")
            .withMetadata(SourceMetadata.builder().put("k8s.node.name", "node-1").build())
            .withFields(fields, Severity.WARNING);

    EncodedBatch batch = sink(dir.resolve("out.jsonl")).encode(List.of(plain, rich));

    assertThat(batch.recordCount()).isEqualTo(2);
    assertThat(batch.uncompressedBytes()).isEqualTo(batch.body().length);
    String text = new String(batch.body(), StandardCharsets.UTF_8);
    assertThat(text).endsWith("\n");
    String[] rows = text.split("\n", -1);
    assertThat(rows).hasSize(3); // two lines and the empty rest after the last newline
    JsonNode a = JSON.readTree(rows[0]);
    assertThat(a.get("message").asText()).isEqualTo(tricky);
    assertThat(Instant.parse(a.get("time").asText()))
        .isEqualTo(Instant.ofEpochSecond(T0 / 1_000_000_000L, T0 % 1_000_000_000L));
    assertThat(a.get("stream").asText()).isEqualTo("stdout");
    assertThat(a.get("offset").asLong()).isZero();
    assertThat(a.get("path").asText()).isEqualTo(plain.source().path().toString());
    assertThat(a.get("container").get("pod").asText()).isEqualTo("checkout-7d4b9c6f5-x2x5z");
    assertThat(a.get("container").get("namespace").asText()).isEqualTo("shop");
    assertThat(a.get("container").get("name").asText()).isEqualTo("checkout");
    assertThat(a.get("container").get("id").asText()).isEqualTo(ID);
    assertThat(a.has("severity")).isFalse();
    assertThat(a.has("metadata")).isFalse();
    assertThat(a.has("fields")).isFalse();

    JsonNode b = JSON.readTree(rows[1]);
    assertThat(b.get("stream").asText()).isEqualTo("stderr");
    assertThat(b.get("severity").asText()).isEqualTo("warning");
    assertThat(b.get("metadata").get("k8s.node.name").asText()).isEqualTo("node-1");
    // the same JSON as databind writes for the map, compared as parsed trees
    assertThat(b.get("fields")).isEqualTo(JSON.readTree(JSON.writeValueAsString(fields)));
  }

  @Test
  void flagsAreWrittenOnlyWhenSet() throws Exception {
    LogRecord flagged =
        LogRecord.of(
            record(0, "x").source(),
            LogStream.STDOUT,
            T0,
            "cut".getBytes(StandardCharsets.UTF_8),
            0,
            3,
            LogRecord.TRUNCATED | LogRecord.MERGED);

    JsonNode n = JSON.readTree(sink(dir.resolve("out.jsonl")).encode(List.of(flagged)).body());

    assertThat(n.get("truncated").asBoolean()).isTrue();
    assertThat(n.get("merged").asBoolean()).isTrue();
    assertThat(n.has("unparsed")).isFalse();
    assertThat(n.has("invalid_utf8")).isFalse();
  }

  @Test
  void sendAppendsBatchesInOrderAndCountsBytes() throws Exception {
    Path out = dir.resolve("out.jsonl");
    JsonlFileSink s = sink(out);
    EncodedBatch first = s.encode(List.of(record(0, "one"), record(1, "two")));
    EncodedBatch second = s.encode(List.of(record(2, "three")));

    assertThat(await(s.send(first))).isEqualTo(SendOutcome.accepted());
    assertThat(await(s.send(second))).isEqualTo(SendOutcome.accepted());

    assertThat(lines(out))
        .extracting(n -> n.get("message").asText())
        .containsExactly("one", "two", "three");
    long written = first.body().length + second.body().length;
    assertThat(Files.size(out)).isEqualTo(written);
    assertThat(metrics.value("logchute_jsonl_file_bytes_written_total", "path", out.toString()))
        .isEqualTo(written);
  }

  @Test
  void appendsToWhatIsAlreadyInTheFile() throws Exception {
    Path out = dir.resolve("out.jsonl");
    Files.writeString(out, "{\"message\":\"from before the restart\"}\n");
    JsonlFileSink s = sink(out);

    assertThat(await(s.send(s.encode(List.of(record(0, "after"))))))
        .isEqualTo(SendOutcome.accepted());

    assertThat(lines(out))
        .extracting(n -> n.get("message").asText())
        .containsExactly("from before the restart", "after");
  }

  @Test
  void aRenamedFileIsLeftAloneAndANewOneStartedAtThePath() throws Exception {
    Path out = dir.resolve("out.jsonl");
    Path rotated = dir.resolve("out.jsonl.1");
    JsonlFileSink s = sink(out);
    await(s.send(s.encode(List.of(record(0, "before rotation")))));

    Files.move(out, rotated); // logrotate's default (create) mode
    assertThat(await(s.send(s.encode(List.of(record(1, "after rotation"))))))
        .isEqualTo(SendOutcome.accepted());

    assertThat(lines(rotated))
        .extracting(n -> n.get("message").asText())
        .containsExactly("before rotation");
    assertThat(lines(out))
        .extracting(n -> n.get("message").asText())
        .containsExactly("after rotation");
    assertThat(metrics.value("logchute_jsonl_file_reopens_total", "path", out.toString()))
        .isEqualTo(1);
  }

  @Test
  void aFailedWriteIsRetriedAndTheSameBatchLandsOnceWhenTheFileIsWritableAgain() throws Exception {
    Path out = dir.resolve("out.jsonl");
    JsonlFileSink s = sink(out);
    EncodedBatch batch = s.encode(List.of(record(0, "must not be lost")));
    Files.delete(out);
    Files.createDirectory(out); // the path cannot be opened as a file any more

    SendOutcome failed = await(s.send(batch));

    assertThat(failed).isInstanceOf(SendOutcome.Retry.class);
    assertThat(((SendOutcome.Retry) failed).after()).isEqualTo(JsonlFileSink.RETRY_AFTER);
    assertThat(((SendOutcome.Retry) failed).reason()).contains(out.toString());
    assertThat(metrics.value("logchute_jsonl_file_write_errors_total", "path", out.toString()))
        .isEqualTo(1);

    Files.delete(out);
    assertThat(await(s.send(batch))).isEqualTo(SendOutcome.accepted()); // the pipeline's retry
    assertThat(lines(out))
        .extracting(n -> n.get("message").asText())
        .containsExactly("must not be lost");
  }

  @Test
  void closeStopsTheWriterThreadAndLaterSendsAskForARetry() throws Exception {
    JsonlFileSink s = sink(dir.resolve("out.jsonl"));
    await(s.send(s.encode(List.of(record(0, "x")))));
    Thread writer =
        Thread.getAllStackTraces().keySet().stream()
            .filter(t -> t.getName().equals("logchute-jsonl-file-writer"))
            .findFirst()
            .orElseThrow();

    s.close();
    writer.join(Duration.ofSeconds(10).toMillis());

    assertThat(writer.isAlive()).isFalse();
    assertThat(await(s.send(s.encode(List.of(record(1, "late"))))))
        .isInstanceOf(SendOutcome.Retry.class);
  }

  @Test
  void limitsComeFromTheConfigWithOneWriteInFlight() throws Exception {
    JsonlFileSink s =
        new JsonlFileSink(
            JsonlFileConfig.builder()
                .path(dir.resolve("out.jsonl"))
                .maxBatchRecords(7)
                .maxBatchBytes(1234)
                .linger(Duration.ofMillis(50))
                .build(),
            metrics,
            new FakeClock());
    sinks.add(s);

    assertThat(s.limits().maxBatchRecords()).isEqualTo(7);
    assertThat(s.limits().maxBatchBytes()).isEqualTo(1234);
    assertThat(s.limits().linger()).isEqualTo(Duration.ofMillis(50));
    assertThat(s.limits().maxInFlight()).isEqualTo(1);
  }
}
