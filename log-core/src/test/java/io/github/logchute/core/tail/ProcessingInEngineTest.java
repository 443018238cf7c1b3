package io.github.logchute.core.tail;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.LogRecord;
import io.github.logchute.core.Severity;
import io.github.logchute.core.process.MultilineRule;
import io.github.logchute.core.process.ProcessingOptions;
import io.github.logchute.core.spi.InMemorySink;
import io.github.logchute.core.spi.MetadataEnricher;
import io.github.logchute.core.spi.SinkLimits;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Multi-line grouping and message parsing run inside the engine, and checkpoints respect them. */
class ProcessingInEngineTest {

  @TempDir Path root;
  @TempDir Path data;

  private static final List<String> TRACE =
      List.of(
          "java.lang.IllegalStateException: cart is empty",
          "\tat shop.Cart.checkout(Cart.java:42)",
          "\tat shop.Api.handle(Api.java:17)",
          "Caused by: java.util.NoSuchElementException: no items",
          "\tat shop.Cart.first(Cart.java:12)",
          "\t... 2 more");

  private TailHarness harness(ProcessingOptions processing) throws Exception {
    return new TailHarness(
        data,
        new KubeletLogs(root).glob(),
        b -> b,
        new InMemorySink(new SinkLimits(500, 1 << 20, Duration.ofMillis(5), 2)),
        64L << 20,
        MetadataEnricher.noop(),
        processing);
  }

  @Test
  void jsonLinesGetFieldsAndTracesArriveAsOneRecord() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    ProcessingOptions options = ProcessingOptions.builder().multiline(MultilineRule.java()).build();
    try (KubeletLogs.Container c = logs.container("shop", "api", "app");
        TailHarness h = harness(options)) {
      c.cri("stdout", "{\"level\":\"warn\",\"msg\":\"slow\",\"user_id\":7}");
      for (String line : TRACE) {
        c.cri("stderr", line);
      }
      c.cri("stderr", "ERROR next request failed");
      h.awaitMessages(3);
      List<LogRecord> records = h.sink.records();
      assertThat(records).hasSize(3);
      LogRecord json = records.get(0);
      assertThat(json.fields()).containsEntry("msg", "slow").containsEntry("user_id", 7L);
      assertThat(json.severity()).isEqualTo(Severity.WARNING);
      LogRecord trace = records.get(1);
      assertThat(trace.messageText()).isEqualTo(String.join("\n", TRACE));
      assertThat(trace.hasFlag(LogRecord.MULTILINE)).isTrue();
      assertThat(records.get(2).severity()).isEqualTo(Severity.ERROR);
    }
  }

  @Test
  void aCheckpointNeverPassesTheStartOfAnEventStillBeingGrouped() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    ProcessingOptions options =
        ProcessingOptions.builder()
            .multiline(MultilineRule.java())
            .multilineTimeout(Duration.ofHours(1))
            .build();
    long traceStart;
    try (KubeletLogs.Container c = logs.container("shop", "api", "app")) {
      try (TailHarness h = harness(options)) {
        c.cri("stdout", "before the trace");
        h.awaitMessages(1);
        traceStart = c.bytesInFile();
        for (String line : TRACE) {
          c.cri("stderr", line);
        }
        // the trace is held: it may go on, and no later stderr line has ended it
        h.until(
            "the trace is read", () -> h.metric("logchute_bytes_read_total") >= c.bytesInFile());
      }
      String checkpoint = Files.readString(data.resolve("checkpoints.json"));
      assertThat(checkpoint).contains("\"offset\":" + traceStart + ",");

      // restarted, the held trace is read again and delivered whole once it ends
      try (TailHarness h = harness(options)) {
        c.cri("stderr", "request 2 failed"); // a stderr line that is not part of the trace ends it
        h.awaitMessages(2);
        assertThat(h.messages()).containsExactly(String.join("\n", TRACE), "request 2 failed");
      }
    }
  }
}
