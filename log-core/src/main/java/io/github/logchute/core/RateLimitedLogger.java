package io.github.logchute.core;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link System.Logger} wrapper for messages raised in loops (one per bad line, per failed
 * request): at most one message per interval gets through, and the next one that does says how many
 * were suppressed since. Thread-safe; cheap when suppressing.
 */
public final class RateLimitedLogger {

  private final Logger logger;
  private final long intervalNanos;
  private final Clock clock;
  private final AtomicLong nextAllowed;
  private final AtomicLong suppressed = new AtomicLong();

  /**
   * @param logger where messages go
   * @param intervalNanos the least time between two messages
   * @param clock the time source
   */
  public RateLimitedLogger(Logger logger, long intervalNanos, Clock clock) {
    this.logger = logger;
    this.intervalNanos = intervalNanos;
    this.clock = clock;
    this.nextAllowed = new AtomicLong(clock.nanoTime());
  }

  /** A logger named {@code name} that lets one message through every 10 seconds. */
  public static RateLimitedLogger every10Seconds(String name) {
    return new RateLimitedLogger(System.getLogger(name), 10_000_000_000L, Clock.system());
  }

  /**
   * Logs {@code format} ({@link java.text.MessageFormat} syntax) with {@code params} unless a
   * message went through less than an interval ago.
   *
   * @return true if the message was logged
   */
  public boolean log(Level level, String format, Object... params) {
    long now = clock.nanoTime();
    long next = nextAllowed.get();
    if (now - next < 0 || !nextAllowed.compareAndSet(next, now + intervalNanos)) {
      suppressed.incrementAndGet();
      return false;
    }
    if (!logger.isLoggable(level)) {
      return true;
    }
    long skipped = suppressed.getAndSet(0);
    String text = java.text.MessageFormat.format(format, params);
    if (skipped > 0) {
      text = text + " (" + skipped + " similar messages suppressed)";
    }
    logger.log(level, text);
    return true;
  }
}
