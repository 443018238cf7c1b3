package io.github.logchute.sink.stackdriver;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The hand-written timestamp formatter agrees with java.time on fixed and random instants. */
class Rfc3339Test {

  private static final DateTimeFormatter NINE =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSSSSSSSS'Z'").withZone(ZoneOffset.UTC);

  private static String format(long nanos) {
    char[] out = new char[Rfc3339.LENGTH];
    return Rfc3339.format(nanos, out) ? new String(out) : null;
  }

  private static String expected(long nanos) {
    return NINE.format(
        Instant.ofEpochSecond(
            Math.floorDiv(nanos, 1_000_000_000L), Math.floorMod(nanos, 1_000_000_000L)));
  }

  @Test
  void fixedCases() {
    assertThat(format(0)).isEqualTo("1970-01-01T00:00:00.000000000Z");
    assertThat(format(1_767_225_600_123_456_789L)).isEqualTo("2026-01-01T00:00:00.123456789Z");
    assertThat(format(951_782_400_000_000_001L)).isEqualTo("2000-02-29T00:00:00.000000001Z");
    assertThat(format(-1)).isEqualTo("1969-12-31T23:59:59.999999999Z");
  }

  @Test
  void randomInstantsMatchJavaTime() {
    SplittableRandom random = new SplittableRandom(7);
    for (int i = 0; i < 20_000; i++) {
      long nanos = random.nextLong(Long.MIN_VALUE / 2, Long.MAX_VALUE);
      assertThat(format(nanos)).as("%d", nanos).isEqualTo(expected(nanos));
    }
  }
}
