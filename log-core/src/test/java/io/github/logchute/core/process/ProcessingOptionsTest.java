package io.github.logchute.core.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.logchute.core.config.ConfigException;
import io.github.logchute.core.config.ConfigSection;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProcessingOptionsTest {

  @Test
  void defaults() {
    ProcessingOptions o = ProcessingOptions.defaults();
    assertThat(o.parser()).isEqualTo(ParserKind.JSON);
    assertThat(o.detectLevel()).isTrue();
    assertThat(o.useTimeField()).isFalse();
    assertThat(o.maxParseBytes()).isEqualTo(64 * 1024);
    assertThat(o.maxJsonDepth()).isEqualTo(10);
    assertThat(o.multiline().isNone()).isTrue();
    assertThat(o.multilineTimeout()).isEqualTo(Duration.ofSeconds(1));
    assertThat(o.multilineMaxBytes()).isEqualTo(1024 * 1024);
    assertThat(o.multilineMaxLines()).isEqualTo(500);
  }

  @Test
  void readsEveryKeyFromItsSection() {
    ConfigSection s =
        ConfigSection.of(
            "processing",
            Map.of(
                "parser", "logfmt",
                "detectLevel", "false",
                "useTimeField", true,
                "maxParseBytes", "128KiB",
                "maxJsonDepth", 5,
                "multiline", "java",
                "multilineTimeout", "250ms",
                "multilineMaxBytes", "256KiB",
                "multilineMaxLines", "100"));
    ProcessingOptions o = ProcessingOptions.fromConfig(s);
    s.requireAllKeysUsed();
    assertThat(o.parser()).isEqualTo(ParserKind.LOGFMT);
    assertThat(o.detectLevel()).isFalse();
    assertThat(o.useTimeField()).isTrue();
    assertThat(o.maxParseBytes()).isEqualTo(128 * 1024);
    assertThat(o.maxJsonDepth()).isEqualTo(5);
    assertThat(o.multiline()).isEqualTo(MultilineRule.java());
    assertThat(o.multilineTimeout()).isEqualTo(Duration.ofMillis(250));
    assertThat(o.multilineMaxBytes()).isEqualTo(256 * 1024);
    assertThat(o.multilineMaxLines()).isEqualTo(100);
  }

  @Test
  void badValuesNameTheirKeyPath() {
    assertBad("parser", "xml", "processing.parser");
    assertBad("detectLevel", "maybe", "processing.detectLevel");
    assertBad("maxParseBytes", "10", "processing.maxParseBytes");
    assertBad("maxParseBytes", "lots", "processing.maxParseBytes");
    assertBad("maxJsonDepth", "0", "processing.maxJsonDepth");
    assertBad("multiline", "regex:([a-z", "processing.multiline");
    assertBad("multilineTimeout", "0ms", "processing.multilineTimeout");
    assertBad("multilineMaxBytes", "100", "processing.multilineMaxBytes");
    assertBad("multilineMaxLines", "1", "processing.multilineMaxLines");
  }

  @Test
  void unknownKeysAreLeftForTheCallerToReject() {
    ConfigSection s = ConfigSection.of("processing", Map.of("detectLevels", "true"));
    ProcessingOptions.fromConfig(s);
    assertThatThrownBy(s::requireAllKeysUsed)
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("processing.detectLevels");
  }

  @Test
  void environmentVariablesMapToKeys() {
    Map<String, String> env =
        Map.of(
            "LOGCHUTE_PROCESSING_PARSER", "none",
            "LOGCHUTE_PROCESSING_MULTILINE", "regex:^\\d{4}",
            "LOGCHUTE_PROCESSING_MULTILINE_MAX_LINES", " 20 ",
            "LOGCHUTE_PROCESSING_DETECT_LEVEL", "",
            "HOME", "/root");
    Map<String, String> settings = ProcessingOptions.settingsFromEnv(env);
    assertThat(settings)
        .containsOnly(
            Map.entry("parser", "none"),
            Map.entry("multiline", "regex:^\\d{4}"),
            Map.entry("multilineMaxLines", "20"));
    ProcessingOptions o = ProcessingOptions.fromConfig(ConfigSection.of("processing", settings));
    assertThat(o.parser()).isEqualTo(ParserKind.NONE);
    assertThat(o.multiline().pattern().pattern()).isEqualTo("^\\d{4}");
    assertThat(o.multilineMaxLines()).isEqualTo(20);
  }

  @Test
  void builderValidates() {
    ProcessingOptions.Builder b = ProcessingOptions.builder();
    assertThatThrownBy(() -> b.maxParseBytes(63)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.maxJsonDepth(65)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.multilineTimeout(Duration.ofHours(2)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> b.parser(null)).isInstanceOf(NullPointerException.class);
    assertThat(b.maxParseBytes(64).build().maxParseBytes()).isEqualTo(64);
  }

  private static void assertBad(String key, Object value, String path) {
    ConfigSection s = ConfigSection.of("processing", Map.of(key, value));
    assertThatThrownBy(() -> ProcessingOptions.fromConfig(s))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(path));
  }
}
