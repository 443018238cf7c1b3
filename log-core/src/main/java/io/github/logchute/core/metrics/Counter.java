package io.github.logchute.core.metrics;

import java.util.concurrent.atomic.LongAdder;

/** A monotonically increasing count, cheap to increment from many threads. */
public final class Counter {

  private final LongAdder adder = new LongAdder();

  Counter() {}

  public void increment() {
    adder.increment();
  }

  public void add(long n) {
    if (n < 0) {
      throw new IllegalArgumentException("a counter only goes up: " + n);
    }
    adder.add(n);
  }

  public long get() {
    return adder.sum();
  }
}
