package io.github.logchute.sink.stackdriver;

/**
 * Formats epoch nanoseconds as the {@code LogEntry.timestamp} the Cloud Logging API takes: RFC 3339
 * in UTC with all nine fraction digits ({@code 2026-01-01T00:00:00.123456789Z}; SPECS.md 3.2:
 * "RFC3339, nanosecond precision"). Written into a caller's {@code char[]} without allocating.
 */
final class Rfc3339 {

  /** Characters of one formatted timestamp. */
  static final int LENGTH = 30;

  private static final long NANOS_PER_SECOND = 1_000_000_000L;
  private static final long SECONDS_PER_DAY = 86_400L;

  private Rfc3339() {}

  /**
   * Writes {@code epochNanos} into {@code out[0..30)}.
   *
   * @return false (nothing written) when the year is outside 0001-9999, which the API's timestamp
   *     type cannot represent
   */
  static boolean format(long epochNanos, char[] out) {
    long seconds = Math.floorDiv(epochNanos, NANOS_PER_SECOND);
    int nanos = (int) Math.floorMod(epochNanos, NANOS_PER_SECOND);
    long days = Math.floorDiv(seconds, SECONDS_PER_DAY);
    int secOfDay = (int) Math.floorMod(seconds, SECONDS_PER_DAY);
    // civil_from_days (Howard Hinnant), proleptic Gregorian
    long z = days + 719_468;
    long era = Math.floorDiv(z, 146_097);
    long doe = z - era * 146_097;
    long yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;
    int day = (int) (doy - (153 * mp + 2) / 5 + 1);
    int month = (int) (mp < 10 ? mp + 3 : mp - 9);
    long year = yoe + era * 400 + (month <= 2 ? 1 : 0);
    if (year < 1 || year > 9999) {
      return false;
    }
    digits(out, 0, (int) year, 4);
    out[4] = '-';
    digits(out, 5, month, 2);
    out[7] = '-';
    digits(out, 8, day, 2);
    out[10] = 'T';
    digits(out, 11, secOfDay / 3600, 2);
    out[13] = ':';
    digits(out, 14, (secOfDay / 60) % 60, 2);
    out[16] = ':';
    digits(out, 17, secOfDay % 60, 2);
    out[19] = '.';
    digits(out, 20, nanos, 9);
    out[29] = 'Z';
    return true;
  }

  private static void digits(char[] out, int off, int value, int width) {
    for (int i = off + width - 1; i >= off; i--) {
      out[i] = (char) ('0' + value % 10);
      value /= 10;
    }
  }
}
