package io.github.logchute.sink.stackdriver;

import static io.github.logchute.sink.stackdriver.Records.GKE;
import static io.github.logchute.sink.stackdriver.Records.SOURCE;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.LogStream;
import io.github.logchute.core.metrics.MetricsRegistry;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;

/** insertIds: the same for the same record, whenever it is encoded; distinct between records. */
class InsertIdTest {

  private final StackdriverConfig config = StackdriverConfig.builder().build();

  private static List<LogRecord> lines(LogSource source, int n) {
    return IntStream.range(0, n)
        .mapToObj(i -> Records.text(source, GKE, "line " + i, LogStream.STDOUT, i * 57L))
        .toList();
  }

  private static List<Object> ids(BatchEncoder e, List<LogRecord> records) {
    return Records.entries(e, records).stream().map(m -> m.get("insertId")).toList();
  }

  @Test
  void theSameRecordGetsTheSameIdInAnotherBatchAndAnotherEncoder() {
    List<LogRecord> records = lines(SOURCE, 50);
    List<Object> first = ids(Records.encoder(config, "p", new MetricsRegistry()), records);
    // a fresh encoder (as after a restart) and a batch cut differently (as after a split)
    List<Object> again =
        ids(Records.encoder(config, "p", new MetricsRegistry()), records.subList(10, 50));
    assertThat(again).isEqualTo(first.subList(10, 50));
  }

  @Test
  void idsDifferBetweenRecordsAndBetweenFiles() {
    BatchEncoder e = Records.encoder(config, "p", new MetricsRegistry());
    LogSource otherInode =
        LogSource.of(SOURCE.path(), new FileIdentity(SOURCE.identity().device(), 7654321));
    Set<Object> seen = new HashSet<>(ids(e, lines(SOURCE, 1000)));
    seen.addAll(ids(e, lines(otherInode, 1000)));
    assertThat(seen).hasSize(2000);
  }

  @Test
  void theIdIsShortAndSafe() {
    Map<String, Object> entry =
        Records.entries(
                Records.encoder(config, "p", new MetricsRegistry()),
                List.of(Records.text(SOURCE, GKE, "x", LogStream.STDOUT, Long.MAX_VALUE - 1)))
            .get(0);
    assertThat((String) entry.get("insertId"))
        .matches("[A-Za-z0-9_-]{11}-[0-9a-f]{1,16}")
        .hasSizeLessThanOrEqualTo(InsertIds.MAX_LENGTH)
        .endsWith(Long.toHexString(Long.MAX_VALUE - 1));
  }
}
