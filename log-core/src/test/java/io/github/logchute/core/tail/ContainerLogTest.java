package io.github.logchute.core.tail;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** How a rotated file done with is known again when a scan lists it. */
class ContainerLogTest {

  private static byte[] lines(int from, int to) {
    StringBuilder b = new StringBuilder();
    for (int i = from; i < to; i++) {
      b.append("2026-01-01T00:00:00.000000000Z stdout F line ").append(i).append('\n');
    }
    return b.toString().getBytes(StandardCharsets.UTF_8);
  }

  @Test
  void aFileWhoseFirstBytesWereTakenWhileItWasShortIsKnownByThemAndItsLength() {
    byte[] whole = lines(0, 10); // under 1 KiB: a scan's head is the whole file
    byte[] firstLine = Arrays.copyOf(whole, lines(0, 1).length);
    // read to its end (from its compressed copy, which does not refresh the first bytes taken
    // when the file held one line)
    ContainerLog.Done done = new ContainerLog.Done(Fingerprint.of(firstLine), whole.length);

    assertThat(done.matches(whole, whole.length, true)).as("its .gz").isTrue();
    assertThat(done.matches(whole, whole.length, false)).as("its plain form").isTrue();
    byte[] grown = lines(0, 11);
    assertThat(done.matches(grown, grown.length, false)).as("grown since").isFalse();
    byte[] other = lines(1, 11);
    assertThat(done.matches(other, whole.length, true)).as("another file").isFalse();
  }

  @Test
  void withoutALengthOnlyAllTheFirstBytesKnowAFile() {
    byte[] whole = lines(0, 10);
    byte[] firstLine = Arrays.copyOf(whole, lines(0, 1).length);
    ContainerLog.Done done = new ContainerLog.Done(Fingerprint.of(firstLine), -1);

    assertThat(done.matches(firstLine, -1, false)).isTrue();
    assertThat(done.matches(whole, -1, false)).as("it may have grown").isFalse();
  }
}
