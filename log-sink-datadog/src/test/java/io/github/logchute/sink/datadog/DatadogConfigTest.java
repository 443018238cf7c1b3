package io.github.logchute.sink.datadog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.logchute.core.FakeClock;
import io.github.logchute.core.config.ConfigException;
import io.github.logchute.core.config.ConfigSection;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.spi.Sink;
import io.github.logchute.core.spi.SinkContext;
import io.github.logchute.core.spi.SinkLimits;
import io.github.logchute.core.spi.SinkRegistry;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration: sites, keys, bounds, environment variables, secrets. */
class DatadogConfigTest {

  private static final String KEY = "fedcba9876543210fedcba9876543210";

  @TempDir Path dir;

  private static Map<String, Object> settings(Object... kv) {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("apiKey", KEY);
    for (int i = 0; i < kv.length; i += 2) {
      if (kv[i + 1] == null) {
        m.remove((String) kv[i]);
      } else {
        m.put((String) kv[i], kv[i + 1]);
      }
    }
    return m;
  }

  private static DatadogSinkConfig config(Object... kv) {
    return DatadogSinkProvider.config(ConfigSection.of("sinks.datadog", settings(kv)));
  }

  private static ConfigException error(Object... kv) {
    try {
      config(kv);
    } catch (ConfigException e) {
      assertThat(e.getMessage()).doesNotContain(KEY);
      return e;
    }
    throw new AssertionError("no ConfigException for " + List.of(kv));
  }

  @Test
  void everySiteOfTheSpecHasItsIntake() {
    // SPECS.md §2.1
    Map<String, String> table = new LinkedHashMap<>();
    table.put("datadoghq.com", "http-intake.logs.datadoghq.com");
    table.put("us3.datadoghq.com", "http-intake.logs.us3.datadoghq.com");
    table.put("us5.datadoghq.com", "http-intake.logs.us5.datadoghq.com");
    table.put("datadoghq.eu", "http-intake.logs.datadoghq.eu");
    table.put("ap1.datadoghq.com", "http-intake.logs.ap1.datadoghq.com");
    table.put("ap2.datadoghq.com", "http-intake.logs.ap2.datadoghq.com");
    table.put("uk1.datadoghq.com", "http-intake.logs.uk1.datadoghq.com");
    table.put("ddog-gov.com", "http-intake.logs.ddog-gov.com");
    table.put("us2.ddog-gov.com", "http-intake.logs.us2.ddog-gov.com");
    assertThat(DatadogSite.KNOWN.keySet()).containsExactlyInAnyOrderElementsOf(table.keySet());
    table.forEach(
        (site, host) ->
            assertThat(config("site", site).intakeUri())
                .isEqualTo(URI.create("https://" + host + "/api/v2/logs")));
    assertThat(config().intakeUri())
        .isEqualTo(URI.create("https://http-intake.logs.datadoghq.com/api/v2/logs"));
    assertThat(config("site", "app.datadoghq.eu").intakeUri().getHost())
        .isEqualTo("http-intake.logs.datadoghq.eu");
    assertThat(config("site", "US5.DATADOGHQ.COM").site()).isEqualTo("us5.datadoghq.com");
  }

  @Test
  void aWrongSiteFailsAtStartNamingTheKey() {
    assertThat(error("site", "datadog.com").key()).isEqualTo("sinks.datadog.site");
    assertThat(error("site", "datadog.com").getMessage()).contains("datadoghq.eu").contains("url");
    assertThat(error("site", "https://datadoghq.com").getMessage()).contains("not a URL");
    assertThat(config("site", "ap9.datadoghq.com").intakeUri().getHost())
        .isEqualTo("http-intake.logs.ap9.datadoghq.com");
  }

