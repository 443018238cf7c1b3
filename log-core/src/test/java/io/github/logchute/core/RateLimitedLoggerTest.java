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
}
