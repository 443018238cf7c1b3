package io.github.logchute.core.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.FakeClock;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogStream;
import io.github.logchute.core.metrics.MetricsRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** When a held event goes out: idle timeout (FakeClock, no sleeping), end lines, size limits. */
class MultilineFlushTest {

  final MetricsRegistry registry = new MetricsRegistry();
  final FakeClock clock = new FakeClock();

  MultilineGrouper grouper(ProcessingOptions.Builder options) {
    return new MultilineGrouper(options.build(), ProcessMetrics.register(registry), clock);
  }

  MultilineGrouper grouper(MultilineRule rule) {
    return grouper(ProcessingOptions.builder().multiline(rule));
  }

  @Test
  void idleStreamIsFlushedAfterTheTimeoutWithoutSleeping() {
    MultilineGrouper g = grouper(MultilineRule.java());
    List<LogRecord> in =
        new Lines().all(LogStream.STDERR, Lines.resource("java/jdk17-uncaught-suppressed.txt"));
    List<LogRecord> out = new ArrayList<>();
    in.forEach(r -> g.feed(r, out));
    long deadline = g.nextDeadlineNanos();
    assertThat(deadline).isEqualTo(clock.nanoTime() + Duration.ofSeconds(1).toNanos());
    clock.advance(Duration.ofMillis(999));
    g.flushIdle(clock.nanoTime(), out);
    assertThat(out).isEmpty();
    clock.advance(Duration.ofMillis(1));
    g.flushIdle(clock.nanoTime(), out);
    assertThat(out).hasSize(1);
    assertThat(out.get(0).hasFlag(LogRecord.MULTILINE)).isTrue();
    assertThat(g.hasPending()).isFalse();
    assertThat(g.nextDeadlineNanos()).isEqualTo(Long.MAX_VALUE);
    assertThat(registry.value("logchute_process_multiline_idle_flushes_total")).isEqualTo(1);
  }

  @Test
  void idleTimeoutIsPerStreamAndCountsFromTheLastLine() {
    MultilineGrouper g =
        grouper(
            ProcessingOptions.builder()
                .multiline(MultilineRule.go())
                .multilineTimeout(Duration.ofMillis(500)));
    Lines lines = new Lines();
    List<LogRecord> out = new ArrayList<>();
    g.feed(lines.next(LogStream.STDOUT, "panic: a"), out);
    clock.advance(Duration.ofMillis(300));
    g.feed(lines.next(LogStream.STDERR, "panic: b"), out);
    clock.advance(Duration.ofMillis(300));
    g.feed(lines.next(LogStream.STDERR, ""), out);
    g.flushIdle(clock.nanoTime(), out);
    assertThat(out).extracting(LogRecord::messageText).containsExactly("panic: a");
    clock.advance(Duration.ofMillis(499));
    g.flushIdle(clock.nanoTime(), out);
    assertThat(out).hasSize(1);
    clock.advance(Duration.ofMillis(1));
    g.flushIdle(clock.nanoTime(), out);
    // the tentative blank line goes out on its own after the event
    assertThat(out).extracting(LogRecord::messageText).containsExactly("panic: a", "panic: b", "");
  }

  @Test
  void goRunExitStatusCompletesTheEventImmediately() {
    MultilineGrouper g = grouper(MultilineRule.go());
    List<LogRecord> in = new Lines().all(LogStream.STDERR, Lines.resource("go/go119-go-run.txt"));
    List<LogRecord> out = new ArrayList<>();
    in.forEach(r -> g.feed(r, out));
    assertThat(out).hasSize(1);
    assertThat(out.get(0).messageText()).endsWith("exit status 2");
    assertThat(g.hasPending()).isFalse();
  }

  @Test
  void eventsOverMaxLinesAreCutIntoFlaggedPiecesAndNothingIsLost() {
    MultilineGrouper g =
        grouper(ProcessingOptions.builder().multiline(MultilineRule.java()).multilineMaxLines(500));
    List<String> trace = new ArrayList<>();
    trace.add("java.lang.StackOverflowError");
    for (int i = 0; i < 1200; i++) {
      trace.add("\tat com.example.Recursive.call(Recursive.java:" + i + ")");
    }
    List<LogRecord> in = new Lines().all(LogStream.STDERR, MultilineGrouperTest.withContext(trace));
    List<LogRecord> out = new ArrayList<>();
    in.forEach(r -> g.feed(r, out));
    g.finish(out);
    MultilineGrouperTest.assertPartition(in, out, List.of(1, 500, 500, 201, 1));
    for (int i = 1; i <= 3; i++) {
      assertThat(out.get(i).flags()).isEqualTo(LogRecord.MULTILINE | LogRecord.TRUNCATED);
    }
    assertThat(registry.value("logchute_process_multiline_cut_total", "limit", "lines"))
        .isEqualTo(2);
  }

  @Test
  void eventsOverMaxBytesAreCutBelowTheLimit() {
    MultilineGrouper g =
        grouper(
            ProcessingOptions.builder().multiline(MultilineRule.java()).multilineMaxBytes(1024));
    List<String> trace = new ArrayList<>();
    trace.add("java.lang.IllegalStateException: x");
    String frame = "\tat com.example.Service.method(Service.java:100)" + " ".repeat(50);
    for (int i = 0; i < 60; i++) {
      trace.add(frame);
    }
    List<LogRecord> in = new Lines().all(LogStream.STDERR, trace);
    List<LogRecord> out = new ArrayList<>();
    in.forEach(r -> g.feed(r, out));
    g.finish(out);
    assertThat(out).hasSizeGreaterThan(1);
    assertThat(out).allMatch(r -> r.messageLength() <= 1024);
    assertThat(out).allMatch(r -> r.hasFlag(LogRecord.TRUNCATED));
    assertThat(MultilineGrouperTest.joined(out)).isEqualTo(String.join("\n", trace));
    assertThat(registry.value("logchute_process_multiline_cut_total", "limit", "bytes"))
        .isEqualTo(out.size() - 1);
  }
}