  @Test
  void aFullUrlOverridesTheSiteAndMayBePlainHttp() {
    DatadogSinkConfig c =
        config("url", "http://127.0.0.1:8080/api/v2/logs", "site", "datadoghq.eu");
    assertThat(c.intakeUri()).isEqualTo(URI.create("http://127.0.0.1:8080/api/v2/logs"));
    assertThat(c.site()).isNull();
    assertThat(config("url", "https://proxy.internal").intakeUri())
        .isEqualTo(URI.create("https://proxy.internal/api/v2/logs"));
    assertThat(config("url", "https://proxy.internal:8443/").intakeUri())
        .isEqualTo(URI.create("https://proxy.internal:8443/api/v2/logs"));
    // printed (the start-up line, errors) without the secrets a URL may carry
    DatadogSinkConfig withSecrets =
        config("url", "https://ops:pa55word@proxy.internal/api/v2/logs?dd-api-key=k3yk3y");
    assertThat(withSecrets.intakeUri().getUserInfo()).isEqualTo("ops:pa55word");
    assertThat(withSecrets.toString())
        .contains("https://****@proxy.internal/api/v2/logs?dd-api-key=****")
        .doesNotContain("pa55word")
        .doesNotContain("k3yk3y");
    assertThat(error("url", "ftp://ops:pa55word@x/y").getMessage()).doesNotContain("pa55word");
    assertThat(error("url", "ftp://x/y").key()).isEqualTo("sinks.datadog.url");
    assertThat(error("url", "not a url").key()).isEqualTo("sinks.datadog.url");
  }

  @Test
  void theApiKeyIsRequiredOnceAndNeverShown() throws Exception {
    assertThat(error("apiKey", null).key()).isEqualTo("sinks.datadog.apiKey");
    assertThat(error("apiKey", null).getMessage()).contains("DD_API_KEY");
    assertThat(error("apiKey", "  ").key()).isEqualTo("sinks.datadog.apiKey");
    assertThat(error("apiKey", "abc def").getMessage()).contains("whitespace");
    Path file = Files.writeString(dir.resolve("key"), KEY + "\n");
    assertThat(error("apiKeyFile", file.toString()).getMessage()).contains("only one");
    DatadogSinkConfig fromFile = config("apiKey", null, "apiKeyFile", file.toString());
    assertThat(fromFile.apiKey().value()).isEqualTo(KEY);
    assertThat(fromFile.toString()).doesNotContain(KEY).contains("redacted");
    assertThat(config().toString()).doesNotContain(KEY).contains("redacted");
    ConfigException missing = error("apiKey", null, "apiKeyFile", dir.resolve("nope").toString());
    assertThat(missing.key()).isEqualTo("sinks.datadog.apiKeyFile");
    Files.writeString(file, "\n");
    assertThat(error("apiKey", null, "apiKeyFile", file.toString()).getMessage()).contains("empty");
  }

  @Test
  void batchingOptionsAreBoundedByTheIntakeLimits() {
    assertThat(error("maxBatchRecords", 1001).key()).isEqualTo("sinks.datadog.maxBatchRecords");
    assertThat(error("maxBatchBytes", "6MiB").key()).isEqualTo("sinks.datadog.maxBatchBytes");
    assertThat(error("maxLogBytes", "2MiB").key()).isEqualTo("sinks.datadog.maxLogBytes");
    assertThat(error("compressionLevel", 10).key()).isEqualTo("sinks.datadog.compressionLevel");
    assertThat(error("maxInFlight", 0).key()).isEqualTo("sinks.datadog.maxInFlight");
    assertThat(error("requestTimeout", "0s").key()).isEqualTo("sinks.datadog.requestTimeout");
    assertThat(error("linger", "soon").key()).isEqualTo("sinks.datadog.linger");
    assertThat(error("stampOldLogsWithSendTime", "maybe").key())
        .isEqualTo("sinks.datadog.stampOldLogsWithSendTime");
    SinkLimits limits =
        config("maxBatchRecords", 200, "maxBatchBytes", "1MiB", "linger", "250ms", "maxInFlight", 2)
            .limits();
    assertThat(limits).isEqualTo(new SinkLimits(200, 1 << 20, Duration.ofMillis(250), 2));
    SinkLimits defaults = config().limits();
    assertThat(defaults.maxBatchRecords()).isEqualTo(1000);
    assertThat(defaults.maxBatchBytes()).isLessThan(DatadogSinkConfig.INTAKE_MAX_PAYLOAD_BYTES);
  }

