package io.github.logchute.core.tail;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.Await;
import io.github.logchute.core.EngineHarness;
import io.github.logchute.core.FakeClock;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.spi.InMemorySink;
import io.github.logchute.core.spi.SendOutcome;
import io.github.logchute.core.spi.SinkLimits;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rotated files are found from the directory, not only by watching: whatever happened between two
 * scans — or before the path was first seen, or during backpressure — every rotated file is read
 * exactly once, oldest first, and a partial line cut by a rotation comes out whole. The engine runs
 * on a fake clock with the default intervals (1 s scans, 5 s rotateWait and checkpoints).
 */
class RotationRecoveryTest {

  private static final Duration STEP = Duration.ofMillis(100);
  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir Path root;

  private final FakeClock clock = new FakeClock();

  private EngineHarness engine(InMemorySink sink, Path data) throws Exception {
    return EngineHarness.builder(data, root.resolve("containers") + "/*.log")
        .sink("memory", sink)
        .clock(clock)
        .tweak(
            b ->
                b.refreshInterval(Duration.ofSeconds(1))
                    .pollInterval(Duration.ofMillis(100))
                    .checkpointInterval(Duration.ofSeconds(5))
                    .rotateWait(Duration.ofSeconds(5)))
        .start();
  }

  private EngineHarness engine(InMemorySink sink, Path data, Duration refresh, Duration rotateWait)
      throws Exception {
    return EngineHarness.builder(data, root.resolve("containers") + "/*.log")
        .sink("memory", sink)
        .clock(clock)
        .tweak(
            b ->
                b.refreshInterval(refresh)
                    .pollInterval(Duration.ofMillis(100))
                    .checkpointInterval(Duration.ofSeconds(5))
                    .rotateWait(rotateWait)
                    .mergeTimeout(Duration.ofSeconds(5)))
        .start();
  }

  private static InMemorySink sink() {
    return new InMemorySink(new SinkLimits(500, 1 << 20, Duration.ofMillis(50), 2));
  }

  private void until(String what, BooleanSupplier condition) {
    Await.until(what, WAIT, clock, STEP, condition);
  }

  private static List<String> messages(InMemorySink sink) {
    return sink.records().stream().map(LogRecord::messageText).toList();
  }

  private static void lines(KubeletLogs.Container c, String prefix, int n) {
    for (int i = 0; i < n; i++) {
      c.cri("stdout", prefix + " " + i);
    }
  }

  private static List<String> expected(String prefix, int n) {
    return IntStream.range(0, n).mapToObj(i -> prefix + " " + i).toList();
  }

