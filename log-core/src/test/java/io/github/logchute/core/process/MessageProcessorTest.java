package io.github.logchute.core.process;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.LogRecord;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.Severity;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.metrics.MetricsRegistry;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

class MessageProcessorTest {

  private final MetricsRegistry registry = new MetricsRegistry();
  private final ProcessMetrics metrics = ProcessMetrics.register(registry);

  private MessageProcessor processor(ProcessingOptions.Builder b) {
    return new MessageProcessor(b.build(), metrics);
  }

  private final MessageProcessor defaults = processor(ProcessingOptions.builder());

  @Test
  void jsonObjectBecomesFieldsWithItsLevelAndTheMessageBytesStay() {
    String line =
        "{\"time\":\"2024-01-02T03:04:05.5Z\",\"level\":\"warn\",\"msg\":\"disk 91% full\","
            + "\"disk\":{\"free\":9}}";
    LogRecord in = Lines.record(line);
    LogRecord out = defaults.process(in);
    assertThat(out.fields().keySet()).containsExactly("time", "level", "msg", "disk");
    assertThat(out.severity()).isEqualTo(Severity.WARNING);
    assertThat(out.message()).isSameAs(in.message());
    assertThat(out.timestampNanos()).isEqualTo(in.timestampNanos());
    assertThat(out.startOffset()).isEqualTo(in.startOffset());
    assertThat(out.endOffset()).isEqualTo(in.endOffset());
    assertThat(registry.value("logchute_process_parsed_total", "parser", "json")).isEqualTo(1);
  }

  @Test
  void levelKeysByPriorityAndValueKinds() {
    assertThat(severityOf("{\"severity\":\"ERROR\",\"level\":\"info\"}")).isEqualTo(Severity.INFO);
    assertThat(severityOf("{\"level\":\"bogus\",\"severity\":\"ERROR\"}"))
        .isEqualTo(Severity.ERROR);
    assertThat(severityOf("{\"log_level\":\"debug\"}")).isEqualTo(Severity.DEBUG);
    assertThat(severityOf("{\"lvl\":\"eror\",\"status\":\"warn\"}")).isEqualTo(Severity.WARNING);
    assertThat(severityOf("{\"level\":50,\"msg\":\"pino\"}")).isEqualTo(Severity.ERROR);
    assertThat(severityOf("{\"status\":500,\"msg\":\"GET /\"}")).isEqualTo(Severity.UNSPECIFIED);
    assertThat(severityOf("{\"Level\":\"Warning\"}")).isEqualTo(Severity.WARNING);
    assertThat(severityOf("{\"levelname\":\"CRITICAL\"}")).isEqualTo(Severity.CRITICAL);
    assertThat(severityOf("{\"log.level\":\"error\",\"@timestamp\":\"x\"}"))
        .isEqualTo(Severity.ERROR);
    assertThat(severityOf("{\"msg\":\"2024-01-01 12:00:00 ERROR [main] boom\"}"))
        .isEqualTo(Severity.ERROR);
    assertThat(severityOf("{\"msg\":\"an error happened\"}")).isEqualTo(Severity.UNSPECIFIED);
  }

  @Test
  void levelInsideJsonMessageIsNotDetectedWhenDetectionIsOff() {
    MessageProcessor p = processor(ProcessingOptions.builder().detectLevel(false));
    assertThat(p.process(Lines.record("{\"msg\":\"ERROR: boom\"}")).severity())
        .isEqualTo(Severity.UNSPECIFIED);
    assertThat(p.process(Lines.record("{\"level\":\"error\"}")).severity())
        .isEqualTo(Severity.ERROR);
    assertThat(p.process(Lines.record("ERROR: boom")).severity()).isEqualTo(Severity.UNSPECIFIED);
  }

