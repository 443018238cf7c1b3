package io.github.logchute.core.pipeline;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * How the pipeline retries a sink's batch: exponential back-off with jitter and a cap ({@link
 * Backoff}) — attempt {@code n} waits a random time between half and all of {@code min(max, initial
 * << (n-1))}, and never less than what the sink asked for ({@code Retry-After}). Retries go on
 * until the sink accepts or rejects the batch, or the pipeline closes — the log files are the
 * buffer, so giving up would only lose data.
 *
 * @param initial the first delay
 * @param max the cap
 */
public record RetryPolicy(Duration initial, Duration max) {

  public static final Duration DEFAULT_INITIAL = Duration.ofMillis(500);
  public static final Duration DEFAULT_MAX = Duration.ofSeconds(60);

  public RetryPolicy {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("initial must be positive, was " + initial);
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("max must be >= initial, was " + max);
    }
  }

  public static RetryPolicy defaults() {
    return new RetryPolicy(DEFAULT_INITIAL, DEFAULT_MAX);
  }

  /** The back-off of this policy with jitter from {@code random}; see {@link Backoff}. */
  Backoff backoff(RandomGenerator random) {
    return new Backoff(initial, max, random);
  }
}
