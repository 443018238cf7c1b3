package io.github.logchute.core.parse;

import static io.github.logchute.core.parse.Decoding.nanos;
import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class DockerDecodingTest {

  private static final String T = "\"time\":\"2016-10-20T18:39:20.57606443Z\"";

  static Stream<Arguments> cases() {
    return Stream.of(
        // the kubelet's cases (TestParseLog), with the newline Docker writes for a complete line
        Arguments.of(
            "kubelet: stdout",
            "{\"log\":\"docker stdout test log\\n\",\"stream\":\"stdout\"," + T + "}",
            LogStream.STDOUT,
            "docker stdout test log"),
        Arguments.of(
            "kubelet: stderr",
            "{\"log\":\"docker stderr test log\\n\",\"stream\":\"stderr\"," + T + "}",
            LogStream.STDERR,
            "docker stderr test log"),
        Arguments.of(
            "any field order",
            "{" + T + ",\"stream\":\"stderr\",\"log\":\"reordered\\n\"}",
            LogStream.STDERR,
            "reordered"),
        Arguments.of(
            "extra fields of every JSON type are ignored",
            "{\"attrs\":{\"tag\":\"x\",\"n\":[1,2,{\"a\":\"}\"}]},\"log\":\"extra\\n\",\"n\":-1.5e3,"
                + "\"b\":true,\"z\":null,\"s\":\"\\\"q\\\"\",\"stream\":\"stdout\","
                + T
                + "}",
            LogStream.STDOUT,
            "extra"),
        Arguments.of(
            "whitespace around tokens",
            " { \"log\" : \"spaced\\n\" , \"stream\" : \"stdout\" , "
                + T.replace(":", " : ").replace("T18 : 39 : 20", "T18:39:20")
                + " } ",
            LogStream.STDOUT,
            "spaced"),
        Arguments.of(
            "escapes",
            "{\"log\":\"q\\\" b\\\\ s\\/ \\b\\f\\r\\t end\\n\",\"stream\":\"stdout\"," + T + "}",
            LogStream.STDOUT,
            "q\" b\\ s/ \b\f\r\t end"),
        Arguments.of(
            "NUL escape becomes a NUL byte",
            "{\"log\":\"a\\u0000b\\n\",\"stream\":\"stdout\"," + T + "}",
            LogStream.STDOUT,
            "a\u0000b"),
        Arguments.of(
            "unicode escapes: BMP and a surrogate pair",
            "{\"log\":\"\\u00e9\\u65e5\\ud83c\\udf0d\\n\",\"stream\":\"stdout\"," + T + "}",
            LogStream.STDOUT,
            "é日🌍"),
        Arguments.of(
            "upper-case hex digits",
            "{\"log\":\"\\u00C9\\uD83C\\uDF0D\\n\",\"stream\":\"stdout\"," + T + "}",
            LogStream.STDOUT,
            "É🌍"),
        Arguments.of(
            "a lone surrogate becomes U+FFFD",
            "{\"log\":\"x\\ud83cy\\udf0dz\\n\",\"stream\":\"stdout\"," + T + "}",
            LogStream.STDOUT,
            "x\uFFFDy\uFFFDz"),
        Arguments.of(
            "raw UTF-8 passes through",
            "{\"log\":\"日本語 🌍\\n\",\"stream\":\"stdout\"," + T + "}",
            LogStream.STDOUT,
            "日本語 🌍"),
        Arguments.of(
            "an escaped newline inside is kept, only the last one ends the line",
            "{\"log\":\"two\\nlines\\n\",\"stream\":\"stdout\"," + T + "}",
            LogStream.STDOUT,
            "two\nlines"),
        Arguments.of(
            "CRLF: the carriage return goes",
            "{\"log\":\"dos\\r\\n\",\"stream\":\"stdout\"," + T + "}",
            LogStream.STDOUT,
            "dos"),
        Arguments.of(
            "empty line",
            "{\"log\":\"\\n\",\"stream\":\"stdout\"," + T + "}",
            LogStream.STDOUT,
            ""),
        Arguments.of(
            "duplicate key: the last wins",
            "{\"log\":\"first\\n\",\"log\":\"second\\n\",\"stream\":\"stdout\"," + T + "}",
            LogStream.STDOUT,
            "second"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void decodes(String name, String line, LogStream stream, String message) {
    byte[] in = (line + "\n").getBytes(StandardCharsets.UTF_8);
    for (int chunk : new int[] {1, 5, 1 << 16}) {
      Decoding d = new Decoding(LogFormat.DOCKER).feed(in, chunk);
      assertThat(d.messages()).as("chunk %d", chunk).containsExactly(message);
      LogRecord r = d.records.get(0);
      assertThat(r.stream()).isEqualTo(stream);
      assertThat(r.timestampNanos()).isEqualTo(nanos("2016-10-20T18:39:20.57606443Z"));
      assertThat(r.flags() & (LogRecord.UNPARSED | LogRecord.INVALID_UTF8)).isZero();
      assertThat(r.endOffset()).isEqualTo(in.length);
    }
  }

  @Test
  void joinsPiecesWithoutTrailingNewlinePerStream() {
    String in =
        "{\"log\":\"out-1 \",\"stream\":\"stdout\","
            + T
            + "}\n"
            + "{\"log\":\"err-1 \",\"stream\":\"stderr\","
            + T
            + "}\n"
            + "{\"log\":\"out-2\\n\",\"stream\":\"stdout\","
            + T
            + "}\n"
            + "{\"log\":\"err-2\\n\",\"stream\":\"stderr\","
            + T
            + "}\n";
    Decoding d = new Decoding(LogFormat.DOCKER).feed(in);
    assertThat(d.messages()).containsExactly("out-1 out-2", "err-1 err-2");
    assertThat(d.records).allMatch(r -> r.hasFlag(LogRecord.MERGED));
  }

  @Test
  void invalidLinesAreKeptRawAndCounted() {
    List<String> bad =
        List.of(
            "not json",
            "{\"log\":\"no stream\\n\"," + T + "}",
            "{\"log\":\"no time\\n\",\"stream\":\"stdout\"}",
            "{\"stream\":\"stdout\"," + T + "}",
            "{\"log\":\"bad stream\\n\",\"stream\":\"stdin\"," + T + "}",
            "{\"log\":\"bad time\\n\",\"stream\":\"stdout\",\"time\":\"yesterday\"}",
            "{\"log\":\"bad escape \\x\\n\",\"stream\":\"stdout\"," + T + "}",
            "{\"log\":\"short unicode \\u12\",\"stream\":\"stdout\"," + T + "}",
            "{\"log\":\"unterminated,\"stream\":\"stdout\"," + T,
            "{\"log\":\"trailing comma\\n\",\"stream\":\"stdout\"," + T + ",}",
            "{\"log\":\"after\\n\",\"stream\":\"stdout\"," + T + "} garbage",
            "{\"log\":5,\"stream\":\"stdout\"," + T + "}",
            "[\"log\"]");
    StringBuilder in = new StringBuilder();
    bad.forEach(b -> in.append(b).append('\n'));
    Decoding d = new Decoding(LogFormat.DOCKER).feed(in.toString());
    assertThat(d.messages()).containsExactlyElementsOf(bad);
    assertThat(d.records).allMatch(r -> r.hasFlag(LogRecord.UNPARSED));
    assertThat(d.counter("logchute_lines_unparsed_total")).isEqualTo(bad.size());
  }
}
