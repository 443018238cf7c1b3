package io.github.logchute.core;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that only moves when a test moves it. Shared with other modules through the test-jar. */
public final class FakeClock implements Clock {

  private final AtomicLong epochNanos;
  private final AtomicLong nanoTime = new AtomicLong(1_000_000_000L);

  /** Starts at {@code epochNanos} wall-clock time. */
  public FakeClock(long epochNanos) {
    this.epochNanos = new AtomicLong(epochNanos);
  }

  /** Starts at 2026-01-01T00:00:00Z. */
  public FakeClock() {
    this(1_767_225_600_000_000_000L);
  }

  @Override
  public long epochNanos() {
    return epochNanos.get();
  }

  @Override
  public long nanoTime() {
    return nanoTime.get();
  }

  /** Moves both readings forward by {@code d}. */
  public void advance(Duration d) {
    epochNanos.addAndGet(d.toNanos());
    nanoTime.addAndGet(d.toNanos());
  }
}