  @Test
  void timeMemberIsTheRecordTimeOnlyWhenEnabled() {
    String line = "{\"ts\":1704164645.25,\"msg\":\"zap\"}";
    assertThat(defaults.process(Lines.record(line)).timestampNanos())
        .isEqualTo(Lines.record(line).timestampNanos());
    MessageProcessor p = processor(ProcessingOptions.builder().useTimeField(true));
    assertThat(p.process(Lines.record(line)).timestampNanos())
        .isEqualTo(1_704_164_645_250_000_000L);
    assertThat(
            p.process(Lines.record("{\"time\":\"2024-01-02T03:04:05.123456789+01:00\"}"))
                .timestampNanos())
        .isEqualTo(nanos("2024-01-02T02:04:05.123456789Z"));
    assertThat(p.process(Lines.record("{\"timestamp\":\"2024-01-02 03:04:05Z\"}")).timestampNanos())
        .isEqualTo(nanos("2024-01-02T03:04:05Z"));
    assertThat(p.process(Lines.record("{\"time\":1704164645123}")).timestampNanos())
        .isEqualTo(nanos("2024-01-02T03:04:05.123Z"));
    assertThat(
            p.process(Lines.record("{\"@timestamp\":\"2024-01-02T03:04:05Z\",\"time\":1704164646}"))
                .timestampNanos())
        .isEqualTo(nanos("2024-01-02T03:04:06Z"));
    assertThat(
            p.process(Lines.record("{\"timestamp\":{\"seconds\":1704164645,\"nanos\":7}}"))
                .timestampNanos())
        .isEqualTo(1_704_164_645_000_000_007L);
    assertThat(p.process(Lines.record("{\"time\":1704164645123456}")).timestampNanos())
        .isEqualTo(nanos("2024-01-02T03:04:05.123456Z"));
  }

  @Test
  void unreadableTimeKeepsTheRecordTimeAndIsCounted() {
    MessageProcessor p = processor(ProcessingOptions.builder().useTimeField(true));
    for (String line :
        new String[] {
          "{\"time\":\"yesterday\"}",
          "{\"time\":\"2024-01-02T03:04:05\"}",
          "{\"time\":true}",
          "{\"time\":99999999999999999999999}"
        }) {
      LogRecord in = Lines.record(line);
      assertThat(p.process(in).timestampNanos()).as(line).isEqualTo(in.timestampNanos());
    }
    assertThat(registry.value("logchute_process_time_invalid_total")).isEqualTo(4);
  }

  @Test
  void rejectionsStayTextAndAreCountedByReason() {
    MessageProcessor p = processor(ProcessingOptions.builder().maxParseBytes(1024));
    String huge = "{\"level\":\"error\",\"pad\":\"" + "x".repeat(2000) + "\"}";
    String[] lines = {"{\"a\":1", "[1,2]", huge, JsonFieldsTest.nested(11), "{\"a\":1} x"};
    for (String line : lines) {
      LogRecord out = p.process(Lines.record(line));
      assertThat(out.fields()).as(line).isEmpty();
      assertThat(out.messageText()).isEqualTo(line);
    }
    assertThat(rejected("json", "invalid")).isEqualTo(2);
    assertThat(rejected("json", "not_object")).isEqualTo(1);
    assertThat(rejected("json", "too_large")).isEqualTo(1);
    assertThat(rejected("json", "too_deep")).isEqualTo(1);
    // the huge one still gets its level from the text
    assertThat(p.process(Lines.record(huge)).severity()).isEqualTo(Severity.ERROR);
  }

  @Test
  void plainTextGetsADetectedLevelAndNoFields() {
    LogRecord out = defaults.process(Lines.record("2024-01-01 12:00:00.000 ERROR [main] x - y"));
    assertThat(out.severity()).isEqualTo(Severity.ERROR);
    assertThat(out.fields()).isEmpty();
    assertThat(registry.value("logchute_process_levels_detected_total")).isEqualTo(1);
    LogRecord plain = Lines.record("nothing to see");
    assertThat(defaults.process(plain)).isSameAs(plain);
    assertThat(registry.sum("logchute_process_rejected_total")).isZero();
  }

