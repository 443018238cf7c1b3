package io.github.logchute.core.pipeline;

import io.github.logchute.core.Clock;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The pipeline's one memory bound: bytes of records admitted and not yet finished by every sink.
 * {@link #acquire} blocks while the budget is spent — that is the backpressure that pauses the
 * tailer. A record larger than the whole budget is admitted alone, when nothing else is held, so it
 * cannot deadlock. Every wait goes through the pipeline's {@link Clock}.
 */
final class ByteBudget {

  private final long capacity;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private long used;
  private long peak;
  private long waits;

  ByteBudget(long capacity, Clock clock) {
    this.capacity = capacity;
    this.clock = clock;
  }

  /** Takes {@code bytes}, waiting (emit's thread) while they do not fit; no deadline. */
  void acquire(long bytes) throws InterruptedException {
    lock.lock();
    try {
      if (used > 0 && used + bytes > capacity) {
        waits++;
        do {
          clock.awaitUntil(lock, changed, Clock.NO_DEADLINE);
        } while (used > 0 && used + bytes > capacity);
      }
      used += bytes;
      peak = Math.max(peak, used);
    } finally {
      lock.unlock();
    }
  }

  void release(long bytes) {
    lock.lock();
    try {
      used -= bytes;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /**
   * Waits until nothing is held or the clock reaches {@code deadlineNanos} ({@link
   * Clock#nanoTime()} time); true if nothing is held.
   */
  boolean awaitEmpty(long deadlineNanos) throws InterruptedException {
    lock.lock();
    try {
      while (used > 0) {
        if (clock.nanoTime() - deadlineNanos >= 0) {
          return false;
        }
        clock.awaitUntil(lock, changed, deadlineNanos);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  long used() {
    lock.lock();
    try {
      return used;
    } finally {
      lock.unlock();
    }
  }

  long peak() {
    lock.lock();
    try {
      return peak;
    } finally {
      lock.unlock();
    }
  }

  long waits() {
    lock.lock();
    try {
      return waits;
    } finally {
      lock.unlock();
    }
  }

  long capacity() {
    return capacity;
  }
}
