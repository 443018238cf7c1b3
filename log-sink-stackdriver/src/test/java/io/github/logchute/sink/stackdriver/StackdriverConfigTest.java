package io.github.logchute.sink.stackdriver;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.logchute.core.Clock;
import io.github.logchute.core.config.ConfigException;
import io.github.logchute.core.config.ConfigSection;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.spi.Sink;
import io.github.logchute.core.spi.SinkContext;
import io.github.logchute.core.spi.SinkRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration: defaults, bounds, errors naming the key, environment variables, discovery. */
class StackdriverConfigTest {

  private static StackdriverConfig parse(Map<String, ?> values) {
    return StackdriverConfig.fromSection(ConfigSection.of("sinks.stackdriver", values));
  }

  private static void failsOn(String key, Object value, String message) {
    assertThatThrownBy(() -> parse(Map.of(key, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("sinks.stackdriver." + key + ": ")
        .hasMessageContaining(message)
        .satisfies(
            e -> assertThat(((ConfigException) e).key()).isEqualTo("sinks.stackdriver." + key));
  }

  @Test
  void defaultsFollowTheApi() {
    StackdriverConfig c = parse(Map.of());
    assertThat(c.url()).hasToString("https://logging.googleapis.com");
    assertThat(c.metadataUrl()).hasToString("http://metadata.google.internal");
    assertThat(c.maxEntryBytes()).isLessThan(256 * 1024);
    assertThat(c.maxBatchBytes()).isLessThan(10L * 1024 * 1024);
    assertThat(c.project()).isNull();
    assertThat(c.logName()).isNull();
  }

  @Test
  void everyKeyIsRead() {
    StackdriverConfig c =
        parse(
            Map.ofEntries(
                Map.entry("url", "http://127.0.0.1:9/"),
                Map.entry("project", "p-1"),
                Map.entry("logName", "apps/web"),
                Map.entry("clusterName", "prod"),
                Map.entry("clusterLocation", "aws:eu-west-1"),
                Map.entry("credentialsFile", "/secrets/key.json"),
                Map.entry("metadataUrl", "http://127.0.0.1:8"),
                Map.entry("tokenUrl", "http://127.0.0.1:7/token"),
                Map.entry("requestTimeout", "3s"),
                Map.entry("maxBatchRecords", 200),
                Map.entry("maxBatchBytes", "2MiB"),
                Map.entry("maxEntryBytes", "100KiB"),
                Map.entry("linger", "250ms"),
                Map.entry("maxInFlight", 2),
                Map.entry("forbiddenRetryDelay", "5m")));
    assertThat(c.url()).hasToString("http://127.0.0.1:9");
    assertThat(c.project()).isEqualTo("p-1");
    assertThat(c.logName()).isEqualTo("apps/web");
    assertThat(c.clusterLocation()).isEqualTo("aws:eu-west-1");
    assertThat(c.credentialsFile()).isEqualTo(Path.of("/secrets/key.json"));
    assertThat(c.tokenUrl()).hasToString("http://127.0.0.1:7/token");
    assertThat(c.requestTimeout()).isEqualTo(Duration.ofSeconds(3));
    assertThat(c.maxBatchRecords()).isEqualTo(200);
    assertThat(c.maxBatchBytes()).isEqualTo(2L * 1024 * 1024);
    assertThat(c.maxEntryBytes()).isEqualTo(100 * 1024);
    assertThat(c.linger()).isEqualTo(Duration.ofMillis(250));
    assertThat(c.maxInFlight()).isEqualTo(2);
    assertThat(c.forbiddenRetryDelay()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void theUrlIsTheBaseWhetherGivenAsTheBaseOrTheFullWriteUrl() {
    for (String given :
        List.of(
            "https://logging.example.internal:8443",
            "https://logging.example.internal:8443/",
            "https://logging.example.internal:8443/v2/entries:write")) {
      assertThat(parse(Map.of("url", given)).url())
          .as(given)
          .hasToString("https://logging.example.internal:8443");
    }
    assertThat(parse(Map.of("url", "http://127.0.0.1:9000/proxy/v2/entries:write")).url())
        .hasToString("http://127.0.0.1:9000/proxy");
  }

  @Test
  void badValuesNameTheirKey() {
    failsOn("url", "logging.googleapis.com", "http(s) URL");
    failsOn("metadataUrl", "ftp://x", "http(s) URL");
    failsOn("logName", "my log!", "A-Z a-z 0-9");
    failsOn("logName", "x".repeat(512), "shorter than 512");
    failsOn("project", "projects/p", "not a project id");
    failsOn("maxEntryBytes", "300KiB", "256 KB");
    failsOn("maxBatchBytes", "20MiB", "10 MB");
    failsOn("maxBatchRecords", 0, "1..10000");
    failsOn("requestTimeout", "0s", "positive");
    failsOn("linger", "soon", "duration");
    failsOn("maxInFlight", 0, "1..64");
  }

  @Test
  void environmentVariablesMapOntoKeys() {
    Map<String, String> env =
        Map.of(
            "LOGCHUTE_STACKDRIVER_URL", "http://127.0.0.1:1",
            "LOGCHUTE_STACKDRIVER_PROJECT", "env-project",
            "LOGCHUTE_CLUSTER_NAME", "env-cluster",
            "LOGCHUTE_CLUSTER_LOCATION", " us-east1 ",
            "GOOGLE_APPLICATION_CREDENTIALS", "/var/secrets/google/key.json",
            "GCE_METADATA_HOST", "127.0.0.1:8080",
            "UNRELATED", "x",
            "DD_API_KEY", "not ours");
    assertThat(StackdriverSinkProvider.settingsFromEnv(env))
        .containsOnly(
            Map.entry("url", "http://127.0.0.1:1"),
            Map.entry("project", "env-project"),
            Map.entry("clusterName", "env-cluster"),
            Map.entry("clusterLocation", "us-east1"),
            Map.entry("credentialsFile", "/var/secrets/google/key.json"),
            Map.entry("metadataUrl", "http://127.0.0.1:8080"));
    assertThat(StackdriverSinkProvider.settingsFromEnv(Map.of("LOGCHUTE_STACKDRIVER_PROJECT", " ")))
        .isEmpty();
    // the mapped settings are valid configuration
    assertThat(parse(StackdriverSinkProvider.settingsFromEnv(env)).metadataUrl())
        .hasToString("http://127.0.0.1:8080");
  }

  @Test
  void theProviderIsFoundByNameAndRejectsUnknownKeys(@TempDir Path dir) {
    SinkRegistry registry = SinkRegistry.load(getClass().getClassLoader());
    assertThat(registry.names()).contains("stackdriver");
    SinkContext misspelt =
        new SinkContext(
            ConfigSection.of(
                "sinks.stackdriver",
                Map.of("project", "p", "clustername", "x", "metadataUrl", "http://127.0.0.1:9")),
            new MetricsRegistry(),
            Clock.system());
    assertThatThrownBy(() -> registry.create("stackdriver", misspelt))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("sinks.stackdriver.clustername");
    SinkContext ok =
        new SinkContext(
            ConfigSection.of(
                "sinks.stackdriver", Map.of("project", "p", "metadataUrl", "http://127.0.0.1:9")),
            new MetricsRegistry(),
            Clock.system());
    try (Sink sink = registry.create("stackdriver", ok)) {
      assertThat(sink).isInstanceOf(StackdriverSink.class);
      assertThat(sink.limits().maxBatchRecords()).isEqualTo(1000);
    }
    SinkContext missingKey =
        new SinkContext(
            ConfigSection.of(
                "sinks.stackdriver",
                Map.of("credentialsFile", dir.resolve("nope.json").toString())),
            new MetricsRegistry(),
            Clock.system());
    assertThatThrownBy(() -> registry.create("stackdriver", missingKey))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("sinks.stackdriver.credentialsFile: ")
        .hasMessageContaining("nope.json");
  }

  @Test
  void toStringShowsSettingsNotSecrets() {
    String s =
        StackdriverConfig.builder()
            .project("p")
            .credentialsFile(Path.of("/k.json"))
            .build()
            .toString();
    assertThat(s).contains("project=p").contains("/k.json").doesNotContain("PRIVATE");
  }
}
