package io.github.logchute.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.logchute.core.config.ConfigException;
import io.github.logchute.core.spi.InMemorySink;
import io.github.logchute.core.spi.RecordEmitter;
import io.github.logchute.core.spi.SendOutcome;
import io.github.logchute.core.spi.Tailer;
import io.github.logchute.core.tail.StartAt;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine as one object: wiring, acknowledgement, the shutdown order and its answer. */
class LogchuteTest {

  private static final Duration STEP = Duration.ofMillis(100);
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path root;

  private final FakeClock clock = new FakeClock();

  private void until(String what, java.util.function.BooleanSupplier condition) {
    Await.until(what, WAIT, clock, STEP, condition);
  }

  private Path log() throws Exception {
    return Files.createDirectories(root.resolve("logs")).resolve("app.log");
  }

  private static void append(Path file, String prefix, int n) throws Exception {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append("2026-01-01T00:00:00.000000000Z stdout F ")
          .append(prefix)
          .append(' ')
          .append(i)
          .append('\n');
    }
    Files.writeString(file, b, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
  }

  private Logchute.Builder engine(InMemorySink sink) {
    return Logchute.builder()
        .paths(root.resolve("logs") + "/*.log")
        .dataDir(root.resolve("data"))
        .tailer(t -> t.startAt(StartAt.BEGINNING))
        .clock(clock)
        .sink("memory", sink);
  }

  /** Closes on the fake clock: the flush deadline and retries move only as the test moves it. */
  private boolean close(Logchute engine, Duration timeout) {
    AtomicReference<Boolean> answer = new AtomicReference<>();
    Thread t = new Thread(() -> answer.set(engine.close(timeout)), "closing");
    t.start();
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (t.isAlive()) {
      assertThat(System.nanoTime() - deadline).as("closed within 60 s").isNegative();
      clock.advance(Duration.ofMillis(10));
      LockSupport.parkNanos(1_000_000);
    }
    return answer.get();
  }

  private static List<String> messages(InMemorySink sink) {
    return sink.records().stream().map(LogRecord::messageText).toList();
  }

  @Test
  void deliveredRecordsMoveTheCheckpointsSoARestartGoesOnWhereTheLastRunStopped() throws Exception {
    Path log = log();
    append(log, "first", 20);
    InMemorySink first = new InMemorySink();
    Logchute engine = engine(first).start();
    until("20 records", () -> first.records().size() >= 20);
    assertThat(engine.isAlive()).isTrue();
    assertThat(engine.isReady()).isTrue();
    assertThat(close(engine, Duration.ofSeconds(5))).as("clean shutdown").isTrue();
    assertThat(first.closed()).isTrue();
    assertThat(engine.isAlive()).isFalse();

    append(log, "second", 5);
    InMemorySink second = new InMemorySink();
    Logchute again = engine(second).start();
    until("5 records", () -> second.records().size() >= 5);
    assertThat(close(again, Duration.ofSeconds(5))).isTrue();
    assertThat(messages(second))
        .containsExactly("second 0", "second 1", "second 2", "second 3", "second 4");
  }

  @Test
  void aShutdownWhoseSinkDidNotDeliverInTimeSaysSoAndTheNextStartReadsItAgain() throws Exception {
    Path log = log();
    append(log, "line", 3);
    AtomicBoolean down = new AtomicBoolean(true);
    InMemorySink refusing =
        new InMemorySink()
            .otherwise(b -> down.get() ? SendOutcome.retry(Duration.ZERO, "503") : accepted());
    Logchute engine = engine(refusing).start();
    until("a send tried", () -> !refusing.sent().isEmpty());
    assertThat(close(engine, Duration.ofSeconds(2))).as("clean shutdown").isFalse();
    assertThat(close(engine, Duration.ofSeconds(2))).as("asked again").isFalse();

    InMemorySink working = new InMemorySink();
    Logchute again = engine(working).start();
    until("3 records", () -> working.records().size() >= 3);
    assertThat(close(again, Duration.ofSeconds(5))).isTrue();
    assertThat(messages(working)).containsExactly("line 0", "line 1", "line 2");
  }

  private static SendOutcome accepted() {
    return SendOutcome.accepted();
  }

  @Test
  void theProcessingStageParsesThenRunsTheEmbeddersStepsAndDroppedRecordsStillMoveCheckpoints()
      throws Exception {
    Path log = log();
    Files.writeString(
        log,
        String.join(
            "\n",
            "2026-01-01T00:00:00.000000000Z stdout F {\"level\":\"debug\",\"msg\":\"noise\"}",
            "2026-01-01T00:00:00.000000000Z stdout F {\"level\":\"error\",\"msg\":\"card"
                + " 4111111111111111 declined\"}",
            "2026-01-01T00:00:00.000000000Z stdout F plain line",
            ""));
    InMemorySink sink = new InMemorySink();
    Logchute engine =
        engine(sink)
            .processor(r -> r.severity() == Severity.DEBUG ? null : r) // drop
            .processor(
                r ->
                    r.fields().containsKey("msg")
                        ? r.withFields(
                            Map.of(
                                "msg",
                                r.fields().get("msg").toString().replaceAll("\\d{12,19}", "****")),
                            r.severity())
                        : r) // redact
            .start();
    until("2 records", () -> sink.records().size() >= 2);
    until(
        "3 through the stage",
        () ->
            engine.metrics().value("logchute_processing_records_total", "result", "dropped") == 1);
    assertThat(close(engine, Duration.ofSeconds(5))).isTrue();
    assertThat(sink.records()).hasSize(2);
    LogRecord error = sink.records().get(0);
    assertThat(error.severity())
        .isEqualTo(Severity.ERROR); // parsed by the agent's processing first
    assertThat(error.fields()).containsEntry("msg", "card **** declined");
    assertThat(sink.records().get(1).messageText()).isEqualTo("plain line");

    // everything, the dropped record included, was acknowledged: a restart sends nothing again
    InMemorySink again = new InMemorySink();
    Logchute second = engine(again).start();
    Files.writeString(
        log, "2026-01-01T00:00:01.000000000Z stdout F after\n", StandardOpenOption.APPEND);
    until("the new line", () -> !again.records().isEmpty());
    assertThat(close(second, Duration.ofSeconds(5))).isTrue();
    assertThat(messages(again)).containsExactly("after");
  }

