package io.github.logchute.core.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConfigSectionTest {

  @Test
  void convertsEveryKindOfValue() {
    ConfigSection c =
        ConfigSection.of(
            "sinks.datadog",
            Map.of(
                "site", "datadoghq.eu",
                "level", "6",
                "gzip", "yes",
                "queue", "64MiB",
                "batch", 4096,
                "linger", "250ms",
                "timeout", "PT30S",
                "tags", "env:prod, team:core,,",
                "list", List.of("a", "b")));
    assertThat(c.string("site", "x")).isEqualTo("datadoghq.eu");
    assertThat(c.integer("level", 0)).isEqualTo(6);
    assertThat(c.bool("gzip", false)).isTrue();
    assertThat(c.bytes("queue", 0)).isEqualTo(64L * 1024 * 1024);
    assertThat(c.bytes("batch", 0)).isEqualTo(4096);
    assertThat(c.duration("linger", Duration.ZERO)).isEqualTo(Duration.ofMillis(250));
    assertThat(c.duration("timeout", Duration.ZERO)).isEqualTo(Duration.ofSeconds(30));
    assertThat(c.stringList("tags", List.of())).containsExactly("env:prod", "team:core");
    assertThat(c.stringList("list", List.of())).containsExactly("a", "b");
    assertThat(c.string("absent", "default")).isEqualTo("default");
    c.requireAllKeysUsed();
  }

  @Test
  void errorsNameTheFullKeyPath() {
    ConfigSection c =
        ConfigSection.of(
            "sinks.datadog",
            Map.of("level", "high", "queue", "lots", "linger", "soon", "gzip", "maybe"));
    assertThatThrownBy(() -> c.integer("level", 0))
        .hasMessage("sinks.datadog.level: expected an integer, got 'high'");
    assertThatThrownBy(() -> c.bytes("queue", 0)).hasMessageStartingWith("sinks.datadog.queue:");
    assertThatThrownBy(() -> c.duration("linger", Duration.ZERO))
        .hasMessageStartingWith("sinks.datadog.linger:");
    assertThatThrownBy(() -> c.bool("gzip", false)).hasMessageStartingWith("sinks.datadog.gzip:");
    assertThatThrownBy(() -> c.requireString("apiKey"))
        .isInstanceOf(ConfigException.class)
        .hasMessage("sinks.datadog.apiKey: is required")
        .extracting(e -> ((ConfigException) e).key())
        .isEqualTo("sinks.datadog.apiKey");
  }

  @Test
  void nestedSectionsAndUnknownKeys() {
    ConfigSection root =
        ConfigSection.of("", Map.of("sinks", Map.of("console", Map.of("target", "stderr"))));
    ConfigSection console = root.section("sinks").section("console");
    assertThat(console.path()).isEqualTo("sinks.console");
    assertThat(console.string("target", "stdout")).isEqualTo("stderr");
    console.requireAllKeysUsed();
    ConfigSection typo = ConfigSection.of("sinks.console", Map.of("tagret", "stderr"));
    typo.string("target", "stdout");
    assertThatThrownBy(typo::requireAllKeysUsed)
        .hasMessage("sinks.console.tagret: unknown key; this section reads [target]");
  }

  @Test
  void toStringNeverShowsValues() {
    ConfigSection c = ConfigSection.of("sinks.datadog", Map.of("apiKey", "s3cr3t-key"));
    assertThat(c.toString()).contains("apiKey").doesNotContain("s3cr3t");
  }
}
