package io.github.logchute.core;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * The time source of logchute's logic, injected so that lingers, flush timeouts, back-off and every
 * wait of the engine are testable without sleeping: a test clock moves only when the test moves it,
 * and wakes the engine's waits when it does.
 */
public interface Clock {

  /** A deadline for {@link #awaitUntil} that never comes: wait until signalled. */
  long NO_DEADLINE = Long.MAX_VALUE;

  /** Wall-clock time in nanoseconds since the Unix epoch (for record timestamps). */
  long epochNanos();

  /** A monotonic reading in nanoseconds, only meaningful as a difference (for timeouts). */
  long nanoTime();

  /**
   * Waits on {@code condition} until it is signalled or this clock's {@link #nanoTime()} reaches
   * {@code deadlineNanos} ({@link #NO_DEADLINE}: until signalled). The caller holds {@code lock},
   * the lock {@code condition} belongs to. Returns early on spurious wake-ups, so callers wait in a
   * loop that re-checks their condition and the time. The system clock waits in real time; a test
   * clock wakes every waiter whenever it is moved.
   *
   * @throws InterruptedException if the thread is interrupted while waiting
   */
  default void awaitUntil(Lock lock, Condition condition, long deadlineNanos)
      throws InterruptedException {
    if (deadlineNanos == NO_DEADLINE) {
      condition.await();
      return;
    }
    long left = deadlineNanos - nanoTime();
    if (left > 0) {
      condition.awaitNanos(left);
    }
  }

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
