package io.github.logchute.core.spi;

import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Reads an HTTP {@code Retry-After} header (RFC 9110 §10.2.3) for a sink's {@link
 * SendOutcome#retry}: delay-seconds or an HTTP date, capped so that a stuck server cannot stall a
 * node for hours. Absent, unreadable or past values give {@link Duration#ZERO} (the pipeline's own
 * back-off).
 */
public final class RetryAfter {

  private RetryAfter() {}

  /**
   * @param value the header's value, or null
   * @param nowEpochNanos the current time (from the sink's {@link io.github.logchute.core.Clock})
   * @param max the longest delay accepted
   */
  public static Duration parse(String value, long nowEpochNanos, Duration max) {
    if (value == null || value.isBlank()) {
      return Duration.ZERO;
    }
    String v = value.trim();
    Duration d;
    try {
      d = Duration.ofSeconds(Long.parseLong(v));
    } catch (NumberFormatException e) {
      try {
        ZonedDateTime at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME);
        d = Duration.ofSeconds(at.toEpochSecond()).minusNanos(nowEpochNanos);
      } catch (DateTimeParseException e2) {
        return Duration.ZERO;
      }
    }
    if (d.isNegative()) {
      return Duration.ZERO;
    }
    return d.compareTo(max) > 0 ? max : d;
  }
}
