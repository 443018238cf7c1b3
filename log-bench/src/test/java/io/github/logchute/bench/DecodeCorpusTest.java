package io.github.logchute.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.Clock;
import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.parse.DecodeMetrics;
import io.github.logchute.core.parse.DecodeOptions;
import io.github.logchute.core.parse.LogFormat;
import io.github.logchute.core.parse.RecordAssembler;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The benchmark corpus measures the real decode path: every line parses, partials merge. */
class DecodeCorpusTest {

  @ParameterizedTest
  @EnumSource(
      value = LogFormat.class,
      names = {"CRI", "DOCKER"})
  void theCorpusDecodesCleanlyWithMergedPartialsAndJsonMessages(LogFormat format) {
    byte[] corpus = DecodeCorpus.generate(format);
    assertThat(corpus).hasSize(DecodeCorpus.SIZE);

    RecordAssembler assembler =
        new RecordAssembler(
            LogSource.of(Path.of("/tmp/x.log"), new FileIdentity(1, 1)),
            format,
            0,
            DecodeOptions.defaults(),
            DecodeMetrics.register(new MetricsRegistry()),
            Clock.system());
    List<LogRecord> records = new ArrayList<>();
    for (int off = 0; off < corpus.length; off += 65536) {
      assembler.feed(corpus, off, Math.min(65536, corpus.length - off), records);
    }
    assembler.finish(records);

    assertThat(records).hasSizeGreaterThan(5_000);
    assertThat(records).noneMatch(r -> r.hasFlag(LogRecord.UNPARSED));
    long merged = records.stream().filter(r -> r.hasFlag(LogRecord.MERGED)).count();
    long json = records.stream().filter(r -> r.messageText().startsWith("{\"level\"")).count();
    assertThat(merged).isBetween(records.size() / 100L, records.size() / 20L);
    assertThat(json).isBetween(records.size() / 5L, records.size() * 2L / 5);
    assertThat(records.get(records.size() - 1).endOffset()).isEqualTo(DecodeCorpus.SIZE);
    assertThat(records)
        .filteredOn(r -> r.messageText().startsWith("{\"level\""))
        .allMatch(r -> r.messageText().endsWith("}"));
  }
}