  @Test
  void logfmtIsOffByDefaultAndSelectablePerSource() {
    String line = "time=2024-01-02T03:04:05Z level=error msg=\"db down\" retry=3";
    LogRecord byDefault = defaults.process(Lines.record(line));
    assertThat(byDefault.fields()).isEmpty();
    assertThat(byDefault.severity()).isEqualTo(Severity.ERROR);

    SourceMetadata logfmt = SourceMetadata.builder().put(MetadataKeys.PARSER, "logfmt").build();
    LogRecord out = defaults.process(Lines.record(line, logfmt));
    assertThat(out.fields())
        .containsExactly(
            Map.entry("time", "2024-01-02T03:04:05Z"),
            Map.entry("level", "error"),
            Map.entry("msg", "db down"),
            Map.entry("retry", "3"));
    assertThat(out.severity()).isEqualTo(Severity.ERROR);
    assertThat(registry.value("logchute_process_parsed_total", "parser", "logfmt")).isEqualTo(1);
    // a JSON line from a logfmt source stays text
    assertThat(defaults.process(Lines.record("{\"a\":1}", logfmt)).fields()).isEmpty();
  }

  @Test
  void perSourceParserOverridesTheGlobalDefault() {
    SourceMetadata none = SourceMetadata.builder().put(MetadataKeys.PARSER, "none").build();
    SourceMetadata json = SourceMetadata.builder().put(MetadataKeys.PARSER, " JSON ").build();
    MessageProcessor globalNone = processor(ProcessingOptions.builder().parser(ParserKind.NONE));
    String line = "{\"level\":\"info\",\"msg\":\"x\"}";
    assertThat(defaults.process(Lines.record(line, none)).fields()).isEmpty();
    assertThat(globalNone.process(Lines.record(line)).fields()).isEmpty();
    assertThat(globalNone.process(Lines.record(line, json)).fields()).containsKey("msg");
    // alternating sources do not leak each other's choice
    for (int i = 0; i < 3; i++) {
      assertThat(defaults.process(Lines.record(line, none)).fields()).isEmpty();
      assertThat(defaults.process(Lines.record(line)).fields()).containsKey("msg");
    }
  }

  @Test
  void unknownPerSourceParserUsesTheDefaultAndIsCounted() {
    SourceMetadata xml = SourceMetadata.builder().put(MetadataKeys.PARSER, "xml").build();
    assertThat(defaults.process(Lines.record("{\"a\":1}", xml)).fields()).containsKey("a");
    assertThat(defaults.process(Lines.record("{\"a\":2}", xml)).fields()).containsKey("a");
    assertThat(registry.value("logchute_process_selection_invalid_total", "setting", "parser"))
        .isEqualTo(2);
  }

  @Test
  void recordsWithFieldsAreLeftAlone() {
    LogRecord in =
        Lines.record("{\"level\":\"error\"}").withFields(Map.of("k", "v"), Severity.NOTICE);
    assertThat(defaults.process(in)).isSameAs(in);
  }

  @Test
  void neverThrowsOnArbitraryBytes() {
    java.util.Random random = new java.util.Random(7);
    String alphabet = "{}[]\":,\\ u0123456789abcdefEnlrtue=-.\u00e9\ud83d\ude00\t";
    for (int i = 0; i < 20_000; i++) {
      StringBuilder sb = new StringBuilder(i % 2 == 0 ? "{" : "a=");
      int n = random.nextInt(60);
      for (int k = 0; k < n; k++) {
        sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
      }
      String s = sb.toString();
      LogRecord in = Lines.record(s, i % 4 == 1 ? logfmtSource() : SourceMetadata.empty());
      LogRecord out = defaults.process(in);
      assertThat(out.message()).isSameAs(in.message());
    }
    assertThat(registry.value("logchute_process_errors_total")).isZero();
  }

  private static SourceMetadata logfmtSource() {
    return SourceMetadata.builder().put(MetadataKeys.PARSER, "logfmt").build();
  }

  private Severity severityOf(String line) {
    return defaults.process(Lines.record(line)).severity();
  }

  private long rejected(String parser, String reason) {
    return registry.value("logchute_process_rejected_total", "parser", parser, "reason", reason);
  }

  private static long nanos(String instant) {
    Instant t = Instant.parse(instant);
    return t.getEpochSecond() * 1_000_000_000L + t.getNano();
  }
}
