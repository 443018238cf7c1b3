package io.github.logchute.core.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.logchute.core.LogRecord;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.metrics.MetricsRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Line rules: the Datadog Agent's log_processing_rules, from configuration and pod annotations. */
class LineRulesTest {

  private final MetricsRegistry metrics = new MetricsRegistry();
  private final ProcessMetrics processMetrics = ProcessMetrics.register(metrics);

  private static SourceMetadata pod(Map<String, String> annotations) {
    SourceMetadata.Builder b =
        SourceMetadata.builder()
            .put(MetadataKeys.K8S_NAMESPACE, "shop")
            .put(MetadataKeys.K8S_POD_NAME, "api-1")
            .put(MetadataKeys.K8S_CONTAINER_NAME, "app");
    annotations.forEach((k, v) -> b.put(MetadataKeys.K8S_POD_ANNOTATION_PREFIX + k, v));
    return b.build();
  }

  private long counted(String kind) {
    return metrics.value(
        "logchute_rules_records_total", "kind", kind, "namespace", "shop", "pod", "api-1");
  }

  @Test
  void globalRulesExcludeIncludeAndMaskTheMessageAndParsedFields() {
    LineRules rules =
        new LineRules(
            LineRules.parse(
                "[{\"type\":\"exclude_at_match\",\"name\":\"no_health\",\"pattern\":\"GET"
                    + " /healthz\"},"
                    + "{\"type\":\"include_at_match\",\"name\":\"only_api\",\"pattern\":\"api|card\"},"
                    + "{\"type\":\"mask_sequences\",\"name\":\"cards\",\"pattern\":\"\\\\d{16}\","
                    + "\"replace_placeholder\":\"[card]\"}]"),
            metrics);
    SourceMetadata m = pod(Map.of());
    assertThat(rules.process(Lines.record("GET /healthz 200 api", m))).isNull();
    assertThat(rules.process(Lines.record("background job done", m))).isNull();
    LogRecord kept = rules.process(Lines.record("api call ok", m));
    assertThat(kept.messageText()).isEqualTo("api call ok");

    // a JSON log: masked in the message and in the parsed fields, nested ones included
    MessageProcessor parse = new MessageProcessor(ProcessingOptions.defaults(), processMetrics);
    LogRecord json =
        parse.process(
            Lines.record(
                "{\"msg\":\"card 4111111111111111 declined\",\"card\":{\"number\":\"4111111111111111\"}}",
                m));
    LogRecord masked = rules.process(json);
    assertThat(masked.messageText())
        .isEqualTo("{\"msg\":\"card [card] declined\",\"card\":{\"number\":\"[card]\"}}");
    assertThat(masked.fields()).containsEntry("msg", "card [card] declined");
    assertThat(masked.fields().get("card")).isEqualTo(Map.of("number", "[card]"));
    assertThat(masked.startOffset()).isEqualTo(json.startOffset());

    assertThat(counted("exclude_at_match")).isEqualTo(1);
    assertThat(counted("include_at_match")).isEqualTo(1);
    assertThat(counted("mask_sequences")).isEqualTo(1);
  }

  @Test
  void aPodsOwnAnnotationsAddRulesAndDatadogAnnotationsWorkUnchanged() {
    LineRules rules = new LineRules(List.of(), metrics);
    SourceMetadata annotated =
        pod(
            Map.of(
                "logchute.io/rules",
                "[{\"type\":\"exclude_at_match\",\"name\":\"debug\",\"pattern\":\"DEBUG\"}]",
                "ad.datadoghq.com/app.logs",
                "[{\"source\":\"java\",\"log_processing_rules\":[{\"type\":\"mask_sequences\","
                    + "\"name\":\"tokens\",\"pattern\":\"token=\\\\w+\","
                    + "\"replace_placeholder\":\"token=***\"}]}]"));
    assertThat(rules.process(Lines.record("DEBUG noisy", annotated))).isNull();
    assertThat(rules.process(Lines.record("login token=abc123 ok", annotated)).messageText())
        .isEqualTo("login token=*** ok");
    // another pod, no annotations: nothing happens to its records
    LogRecord plain = Lines.record("DEBUG token=abc123", pod(Map.of()));
    assertThat(rules.process(plain)).isSameAs(plain);
    // a container-level annotation of another container does not apply
    SourceMetadata other =
        pod(
            Map.of(
                "logchute.io/sidecar.rules",
                "[{\"type\":\"exclude_at_match\",\"name\":\"all\",\"pattern\":\".\"}]"));
    assertThat(rules.process(Lines.record("kept", other))).isNotNull();
  }

  @Test
  void anInvalidRuleListIsReportedOnceAndIgnoredTheLogsGoOn() {
    LineRules rules = new LineRules(List.of(), metrics);
    SourceMetadata broken =
        pod(
            Map.of(
                "logchute.io/rules",
                "[{\"type\":\"exclude_at_match\",\"name\":\"bad\",\"pattern\":\"(unclosed\"}]"));
    for (int i = 0; i < 5; i++) {
      assertThat(rules.process(Lines.record("line " + i, broken))).isNotNull();
    }
    assertThat(metrics.value("logchute_rules_invalid_total", "namespace", "shop", "pod", "api-1"))
        .isEqualTo(1);
    assertThatThrownBy(() -> LineRules.parse("{\"type\":\"exclude_at_match\"}"))
        .hasMessageContaining("list");
    assertThatThrownBy(
            () -> LineRules.parse("[{\"type\":\"drop\",\"name\":\"x\",\"pattern\":\"x\"}]"))
        .hasMessageContaining("exclude_at_match, include_at_match or mask_sequences");
    assertThatThrownBy(
            () ->
                LineRules.parse("[{\"type\":\"mask_sequences\",\"name\":\"m\",\"pattern\":\"x\"}]"))
        .hasMessageContaining("replace_placeholder");
  }

  /** A pattern with catastrophic backtracking on a line built for it: bounded, never a hang. */
  @Test
  @Timeout(60)
  void aPathologicalPatternRunsOutOfItsBudgetKeepsTheRecordAndMasksFailClosed() {
    String evil = "a".repeat(24) + "!"; // (.*){12}x tries about n^12 ways: seconds, unbounded
    LineRules exclude =
        new LineRules(
            LineRules.parse(
                "[{\"type\":\"exclude_at_match\",\"name\":\"evil\",\"pattern\":\"(.*){12}x\"}]"),
            metrics);
    LogRecord r = Lines.record(evil, pod(Map.of()));
    assertThat(exclude.process(r)).isSameAs(r);
    LineRules mask =
        new LineRules(
            LineRules.parse(
                "[{\"type\":\"mask_sequences\",\"name\":\"evil\",\"pattern\":\"(.*){12}x\","
                    + "\"replace_placeholder\":\"[masked]\"}]"),
            metrics);
    assertThat(mask.process(r).messageText()).isEqualTo("[masked]");
    assertThat(metrics.value("logchute_rules_timeouts_total", "namespace", "shop", "pod", "api-1"))
        .isEqualTo(2);
  }
}
