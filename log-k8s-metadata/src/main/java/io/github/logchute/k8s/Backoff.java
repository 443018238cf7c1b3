package io.github.logchute.k8s;

import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential back-off with jitter: the n-th delay in a row is {@code min(max, initial * 2^n)}
 * scaled by a random factor in [½, 1], so that the agents of many nodes do not reconnect to a
 * restarted API server in step. Not thread-safe: owned by one reflector.
 */
final class Backoff {

  private final long initialNanos;
  private final long maxNanos;
  private int failures;

  Backoff(Duration initial, Duration max) {
    this.initialNanos = initial.toNanos();
    this.maxNanos = max.toNanos();
  }

  /** The delay before the next attempt after one more failure. */
  long nextDelayNanos() {
    long base = initialNanos;
    for (int i = 0; i < failures && base < maxNanos; i++) {
      base *= 2;
    }
    failures++;
    base = Math.min(base, maxNanos);
    return base / 2 + (long) (ThreadLocalRandom.current().nextDouble() * (base - base / 2));
  }

  /** After a success: the next failure waits the initial delay again. */
  void reset() {
    failures = 0;
  }
}
