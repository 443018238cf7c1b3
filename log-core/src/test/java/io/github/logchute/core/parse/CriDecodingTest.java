package io.github.logchute.core.parse;

import static io.github.logchute.core.parse.Decoding.nanos;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogStream;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CriDecodingTest {

  private static final String TS = "2016-10-20T18:39:20.57606443Z";

  /** One complete CRI line (or a P...F group) in, one record out. */
  static Stream<Arguments> singleRecordCases() {
    return Stream.of(
        // the kubelet's own parser cases (pkg/kubelet/kuberuntime/logs/logs_test.go, TestParseLog)
        Arguments.of(
            "kubelet: stdout F",
            TS + " stdout F cri stdout test log\n",
            LogStream.STDOUT,
            "cri stdout test log"),
        Arguments.of(
            "kubelet: stderr F",
            TS + " stderr F cri stderr test log\n",
            LogStream.STDERR,
            "cri stderr test log"),
        Arguments.of(
            "kubelet: partial with extra tags, then the final piece",
            TS + " stdout P:TAG1:TAG2 cri stdout partial test log\n" + TS + " stdout F :end\n",
            LogStream.STDOUT,
            "cri stdout partial test log:end"),
        Arguments.of(
            "kubelet: partial, then the final piece",
            TS + " stdout P cri stdout partial test log\n" + TS + " stdout F \n",
            LogStream.STDOUT,
            "cri stdout partial test log"),
        Arguments.of("empty content", TS + " stdout F \n", LogStream.STDOUT, ""),
        Arguments.of("no space after the tag", TS + " stdout F\n", LogStream.STDOUT, ""),
        Arguments.of(
            "spaces and tabs kept byte for byte",
            TS + " stdout F   two  spaces\tand\ttabs \t \n",
            LogStream.STDOUT,
            "  two  spaces\tand\ttabs \t "),
        Arguments.of(
            "CRLF: the carriage return goes, as containerd does it",
            TS + " stdout F windows line\r\n",
            LogStream.STDOUT,
            "windows line"),
        Arguments.of(
            "only the last CR goes", TS + " stdout F a\rb\r\r\n", LogStream.STDOUT, "a\rb\r"),
        Arguments.of(
            "full tag with extra fields is full",
            TS + " stderr F:x:y done\n",
            LogStream.STDERR,
            "done"),
        Arguments.of(
            "JSON content kept verbatim",
            TS + " stdout F {\"message\":\"Hello World\",\"log_level\":\"info\"}\n",
            LogStream.STDOUT,
            "{\"message\":\"Hello World\",\"log_level\":\"info\"}"),
        Arguments.of("non-ASCII", TS + " stdout F こんにちは 🌍\n", LogStream.STDOUT, "こんにちは 🌍"),
        Arguments.of(
            "CRI-O: 9 digits, numeric offset",
            "2021-02-16T08:59:44.287589429+00:00 stdout F crio\n",
            LogStream.STDOUT,
            "crio"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("singleRecordCases")
  void decodesOneRecord(String name, String input, LogStream stream, String message) {
    for (int chunk : new int[] {1, 3, 7, 64, 1 << 16}) {
      Decoding d =
          new Decoding(LogFormat.CRI)
              .feed(input.getBytes(java.nio.charset.StandardCharsets.UTF_8), chunk);
      assertThat(d.messages()).as("chunk %d", chunk).containsExactly(message);
      LogRecord r = d.records.get(0);
      assertThat(r.stream()).isEqualTo(stream);
      assertThat(r.hasFlag(LogRecord.UNPARSED)).isFalse();
      assertThat(r.startOffset()).isZero();
      assertThat(r.endOffset())
          .isEqualTo(input.getBytes(java.nio.charset.StandardCharsets.UTF_8).length);
      assertThat(d.assembler.hasPending()).isFalse();
    }
  }

  @Test
  void keepsTimestampsAndOffsets() {
    String l1 = "2016-10-06T00:17:09.669794202Z stdout F first\n";
    String l2 = "2026-09-04T13:14:02.5+10:00 stderr F second\n";
    Decoding d = new Decoding(LogFormat.CRI).feed(l1 + l2);
    assertThat(d.records).hasSize(2);
    assertThat(d.records.get(0).timestampNanos())
        .isEqualTo(nanos("2016-10-06T00:17:09.669794202Z"));
    assertThat(d.records.get(1).timestampNanos()).isEqualTo(nanos("2026-09-04T03:14:02.5Z"));
    assertThat(d.records.get(0).endOffset()).isEqualTo(l1.length());
    assertThat(d.records.get(1).startOffset()).isEqualTo(l1.length());
    assertThat(d.records.get(1).endOffset()).isEqualTo(l1.length() + l2.length());
    assertThat(d.assembler.safeOffset()).isEqualTo(l1.length() + l2.length());
  }

  @Test
  void mergesPartialsPerStreamWhenInterleaved() {
    String in =
        TS
            + " stdout P out-1 \n"
            + TS
            + " stderr P err-1 \n"
            + TS
            + " stdout P out-2 \n"
            + TS
            + " stderr F err-2\n"
            + TS
            + " stdout F out-3\n";
    Decoding d = new Decoding(LogFormat.CRI).feed(in);
    assertThat(d.messages()).containsExactly("err-1 err-2", "out-1 out-2 out-3");
    assertThat(d.records.get(0).stream()).isEqualTo(LogStream.STDERR);
    assertThat(d.records.get(1).stream()).isEqualTo(LogStream.STDOUT);
    assertThat(d.records).allMatch(r -> r.hasFlag(LogRecord.MERGED));
    // the stdout record spans from its first fragment to the end of its last
    assertThat(d.records.get(1).startOffset()).isZero();
    assertThat(d.records.get(1).endOffset()).isEqualTo(in.length());
  }

  @Test
  void safeOffsetStaysAtTheStartOfAMergeInProgress() {
    String done = TS + " stdout F done\n";
    String partial = TS + " stdout P half";
    Decoding d = new Decoding(LogFormat.CRI).feed(done + partial + "\n" + TS + " stdout P more");
    assertThat(d.messages()).containsExactly("done");
    assertThat(d.assembler.safeOffset()).isEqualTo(done.length());
    assertThat(d.assembler.hasPending()).isTrue();
  }

  @Test
  void mergeWithoutFinalPieceIsFlushedWhenStaleAndAtFinish() {
    Decoding d = new Decoding(LogFormat.CRI).feed(TS + " stdout P dangling\n");
    long start = d.clock.nanoTime();
    d.assembler.flushStaleMerges(start + 3_999_999_999L, 4_000_000_000L, d.records);
    assertThat(d.records).isEmpty();
    d.assembler.flushStaleMerges(start + 4_000_000_000L, 4_000_000_000L, d.records);
    assertThat(d.messages()).containsExactly("dangling");

    Decoding e = new Decoding(LogFormat.CRI).feed(TS + " stderr P dangling too\n");
    e.finish();
    assertThat(e.messages()).containsExactly("dangling too");
    assertThat(e.records.get(0).stream()).isEqualTo(LogStream.STDERR);
  }

  @Test
  void finishEmitsALastLineWithoutNewline() {
    Decoding d = new Decoding(LogFormat.CRI).feed(TS + " stdout F no newline");
    assertThat(d.records).isEmpty();
    d.finish();
    assertThat(d.messages()).containsExactly("no newline");
  }

  @Test
  void malformedLinesAreKeptRawAndCounted() {
    List<String> bad =
        List.of(
            "unsupported log format test log",
            TS + " stdio F wrong stream",
            TS + "  stdout F two spaces",
            TS + " stdout",
            TS + " stdout :P empty first tag",
            // no P/F tag: the first word must not be taken for one (issue 11, scenario 6)
            TS + " stdout hello world",
            TS + " stdout X something",
            TS + " stdout PX whole",
            TS + " stderr Full line",
            "2016-10-20 18:39:20Z stdout F space in time",
            "2016-13-20T18:39:20Z stdout F month 13",
            "");
    StringBuilder in = new StringBuilder();
    for (String b : bad) {
      in.append(b).append('\n');
    }
    in.append(TS).append(" stdout F good\n");
    Decoding d = new Decoding(LogFormat.CRI).feed(in.toString());
    assertThat(d.messages())
        .containsExactlyElementsOf(Stream.concat(bad.stream(), Stream.of("good")).toList());
    for (int i = 0; i < bad.size(); i++) {
      LogRecord r = d.records.get(i);
      assertThat(r.hasFlag(LogRecord.UNPARSED)).as(bad.get(i)).isTrue();
      assertThat(r.timestampNanos()).isEqualTo(d.clock.epochNanos());
    }
    assertThat(d.records.get(bad.size()).hasFlag(LogRecord.UNPARSED)).isFalse();
    assertThat(d.counter("logchute_lines_unparsed_total")).isEqualTo(bad.size());
    assertThat(d.counter("logchute_lines_read_total")).isEqualTo(bad.size() + 1);
  }

  @Test
  void mergedRecordOverTheCapComesInTruncatedPieces() {
    DecodeOptions opts = new DecodeOptions(1024, 100);
    StringBuilder in = new StringBuilder();
    StringBuilder expected = new StringBuilder();
    for (int i = 0; i < 6; i++) {
      String piece = ("piece" + i + "-").repeat(8); // 56 bytes
      expected.append(piece);
      in.append(TS).append(i < 5 ? " stdout P " : " stdout F ").append(piece).append('\n');
    }
    Decoding d = new Decoding(LogFormat.CRI, opts).feed(in.toString());
    assertThat(d.records).hasSizeGreaterThan(1);
    assertThat(String.join("", d.messages())).isEqualTo(expected.toString());
    for (LogRecord r : d.records) {
      assertThat(r.messageLength()).isLessThanOrEqualTo(100);
      assertThat(r.hasFlag(LogRecord.TRUNCATED)).isTrue();
      assertThat(r.hasFlag(LogRecord.MERGED)).isTrue();
    }
    assertThat(d.records.get(d.records.size() - 1).endOffset()).isEqualTo(in.length());
    // pieces tile the input: each starts where the previous ended
    for (int i = 1; i < d.records.size(); i++) {
      assertThat(d.records.get(i).startOffset()).isEqualTo(d.records.get(i - 1).endOffset());
    }
    assertThat(d.counter("logchute_merged_records_split_total")).isEqualTo(d.records.size() - 1);
  }

  @Test
  void mergeCapNeverSplitsAUtf8Character() {
    DecodeOptions opts = new DecodeOptions(1024, 16);
    String piece = "ééééééééé"; // 18 bytes: the 16-byte cap falls inside no character
    Decoding d =
        new Decoding(LogFormat.CRI, opts)
            .feed(TS + " stdout P " + piece + "\n" + TS + " stdout F " + piece + "x\n");
    assertThat(String.join("", d.messages())).isEqualTo(piece + piece + "x");
    assertThat(d.records).noneMatch(r -> r.hasFlag(LogRecord.INVALID_UTF8));
  }
}