  @Test
  void messageParsingAppliesToTheRecordsOfAnyTailer() throws Exception {
    LogSource source = LogSource.of(root.resolve("socket"), FileIdentity.NONE);
    ListTailer tailer =
        new ListTailer(
            List.of(
                LogRecord.of(
                    source,
                    LogStream.STDOUT,
                    1,
                    "{\"level\":\"warn\",\"msg\":\"slow\",\"ms\":1200}"
                        .getBytes(StandardCharsets.UTF_8),
                    0,
                    1,
                    0)));
    InMemorySink sink = new InMemorySink();
    Logchute engine = Logchute.builder().tailer(tailer).clock(clock).sink("memory", sink).start();
    until("acknowledged", () -> tailer.acknowledged.size() == 1);
    assertThat(close(engine, Duration.ofSeconds(1))).isTrue();
    LogRecord r = sink.records().get(0);
    assertThat(r.severity()).isEqualTo(Severity.WARNING);
    assertThat(r.fields()).containsEntry("ms", 1200L);
    // the tailer gets back the records it emitted
    assertThat(tailer.acknowledged).containsExactlyElementsOf(tailer.records);
  }

  @Test
  void aSinkNamedByItsKindIsFoundWithTheServiceLoaderAndItsSettingsChecked() throws Exception {
    log();
    Logchute.Builder unknownKey =
        Logchute.builder()
            .paths(root.resolve("logs") + "/*.log")
            .dataDir(root.resolve("data"))
            .clock(clock)
            .sink("console", Map.of("colour", "always"));
    assertThatThrownBy(unknownKey::start)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sinks.console.colour");
    Logchute.Builder unknownKind =
        Logchute.builder()
            .paths(root.resolve("logs") + "/*.log")
            .dataDir(root.resolve("data"))
            .clock(clock)
            .sink("no-such-sink", Map.of());
    assertThatThrownBy(unknownKind::start)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sinks.no-such-sink")
        .hasMessageContaining("console");

    Logchute console =
        Logchute.builder()
            .paths(root.resolve("logs") + "/*.log")
            .dataDir(root.resolve("data"))
            .clock(clock)
            .sink("console", Map.of())
            .start();
    assertThat(console.isAlive()).isTrue();
    StringBuilder text = new StringBuilder();
    console.metrics().writePrometheus(text);
    assertThat(text).contains("logchute_files_tracked");
    assertThat(close(console, Duration.ofSeconds(1))).isTrue();
  }

  @Test
  void aBuilderThatCannotWorkIsRefusedBeforeAnythingStarts() {
    assertThatThrownBy(() -> Logchute.builder().dataDir(root).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("no sink");
    assertThatThrownBy(
            () ->
                Logchute.builder()
                    .dataDir(root)
                    .tailer(new ListTailer(List.of()))
                    .sink("memory", new InMemorySink())
                    .start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("custom tailer");
    assertThatThrownBy(
            () ->
                Logchute.builder()
                    .sink("memory", new InMemorySink())
                    .sink("memory", new InMemorySink()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("memory");
  }

  @Test
  void anyTailerCanFeedTheEngineAndGetsItsRecordsAcknowledged() throws Exception {
    LogSource source = LogSource.of(root.resolve("socket"), FileIdentity.NONE);
    List<LogRecord> records = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      records.add(
          LogRecord.of(
              source,
              LogStream.STDOUT,
              i,
              ("event " + i).getBytes(StandardCharsets.UTF_8),
              i,
              i + 1,
              0));
    }
    ListTailer tailer = new ListTailer(records);
    InMemorySink sink = new InMemorySink();
    Logchute engine = Logchute.builder().tailer(tailer).clock(clock).sink("memory", sink).start();
    until("every record acknowledged", () -> tailer.acknowledged.size() == 4);
    assertThat(close(engine, Duration.ofSeconds(1))).isTrue();
    assertThat(messages(sink)).containsExactly("event 0", "event 1", "event 2", "event 3");
    assertThat(tailer.calls).containsExactly("start", "stopReading", "close");
  }

  /** A tailer that emits a fixed list once and records how it is driven. */
  private static final class ListTailer implements Tailer {
    final List<LogRecord> records;
    final List<LogRecord> acknowledged = new CopyOnWriteArrayList<>();
    final List<String> calls = new CopyOnWriteArrayList<>();
    private Thread thread;

    ListTailer(List<LogRecord> records) {
      this.records = records;
    }

    @Override
    public void start(RecordEmitter emitter) {
      calls.add("start");
      thread =
          new Thread(
              () -> {
                try {
                  emitter.emit(records);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
              });
      thread.start();
    }

    @Override
    public void acknowledge(List<LogRecord> done) {
      acknowledged.addAll(done);
    }

    @Override
    public void stopReading() {
      calls.add("stopReading");
      try {
        if (thread != null) {
          thread.join();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void close() {
      calls.add("close");
    }
  }
}
