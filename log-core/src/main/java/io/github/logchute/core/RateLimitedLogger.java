package io.github.logchute.core;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A {@link System.Logger} wrapper for messages raised in loops (one per bad line, per failed
 * request): at most one message of each kind per interval gets through, and the next one of that
 * kind that does says how many were suppressed since. The kind is the format string, so a flood of
 * one message (a sink's retry warnings) never hides another (a drop error). Callers that log about
 * several subjects of their own (sinks) keep one instance per subject.
 *
 * <p>Thread-safe; any thread; never blocks; cheap when suppressing (one map lookup). Memory is
 * bounded: about {@link #MAX_KINDS} kinds are tracked separately, any further kind shares one
 * limit.
 */
public final class RateLimitedLogger {

  /** Kinds (format strings) with a limit of their own; further kinds share one. */
  public static final int MAX_KINDS = 128;

  /** One kind's limit: when the next message may pass, and how many were held back since. */
  private static final class Limit {
    final AtomicLong nextAllowed;
    final AtomicLong suppressed = new AtomicLong();

    Limit(long now) {
      nextAllowed = new AtomicLong(now);
    }
  }

  private final Logger logger;
  private final long intervalNanos;
  private final Clock clock;
  private final ConcurrentHashMap<String, Limit> limits = new ConcurrentHashMap<>();
  private final Limit overflow;

  /**
   * @param logger where messages go
   * @param intervalNanos the least time between two messages of one kind
   * @param clock the time source
   */
  public RateLimitedLogger(Logger logger, long intervalNanos, Clock clock) {
    this.logger = logger;
    this.intervalNanos = intervalNanos;
    this.clock = clock;
    this.overflow = new Limit(clock.nanoTime());
  }

  /** A logger named {@code name} that lets one message of each kind through every 10 seconds. */
  public static RateLimitedLogger every10Seconds(String name) {
    return new RateLimitedLogger(System.getLogger(name), 10_000_000_000L, Clock.system());
  }

  /**
   * Logs {@code format} ({@link java.text.MessageFormat} syntax) with {@code params} unless a
   * message with the same format went through less than an interval ago.
   *
   * @return true if the message was logged (or would have been, at a level that is off)
   */
  /**
   * Integral numbers as plain digits: {@code MessageFormat} would group them by the locale ({@code
   * 1,000 ms}, {@code inode 2,187,934}), which reads badly and breaks grepping for an inode.
   */
  private static Object[] plain(Object[] params) {
    Object[] out = params.clone();
    for (int i = 0; i < out.length; i++) {
      if (out[i] instanceof Long
          || out[i] instanceof Integer
          || out[i] instanceof Short
          || out[i] instanceof Byte) {
        out[i] = out[i].toString();
      }
    }
    return out;
  }

  public boolean log(Level level, String format, Object... params) {
    return logAs(format, level, format, params);
  }

  /**
   * As {@link #log}, with a limit of its own per {@code subject} (a file, a sink): a burst of bad
   * lines in one file does not hide the first one of another file.
   */
  public boolean logFor(Object subject, Level level, String format, Object... params) {
    return logAs(format + '\u0000' + subject, level, format, params);
  }

  private boolean logAs(String kind, Level level, String format, Object... params) {
    long now = clock.nanoTime();
    Limit limit = limitOf(kind, now);
    long next = limit.nextAllowed.get();
    if (now - next < 0 || !limit.nextAllowed.compareAndSet(next, now + intervalNanos)) {
      limit.suppressed.incrementAndGet();
      return false;
    }
    if (!logger.isLoggable(level)) {
      return true;
    }
    long skipped = limit.suppressed.getAndSet(0);
    String text = java.text.MessageFormat.format(format, plain(params));
    if (skipped > 0) {
      text = text + " (" + skipped + " similar messages suppressed)";
    }
    logger.log(level, text);
    return true;
  }

  private Limit limitOf(String kind, long now) {
    Limit limit = limits.get(kind);
    if (limit != null) {
      return limit;
    }
    if (limits.size() >= MAX_KINDS) {
      return overflow; // racing threads may each add one kind past the bound, no more
    }
    return limits.computeIfAbsent(kind, k -> new Limit(now));
  }

  /** Kinds tracked with a limit of their own (for tests). */
  int kinds() {
    return limits.size();
  }
}