  @Test
  void environmentVariablesMapToKeys() {
    Map<String, String> env = new HashMap<>();
    env.put("DD_API_KEY", KEY);
    env.put("DD_SITE", "datadoghq.eu");
    env.put("LOGCHUTE_DATADOG_URL", "http://127.0.0.1:1/api/v2/logs");
    env.put("DD_API_KEY_FILE", "");
    env.put("DD_HOSTNAME", "node-1");
    env.put("DD_TAGS", "[\"env:test\", \"kube_cluster:k8s1\"]");
    env.put("PATH", "/usr/bin");
    assertThat(DatadogSinkProvider.settingsFromEnv(env))
        .containsOnly(
            Map.entry("apiKey", KEY),
            Map.entry("site", "datadoghq.eu"),
            Map.entry("url", "http://127.0.0.1:1/api/v2/logs"),
            Map.entry("hostname", "node-1"),
            Map.entry("tags", "env:test,kube_cluster:k8s1"));
    assertThat(DatadogSinkProvider.settingsFromEnv(Map.of("DD_TAGS", "env:test team:a,dc:eu")))
        .containsEntry("tags", "env:test,team:a,dc:eu");
    assertThat(DatadogSinkProvider.settingsFromEnv(Map.of("DD_API_KEY_FILE", "/run/key")))
        .containsOnly(Map.entry("apiKeyFile", "/run/key"));
    assertThatThrownBy(() -> DatadogSinkProvider.settingsFromEnv(Map.of("DD_TAGS", "[1]")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("DD_TAGS");
    Map<String, Object> fromEnv = new LinkedHashMap<>(DatadogSinkProvider.settingsFromEnv(env));
    DatadogSinkConfig c = DatadogSinkProvider.config(ConfigSection.of("sinks.datadog", fromEnv));
    assertThat(c.tags()).containsExactly("env:test", "kube_cluster:k8s1");
    assertThat(c.hostname()).isEqualTo("node-1");
  }

  @Test
  void theProviderIsFoundByNameAndRejectsUnknownKeys() {
    SinkRegistry registry = SinkRegistry.load(getClass().getClassLoader());
    assertThat(registry.names()).contains("datadog");
    MetricsRegistry metrics = new MetricsRegistry();
    Map<String, Object> s = settings("url", "http://127.0.0.1:9/api/v2/logs");
    try (Sink sink =
        registry.create(
            "datadog",
            new SinkContext(ConfigSection.of("sinks.datadog", s), metrics, new FakeClock()))) {
      assertThat(sink).isInstanceOf(DatadogSink.class);
      assertThat(sink.toString()).doesNotContain(KEY);
    }
    Map<String, Object> typo = settings("compresionLevel", 3);
    assertThatThrownBy(
            () ->
                registry.create(
                    "datadog",
                    new SinkContext(
                        ConfigSection.of("sinks.datadog", typo), metrics, new FakeClock())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sinks.datadog.compresionLevel");
  }

  @Test
  void podLabelsAsTagsTakeLabelOrLabelEqualsTag() {
    DatadogSinkConfig c =
        config("podLabelsAsTags", List.of("team", "example.com/cost-center=cost_center"));
    assertThat(c.podLabelsAsTags())
        .containsOnly(
            Map.entry("team", "team"), Map.entry("example.com/cost-center", "cost_center"));
    assertThat(error("podLabelsAsTags", "a=b:c").key()).isEqualTo("sinks.datadog.podLabelsAsTags");
  }
}
