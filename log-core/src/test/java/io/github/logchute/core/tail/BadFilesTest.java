package io.github.logchute.core.tail;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.Await;
import io.github.logchute.core.FakeClock;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.metrics.MetricsRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Nothing is skipped silently: a path that is not a readable log file is logged once and counted
 * with its reason; a file whose reading fails unexpectedly is quarantined — logged, counted, its
 * checkpoint kept — while every other file goes on and the reader thread lives.
 */
class BadFilesTest {

  @TempDir Path root;

  private final FakeClock clock = new FakeClock();
  private final MetricsRegistry metrics = new MetricsRegistry();

  private FileTailer tailer(Path dir) throws Exception {
    return new FileTailer(
        TailerConfig.builder()
            .include(List.of(dir + "/*.log"))
            .dataDir(root.resolve("data"))
            .startAt(StartAt.BEGINNING)
            .build(),
        metrics,
        clock);
  }

  private void until(String what, java.util.function.BooleanSupplier condition) {
    Await.until(what, Duration.ofSeconds(60), clock, Duration.ofMillis(100), condition);
  }

  @Test
  void matchesThatAreNotRegularFilesAreLoggedAndCountedOnceByReason() throws Exception {
    Path dir = Files.createDirectories(root.resolve("logs"));
    Files.createDirectory(dir.resolve("a-directory.log"));
    Files.createSymbolicLink(dir.resolve("dangling.log"), dir.resolve("nowhere"));
    Process mkfifo = new ProcessBuilder("mkfifo", dir.resolve("pipe.log").toString()).start();
    assertThat(mkfifo.waitFor()).isZero();
    Files.writeString(dir.resolve("good.log"), "a line\n");
    List<LogRecord> got = new CopyOnWriteArrayList<>();
    try (Logged logged = Logged.from(FileTailer.class)) {
      FileTailer t = tailer(dir);
      try {
        t.start(records -> got.addAll(records));
        until("the good file read", () -> got.size() == 1);
        clock.advance(Duration.ofSeconds(10)); // ten more scans
        until("scans", () -> t.isAlive());
        assertThat(metrics.value("logchute_files_skipped_total", "reason", "directory"))
            .isEqualTo(1);
        assertThat(metrics.value("logchute_files_skipped_total", "reason", "dangling_link"))
            .isEqualTo(1);
        assertThat(metrics.value("logchute_files_skipped_total", "reason", "fifo")).isEqualTo(1);
        assertThat(logged.lines("is skipped (")).hasSize(3);
        assertThat(logged.lines("pipe.log")).singleElement().asString().contains("FIFO");
      } finally {
        t.close();
      }
    }
  }

  @Test
  void aFileWhoseReadingFailsIsQuarantinedAndTheOthersGoOn() throws Exception {
    Path dir = Files.createDirectories(root.resolve("logs"));
    Files.writeString(dir.resolve("bad.log"), "one\ntwo\n");
    Files.writeString(dir.resolve("good.log"), "a\nb\n");
    List<LogRecord> got = new CopyOnWriteArrayList<>();
    FileTailer[] ref = new FileTailer[1];
    try (Logged logged = Logged.from(FileTailer.class)) {
      FileTailer t = tailer(dir);
      ref[0] = t;
      t.start(
          records -> {
            if (records.get(0).source().path().endsWith("bad.log")) {
              throw new IllegalStateException("a bug in a processor");
            }
            got.addAll(records);
            ref[0].acknowledge(records);
          });
      until("the good file read", () -> got.size() == 2);
      until(
          "the bad file quarantined", () -> metrics.value("logchute_files_quarantined_total") == 1);
      Files.writeString(dir.resolve("good.log"), "c\n", java.nio.file.StandardOpenOption.APPEND);
      until("the reader goes on", () -> got.size() == 3);
      assertThat(t.isAlive()).isTrue();
      assertThat(logged.lines("reading failed unexpectedly")).hasSize(1);
      t.close();
    }
    // the bad file's checkpoint stayed at its start: a restart tries it again
    assertThat(Files.readString(root.resolve("data/checkpoints.json")))
        .contains("bad.log\",\"dev\"")
        .containsPattern("bad.log\",\"dev\":[0-9]+,\"ino\":[0-9]+,\"offset\":0,");
  }
}
