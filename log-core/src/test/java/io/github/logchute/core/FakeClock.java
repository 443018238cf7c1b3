package io.github.logchute.core;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.Lock;

/**
 * A clock that only moves when a test moves it; moving it wakes every thread waiting in {@link
 * #awaitUntil}, which then sees the new time. Shared with other modules through the test-jar.
 */
public final class FakeClock implements Clock {

  private record Waiter(Thread thread, Lock lock, Condition condition) {}

  private final List<Waiter> waiters = new ArrayList<>();
  private long epochNanos;
  private long nanoTime = 1_000_000_000L;

  /** Starts at {@code epochNanos} wall-clock time. */
  public FakeClock(long epochNanos) {
    this.epochNanos = epochNanos;
  }

  /** Starts at 2026-01-01T00:00:00Z. */
  public FakeClock() {
    this(1_767_225_600_000_000_000L);
  }

  @Override
  public synchronized long epochNanos() {
    return epochNanos;
  }

  @Override
  public synchronized long nanoTime() {
    return nanoTime;
  }

  @Override
  public void awaitUntil(Lock lock, Condition condition, long deadlineNanos)
      throws InterruptedException {
    Waiter w = new Waiter(Thread.currentThread(), lock, condition);
    synchronized (this) {
      // registered and checked under this clock's monitor: a move either happened before the
      // check (the deadline is seen) or comes after the registration (the waiter is woken)
      if (deadlineNanos != NO_DEADLINE && nanoTime - deadlineNanos >= 0) {
        return;
      }
      waiters.add(w);
    }
    try {
      condition.await();
    } finally {
      synchronized (this) {
        waiters.remove(w);
      }
    }
  }

  /**
   * Moves both readings forward by {@code d} and wakes every waiter. The woken stop counting as
   * waiting at once: {@link #waiters()} and {@link #isWaiting} count a thread again only when it
   * waits anew, having seen the new time.
   */
  public void advance(Duration d) {
    List<Waiter> toWake;
    synchronized (this) {
      epochNanos += d.toNanos();
      nanoTime += d.toNanos();
      toWake = new ArrayList<>(waiters);
      waiters.clear();
    }
    for (Waiter w : toWake) {
      w.lock().lock();
      try {
        w.condition().signalAll();
      } finally {
        w.lock().unlock();
      }
    }
  }

  /** Threads waiting on this clock right now (for tests that step until the engine is idle). */
  public synchronized int waiters() {
    return waiters.size();
  }

  /**
   * True if a thread named {@code threadName} waits on this clock, having started to wait after the
   * last move: it has seen the current time, and only a signal or a move wakes it. (A thread woken
   * by a plain signal still counts until it runs again, so use this to check that something did
   * <em>not</em> happen yet; poll for what must happen.)
   */
  public synchronized boolean isWaiting(String threadName) {
    for (Waiter w : waiters) {
      if (w.thread().getName().equals(threadName)) {
        return true;
      }
    }
    return false;
  }
}
