package io.github.logchute.core.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.FakeClock;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogStream;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.parse.DecodeMetrics;
import io.github.logchute.core.parse.DecodeOptions;
import io.github.logchute.core.parse.LogFormat;
import io.github.logchute.core.parse.RecordAssembler;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * A trace whose lines the runtime split into CRI partial records ({@code P ... F}), with the other
 * stream writing in between: the real decoder merges the partials, then the grouper sees whole
 * lines and groups them.
 */
class MultilinePartialLinesTest {

  private static final String TS = "2024-03-05T10:15:30.123456789Z";

  @Test
  void traceSplitIntoCriPartialsGroupsAsOneEvent() {
    List<String> trace = Lines.resource("java/spring-boot3-startup-failure.txt").subList(2, 61);
    ByteArrayOutputStream file = new ByteArrayOutputStream();
    write(file, "stdout", "F", "2024-03-05 10:15:29.001  INFO 1 --- [main] c.e.App : before");
    long traceStart = file.size();
    int split = 0;
    for (int i = 0; i < trace.size(); i++) {
      String line = trace.get(i);
      if (line.length() > 60 && i % 3 == 0) {
        // the runtime cut this line in three pieces; stdout wrote between them
        int a = line.length() / 3;
        int b = 2 * line.length() / 3;
        write(file, "stderr", "P", line.substring(0, a));
        write(file, "stdout", "F", "tick " + i);
        write(file, "stderr", "P", line.substring(a, b));
        write(file, "stderr", "F", line.substring(b));
        split++;
      } else {
        write(file, "stderr", "F", line);
      }
    }
    long traceEnd = file.size();
    write(file, "stderr", "F", "2024-03-05 10:15:31.002 ERROR 1 --- [main] c.e.App : after");
    byte[] bytes = file.toByteArray();
    assertThat(split).isGreaterThan(10);

    FakeClock clock = new FakeClock();
    MetricsRegistry registry = new MetricsRegistry();
    RecordAssembler assembler =
        new RecordAssembler(
            Lines.SOURCE,
            LogFormat.CRI,
            0,
            DecodeOptions.defaults(),
            DecodeMetrics.register(registry),
            clock);
    MultilineGrouper grouper =
        new MultilineGrouper(
            ProcessingOptions.builder().multiline(MultilineRule.java()).build(),
            ProcessMetrics.register(registry),
            clock);
    List<LogRecord> out = new ArrayList<>();
    // feed in small chunks, as a tailer reading a growing file would
    for (int off = 0; off < bytes.length; off += 700) {
      List<LogRecord> decoded = new ArrayList<>();
      assembler.feed(bytes, off, Math.min(700, bytes.length - off), decoded);
      decoded.forEach(r -> grouper.feed(r, out));
    }
    grouper.finish(out);

    List<LogRecord> stderr = out.stream().filter(r -> r.stream() == LogStream.STDERR).toList();
    assertThat(stderr).hasSize(2);
    LogRecord event = stderr.get(0);
    assertThat(event.messageText()).isEqualTo(String.join("\n", trace));
    assertThat(event.hasFlag(LogRecord.MULTILINE)).isTrue();
    assertThat(event.hasFlag(LogRecord.MERGED)).isTrue();
    assertThat(event.startOffset()).isEqualTo(traceStart);
    assertThat(event.endOffset()).isEqualTo(traceEnd);
    assertThat(stderr.get(1).messageText()).endsWith(": after");
    assertThat(out.stream().filter(r -> r.stream() == LogStream.STDOUT).count())
        .isEqualTo(1 + split);
  }

  private static void write(ByteArrayOutputStream file, String stream, String tag, String text) {
    byte[] b = (TS + " " + stream + " " + tag + " " + text + "\n").getBytes(StandardCharsets.UTF_8);
    file.write(b, 0, b.length);
  }
}
