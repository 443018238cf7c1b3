package io.github.logchute.core.process;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LogfmtFieldsTest {

  private final LogfmtFields logfmt = new LogfmtFields(64 * 1024);

  @Test
  void parsesSlogTextOutput() {
    Map<String, Object> f =
        fields("time=2024-01-02T03:04:05.678Z level=INFO msg=\"order placed\" id=42 user.name=ann");
    assertThat(f)
        .containsExactly(
            Map.entry("time", "2024-01-02T03:04:05.678Z"),
            Map.entry("level", "INFO"),
            Map.entry("msg", "order placed"),
            Map.entry("id", "42"),
            Map.entry("user.name", "ann"));
  }

  @Test
  void unescapesQuotedValuesLikeGoStrconv() {
    Map<String, Object> f =
        fields(
            "msg=\"say \\\"hi\\\"\\n\\tback\\\\slash\" u=\"caf\\u00e9 \\U0001F600\""
                + " x=\"\\xff\\x41\" sp=\"\\ud83d\\ude00\" bad=\"\\q\\u12\" e=\"\"");
    assertThat(f.get("msg")).isEqualTo("say \"hi\"\n\tback\\slash");
    assertThat(f.get("u")).isEqualTo("café 😀");
    assertThat(f.get("x")).isEqualTo("\uFFFDA");
    assertThat(f.get("sp")).isEqualTo("😀");
    assertThat(f.get("bad")).isEqualTo("\\q\\u12");
    assertThat(f.get("e")).isEqualTo("");
  }

  @Test
  void bareKeysAreTrueAndEmptyValuesEmpty() {
    Map<String, Object> f = fields("a=1 debug b= c=\"x y\"  retry");
    assertThat(f)
        .containsExactly(
            Map.entry("a", "1"),
            Map.entry("debug", true),
            Map.entry("b", ""),
            Map.entry("c", "x y"),
            Map.entry("retry", true));
  }

  @Test
  void keepsUtf8KeysAndValues() {
    assertThat(fields("clé=été π=3.14")).containsEntry("clé", "été").containsEntry("π", "3.14");
  }

  @Test
  void plainTextIsNotLogfmt() {
    assertThat(parse("Starting server on port=8080")).isNull();
    assertThat(parse("hello world")).isNull();
    assertThat(parse("=x a=b")).isNull();
    assertThat(parse("")).isNull();
    assertThat(parse("\tat com.example.Foo.bar(Foo.java:1)")).isNull();
  }

  @Test
  void brokenLogfmtIsInvalid() {
    assertThat(parse("a=1 msg=\"unterminated")).isEqualTo(ParseOutcome.Rejection.INVALID);
    assertThat(parse("a=1 b=\"x\"y")).isEqualTo(ParseOutcome.Rejection.INVALID);
    assertThat(parse("a=1 =2")).isEqualTo(ParseOutcome.Rejection.INVALID);
    assertThat(parse("a=1 k\"ey=2")).isEqualTo(ParseOutcome.Rejection.INVALID);
  }

  @Test
  void overTheLimitIsTooLarge() {
    LogfmtFields small = new LogfmtFields(64);
    String line = "a=" + "x".repeat(70);
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    assertThat(small.parse(b, 0, b.length)).isEqualTo(ParseOutcome.Rejection.TOO_LARGE);
  }

  private Map<String, Object> fields(String line) {
    ParseOutcome o = parse(line);
    assertThat(o).isInstanceOf(ParseOutcome.Parsed.class);
    return ((ParseOutcome.Parsed) o).fields();
  }

  private ParseOutcome parse(String line) {
    byte[] b = line.getBytes(StandardCharsets.UTF_8);
    return logfmt.parse(b, 0, b.length);
  }
}
