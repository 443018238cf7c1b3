package io.github.logchute.core;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;

/** Heap in use after garbage collection, for tests that measure what objects retain. */
public final class RetainedHeap {

  private static final long STABLE = 256 * 1024;

  private RetainedHeap() {}

  /**
   * Collects until two readings in a row agree within 256 KiB (at most 20 collections) and returns
   * the last: the heap reachable from live objects, give or take what other threads allocate
   * meanwhile.
   */
  public static long afterGc() {
    MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
    long last = Long.MIN_VALUE;
    for (int i = 0; i < 20; i++) {
      System.gc();
      long used = memory.getHeapMemoryUsage().getUsed();
      if (Math.abs(used - last) < STABLE) {
        return used;
      }
      last = used;
    }
    return last;
  }
}
