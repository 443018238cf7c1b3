package io.github.logchute.core.pipeline;

import java.time.Duration;
import java.util.Objects;
import java.util.random.RandomGenerator;

/**
 * Exponential back-off with jitter and a cap: logchute's one implementation of retry delays, used
 * by the pipeline for a sink's batches ({@link RetryPolicy}) and by the Kubernetes enricher for its
 * lists and watches.
 *
 * <p>Attempt {@code n} (1 for the first retry after a failure) has the base {@code b = min(max,
 * initial * 2^(n-1))} and waits a random time in {@code [b - b/2, b]} — between half and all of the
 * base, so that many agents failing together do not retry in step. The random part is drawn with
 * {@code random.nextLong(b/2 + 1)}. A {@code floor} (the server's {@code Retry-After}) wins when it
 * is longer, even above the cap: callers cap what they parse ({@link
 * io.github.logchute.core.spi.RetryAfter}). Any attempt number is safe (no overflow, no loop over
 * the attempts); every duration is saturated at {@link #MAX_NANOS} so that {@code nanoTime() +
 * delay} cannot overflow.
 *
 * <p>Immutable; thread-safe when its random source is ({@link
 * java.util.concurrent.ThreadLocalRandom#current()} is). Called from any thread (a sink worker, a
 * sink's completion thread, a reflector's scheduler); never blocks.
 */
public final class Backoff {

  /** The longest delay, floor or cap this class returns or accepts: about 73 years. */
  public static final long MAX_NANOS = Long.MAX_VALUE / 4;

  private final long initialNanos;
  private final long maxNanos;
  private final RandomGenerator random;

  /**
   * @param initial the base of the first attempt; positive
   * @param max the cap of the base; at least {@code initial}
   * @param random the jitter's source
   * @throws IllegalArgumentException if {@code initial} is not positive or {@code max} is below it
   */
  public Backoff(Duration initial, Duration max, RandomGenerator random) {
    Objects.requireNonNull(initial, "initial");
    Objects.requireNonNull(max, "max");
    this.random = Objects.requireNonNull(random, "random");
    if (initial.isNegative() || initial.isZero()) {
      throw new IllegalArgumentException("initial must be positive, was " + initial);
    }
    if (max.compareTo(initial) < 0) {
      throw new IllegalArgumentException("max must be >= initial, was " + max);
    }
    this.initialNanos = saturatedNanos(initial);
    this.maxNanos = saturatedNanos(max);
  }

  /** The delay before attempt {@code attempt} (1 for the first retry; below 1 counts as 1). */
  public long delayNanos(int attempt) {
    long base = baseNanos(attempt);
    long half = base / 2;
    return base - half + random.nextLong(half + 1);
  }

  /**
   * As {@link #delayNanos(int)}, but never less than {@code floor} (a server's {@code Retry-After};
   * {@link Duration#ZERO} or negative for none).
   */
  public long delayNanos(int attempt, Duration floor) {
    return Math.max(delayNanos(attempt), saturatedNanos(floor));
  }

  /** {@code min(max, initial * 2^(attempt-1))}, without overflow. */
  long baseNanos(int attempt) {
    int shift = Math.max(attempt, 1) - 1;
    if (shift >= Long.numberOfLeadingZeros(initialNanos)) {
      return maxNanos; // initial << shift would not fit in 63 bits: past any cap
    }
    return Math.min(maxNanos, initialNanos << shift);
  }

  /** {@code d} in nanoseconds, saturated to {@code [0, MAX_NANOS]}. */
  static long saturatedNanos(Duration d) {
    if (d.isNegative()) {
      return 0;
    }
    if (d.getSeconds() >= MAX_NANOS / 1_000_000_000L) {
      return MAX_NANOS;
    }
    return Math.min(MAX_NANOS, d.toNanos());
  }

  @Override
  public String toString() {
    return "Backoff[initial="
        + Duration.ofNanos(initialNanos)
        + ", max="
        + Duration.ofNanos(maxNanos)
        + "]";
  }
}
