package io.github.logchute.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.ResourceBundle;
import org.junit.jupiter.api.Test;

class RateLimitedLoggerTest {

  /** A System.Logger that keeps what it is given. */
  static final class Recording implements System.Logger {
    final List<String> messages = new ArrayList<>();

    @Override
    public String getName() {
      return "test";
    }

    @Override
    public boolean isLoggable(Level level) {
      return true;
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
      messages.add(msg);
    }

    @Override
    public void log(Level level, ResourceBundle bundle, String format, Object... params) {
      messages.add(format);
    }
  }

  @Test
  void letsOneMessageThroughPerIntervalAndCountsTheRest() {
    FakeClock clock = new FakeClock();
    Recording sink = new Recording();
    RateLimitedLogger log = new RateLimitedLogger(sink, Duration.ofSeconds(10).toNanos(), clock);
    assertThat(log.log(Level.WARNING, "bad line at {0}", 1)).isTrue();
    assertThat(log.log(Level.WARNING, "bad line at {0}", 2)).isFalse();
    assertThat(log.log(Level.WARNING, "bad line at {0}", 3)).isFalse();
    clock.advance(Duration.ofSeconds(9));
    assertThat(log.log(Level.WARNING, "bad line at {0}", 4)).isFalse();
    clock.advance(Duration.ofSeconds(1));
    assertThat(log.log(Level.WARNING, "bad line at {0}", 5)).isTrue();
    assertThat(sink.messages)
        .containsExactly("bad line at 1", "bad line at 5 (3 similar messages suppressed)");
  }

  @Test
  void eachSubjectHasItsOwnLimitForAKindOfMessage() {
    FakeClock clock = new FakeClock();
    Recording sink = new Recording();
    RateLimitedLogger log = new RateLimitedLogger(sink, Duration.ofSeconds(10).toNanos(), clock);
    String format = "{0}: line at offset {1} is not valid cri";
    for (int i = 0; i < 100; i++) {
      log.logFor("a.log", Level.WARNING, format, "a.log", Integer.toString(i)); // a burst in a.log
    }
    assertThat(log.logFor("b.log", Level.WARNING, format, "b.log", "7")).isTrue();
    assertThat(log.logFor("b.log", Level.WARNING, format, "b.log", "8")).isFalse();
    clock.advance(Duration.ofSeconds(10));
    log.logFor("a.log", Level.WARNING, format, "a.log", "100");
    assertThat(sink.messages)
        .containsExactly(
            "a.log: line at offset 0 is not valid cri",
            "b.log: line at offset 7 is not valid cri",
            "a.log: line at offset 100 is not valid cri (99 similar messages suppressed)");
  }

  @Test
  void numbersAreWrittenAsPlainDigits() {
    Recording sink = new Recording();
    RateLimitedLogger log = new RateLimitedLogger(sink, 1, new FakeClock());
    log.log(Level.WARNING, "sending {0} records failed; retry {1} in {2} ms", 1500, 2, 1000L);
    assertThat(sink.messages).containsExactly("sending 1500 records failed; retry 2 in 1000 ms");
  }

  @Test
  void eachKindOfMessageHasItsOwnLimit() {
    FakeClock clock = new FakeClock();
    Recording sink = new Recording();
    RateLimitedLogger log = new RateLimitedLogger(sink, Duration.ofSeconds(10).toNanos(), clock);
    // a flood of retry warnings interleaved with drop errors: both kinds get through
    for (int i = 1; i <= 5; i++) {
      log.log(Level.WARNING, "sink {0}: retry {1}", "a", i);
      log.log(Level.ERROR, "sink {0}: dropped a batch of {1} records", "a", i * 10);
    }
    clock.advance(Duration.ofSeconds(10));
    log.log(Level.ERROR, "sink {0}: dropped a batch of {1} records", "a", 60);
    log.log(Level.WARNING, "sink {0}: retry {1}", "a", 6);
    assertThat(sink.messages)
        .containsExactly(
            "sink a: retry 1",
            "sink a: dropped a batch of 10 records",
            "sink a: dropped a batch of 60 records (4 similar messages suppressed)",
            "sink a: retry 6 (4 similar messages suppressed)");
  }

  @Test
  void theNumberOfKindsTrackedIsBounded() {
    FakeClock clock = new FakeClock();
    Recording sink = new Recording();
    RateLimitedLogger log = new RateLimitedLogger(sink, Duration.ofSeconds(10).toNanos(), clock);
    for (int i = 0; i < RateLimitedLogger.MAX_KINDS * 4; i++) {
      log.log(Level.INFO, "built format " + i);
    }
    assertThat(log.kinds()).isEqualTo(RateLimitedLogger.MAX_KINDS);
    // the kinds past the bound share one limit: the first of them passes, the rest are counted
    assertThat(sink.messages).hasSize(RateLimitedLogger.MAX_KINDS + 1);
    clock.advance(Duration.ofSeconds(10));
    log.log(Level.INFO, "yet another format");
    assertThat(sink.messages)
        .last()
        .isEqualTo(
            "yet another format ("
                + (RateLimitedLogger.MAX_KINDS * 3 - 1)
                + " similar messages suppressed)");
    // a kind tracked before the bound was reached keeps its own limit
    assertThat(log.log(Level.INFO, "built format 0")).isTrue();
  }
}
