package io.github.logchute.core.tail;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.spi.InMemorySink;
import io.github.logchute.core.spi.SendOutcome;
import io.github.logchute.core.spi.SinkLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Writers append sequence-numbered lines to many files at full speed while the files are rotated
 * the kubelet's way (rename at a size threshold, gzip older rotated files; nothing is deleted, so
 * that how fast the engine keeps up cannot decide the outcome): every line must arrive exactly
 * once, in order within each file. The engine's fake clock ticks while the writers write, so scans
 * and reads interleave with rotations in every possible way. The same with a sink that is down
 * while the files rotate several times, within a small byte budget: everything arrives after
 * recovery, and the pipeline never holds more than its budget.
 */
class RotationStressIT {

  private static final int FILES = 24;
  private static final int LINES_PER_FILE = 15_000;
  private static final long ROTATE_AT_BYTES = 96 * 1024;

  /** Like the kubelet's monitor interval: never rotate one file twice in quicker succession. */
  private static final long MIN_ROTATION_GAP_NANOS = 60_000_000L;

  @TempDir Path root;

  @Test
  void everyLineArrivesExactlyOnceThroughRotations() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    InMemorySink sink = new InMemorySink(new SinkLimits(2000, 4 << 20, Duration.ofMillis(5), 1));
    try (TailHarness h =
        new TailHarness(root.resolve("data"), logs.glob(), b -> b, sink, 64L << 20)) {
      List<KubeletLogs.Container> containers = containers(logs);
      runWriters(h, containers);
      try {
        h.until(
            "every line delivered", () -> sink.records().size(), n -> n >= FILES * LINES_PER_FILE);
      } catch (AssertionError e) {
        throw new AssertionError(missing(sink.records()) + "\n" + metrics(h), e);
      }
      verify(sink.records());
      assertThat(h.metric("logchute_rotations_total")).isGreaterThan(FILES * 3L);
    }
  }

  @Test
  void anOutageDuringRotationsLosesNothingAndStaysWithinTheBudget() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    AtomicBoolean down = new AtomicBoolean(true);
    InMemorySink sink =
        new InMemorySink(new SinkLimits(500, 1 << 20, Duration.ofMillis(5), 2))
            .otherwise(
                b ->
                    down.get()
                        ? SendOutcome.retry(Duration.ZERO, "503 outage")
                        : SendOutcome.accepted());
    long budget = 512 * 1024;
    try (TailHarness h = new TailHarness(root.resolve("data"), logs.glob(), b -> b, sink, budget)) {
      List<KubeletLogs.Container> containers = containers(logs);
      runWriters(h, containers);
      // all written and rotated (several times each) while the sink was down
      assertThat(h.metric("logchute_rotations_total")).isGreaterThan(FILES * 3L);
      assertThat(h.metrics.value("logchute_pipeline_emit_waits")).isPositive();
      assertThat(h.metrics.value("logchute_pipeline_queued_bytes_peak"))
          .isLessThanOrEqualTo(budget);
      down.set(false);
      h.until(
          "every line accepted after recovery",
          () ->
              h.metrics.value(
                  "logchute_sink_records_total", "sink", "memory", "result", "accepted"),
          n -> n >= FILES * LINES_PER_FILE);
      assertThat(
              h.metrics.value(
                  "logchute_sink_records_total", "sink", "memory", "result", "accepted"))
          .as("records accepted; %s", duplicates(sink.records()))
          .isEqualTo((long) FILES * LINES_PER_FILE);
      assertThat(distinctMessages(sink)).isEqualTo(FILES * LINES_PER_FILE);
      assertThat(h.metrics.value("logchute_pipeline_queued_bytes_peak"))
          .isLessThanOrEqualTo(budget);
    }
  }

  /** Distinct messages the sink was given: with every record accepted once, no line is missing. */
  private static int distinctMessages(InMemorySink sink) {
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (LogRecord r : sink.records()) {
      seen.add(r.messageText());
    }
    return seen.size();
  }

  private static List<KubeletLogs.Container> containers(KubeletLogs logs) throws Exception {
    List<KubeletLogs.Container> out = new ArrayList<>();
    for (int i = 0; i < FILES; i++) {
      out.add(logs.container("stress", "pod-" + i, "app"));
    }
    return out;
  }

  /**
   * Four writer threads, each appending to its share of the files in turn, line by line, while a
   * fifth moves the engine's clock on.
   */
  private static void runWriters(TailHarness h, List<KubeletLogs.Container> containers)
      throws Exception {
    AtomicBoolean writing = new AtomicBoolean(true);
    Thread ticker =
        new Thread(
            () -> {
              while (writing.get()) {
                h.clock.advance(TailHarness.STEP);
                java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
              }
            },
            "clock-ticker");
    ticker.start();
    try {
      runWriters(containers, () -> {});
    } finally {
      writing.set(false);
      ticker.join();
    }
  }

  /** Four writer threads, each appending to its share of the files in turn, line by line. */
  private static void runWriters(List<KubeletLogs.Container> containers, Runnable afterEach)
      throws Exception {
    int threads = 4;
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> futures = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int first = t;
        futures.add(
            pool.submit(
                () -> {
                  long[] lastRotation = new long[containers.size()];
                  for (int seq = 0; seq < LINES_PER_FILE; seq++) {
                    for (int i = first; i < containers.size(); i += threads) {
                      KubeletLogs.Container c = containers.get(i);
                      c.cri(
                          "stdout", "pod-" + i + " seq=" + seq + " " + "payload-".repeat(seq % 7));
                      if (c.bytesInFile() >= ROTATE_AT_BYTES
                          && System.nanoTime() - lastRotation[i] >= MIN_ROTATION_GAP_NANOS) {
                        c.rotate(Integer.MAX_VALUE, List.of());
                        lastRotation[i] = System.nanoTime();
                      }
                    }
                  }
                  afterEach.run();
                  return null;
                }));
      }
      for (Future<?> f : futures) {
        f.get();
      }
    } finally {
      pool.shutdown();
    }
  }

  /** Which sequence numbers have not arrived, as ranges per pod (for a failure message). */
  private static String missing(List<LogRecord> records) {
    Map<String, boolean[]> seen = new java.util.TreeMap<>();
    for (LogRecord r : records) {
      String text = r.messageText();
      int space = text.indexOf(' ');
      int end = text.indexOf(' ', space + 1);
      int seq = Integer.parseInt(text.substring(space + 5, end < 0 ? text.length() : end));
      seen.computeIfAbsent(text.substring(0, space), k -> new boolean[LINES_PER_FILE])[seq] = true;
    }
    StringBuilder sb = new StringBuilder("missing:");
    seen.forEach(
        (pod, s) -> {
          for (int i = 0; i < s.length; i++) {
            if (!s[i]) {
              int j = i;
              while (j + 1 < s.length && !s[j + 1]) {
                j++;
              }
              sb.append(' ').append(pod).append('[').append(i).append("..").append(j).append(']');
              i = j;
            }
          }
        });
    return sb.toString();
  }

  /** Records delivered more than once, by where they were read (for a failure message). */
  private static String duplicates(List<LogRecord> records) {
    Map<String, LogRecord> first = new HashMap<>();
    StringBuilder sb = new StringBuilder("duplicates:");
    int n = 0;
    for (LogRecord r : records) {
      LogRecord before = first.putIfAbsent(r.messageText(), r);
      if (before != null && n++ < 5) {
        sb.append("\n  ")
            .append(r.messageText(), 0, Math.min(20, r.messageText().length()))
            .append(" first ")
            .append(before.source())
            .append(" @")
            .append(before.startOffset())
            .append(" again ")
            .append(r.source())
            .append(" @")
            .append(r.startOffset());
      }
    }
    return sb.append("\n  total ").append(n).toString();
  }

  private static String metrics(TailHarness h) {
    StringBuilder sb = new StringBuilder();
    h.metrics.writePrometheus(sb);
    return sb.toString();
  }

  private static void verify(List<LogRecord> records) {
    Map<String, boolean[]> seen = new HashMap<>();
    Map<LogSource, Integer> lastSeqPerFile = new HashMap<>();
    for (LogRecord r : records) {
      String text = r.messageText();
      int space = text.indexOf(' ');
      String pod = text.substring(0, space);
      int end = text.indexOf(' ', space + 1);
      int seq = Integer.parseInt(text.substring(space + 5, end < 0 ? text.length() : end));
      boolean[] s = seen.computeIfAbsent(pod, k -> new boolean[LINES_PER_FILE]);
      assertThat(s[seq])
          .as(() -> pod + " seq " + seq + " delivered twice; " + duplicates(records))
          .isFalse();
      s[seq] = true;
      Integer last = lastSeqPerFile.put(r.source(), seq);
      if (last != null) {
        assertThat(seq).as("order within %s", r.source()).isGreaterThan(last);
      }
    }
    assertThat(seen).hasSize(FILES);
    for (Map.Entry<String, boolean[]> e : seen.entrySet()) {
      for (int i = 0; i < LINES_PER_FILE; i++) {
        assertThat(e.getValue()[i]).as("%s seq %d missing", e.getKey(), i).isTrue();
      }
    }
  }
}
