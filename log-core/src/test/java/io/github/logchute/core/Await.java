package io.github.logchute.core;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits for a condition, polling with a deadline (never a fixed sleep). Shared via the test-jar.
 */
public final class Await {

  private Await() {}

  /** Polls {@code condition} until it holds; fails with {@code what} after {@code timeout}. */
  public static void until(String what, Duration timeout, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
      }
      LockSupport.parkNanos(2_000_000);
    }
  }

  /**
   * Polls {@code condition} until it holds, moving {@code clock} forward by {@code step} before
   * each new look, so that an engine on that clock sees time pass only as the test moves it. The
   * real-time {@code timeout} only bounds how long a broken engine is waited for.
   */
  public static void until(
      String what, Duration timeout, FakeClock clock, Duration step, BooleanSupplier condition) {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError("timed out after " + timeout + " waiting for: " + what);
      }
      clock.advance(step);
      LockSupport.parkNanos(1_000_000);
    }
  }

  /** As {@link #until(String, Duration, BooleanSupplier)}, describing the last value seen. */
  public static <T> void until(
      String what, Duration timeout, Supplier<T> value, java.util.function.Predicate<T> ok) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last;
    while (!ok.test(last = value.get())) {
      if (System.nanoTime() - deadline > 0) {
        throw new AssertionError(
            "timed out after " + timeout + " waiting for: " + what + " (last value: " + last + ")");
      }
      LockSupport.parkNanos(2_000_000);
    }
  }
}
