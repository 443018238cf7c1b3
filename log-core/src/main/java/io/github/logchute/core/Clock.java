package io.github.logchute.core;

/**
 * The time source of logchute's logic, injected so that lingers, flush timeouts and back-off are
 * testable without sleeping.
 */
public interface Clock {

  /** Wall-clock time in nanoseconds since the Unix epoch (for record timestamps). */
  long epochNanos();

  /** A monotonic reading in nanoseconds, only meaningful as a difference (for timeouts). */
  long nanoTime();

  /** The system clock. */
  static Clock system() {
    return SystemClock.INSTANCE;
  }
}

enum SystemClock implements Clock {
  INSTANCE;

  @Override
  public long epochNanos() {
    java.time.Instant now = java.time.Instant.now();
    return now.getEpochSecond() * 1_000_000_000L + now.getNano();
  }

  @Override
  public long nanoTime() {
    return System.nanoTime();
  }
}
