package io.github.logchute.core.pipeline;

import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The pipeline's one memory bound: bytes of records admitted and not yet finished by every sink.
 * {@link #acquire} blocks while the budget is spent — that is the backpressure that pauses the
 * tailer. A record larger than the whole budget is admitted alone, when nothing else is held, so it
 * cannot deadlock.
 */
final class ByteBudget {

  private final long capacity;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private long used;
  private long peak;
  private long waits;

  ByteBudget(long capacity) {
    this.capacity = capacity;
  }

  void acquire(long bytes) throws InterruptedException {
    lock.lock();
    try {
      if (used > 0 && used + bytes > capacity) {
        waits++;
        do {
          changed.await();
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

  /** Waits until nothing is held or {@code nanos} have passed; true if nothing is held. */
  boolean awaitEmpty(long nanos) throws InterruptedException {
    lock.lock();
    try {
      while (used > 0) {
        if (nanos <= 0) {
          return false;
        }
        nanos = changed.awaitNanos(nanos);
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
