package io.github.logchute.core.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.FakeClock;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogStream;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.metrics.MetricsRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Grouping of real stack traces (resources under traces/, see their README). */
class MultilineGrouperTest {

  static final String BEFORE = "2024-03-05 10:15:29.001  INFO 1 --- [main] c.e.App : before";
  static final String AFTER = "2024-03-05 10:15:31.002  INFO 1 --- [main] c.e.App : after";

  final MetricsRegistry registry = new MetricsRegistry();
  final FakeClock clock = new FakeClock();

  MultilineGrouper grouper(ProcessingOptions.Builder options) {
    return new MultilineGrouper(options.build(), ProcessMetrics.register(registry), clock);
  }

  MultilineGrouper grouper(MultilineRule rule) {
    return grouper(ProcessingOptions.builder().multiline(rule));
  }

  /**
   * Each case: a trace between a plain line before and after it, and the expected number of lines
   * in each emitted record, in order (what the rule says the trace is).
   */
  static Stream<Arguments> traces() {
    return Stream.of(
        // Exception in thread "main" + 3 frames, Caused by + 2 frames + "... 2 more",
        // Suppressed (indented) + 2 frames + more, Caused by nested in it + 2 frames + more
        Arguments.of("java", "java/jdk17-uncaught-suppressed.txt", List.of(1, 16, 1)),
        // a log line, the printStackTrace() output (16 lines), another log line
        Arguments.of("java", "java/jdk17-logged.txt", List.of(1, 1, 16, 1, 1)),
        // log line, blank line, the exception with two causes and "common frames omitted"
        Arguments.of("java", "java/spring-boot3-startup-failure.txt", List.of(1, 1, 1, 59, 1)),
        // log line; KeyError handled into ZeroDivisionError (15 lines); FileNotFoundError
        // raised from ConfigError (19 lines): a final line followed by Traceback starts anew
        Arguments.of("python", "python/cpython311-chained.txt", List.of(1, 1, 15, 19, 1)),
        Arguments.of("python", "python/cpython311-exception-group.txt", List.of(1, 28, 1)),
        Arguments.of("go", "go/go119-goroutines.txt", List.of(1, 25, 1)),
        Arguments.of("go", "go/go121-goroutines.txt", List.of(1, 25, 1)),
        Arguments.of("go", "go/go119-nil-deref.txt", List.of(1, 8, 1)),
        Arguments.of("go", "go/go119-go-run.txt", List.of(1, 6, 1)));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("traces")
  void groupsRealTraces(String rule, String resource, List<Integer> expected) {
    List<String> input = withContext(Lines.resource(resource));
    List<LogRecord> in = new Lines().all(LogStream.STDERR, input);
    MultilineGrouper g = grouper(MultilineRule.parse(rule));
    List<LogRecord> out = new ArrayList<>();
    for (LogRecord r : in) {
      g.feed(r, out);
    }
    g.finish(out);
    assertPartition(in, out, expected);
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("traces")
  void groupsTracesInterleavedWithTheOtherStream(
      String rule, String resource, List<Integer> expected) {
    List<String> trace = withContext(Lines.resource(resource));
    Lines lines = new Lines();
    MultilineGrouper g = grouper(MultilineRule.parse(rule));
    List<LogRecord> errIn = new ArrayList<>();
    List<LogRecord> errOut = new ArrayList<>();
    List<LogRecord> outIn = new ArrayList<>();
    List<LogRecord> outOut = new ArrayList<>();
    int i = 0;
    for (String t : trace) {
      LogRecord err = lines.next(LogStream.STDERR, t);
      errIn.add(err);
      List<LogRecord> emitted = new ArrayList<>();
      g.feed(err, emitted);
      assertThat(emitted).allMatch(r -> r.stream() == LogStream.STDERR);
      errOut.addAll(emitted);
      // a stdout line that would belong to the trace if streams were mixed
      LogRecord o = lines.next(LogStream.STDOUT, i++ % 2 == 0 ? "\tat not.Mine(X.java:1)" : "ok");
      outIn.add(o);
      emitted.clear();
      g.feed(o, emitted);
      outOut.addAll(emitted);
    }
    List<LogRecord> rest = new ArrayList<>();
    g.finish(rest);
    rest.forEach(r -> (r.stream() == LogStream.STDERR ? errOut : outOut).add(r));
    assertPartition(errIn, errOut, expected);
    // stdout lines never mix with the stderr trace
    assertThat(outOut).allMatch(r -> r.stream() == LogStream.STDOUT);
    assertThat(String.join("\n", outOut.stream().map(LogRecord::messageText).toList()))
        .isEqualTo(String.join("\n", outIn.stream().map(LogRecord::messageText).toList()));
  }

  @Test
  void mergedEventCarriesFirstLineTimeAndStreamAndSpansItsLines() {
    List<String> trace = Lines.resource("java/jdk17-uncaught-suppressed.txt");
    List<LogRecord> in = new Lines().all(LogStream.STDERR, trace);
    MultilineGrouper g = grouper(MultilineRule.java());
    List<LogRecord> out = new ArrayList<>();
    in.forEach(r -> g.feed(r, out));
    assertThat(out).isEmpty();
    assertThat(g.hasPending()).isTrue();
    g.finish(out);
    assertThat(out).hasSize(1);
    LogRecord e = out.get(0);
    assertThat(e.messageText()).isEqualTo(String.join("\n", trace));
    assertThat(e.timestampNanos()).isEqualTo(in.get(0).timestampNanos());
    assertThat(e.stream()).isEqualTo(LogStream.STDERR);
    assertThat(e.source()).isEqualTo(in.get(0).source());
    assertThat(e.startOffset()).isEqualTo(in.get(0).startOffset());
    assertThat(e.endOffset()).isEqualTo(in.get(in.size() - 1).endOffset());
    assertThat(e.flags()).isEqualTo(LogRecord.MULTILINE);
    assertThat(registry.value("logchute_process_multiline_events_total")).isEqualTo(1);
    assertThat(registry.value("logchute_process_multiline_lines_total")).isEqualTo(16);
  }

  @Test
  void plainLinesPassThroughAtOnceUnchanged() {
    MultilineGrouper g = grouper(MultilineRule.java());
    Lines lines = new Lines();
    for (String t : List.of(BEFORE, "Error: not a java exception", "x.y: z", "", AFTER)) {
      LogRecord r = lines.next(LogStream.STDOUT, t);
      List<LogRecord> out = new ArrayList<>();
      g.feed(r, out);
      assertThat(out).containsExactly(r);
      assertThat(out.get(0)).isSameAs(r);
    }
    assertThat(g.hasPending()).isFalse();
  }

  @Test
  void exceptionLineWithoutFramesIsHeldUntilTheNextLineOnly() {
    MultilineGrouper g = grouper(MultilineRule.java());
    Lines lines = new Lines();
    LogRecord header = lines.next(LogStream.STDOUT, "java.lang.IllegalStateException: bad");
    List<LogRecord> out = new ArrayList<>();
    g.feed(header, out);
    assertThat(out).isEmpty();
    LogRecord next = lines.next(LogStream.STDOUT, AFTER);
    g.feed(next, out);
    assertThat(out).containsExactly(header, next);
    assertThat(out.get(0)).isSameAs(header);
  }

  @Test
  void exceptionMessageSpanningLinesJoinsWhenFramesFollow() {
    List<String> trace =
        List.of(
            "org.postgresql.util.PSQLException: ERROR: syntax error at or near \"FORM\"",
            "  Position: 10",
            "\tat org.postgresql.core.v3.QueryExecutorImpl.receiveErrorResponse(QueryExecutorImpl.java:2713)",
            "\tat org.postgresql.jdbc.PgStatement.execute(PgStatement.java:517)");
    List<LogRecord> in = new Lines().all(LogStream.STDOUT, withContext(trace));
    List<LogRecord> out = new ArrayList<>();
    MultilineGrouper g = grouper(MultilineRule.java());
    in.forEach(r -> g.feed(r, out));
    g.finish(out);
    assertPartition(in, out, List.of(1, 4, 1));
  }

  @Test
  void startPatternRuleGroupsUntilTheNextStart() {
    MultilineGrouper g = grouper(MultilineRule.parse("^\\d{4}-\\d{2}-\\d{2} "));
    Lines lines = new Lines();
    List<LogRecord> out = new ArrayList<>();
    g.feed(lines.next(LogStream.STDOUT, "orphan before any start"), out);
    assertThat(out).hasSize(1);
    g.feed(lines.next(LogStream.STDOUT, "2024-01-01 12:00:00 ERROR request failed"), out);
    g.feed(lines.next(LogStream.STDOUT, "  detail one"), out);
    g.feed(lines.next(LogStream.STDOUT, "detail two"), out);
    assertThat(out).hasSize(1);
    g.feed(lines.next(LogStream.STDOUT, "2024-01-01 12:00:01 INFO next"), out);
    assertThat(out)
        .extracting(LogRecord::messageText)
        .containsExactly(
            "orphan before any start",
            "2024-01-01 12:00:00 ERROR request failed\n  detail one\ndetail two");
    assertThat(g.hasPending()).isTrue();
    g.finish(out);
    assertThat(out.get(2).messageText()).isEqualTo("2024-01-01 12:00:01 INFO next");
  }

  @Test
  void ruleComesFromEachSourcesMetadata() {
    SourceMetadata python = SourceMetadata.builder().put(MetadataKeys.MULTILINE, "python").build();
    MultilineGrouper g = grouper(ProcessingOptions.builder());
    List<String> trace = withContext(Lines.resource("python/cpython311-exception-group.txt"));
    List<LogRecord> in = new Lines(python).all(LogStream.STDERR, trace);
    List<LogRecord> out = new ArrayList<>();
    in.forEach(r -> g.feed(r, out));
    g.finish(out);
    assertThat(g.rule()).isEqualTo(MultilineRule.python());
    assertPartition(in, out, List.of(1, 28, 1));

    // the same lines with no per-source rule and the default (none): one record per line
    MultilineGrouper plain = grouper(ProcessingOptions.builder());
    List<LogRecord> out2 = new ArrayList<>();
    new Lines().all(LogStream.STDERR, trace).forEach(r -> plain.feed(r, out2));
    assertThat(out2).hasSize(trace.size());
    assertThat(plain.hasPending()).isFalse();
  }

  @Test
  void unknownPerSourceRuleFallsBackToTheDefaultAndIsCounted() {
    SourceMetadata bad = SourceMetadata.builder().put(MetadataKeys.MULTILINE, "regex:([").build();
    MultilineGrouper g = grouper(MultilineRule.java());
    List<LogRecord> in =
        new Lines(bad).all(LogStream.STDERR, Lines.resource("java/jdk17-uncaught-suppressed.txt"));
    List<LogRecord> out = new ArrayList<>();
    in.forEach(r -> g.feed(r, out));
    g.finish(out);
    assertThat(out).hasSize(1);
    assertThat(registry.value("logchute_process_selection_invalid_total", "setting", "multiline"))
        .isEqualTo(in.size());
  }

  @Test
  void ruleChangeEmitsWhatWasHeldFirst() {
    MultilineGrouper g = grouper(MultilineRule.java());
    List<LogRecord> out = new ArrayList<>();
    Lines lines = new Lines();
    g.feed(lines.next(LogStream.STDOUT, "java.lang.IllegalStateException: x"), out);
    g.feed(lines.next(LogStream.STDOUT, "\tat a.B.c(B.java:1)"), out);
    assertThat(out).isEmpty();
    SourceMetadata none = SourceMetadata.builder().put(MetadataKeys.MULTILINE, "none").build();
    g.feed(Lines.record("\tat a.B.d(B.java:2)", none), out);
    assertThat(out)
        .extracting(LogRecord::messageText)
        .containsExactly(
            "java.lang.IllegalStateException: x\n\tat a.B.c(B.java:1)", "\tat a.B.d(B.java:2)");
    assertThat(g.rule().isNone()).isTrue();
  }

  @Test
  void noRuleMeansNoHoldingAtAll() {
    MultilineGrouper g = grouper(ProcessingOptions.builder());
    LogRecord r = Lines.record("java.lang.IllegalStateException: x");
    List<LogRecord> out = new ArrayList<>();
    g.feed(r, out);
    assertThat(out).containsExactly(r);
    assertThat(g.safeOffset(123)).isEqualTo(123);
    assertThat(g.hasPending()).isFalse();
  }

  /** Adds a plain line before and after. */
  static List<String> withContext(List<String> trace) {
    List<String> all = new ArrayList<>();
    all.add(BEFORE);
    all.addAll(trace);
    all.add(AFTER);
    return all;
  }

  /**
   * Checks that {@code out} is {@code in}, in order, grouped as {@code sizes} says: each group of
   * one line is the input record itself, each larger group one merged record.
   */
  static void assertPartition(List<LogRecord> in, List<LogRecord> out, List<Integer> sizes) {
    assertThat(out.stream().map(r -> r.messageText().split("\n", -1).length).toList())
        .as("lines per record")
        .isEqualTo(sizes);
    int i = 0;
    for (int k = 0; k < sizes.size(); k++) {
      int n = sizes.get(k);
      LogRecord r = out.get(k);
      List<LogRecord> group = in.subList(i, i + n);
      assertThat(r.messageText())
          .isEqualTo(String.join("\n", group.stream().map(LogRecord::messageText).toList()));
      assertThat(r.startOffset()).isEqualTo(group.get(0).startOffset());
      assertThat(r.endOffset()).isEqualTo(group.get(n - 1).endOffset());
      if (n == 1 && !r.hasFlag(LogRecord.TRUNCATED)) {
        assertThat(r).isSameAs(group.get(0));
      } else {
        assertThat(r.hasFlag(LogRecord.MULTILINE)).isTrue();
      }
      i += n;
    }
    assertThat(i).isEqualTo(in.size());
  }

  static String joined(List<LogRecord> out) {
    return String.join("\n", out.stream().map(LogRecord::messageText).toList());
  }
}
