package io.github.logchute.core.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JsonFieldsTest {

  private final JsonFields json = new JsonFields(64 * 1024, 10);

  @Test
  void keepsEveryMemberInOrderWithNestedObjectsAndArrays() {
    Map<String, Object> f =
        fields(
            "{\"time\":\"2024-01-02T03:04:05Z\",\"level\":\"info\",\"msg\":\"order placed\","
                + "\"order\":{\"id\":42,\"items\":[{\"sku\":\"A-1\",\"qty\":2},{\"sku\":\"B\"}]},"
                + "\"tags\":[\"a\",null,true,false,1.5],\"empty\":{},\"none\":[]}");
    assertThat(f.keySet())
        .containsExactly("time", "level", "msg", "order", "tags", "empty", "none");
    Map<?, ?> order = (Map<?, ?>) f.get("order");
    assertThat(order.get("id")).isEqualTo(42L);
    List<?> items = (List<?>) order.get("items");
    assertThat(items).hasSize(2);
    assertThat(((Map<?, ?>) items.get(0)).get("sku")).isEqualTo("A-1");
    assertThat(f.get("tags")).isEqualTo(Arrays.asList("a", null, true, false, 1.5));
    assertThat((Map<?, ?>) f.get("empty")).isEmpty();
    assertThat((List<?>) f.get("none")).isEmpty();
  }

  @Test
  void resultIsUnmodifiableAllTheWayDown() {
    Map<String, Object> f = fields("{\"a\":{\"b\":[1]}}");
    assertThatThrownBy(() -> f.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    @SuppressWarnings("unchecked")
    Map<String, Object> a = (Map<String, Object>) f.get("a");
    assertThatThrownBy(() -> a.put("x", 1)).isInstanceOf(UnsupportedOperationException.class);
    @SuppressWarnings("unchecked")
    List<Object> b = (List<Object>) a.get("b");
    assertThatThrownBy(() -> b.add(2)).isInstanceOf(UnsupportedOperationException.class);
  }

  @Test
  void numbersKeepTheirValueAndPrecision() {
    Map<String, Object> f =
        fields(
            "{\"int\":7,\"neg\":-3,\"long\":9007199254740993,\"max\":9223372036854775807,"
                + "\"big\":123456789012345678901234567890,\"float\":0.25,\"exp\":1.5e3,"
                + "\"zap\":1704207845.123,\"precise\":3.14159265358979323846,"
                + "\"huge\":1e400,\"tiny\":1e-400,\"zero\":0.0}");
    assertThat(f.get("int")).isEqualTo(7L);
    assertThat(f.get("neg")).isEqualTo(-3L);
    assertThat(f.get("long")).isEqualTo(9007199254740993L);
    assertThat(f.get("max")).isEqualTo(Long.MAX_VALUE);
    assertThat(f.get("big")).isEqualTo(new BigInteger("123456789012345678901234567890"));
    assertThat(f.get("float")).isEqualTo(0.25);
    assertThat(f.get("exp")).isEqualTo(1500.0);
    assertThat(f.get("zap")).isEqualTo(1704207845.123);
    assertThat(f.get("precise")).isEqualTo(new BigDecimal("3.14159265358979323846"));
    assertThat(f.get("huge")).isEqualTo(new BigDecimal("1e400"));
    assertThat(f.get("tiny")).isEqualTo(new BigDecimal("1e-400"));
    assertThat(f.get("zero")).isEqualTo(0.0);
  }

  @Test
  void decodesUnicodeEscapesAndSurrogatePairs() {
    Map<String, Object> f =
        fields(
            "{\"e\":\"caf\\u00e9\",\"emoji\":\"\\ud83d\\ude00!\",\"raw\":\"ß→😀\","
                + "\"ctl\":\"a\\u0000b\\n\\t\\\"q\\\"\\\\\",\"lone\":\"x\\ud800y\",\"low\":\"\\udc00\","
                + "\"k\\u00e9y\":1}");
    assertThat(f.get("e")).isEqualTo("café");
    assertThat(f.get("emoji")).isEqualTo("😀!");
    assertThat(f.get("raw")).isEqualTo("ß→😀");
    assertThat(f.get("ctl")).isEqualTo("a\u0000b\n\t\"q\"\\");
    assertThat(f.get("lone")).isEqualTo("x\uFFFDy");
    assertThat(f.get("low")).isEqualTo("\uFFFD");
    assertThat(f).containsKey("kéy");
  }

  @Test
  void repeatedKeyKeepsFirstPositionAndLastValue() {
    Map<String, Object> f = fields("{\"a\":1,\"b\":2,\"a\":3}");
    assertThat(f.keySet()).containsExactly("a", "b");
    assertThat(f.get("a")).isEqualTo(3L);
  }

  @Test
  void blanksAroundTheObjectAreAllowed() {
    assertThat(fields(" \t{\"a\":1}\r ")).containsEntry("a", 1L);
  }

  static Stream<Arguments> rejected() {
    return Stream.of(
        Arguments.of("{\"a\":1", ParseOutcome.Rejection.INVALID),
        Arguments.of("{a:1}", ParseOutcome.Rejection.INVALID),
        Arguments.of("{\"a\":1,}", ParseOutcome.Rejection.INVALID),
        Arguments.of("{\"a\":'x'}", ParseOutcome.Rejection.INVALID),
        Arguments.of("{\"a\":NaN}", ParseOutcome.Rejection.INVALID),
        Arguments.of("{\"a\":1} trailing", ParseOutcome.Rejection.INVALID),
        Arguments.of("{\"a\":1}}", ParseOutcome.Rejection.INVALID),
        Arguments.of("{\"a\":1} {\"b\":2}", ParseOutcome.Rejection.INVALID),
        Arguments.of("{\"a\":1 /* c */}", ParseOutcome.Rejection.INVALID),
        Arguments.of("{} is not how you start a sentence", ParseOutcome.Rejection.INVALID),
        Arguments.of("[1,2,{\"a\":3}]", ParseOutcome.Rejection.NOT_OBJECT),
        Arguments.of("[]", ParseOutcome.Rejection.NOT_OBJECT),
        Arguments.of("\"just a string\"", ParseOutcome.Rejection.NOT_OBJECT),
        Arguments.of(nested(11), ParseOutcome.Rejection.TOO_DEEP),
        Arguments.of(
            "{\"a\":" + "[".repeat(10) + "]".repeat(10) + "}", ParseOutcome.Rejection.TOO_DEEP),
        Arguments.of(
            "{\"a\":" + "[".repeat(5000) + "]".repeat(5000) + "}",
            ParseOutcome.Rejection.TOO_DEEP));
  }

  @ParameterizedTest
  @MethodSource("rejected")
  void rejectsWithAReason(String message, ParseOutcome.Rejection reason) {
    assertThat(parse(message)).isEqualTo(reason);
  }

  @Test
  void depthLimitCountsTheRootObjectAsOne() {
    assertThat(parse(nested(10))).isInstanceOf(ParseOutcome.Parsed.class);
    assertThat(parse(nested(11))).isEqualTo(ParseOutcome.Rejection.TOO_DEEP);
    assertThat(new JsonFields(1024, 1).parse(bytes("{\"a\":{}}"), 0, 8))
        .isEqualTo(ParseOutcome.Rejection.TOO_DEEP);
  }

  @Test
  void objectOverTheSizeLimitIsNotParsed() {
    JsonFields small = new JsonFields(100, 10);
    String exact = "{\"pad\":\"" + "x".repeat(100 - 10) + "\"}";
    assertThat(exact).hasSize(100);
    assertThat(small.parse(bytes(exact), 0, 100)).isInstanceOf(ParseOutcome.Parsed.class);
    String over = "{\"pad\":\"" + "x".repeat(91) + "\"}";
    assertThat(small.parse(bytes(over), 0, 101)).isEqualTo(ParseOutcome.Rejection.TOO_LARGE);
    // not even well-formed: the size check comes first, nothing is read
    byte[] garbage = new byte[5000];
    Arrays.fill(garbage, (byte) '{');
    assertThat(small.parse(garbage, 0, garbage.length)).isEqualTo(ParseOutcome.Rejection.TOO_LARGE);
  }

  static Stream<String> plainText() {
    return Stream.of(
        "plain text",
        "[info] starting",
        "[2024-01-01 12:00:00] x [y]",
        "\"quoted\" then more",
        "123",
        "true",
        "null",
        "",
        "   ",
        "{",
        "x {\"a\":1}");
  }

  @ParameterizedTest
  @MethodSource("plainText")
  void plainTextIsNotACandidate(String message) {
    assertThat(parse(message)).isNull();
  }

  @Test
  void parsesOnlyTheGivenSlice() {
    byte[] b = bytes("xx{\"a\":1}yy");
    assertThat(json.parse(b, 2, 7)).isEqualTo(new ParseOutcome.Parsed(Map.of("a", 1L)));
  }

  private Map<String, Object> fields(String message) {
    ParseOutcome o = parse(message);
    assertThat(o).isInstanceOf(ParseOutcome.Parsed.class);
    return ((ParseOutcome.Parsed) o).fields();
  }

  private ParseOutcome parse(String message) {
    byte[] b = bytes(message);
    return json.parse(b, 0, b.length);
  }

  /** An object nested {@code depth} levels deep, the root counting as one. */
  static String nested(int depth) {
    return "{\"a\":".repeat(depth - 1) + "{}" + "}".repeat(depth - 1);
  }

  private static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