  @Test
  void aPathFirstSeenWhileRunningIsReadWholeRotationsIncludedOldestFirst() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    InMemorySink sink = sink();
    try (EngineHarness h = engine(sink, root.resolve("data"))) {
      // the agent runs before the container starts; the container writes and rotates twice before
      // the next scan: its first file is already compressed, the second is still plain
      KubeletLogs.Container c = logs.container("prod", "early", "app");
      lines(c, "first", 100);
      c.rotate(5, List.of("first late"));
      lines(c, "second", 100);
      c.rotate(5, List.of());
      lines(c, "live", 100);
      assertThat(c.live().resolveSibling("0.log.00000000.gz")).exists();
      until("every line", () -> sink.records().size() >= 301);
      List<String> all = new ArrayList<>(expected("first", 100));
      all.add("first late");
      all.addAll(expected("second", 100));
      all.addAll(expected("live", 100));
      assertThat(messages(sink)).containsExactlyElementsOf(all);
      assertThat(h.metric("logchute_files_lost_total")).isZero();
    }
  }

  @Test
  void rotationsFasterThanScansDuringAnOutageAreEachReadOnceInOrder() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    AtomicBoolean down = new AtomicBoolean(true);
    InMemorySink sink =
        sink()
            .otherwise(
                b -> down.get() ? SendOutcome.retry(Duration.ZERO, "503") : SendOutcome.accepted());
    KubeletLogs.Container c = logs.container("prod", "busy", "app");
    lines(c, "file0", 50);
    try (EngineHarness h = engine(sink, root.resolve("data"))) {
      until("the first file is being read", () -> h.metric("logchute_bytes_read_total") > 0);
      // six rotations (gzip, deletion beyond 5 files, late writes) without a scan in between,
      // while the sink refuses everything
      List<String> all = new ArrayList<>(expected("file0", 50));
      for (int r = 1; r <= 6; r++) {
        c.rotate(7, List.of("late " + r));
        all.add("late " + r);
        lines(c, "file" + r, 50);
        all.addAll(expected("file" + r, 50));
      }
      down.set(false);
      until(
          "every line accepted",
          () ->
              h.metrics.value("logchute_sink_records_total", "sink", "memory", "result", "accepted")
                  >= all.size());
      // the in-memory sink keeps every batch it encoded once (a retry sends the same encoding)
      assertThat(messages(sink)).containsExactlyElementsOf(all);
      assertThat(
              h.metrics.value(
                  "logchute_sink_records_total", "sink", "memory", "result", "accepted"))
          .isEqualTo(all.size());
      assertThat(h.metric("logchute_files_lost_total")).isZero();
    }
  }

  @Test
  void aPartialLineCutByARotationArrivesAsOneRecord() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    InMemorySink sink = sink();
    KubeletLogs.Container c = logs.container("prod", "split", "app");
    try (EngineHarness h = engine(sink, root.resolve("data"))) {
      c.cri("stdout", "before");
      c.write("2026-01-01T00:00:00.000000001Z stdout P first half of stdout, \n");
      c.write("2026-01-01T00:00:00.000000002Z stderr P first half of stderr, \n");
      c.rotate(5, List.of());
      c.write("2026-01-01T00:00:00.000000003Z stderr F second half of stderr\n");
      c.write("2026-01-01T00:00:00.000000004Z stdout F second half of stdout\n");
      c.cri("stdout", "after");
      until("four records", () -> sink.records().size() >= 4);
      until("the rotated file finished", () -> h.metric("logchute_files_tracked") == 1);
      assertThat(messages(sink))
          .containsExactly(
              "before",
              "first half of stderr, second half of stderr",
              "first half of stdout, second half of stdout",
              "after");
      LogRecord joined = sink.records().get(2);
      assertThat(joined.hasFlag(LogRecord.MERGED)).isTrue();
      assertThat(joined.hasFlag(LogRecord.TRUNCATED)).isFalse();
      assertThat(joined.source().identity())
          .isNotEqualTo(sink.records().get(0).source().identity());
    }
  }

  @Test
  void aPartialLineWhoseFileRotatedBeforeTheNextScanIsNotCutByTheMergeTimeout() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    InMemorySink sink = sink();
    KubeletLogs.Container c = logs.container("prod", "slow-scan", "app");
    // scans every 30 s, partial lines time out after 5 s: the rotation is noticed long after the
    // partial line's end was written into the next file
    try (EngineHarness h =
        engine(sink, root.resolve("data"), Duration.ofSeconds(30), Duration.ofSeconds(5))) {
      c.cri("stdout", "before");
      c.write("2026-01-01T00:00:00.000000001Z stdout P first half, \n");
      until("the first line", () -> sink.records().size() >= 1);
      c.rotate(5, List.of());
      c.write("2026-01-01T00:00:00.000000002Z stdout F second half\n");
      c.cri("stdout", "after");
      until("three records", () -> sink.records().size() >= 3);
      assertThat(messages(sink)).containsExactly("before", "first half, second half", "after");
      assertThat(sink.records().get(1).hasFlag(LogRecord.TRUNCATED)).isFalse();
      assertThat(h.metric("logchute_files_lost_total")).isZero();
    }
  }

  @Test
  void aPartialLineEndingARotatedFileWaitsForTheNextFileBeyondTheMergeTimeout() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    InMemorySink sink = sink();
    KubeletLogs.Container c = logs.container("prod", "slow-reopen", "app");
    try (EngineHarness h =
        engine(sink, root.resolve("data"), Duration.ofSeconds(1), Duration.ofSeconds(30))) {
      c.cri("stdout", "before");
      c.write("2026-01-01T00:00:00.000000001Z stdout P first half, \n");
      until("the first line", () -> sink.records().size() >= 1);
      c.rotate(5, List.of());
      // the runtime reopens late: the new file stays empty for 10 s, twice the merge timeout
      until("the rotation is seen", () -> h.metric("logchute_files_tracked") == 2);
      elapse(Duration.ofSeconds(10));
      assertThat(messages(sink)).containsExactly("before");
      c.write("2026-01-01T00:00:00.000000002Z stdout F second half\n");
      c.cri("stdout", "after");
      until("three records", () -> sink.records().size() >= 3);
      assertThat(messages(sink)).containsExactly("before", "first half, second half", "after");
    }
  }

  @Test
  void aPartialLineCutByARotationIsJoinedAgainAfterACrashBeforeItWasDelivered() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    Path data = root.resolve("data");
    AtomicBoolean down = new AtomicBoolean(false);
    InMemorySink first =
        sink()
            .otherwise(
                b -> down.get() ? SendOutcome.retry(Duration.ZERO, "503") : SendOutcome.accepted());
    KubeletLogs.Container c = logs.container("prod", "split", "app");
    c.cri("stdout", "before");
    Path crashed = root.resolve("checkpoints-at-crash.json");
    try (EngineHarness h = engine(first, data)) {
      until("the first line delivered", () -> h.metric("logchute_sink_records_total") == 1);
      down.set(true);
      c.write("2026-01-01T00:00:00.000000001Z stdout P first half, \n");
      c.rotate(5, List.of());
      c.write("2026-01-01T00:00:00.000000004Z stdout F second half\n");
      until("the joined record sent", () -> first.records().size() == 2);
      clock.advance(Duration.ofSeconds(5)); // a checkpoint while it is not acknowledged
      until(
          "a checkpoint with both files",
          () -> {
            try {
              String json = Files.readString(data.resolve("checkpoints.json"));
              return json.split("\"ino\"", -1).length - 1 == 2;
            } catch (java.io.IOException e) {
              return false;
            }
          });
      Files.copy(data.resolve("checkpoints.json"), crashed); // what a kill -9 would leave
    }
    Files.copy(
        crashed,
        data.resolve("checkpoints.json"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    InMemorySink second = sink();
    try (EngineHarness h = engine(second, data)) {
      until("the joined record again", () -> second.records().size() >= 1);
      until("the rotated file finished", () -> h.metric("logchute_files_tracked") == 1);
      assertThat(messages(second)).containsExactly("first half, second half");
    }
  }

  @Test
  void aRotatedFileReadToItsEndBeforeAStopIsNotReadAgainOnceCompressed() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    Path data = root.resolve("data");
    KubeletLogs.Container c = logs.container("prod", "web", "app");
    InMemorySink sink = sink();
    try (EngineHarness h = engine(sink, data)) {
      lines(c, "rotated", 1000);
      until("the file read", () -> h.metric("logchute_sink_records_total") == 1000);
      c.rotate(5, List.of());
      clock.advance(Duration.ofSeconds(1));
      until("the rotation seen", () -> h.metric("logchute_rotations_total") == 1);
      // stopped within rotateWait: the rotated file is read to its end but still draining
      assertThat(h.metric("logchute_files_released_total")).isZero();
    }
    for (int restart = 0; restart < 2; restart++) {
      InMemorySink again = sink();
      try (EngineHarness h = engine(again, data)) {
        until("a scan", () -> h.metric("logchute_files_tracked") >= 1);
        clock.advance(Duration.ofSeconds(6));
        // the first restart resumes it at its end and lets it go (done, saved by fingerprint);
        // the second one finds it done
        until("only the live file left", () -> h.metric("logchute_files_tracked") == 1);
        assertThat(again.records()).isEmpty();
      }
    }
    // the kubelet compresses it at the next rotation; then it rotates the live file again
    lines(c, "second", 10);
    c.rotate(5, List.of());
    lines(c, "third", 10);
    assertThat(c.live().resolveSibling("0.log.00000000.gz")).exists();
    InMemorySink last = sink();
    try (EngineHarness h = engine(last, data)) {
      until("the new lines", () -> last.records().size() >= 20);
      clock.advance(Duration.ofSeconds(10));
      until("settled", () -> h.metric("logchute_files_tracked") == 1);
      List<String> all = new ArrayList<>(expected("second", 10));
      all.addAll(expected("third", 10));
      assertThat(messages(last)).containsExactlyElementsOf(all);
    }
  }

  @Test
  void aCopytruncateIsFollowedIntoTheCopyAndTheFileReadAgainFromItsStart() throws Exception {
    copytruncate(false);
  }

  @Test
  void aCopytruncateWhoseCopyWasCompressedBeforeTheReaderNoticedIsFollowedIntoTheGzip()
      throws Exception {
    copytruncate(true);
  }

  /**
   * 100 lines read, 50 more written, then the file is copied and truncated (and, with {@code
   * compressTheCopy}, the copy compressed and its plain form deleted) before logchute looks again,
   * then 200 lines written into the truncated file: every line once, in order.
   */
  private void copytruncate(boolean compressTheCopy) throws Exception {
    Path dir = Files.createDirectories(root.resolve("containers"));
    Path live = dir.resolve("app.log");
    InMemorySink sink = sink();
    try (EngineHarness h = engine(sink, root.resolve("data"))) {
      Files.writeString(live, criLines("00.1", "before", 100));
      until("a first look", () -> sink.records().size() >= 1);
      Files.writeString(live, criLines("00.2", "unread", 50), StandardOpenOption.APPEND);
      Path copy = dir.resolve("app.log.1");
      Files.copy(live, copy);
      Files.write(live, new byte[0]);
      if (compressTheCopy) {
        gzip(copy, dir.resolve("app.log.1.gz"));
        Files.delete(copy);
      }
      Files.writeString(live, criLines("00.3", "after", 200));
      until("every line", () -> sink.records().size() >= 350);
      // long enough for the truncated file to be let go and the directory scanned again
      elapse(Duration.ofSeconds(15));
      List<String> all = new ArrayList<>(expected("before", 100));
      all.addAll(expected("unread", 50));
      all.addAll(expected("after", 200));
      assertThat(messages(sink)).containsExactlyElementsOf(all);
      assertThat(h.metric("logchute_truncations_total")).isEqualTo(1);
      assertThat(h.metric("logchute_files_lost_total")).isZero();
    }
  }

  /** {@code n} CRI lines "{@code prefix} i" stamped {@code 2026-01-01T00:00:<seconds>Z}. */
  private static String criLines(String seconds, String prefix, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append("2026-01-01T00:00:")
          .append(seconds)
          .append("Z stdout F ")
          .append(prefix)
          .append(' ')
          .append(i)
          .append('\n');
    }
    return b.toString();
  }

  /** Moves the fake clock on by {@code d}, in the usual steps (the engine runs meanwhile). */
  private void elapse(Duration d) {
    long until = clock.nanoTime() + d.toNanos();
    until("the clock to move on by " + d, () -> clock.nanoTime() - until >= 0);
  }

  /**
   * The reader is held up in the middle of the live file by a sink outage while the file is copied
   * and truncated twice: the first generation's rest is in the first copy, the second generation
   * only in the second copy, the third in the file. Every line once, generation after generation.
   */
  @Test
  void copytruncatesFasterThanTheReaderKeepEveryGenerationInOrder() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    AtomicBoolean down = new AtomicBoolean(true);
    InMemorySink sink =
        sink()
            .otherwise(
                b -> down.get() ? SendOutcome.retry(Duration.ZERO, "503") : SendOutcome.accepted());
    KubeletLogs.Container c = logs.container("prod", "copied", "app");
    int n = 3000; // about 130 KiB a generation: many reads, and more than the byte budget
    lines(c, "gen1", n);
    try (EngineHarness h =
        EngineHarness.builder(root.resolve("data"), logs.glob())
            .sink("memory", sink)
            .clock(clock)
            .maxQueuedBytes(64 * 1024)
            .tweak(b -> b.pollInterval(Duration.ofMillis(100)).readBufferBytes(16 * 1024))
            .start()) {
      until(
          "the reader is held up in the first generation",
          () -> h.metric("logchute_pipeline_emit_waits") > 0);
      Files.copy(c.live(), c.live().resolveSibling("0.log.20260101-000001"));
      c.truncate();
      lines(c, "gen2", n);
      elapse(Duration.ofSeconds(2)); // scans find the first copy
      Files.copy(c.live(), c.live().resolveSibling("0.log.20260101-000002"));
      c.truncate();
      lines(c, "gen3", n);
      elapse(Duration.ofSeconds(2)); // and the second
      down.set(false);
      until(
          "every line accepted",
          () ->
              h.metrics.value("logchute_sink_records_total", "sink", "memory", "result", "accepted")
                  >= 3L * n);
      elapse(Duration.ofSeconds(15));
      List<String> all = new ArrayList<>(expected("gen1", n));
      all.addAll(expected("gen2", n));
      all.addAll(expected("gen3", n));
      assertThat(messages(sink)).containsExactlyElementsOf(all);
      assertThat(h.metric("logchute_files_lost_total")).isZero();
    }
  }

  /**
   * The reader is held up in the live file by a sink outage when the file is copied and truncated;
   * logchute is stopped before the reader looks at the file again, and the sink, back, takes what
   * was read. The position saved holds for the copy: the next run reads the rest of it, then the
   * new content — nothing twice.
   */
  @Test
  void aStopBeforeTheReaderNoticedACopytruncateSavesAPositionTheCopyIsResumedFrom()
      throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    AtomicBoolean down = new AtomicBoolean(true);
    InMemorySink first =
        sink()
            .otherwise(
                b -> down.get() ? SendOutcome.retry(Duration.ZERO, "503") : SendOutcome.accepted());
    KubeletLogs.Container c = logs.container("prod", "stopped", "app");
    int n = 3000;
    lines(c, "gen1", n);
    Path data = root.resolve("data");
    EngineHarness h =
        EngineHarness.builder(data, logs.glob())
            .sink("memory", first)
            .clock(clock)
            .maxQueuedBytes(64 * 1024)
            .tweak(b -> b.pollInterval(Duration.ofMillis(100)).readBufferBytes(16 * 1024))
            .start();
    until("the reader is held up", () -> h.metric("logchute_pipeline_emit_waits") > 0);
    Files.copy(c.live(), c.live().resolveSibling("0.log.20260101-000001"));
    c.truncate();
    lines(c, "gen2", 100);
    h.tailer.stopReading();
    down.set(false);
    h.close(); // delivers what was read, saves the checkpoints
    List<String> delivered = messages(first);
    assertThat(delivered).isNotEmpty().hasSizeLessThan(n);

    InMemorySink second = sink();
    try (EngineHarness again = engine(second, data)) {
      until("the rest", () -> second.records().size() >= n + 100 - delivered.size());
      elapse(Duration.ofSeconds(15));
      List<String> all = new ArrayList<>(delivered);
      all.addAll(messages(second));
      List<String> expected = new ArrayList<>(expected("gen1", n));
      expected.addAll(expected("gen2", 100));
      assertThat(all).containsExactlyElementsOf(expected);
      assertThat(again.metric("logchute_files_lost_total")).isZero();
    }
  }

  @Test
  void aCopytruncateBeforeTheReaderReachedTheFileIsReadFromTheCopyThenTheNewContent()
      throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    KubeletLogs.Container c = logs.container("prod", "late-reader", "app");
    lines(c, "gen1", 50);
    // the reader holds back until the pod's metadata is known: the file is open, its first bytes
    // known, nothing read
    java.util.concurrent.CompletableFuture<Void> known =
        new java.util.concurrent.CompletableFuture<>();
    io.github.logchute.core.spi.MetadataEnricher enricher =
        new io.github.logchute.core.spi.MetadataEnricher() {
          @Override
          public java.util.concurrent.CompletionStage<?> whenReady(
              io.github.logchute.core.LogSource source) {
            return known;
          }

          @Override
          public void enrich(
              io.github.logchute.core.LogSource source,
              io.github.logchute.core.SourceMetadata.Builder metadata) {}
        };
    InMemorySink sink = sink();
    try (EngineHarness h =
        EngineHarness.builder(root.resolve("data"), root.resolve("containers") + "/*.log")
            .sink("memory", sink)
            .clock(clock)
            .enricher(enricher)
            .tweak(b -> b.pollInterval(Duration.ofMillis(100)).metadataWait(Duration.ofHours(1)))
            .start()) {
      until("the file found", () -> h.metric("logchute_files_tracked") == 1);
      // copied, truncated and written again before a byte of it was read
      Files.copy(c.live(), c.live().resolveSibling("0.log.00000000"));
      c.truncate();
      lines(c, "gen2", 50);
      known.complete(null);
      until("both generations", () -> sink.records().size() >= 100);
      elapse(Duration.ofSeconds(15));
      List<String> all = new ArrayList<>(expected("gen1", 50));
      all.addAll(expected("gen2", 50));
      assertThat(messages(sink)).containsExactlyElementsOf(all);
      assertThat(h.metric("logchute_files_lost_total")).isZero();
    }
  }

  @Test
  void aCheckpointedFileDeletedWhileDownIsCountedLostWithOneLine() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    Path data = root.resolve("data");
    KubeletLogs.Container c = logs.container("prod", "gone", "app");
    lines(c, "read", 10);
    AtomicBoolean down = new AtomicBoolean(false);
    InMemorySink sink =
        sink()
            .otherwise(
                b -> down.get() ? SendOutcome.retry(Duration.ZERO, "503") : SendOutcome.accepted());
    long unread;
    try (EngineHarness h = engine(sink, data)) {
      until("read and delivered", () -> h.metric("logchute_sink_records_total") == 10);
      down.set(true);
      long before = Files.size(c.live());
      lines(c, "unread", 10);
      unread = Files.size(c.live()) - before;
      until("the unread lines sent", () -> sink.records().size() == 20);
    }
    Logged logged = Logged.from(FileTailer.class);
    // four rotations while down with two files kept: the checkpointed file is deleted unread
    for (int r = 0; r < 4; r++) {
      c.rotate(3, List.of());
      lines(c, "next" + r, 5);
    }
    InMemorySink after = sink();
    try (EngineHarness h = engine(after, data)) {
      until("settled", () -> after.records().size() >= 10);
      assertThat(h.metric("logchute_files_lost_total")).isEqualTo(1);
      assertThat(h.metric("logchute_bytes_lost_total")).isEqualTo(unread);
      assertThat(logged.lines("lost: "))
          .singleElement()
          .satisfies(
              l ->
                  assertThat(l)
                      .contains("path=" + c.link())
                      .contains("bytes=" + unread)
                      .matches(".*inode=[0-9]+ offset=[0-9]+ .*"));
    } finally {
      logged.close();
    }
  }

  @Test
  void aFileSeenOnlyByARunKilledBeforeItsFirstIntervalIsCountedLostWhenDeletedBeforeTheNext()
      throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    Path data = root.resolve("data");
    KubeletLogs.Container c = logs.container("prod", "flaky", "app");
    InMemorySink down = sink().otherwise(b -> SendOutcome.retry(Duration.ZERO, "503"));
    lines(c, "a", 10);
    long aSize = Files.size(c.live());
    try (EngineHarness h = engine(down, data)) {
      until("a read", () -> h.metric("logchute_bytes_read_total") >= aSize);
    }
    // while logchute is down: a rotates, b is written and rotates too, c is the live file
    c.rotate(5, List.of());
    lines(c, "b", 10);
    c.rotate(5, List.of());
    Path b = c.live().resolveSibling("0.log.00000001");
    long bInode = ((Number) Files.getAttribute(b, "unix:ino")).longValue();
    long bSize = Files.size(b);
    lines(c, "c", 10);
    Path crashed = root.resolve("checkpoints-at-kill.json");
    try (EngineHarness h = engine(down, data)) {
      // killed right after it started, before any checkpoint interval: what start() saved is all
      // the next run gets
      Files.copy(data.resolve("checkpoints.json"), crashed);
      assertThat(h.metric("logchute_files_tracked")).isEqualTo(3);
    }
    Files.copy(
        crashed,
        data.resolve("checkpoints.json"),
        java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    // down again: two rotations keeping one rotated file delete a and b, never delivered
    c.rotate(3, List.of());
    lines(c, "d", 10);
    c.rotate(3, List.of());
    assertThat(b).doesNotExist();
    assertThat(b.resolveSibling("0.log.00000001.gz")).doesNotExist();
    Logged logged = Logged.from(FileTailer.class);
    InMemorySink after = sink();
    try (EngineHarness h = engine(after, data)) {
      until("c and d", () -> after.records().size() >= 20);
      assertThat(messages(after))
          .containsAll(expected("c", 10))
          .containsAll(expected("d", 10))
          .noneMatch(m -> m.startsWith("a ") || m.startsWith("b "));
      assertThat(h.metric("logchute_files_lost_total")).isEqualTo(2);
      assertThat(h.metric("logchute_bytes_lost_total")).isEqualTo(aSize + bSize);
      assertThat(logged.lines("lost: ")).anyMatch(l -> l.contains("inode=" + bInode + " "));
    } finally {
      logged.close();
    }
  }

  /** Writes a gzip file (for a rotated file compressed by hand). */
  static void gzip(Path from, Path to) throws Exception {
    try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(to))) {
      Files.copy(from, o);
    }
  }
}
