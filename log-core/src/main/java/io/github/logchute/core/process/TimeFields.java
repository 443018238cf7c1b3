package io.github.logchute.core.process;

import io.github.logchute.core.parse.Timestamps;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.math.RoundingMode;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/**
 * Reads the event time an application wrote in a structured message into epoch nanoseconds.
 *
 * <ul>
 *   <li>a string: RFC 3339 ({@code 2024-01-02T15:04:05.123Z}, {@code +01:00} offsets, 0-9 fraction
 *       digits), also with a space instead of the {@code T}; a time without a zone is rejected (its
 *       zone is unknown).
 *   <li>a number: epoch time whose unit follows from its size: below 10<sup>11</sup> seconds (zap's
 *       {@code ts: 1704207845.123}), below 10<sup>14</sup> milliseconds (pino, bunyan), below
 *       10<sup>17</sup> microseconds, else nanoseconds. Fractions are kept to the nanosecond.
 *   <li>an object {@code {"seconds": s, "nanos": n}} (Cloud Logging's {@code timestamp}).
 * </ul>
 */
final class TimeFields {

  static final long INVALID = Timestamps.INVALID;

  private TimeFields() {}

  static long toEpochNanos(Object value) {
    try {
      if (value instanceof String s) {
        return fromString(s);
      }
      if (value instanceof Long || value instanceof Integer) {
        return fromInteger(((Number) value).longValue());
      }
      if (value instanceof BigInteger b) {
        return b.bitLength() > 63 ? INVALID : fromInteger(b.longValue());
      }
      if (value instanceof Double || value instanceof BigDecimal) {
        return fromDecimal(value instanceof BigDecimal d ? d : BigDecimal.valueOf((Double) value));
      }
      if (value instanceof Map<?, ?> m && m.get("seconds") instanceof Number s) {
        Object n = m.get("nanos");
        long nanos = n instanceof Number nn ? nn.longValue() : 0;
        if (nanos < 0 || nanos > 999_999_999 || s instanceof Double || s instanceof BigDecimal) {
          return INVALID;
        }
        return Math.addExact(Math.multiplyExact(s.longValue(), 1_000_000_000L), nanos);
      }
    } catch (ArithmeticException e) {
      return INVALID;
    }
    return INVALID;
  }

  private static long fromString(String s) {
    byte[] b = s.strip().getBytes(StandardCharsets.UTF_8);
    long t = Timestamps.parse(b, 0, b.length);
    if (t == INVALID && b.length > 10 && b[10] == ' ') {
      b[10] = 'T';
      t = Timestamps.parse(b, 0, b.length);
    }
    return t;
  }

  private static long fromInteger(long v) {
    long abs = Math.abs(v);
    if (abs < 100_000_000_000L) {
      return Math.multiplyExact(v, 1_000_000_000L);
    }
    if (abs < 100_000_000_000_000L) {
      return Math.multiplyExact(v, 1_000_000L);
    }
    if (abs < 100_000_000_000_000_000L) {
      return Math.multiplyExact(v, 1_000L);
    }
    return v;
  }

  private static long fromDecimal(BigDecimal d) {
    BigDecimal abs = d.abs();
    int shift;
    if (abs.compareTo(BigDecimal.valueOf(100_000_000_000L)) < 0) {
      shift = 9;
    } else if (abs.compareTo(BigDecimal.valueOf(100_000_000_000_000L)) < 0) {
      shift = 6;
    } else if (abs.compareTo(BigDecimal.valueOf(100_000_000_000_000_000L)) < 0) {
      shift = 3;
    } else {
      shift = 0;
    }
    return d.movePointRight(shift).setScale(0, RoundingMode.HALF_EVEN).longValueExact();
  }
}
