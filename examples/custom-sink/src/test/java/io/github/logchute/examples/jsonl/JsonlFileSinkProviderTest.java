package io.github.logchute.examples.jsonl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.logchute.core.FakeClock;
import io.github.logchute.core.config.ConfigException;
import io.github.logchute.core.config.ConfigSection;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.spi.Sink;
import io.github.logchute.core.spi.SinkContext;
import io.github.logchute.core.spi.SinkRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class JsonlFileSinkProviderTest {

  @TempDir Path dir;

  private static SinkContext context(Map<String, ?> settings) {
    return new SinkContext(
        ConfigSection.of("sinks.jsonl-file", settings), new MetricsRegistry(), new FakeClock());
  }

  @Test
  void theAgentFindsTheProviderByNameThroughServiceLoader() throws Exception {
    SinkRegistry registry = SinkRegistry.load(getClass().getClassLoader());
    Path out = dir.resolve("out.jsonl");

    assertThat(registry.names()).contains("jsonl-file");
    try (Sink sink = registry.create("jsonl-file", context(Map.of("path", out.toString())))) {
      assertThat(sink).isInstanceOf(JsonlFileSink.class);
      assertThat(Files.exists(out)).as("the file is opened at start").isTrue();
    }
  }

  @Test
  void bindsEveryOptionFromTheSection() {
    Path out = dir.resolve("out.jsonl");
    ConfigSection c =
        ConfigSection.of(
            "sinks.jsonl-file",
            Map.of(
                "path", out.toString(),
                "fsync", "false",
                "maxBatchRecords", "10",
                "maxBatchBytes", "64KiB",
                "linger", "250ms"));

    JsonlFileConfig config = JsonlFileSinkProvider.bind(c);

    assertThat(config)
        .isEqualTo(new JsonlFileConfig(out, false, 10, 64 * 1024, Duration.ofMillis(250)));
    c.requireAllKeysUsed(); // nothing left unread
  }

  @Test
  void defaultsApplyWhenOnlyThePathIsGiven() {
    JsonlFileConfig config =
        JsonlFileSinkProvider.bind(
            ConfigSection.of("sinks.jsonl-file", Map.of("path", dir.resolve("o").toString())));

    assertThat(config.fsync()).isEqualTo(JsonlFileConfig.DEFAULT_FSYNC).isTrue();
    assertThat(config.maxBatchRecords()).isEqualTo(JsonlFileConfig.DEFAULT_MAX_BATCH_RECORDS);
    assertThat(config.maxBatchBytes()).isEqualTo(JsonlFileConfig.DEFAULT_MAX_BATCH_BYTES);
    assertThat(config.linger()).isEqualTo(JsonlFileConfig.DEFAULT_LINGER);
  }

  @Test
  void aMissingPathIsAnErrorNamingTheKey() {
    assertThatThrownBy(() -> new JsonlFileSinkProvider().create(context(Map.of())))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("sinks.jsonl-file.path"));
  }

  @Test
  void aPathInADirectoryThatDoesNotExistFailsAtStart() {
    String path = dir.resolve("no-such-dir").resolve("out.jsonl").toString();

    assertThatThrownBy(() -> new JsonlFileSinkProvider().create(context(Map.of("path", path))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("no-such-dir")
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("sinks.jsonl-file.path"));
  }

  @Test
  void aDirectoryAsPathFailsAtStart() {
    assertThatThrownBy(
            () -> new JsonlFileSinkProvider().create(context(Map.of("path", dir.toString()))))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("sinks.jsonl-file.path"));
  }

  @Test
  void badValuesNameTheirKey() {
    String path = dir.resolve("out.jsonl").toString();
    assertKey(Map.of("path", path, "maxBatchRecords", "0"), "sinks.jsonl-file.maxBatchRecords");
    assertKey(Map.of("path", path, "maxBatchBytes", "lots"), "sinks.jsonl-file.maxBatchBytes");
    assertKey(Map.of("path", path, "linger", "soon"), "sinks.jsonl-file.linger");
    assertKey(Map.of("path", path, "linger", "PT-1S"), "sinks.jsonl-file.linger");
    assertKey(Map.of("path", path, "fsync", "sometimes"), "sinks.jsonl-file.fsync");
  }

  @Test
  void anUnknownOptionIsRejectedWhenTheAgentCreatesTheSink() {
    SinkRegistry registry = SinkRegistry.of(new JsonlFileSinkProvider());
    Map<String, String> settings =
        Map.of("path", dir.resolve("out.jsonl").toString(), "pth", "/tmp/typo");

    assertThatThrownBy(() -> registry.create("jsonl-file", context(settings)))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo("sinks.jsonl-file.pth"));
  }

  private void assertKey(Map<String, String> settings, String key) {
    assertThatThrownBy(
            () -> JsonlFileSinkProvider.bind(ConfigSection.of("sinks.jsonl-file", settings)))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key));
  }
}
