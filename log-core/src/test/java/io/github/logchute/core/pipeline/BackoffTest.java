package io.github.logchute.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {

  private static final long MS = 1_000_000L;

  /** Draws only through {@code nextLong(bound)}: always the lowest, or always the highest value. */
  static final class ScriptedRandom implements RandomGenerator {
    private final boolean highest;
    final List<Long> bounds = new ArrayList<>();

    private ScriptedRandom(boolean highest) {
      this.highest = highest;
    }

    static ScriptedRandom lowest() {
      return new ScriptedRandom(false);
    }

    static ScriptedRandom highest() {
      return new ScriptedRandom(true);
    }

    @Override
    public long nextLong(long bound) {
      bounds.add(bound);
      return highest ? bound - 1 : 0;
    }

    @Override
    public long nextLong() {
      throw new UnsupportedOperationException("the back-off draws with nextLong(bound)");
    }
  }

  private static Backoff backoff(long initialMs, long maxMs, RandomGenerator random) {
    return new Backoff(Duration.ofMillis(initialMs), Duration.ofMillis(maxMs), random);
  }

  @Test
  void jitterSpansExactlyHalfToAllOfTheBase() {
    ScriptedRandom low = ScriptedRandom.lowest();
    ScriptedRandom high = ScriptedRandom.highest();
    assertThat(backoff(1000, 60_000, low).delayNanos(1)).isEqualTo(500 * MS);
    assertThat(backoff(1000, 60_000, high).delayNanos(1)).isEqualTo(1000 * MS);
    assertThat(backoff(1000, 60_000, low).delayNanos(3)).isEqualTo(2000 * MS);
    assertThat(backoff(1000, 60_000, high).delayNanos(3)).isEqualTo(4000 * MS);
    assertThat(high.bounds).containsExactly(500 * MS + 1, 2000 * MS + 1);
    // an odd base: [base - base/2, base]
    Backoff odd = new Backoff(Duration.ofNanos(3), Duration.ofNanos(3), ScriptedRandom.lowest());
    assertThat(odd.delayNanos(1)).isEqualTo(2);
    Backoff oddHigh =
        new Backoff(Duration.ofNanos(3), Duration.ofNanos(3), ScriptedRandom.highest());
    assertThat(oddHigh.delayNanos(1)).isEqualTo(3);
    // a base of one nanosecond has nothing to jitter
    assertThat(new Backoff(Duration.ofNanos(1), Duration.ofNanos(1), low).delayNanos(1))
        .isEqualTo(1);
  }

  @Test
  void theBaseDoublesUpToTheCap() {
    Backoff b = backoff(500, 60_000, ScriptedRandom.highest());
    List<Long> delays = new ArrayList<>();
    for (int attempt = 1; attempt <= 10; attempt++) {
      delays.add(b.delayNanos(attempt) / MS);
    }
    assertThat(delays)
        .containsExactly(
            500L, 1000L, 2000L, 4000L, 8000L, 16_000L, 32_000L, 60_000L, 60_000L, 60_000L);
    assertThat(b.delayNanos(0)).isEqualTo(b.delayNanos(1));
    assertThat(b.delayNanos(-5)).isEqualTo(b.delayNanos(1));
  }

  @Test
  void neverAboveTheCapWhateverTheAttempt() {
    Backoff b = backoff(500, 60_000, ScriptedRandom.highest());
    for (int attempt : new int[] {11, 31, 32, 62, 63, 64, 65, 1000, Integer.MAX_VALUE}) {
      assertThat(b.delayNanos(attempt)).as("attempt %d", attempt).isEqualTo(60_000 * MS);
    }
    // a one-nanosecond start crosses every power of two before it reaches a huge cap
    Backoff wide =
        new Backoff(Duration.ofNanos(1), Duration.ofDays(3650), ScriptedRandom.highest());
    long previous = 0;
    for (int attempt = 1; attempt <= 200; attempt++) {
      long d = wide.delayNanos(attempt);
      assertThat(d).as("attempt %d", attempt).isPositive().isGreaterThanOrEqualTo(previous);
      assertThat(d).isLessThanOrEqualTo(Duration.ofDays(3650).toNanos());
      previous = d;
    }
    assertThat(wide.delayNanos(Integer.MAX_VALUE)).isEqualTo(Duration.ofDays(3650).toNanos());
  }

  @Test
  void durationsBeyondNanosecondRangeSaturateInsteadOfOverflowing() {
    Duration forever = Duration.ofSeconds(Long.MAX_VALUE);
    Backoff b = new Backoff(Duration.ofSeconds(1), forever, ScriptedRandom.highest());
    assertThat(b.delayNanos(Integer.MAX_VALUE)).isEqualTo(Backoff.MAX_NANOS);
    assertThat(b.delayNanos(1, forever)).isEqualTo(Backoff.MAX_NANOS);
  }

  @Test
  void retryAfterWinsWhenLongerEvenAboveTheCap() {
    Backoff b = backoff(1000, 10_000, ScriptedRandom.highest());
    assertThat(b.delayNanos(1, Duration.ofSeconds(7))).isEqualTo(7000 * MS);
    assertThat(b.delayNanos(1, Duration.ofMillis(100))).isEqualTo(1000 * MS);
    assertThat(b.delayNanos(1, Duration.ZERO)).isEqualTo(1000 * MS);
    assertThat(b.delayNanos(1, Duration.ofSeconds(-3))).isEqualTo(1000 * MS);
    assertThat(b.delayNanos(50, Duration.ofSeconds(30))).isEqualTo(30_000 * MS);
  }

  @Test
  void invalidSettingsFailAtConstruction() {
    RandomGenerator r = ScriptedRandom.lowest();
    assertThatThrownBy(() -> new Backoff(Duration.ZERO, Duration.ofSeconds(1), r))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("initial");
    assertThatThrownBy(() -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1), r))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("max");
  }

  @Test
  void aRetryPolicyIsThisBackoff() {
    RetryPolicy policy = new RetryPolicy(Duration.ofMillis(200), Duration.ofSeconds(3));
    Backoff b = policy.backoff(ScriptedRandom.highest());
    assertThat(b.delayNanos(1)).isEqualTo(200 * MS);
    assertThat(b.delayNanos(5)).isEqualTo(3000 * MS);
    assertThat(policy.backoff(ScriptedRandom.lowest()).delayNanos(2)).isEqualTo(200 * MS);
  }
}
