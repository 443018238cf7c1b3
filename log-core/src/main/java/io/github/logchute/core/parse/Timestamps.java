package io.github.logchute.core.parse;

import java.time.Instant;

/**
 * RFC 3339 timestamps, parsed by hand from bytes into nanoseconds since the Unix epoch.
 *
 * <p>Accepts what container runtimes write — containerd's Go {@code RFC3339Nano} (0 to 9 fraction
 * digits, trailing zeros dropped, {@code Z} or a numeric offset in the runtime's local zone) and
 * CRI-O's conmon (always 9 digits and a numeric offset) — and agrees with {@link
 * java.time.format.DateTimeFormatter#ISO_OFFSET_DATE_TIME} on everything else: {@code T}/{@code Z}
 * in either case, offsets {@code ±hh}, {@code ±hh:mm} or {@code ±hh:mm:ss} up to 18 hours, strict
 * calendar ranges (no hour 24, no second 60). Times outside what a {@code long} of nanoseconds
 * holds (years 1678 to 2261) are rejected.
 */
public final class Timestamps {

  /** Returned by {@link #parse} for input that is not a valid timestamp. */
  public static final long INVALID = Long.MIN_VALUE;

  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final long MAX_SECONDS = Long.MAX_VALUE / NANOS_PER_SECOND;
  private static final long MIN_SECONDS = Long.MIN_VALUE / NANOS_PER_SECOND - 1;
  private static final int[] POW10 = {
    1_000_000_000, 100_000_000, 10_000_000, 1_000_000, 100_000, 10_000, 1_000, 100, 10, 1
  };

  private Timestamps() {}

  /**
   * Parses {@code len} bytes at {@code off} as a whole timestamp.
   *
   * @return nanoseconds since the epoch, or {@link #INVALID}
   */
  public static long parse(byte[] b, int off, int len) {
    if (len < 20) {
      return INVALID;
    }
    int end = off + len;
    int year = digits(b, off, 4);
    int month = digits(b, off + 5, 2);
    int day = digits(b, off + 8, 2);
    int hour = digits(b, off + 11, 2);
    int minute = digits(b, off + 14, 2);
    int second = digits(b, off + 17, 2);
    if ((year | month | day | hour | minute | second) < 0
        || b[off + 4] != '-'
        || b[off + 7] != '-'
        || (b[off + 10] | 0x20) != 't'
        || b[off + 13] != ':'
        || b[off + 16] != ':') {
      return INVALID;
    }
    if (month < 1
        || month > 12
        || day < 1
        || day > lengthOfMonth(year, month)
        || hour > 23
        || minute > 59
        || second > 59) {
      return INVALID;
    }
    int i = off + 19;
    long nanos = 0;
    if (b[i] == '.') {
      i++;
      int start = i;
      while (i < end && b[i] >= '0' && b[i] <= '9') {
        i++;
      }
      int n = i - start;
      if (n > 9) {
        return INVALID;
      }
      for (int k = 0; k < n; k++) {
        nanos = nanos * 10 + (b[start + k] - '0');
      }
      nanos *= POW10[n];
    }
    if (i >= end) {
      return INVALID;
    }
    int offsetSeconds;
    byte z = b[i];
    if ((z | 0x20) == 'z') {
      offsetSeconds = 0;
      i++;
    } else if (z == '+' || z == '-') {
      int rest = end - i;
      if (rest != 3 && rest != 6 && rest != 9) {
        return INVALID;
      }
      int oh = digits(b, i + 1, 2);
      int om = rest == 3 ? 0 : digits(b, i + 4, 2);
      int os = 0;
      if (oh < 0 || om < 0 || om > 59 || (rest > 3 && b[i + 3] != ':')) {
        return INVALID;
      }
      if (rest == 9) {
        os = digits(b, i + 7, 2);
        if (os < 0 || b[i + 6] != ':' || os > 59) {
          return INVALID;
        }
      }
      offsetSeconds = oh * 3600 + om * 60 + os;
      if (offsetSeconds > 18 * 3600) {
        return INVALID;
      }
      if (z == '-') {
        offsetSeconds = -offsetSeconds;
      }
      i = end;
    } else {
      return INVALID;
    }
    if (i != end) {
      return INVALID;
    }
    long seconds =
        epochDay(year, month, day) * 86_400L + hour * 3600L + minute * 60L + second - offsetSeconds;
    if (seconds > MAX_SECONDS || seconds < MIN_SECONDS) {
      return INVALID;
    }
    long result;
    if (seconds >= 0) {
      result = seconds * NANOS_PER_SECOND + nanos;
      if (result < 0) {
        return INVALID; // past 2262-04-11T23:47:16.854775807Z
      }
    } else {
      result = (seconds + 1) * NANOS_PER_SECOND + (nanos - NANOS_PER_SECOND);
      if (result >= 0) {
        return INVALID; // before 1677-09-21T00:12:43.145224192Z
      }
    }
    return result;
  }

  /**
   * Formats {@code epochNanos} in UTC as Go's {@code RFC3339Nano} does: fraction digits without
   * trailing zeros, no fraction at all for whole seconds, and {@code Z}.
   */
  public static String formatRfc3339Nano(long epochNanos) {
    Instant instant =
        Instant.ofEpochSecond(
            Math.floorDiv(epochNanos, NANOS_PER_SECOND),
            Math.floorMod(epochNanos, NANOS_PER_SECOND));
    String iso = instant.truncatedTo(java.time.temporal.ChronoUnit.SECONDS).toString();
    int nano = instant.getNano();
    if (nano == 0) {
      return iso;
    }
    StringBuilder frac = new StringBuilder(Integer.toString(nano + NANOS_PER_SECOND_INT));
    frac.setCharAt(0, '.');
    int len = frac.length();
    while (frac.charAt(len - 1) == '0') {
      len--;
    }
    frac.setLength(len);
    return iso.substring(0, iso.length() - 1) + frac + "Z";
  }

  private static final int NANOS_PER_SECOND_INT = 1_000_000_000;

  /** Value of {@code n} ASCII digits at {@code off}, or -1. */
  private static int digits(byte[] b, int off, int n) {
    int v = 0;
    for (int k = 0; k < n; k++) {
      int d = b[off + k] - '0';
      if (d < 0 || d > 9) {
        return -1;
      }
      v = v * 10 + d;
    }
    return v;
  }

  private static int lengthOfMonth(int year, int month) {
    switch (month) {
      case 2:
        return isLeap(year) ? 29 : 28;
      case 4:
      case 6:
      case 9:
      case 11:
        return 30;
      default:
        return 31;
    }
  }

  private static boolean isLeap(int year) {
    return (year & 3) == 0 && (year % 100 != 0 || year % 400 == 0);
  }

  /** Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's days_from_civil). */
  static long epochDay(int year, int month, int day) {
    long y = month <= 2 ? year - 1 : year;
    long era = Math.floorDiv(y, 400);
    long yoe = y - era * 400;
    long mp = (month + 9) % 12;
    long doy = (153 * mp + 2) / 5 + day - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    return era * 146_097 + doe - 719_468;
  }
}
