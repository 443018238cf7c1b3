package io.github.logchute.core.parse;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class TimestampsTest {

  /** What java.time says: epoch nanos, or INVALID where it refuses the text. */
  private static long javaTime(String s) {
    try {
      Instant i = OffsetDateTime.parse(s, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
      return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000_000L), i.getNano());
    } catch (DateTimeParseException | ArithmeticException e) {
      return Timestamps.INVALID;
    }
  }

  private static long ours(String s) {
    byte[] b = ("xx" + s + "yy").getBytes(StandardCharsets.UTF_8);
    return Timestamps.parse(b, 2, b.length - 4);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        // containerd, host in UTC: Go RFC3339Nano drops trailing zeros, 0-9 digits
        "2016-10-06T00:17:09.669794202Z",
        "2016-10-06T00:17:09.66979420Z",
        "2016-10-06T00:17:09.6697942Z",
        "2016-10-06T00:17:09.669794Z",
        "2016-10-06T00:17:09.66979Z",
        "2016-10-06T00:17:09.6697Z",
        "2016-10-06T00:17:09.669Z",
        "2016-10-06T00:17:09.66Z",
        "2016-10-06T00:17:09.6Z",
        "2016-10-06T00:17:09Z",
        // containerd on a host in another zone; CRI-O conmon's 9 digits + numeric offset
        "2026-09-04T13:14:02.123456789+10:00",
        "2021-02-16T08:59:44.287589429+00:00",
        "2021-02-16T08:59:44.287589429-07:00",
        "2021-02-16T08:59:44.2875-05:30",
        "2021-02-16T08:59:44-00:00",
        "2021-02-16T08:59:44+18:00",
        "2021-02-16T08:59:44-18:00",
        "2021-02-16T08:59:44+10:00:30",
        // edge of day, month, year, leap years
        "2024-02-29T23:59:59.999999999Z",
        "2000-02-29T00:00:00Z",
        "1999-12-31T23:59:59.9Z",
        "1970-01-01T00:00:00Z",
        "1969-12-31T23:59:59.999999999Z",
        "2262-04-11T23:47:16.854775807Z",
        "1677-09-21T00:12:43.145224192Z",
        // java.time's ISO_OFFSET_DATE_TIME is case-insensitive and takes '.' without digits
        "2016-10-06t00:17:09.5z",
        "2016-10-06T00:17:09.Z",
        // invalid: must be refused by both
        "2023-02-29T00:00:00Z",
        "1900-02-29T00:00:00Z",
        "2016-13-06T00:17:09Z",
        "2016-00-06T00:17:09Z",
        "2016-04-31T00:17:09Z",
        "2016-10-06T24:00:00Z",
        "2016-10-06T00:60:00Z",
        "2016-10-06T00:17:60Z",
        "2016-10-06T00:17:09.1234567890Z",
        "2016-10-06T00:17:09+18:01",
        "2016-10-06T00:17:09+10:60",
        "2016-10-06T00:17:09+1000",
        "2016-10-06T00:17:09+10",
        "2016-10-06T00:17:09",
        "2016-10-06 00:17:09Z",
        "2016-10-06T00:17:09,5Z",
        "2016-10-06T00:17:09ZZ",
        "2016-1-06T00:17:09Z",
        "20161006T001709Z",
        "2016-10-06T00:17:09.669794202Z ",
        "2262-04-11T23:47:16.854775808Z",
        "9999-12-31T23:59:59Z",
        "0000-01-01T00:00:00Z",
        "abcd-ef-ghTij:kl:mnZ",
        ""
      })
  void agreesWithJavaTime(String text) {
    assertThat(ours(text)).as(text).isEqualTo(javaTime(text));
  }

  @Test
  void agreesWithJavaTimeOnRandomTimestamps() {
    Random random = new Random(42);
    for (int i = 0; i < 20_000; i++) {
      long seconds = random.nextLong() % 9_000_000_000L;
      int nanos = random.nextInt(1_000_000_000);
      int digits = random.nextInt(10);
      int offsetMinutes = random.nextInt(4) == 0 ? 0 : random.nextInt(18 * 60 * 2 + 1) - 18 * 60;
      String text = format(seconds, nanos, digits, offsetMinutes, random.nextBoolean());
      assertThat(ours(text)).as(text).isEqualTo(javaTime(text));
    }
  }

  private static String format(long seconds, int nanos, int digits, int offsetMinutes, boolean z) {
    java.time.ZoneOffset off = java.time.ZoneOffset.ofTotalSeconds(offsetMinutes * 60);
    OffsetDateTime t = Instant.ofEpochSecond(seconds, nanos).atOffset(off);
    StringBuilder sb = new StringBuilder(t.toLocalDateTime().withNano(0).toString());
    if (sb.length() == 16) {
      sb.append(":00"); // LocalDateTime.toString omits zero seconds
    }
    if (digits > 0) {
      sb.append('.').append(String.format("%09d", nanos), 0, digits);
    }
    if (offsetMinutes == 0 && z) {
      sb.append('Z');
    } else {
      sb.append(off.getId().equals("Z") ? "+00:00" : off.getId());
    }
    return sb.toString();
  }

  @Test
  void formatsLikeGoRfc3339Nano() {
    assertThat(Timestamps.formatRfc3339Nano(1_475_713_029_669_794_202L))
        .isEqualTo("2016-10-06T00:17:09.669794202Z");
    assertThat(Timestamps.formatRfc3339Nano(1_475_713_029_500_000_000L))
        .isEqualTo("2016-10-06T00:17:09.5Z");
    assertThat(Timestamps.formatRfc3339Nano(1_475_713_029_000_000_000L))
        .isEqualTo("2016-10-06T00:17:09Z");
    assertThat(Timestamps.formatRfc3339Nano(-1L)).isEqualTo("1969-12-31T23:59:59.999999999Z");
  }

  @Test
  void formatThenParseIsIdentity() {
    Random random = new Random(7);
    for (int i = 0; i < 10_000; i++) {
      long nanos = random.nextLong() % 4_000_000_000_000_000_000L;
      byte[] b = Timestamps.formatRfc3339Nano(nanos).getBytes(StandardCharsets.US_ASCII);
      assertThat(Timestamps.parse(b, 0, b.length)).isEqualTo(nanos);
    }
  }
}
