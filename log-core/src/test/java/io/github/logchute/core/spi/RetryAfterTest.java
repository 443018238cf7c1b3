package io.github.logchute.core.spi;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class RetryAfterTest {

  private static final Duration MAX = Duration.ofMinutes(10);
  private static final long NOW =
      Instant.parse("2026-11-25T10:00:00Z").getEpochSecond() * 1_000_000_000L;

  @Test
  void secondsAndHttpDatesAreRead() {
    assertThat(RetryAfter.parse("7", NOW, MAX)).isEqualTo(Duration.ofSeconds(7));
    assertThat(RetryAfter.parse(" 0 ", NOW, MAX)).isZero();
    assertThat(RetryAfter.parse("Wed, 25 Nov 2026 10:01:30 GMT", NOW, MAX))
        .isEqualTo(Duration.ofSeconds(90));
  }

  @Test
  void absentPastUnreadableAndHugeValuesAreSafe() {
    assertThat(RetryAfter.parse(null, NOW, MAX)).isZero();
    assertThat(RetryAfter.parse("", NOW, MAX)).isZero();
    assertThat(RetryAfter.parse("soon", NOW, MAX)).isZero();
    assertThat(RetryAfter.parse("-5", NOW, MAX)).isZero();
    assertThat(RetryAfter.parse("Wed, 25 Nov 2026 09:00:00 GMT", NOW, MAX)).isZero();
    assertThat(RetryAfter.parse("86400", NOW, MAX)).isEqualTo(MAX);
  }
}
