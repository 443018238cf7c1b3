package io.github.logchute.core.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.FakeClock;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogStream;
import io.github.logchute.core.metrics.MetricsRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Random mixes of plain lines and trace lines on both streams, idle flushes and small limits: after
 * every call, {@code safeOffset} is at most the start of every line fed and not yet emitted, and in
 * the end every line comes out exactly once, in order per stream.
 */
class MultilineSafeOffsetTest {

  private static final List<String> VOCABULARY =
      List.of(
          "2024-01-01 12:00:00 INFO plain line",
          "java.lang.IllegalStateException: boom",
          "\tat com.example.A.b(A.java:1)",
          "Caused by: java.io.IOException: x",
          "\t... 3 more",
          "  message continued",
          "Traceback (most recent call last):",
          "  File \"app.py\", line 1, in <module>",
          "ValueError: bad",
          "",
          "During handling of the above exception, another exception occurred:",
          "panic: oops",
          "goroutine 1 [running]:",
          "main.main()",
          "\t/app/main.go:10 +0x1d",
          "exit status 2");

  @ParameterizedTest
  @ValueSource(strings = {"java", "python", "go", "regex:^\\d{4}-"})
  void checkpointNeverPassesAHeldLine(String rule) {
    for (long seed = 1; seed <= 40; seed++) {
      run(rule, new Random(seed * 31 + rule.hashCode()));
    }
  }

  private void run(String rule, Random random) {
    FakeClock clock = new FakeClock();
    MultilineGrouper g =
        new MultilineGrouper(
            ProcessingOptions.builder()
                .multiline(MultilineRule.parse(rule))
                .multilineMaxLines(2 + random.nextInt(20))
                .multilineMaxBytes(1024 + random.nextInt(2048))
                .build(),
            ProcessMetrics.register(new MetricsRegistry()),
            clock);
    Lines lines = new Lines();
    Map<LogRecord, Boolean> held = new IdentityHashMap<>();
    List<LogRecord> fed = new ArrayList<>();
    List<LogRecord> out = new ArrayList<>();
    for (int step = 0; step < 400; step++) {
      List<LogRecord> emitted = new ArrayList<>();
      if (random.nextInt(25) == 0) {
        clock.advance(Duration.ofMillis(random.nextInt(1500)));
        g.flushIdle(clock.nanoTime(), emitted);
      } else {
        LogStream stream = random.nextInt(3) == 0 ? LogStream.STDOUT : LogStream.STDERR;
        LogRecord r = lines.next(stream, VOCABULARY.get(random.nextInt(VOCABULARY.size())));
        fed.add(r);
        held.put(r, Boolean.TRUE);
        g.feed(r, emitted);
      }
      release(emitted, fed, held);
      out.addAll(emitted);
      long safe = g.safeOffset(Long.MAX_VALUE);
      for (LogRecord h : held.keySet()) {
        assertThat(safe).isLessThanOrEqualTo(h.startOffset());
      }
      assertThat(g.hasPending()).isEqualTo(!held.isEmpty());
      assertThat(g.safeOffset(5)).isLessThanOrEqualTo(5);
    }
    List<LogRecord> rest = new ArrayList<>();
    g.finish(rest);
    release(rest, fed, held);
    out.addAll(rest);
    assertThat(held).isEmpty();
    for (LogStream s : LogStream.values()) {
      String expected =
          String.join(
              "\n", fed.stream().filter(r -> r.stream() == s).map(LogRecord::messageText).toList());
      String actual =
          String.join(
              "\n", out.stream().filter(r -> r.stream() == s).map(LogRecord::messageText).toList());
      assertThat(actual).isEqualTo(expected);
    }
  }

  /** Marks the fed lines covered by the emitted records as no longer held. */
  private static void release(
      List<LogRecord> emitted, List<LogRecord> fed, Map<LogRecord, Boolean> held) {
    for (LogRecord e : emitted) {
      for (LogRecord f : fed) {
        if (f.stream() == e.stream()
            && f.startOffset() >= e.startOffset()
            && f.endOffset() <= e.endOffset()) {
          assertThat(held.remove(f)).as("emitted twice: %s", f).isNotNull();
        }
      }
    }
  }
}
