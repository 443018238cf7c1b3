package io.github.logchute.core.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.logchute.core.Clock;
import io.github.logchute.core.config.ConfigException;
import io.github.logchute.core.config.ConfigSection;
import io.github.logchute.core.console.ConsoleSink;
import io.github.logchute.core.metrics.MetricsRegistry;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SinkRegistryTest {

  private static SinkContext context(String name, Map<String, ?> values) {
    return new SinkContext(
        ConfigSection.of("sinks." + name, values), new MetricsRegistry(), Clock.system());
  }

  @Test
  void findsProvidersWithServiceLoader() {
    SinkRegistry registry = SinkRegistry.load(getClass().getClassLoader());
    assertThat(registry.names()).contains("console", "memory");
    Sink sink = registry.create("console", context("console", Map.of()));
    assertThat(sink).isInstanceOf(ConsoleSink.class);
    assertThat(sink.limits().maxInFlight()).isEqualTo(1);
  }

  @Test
  void anUnknownNameFailsListingTheNamesFound() {
    SinkRegistry registry = SinkRegistry.load(getClass().getClassLoader());
    assertThatThrownBy(() -> registry.create("datadgo", context("datadgo", Map.of())))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sinks.datadgo")
        .hasMessageContaining("no sink provider named 'datadgo'")
        .hasMessageContaining("console")
        .hasMessageContaining("memory");
  }

  @Test
  void anOptionTheProviderDidNotReadIsAnError() {
    SinkRegistry registry = SinkRegistry.load(getClass().getClassLoader());
    assertThatThrownBy(
            () -> registry.create("console", context("console", Map.of("targt", "stderr"))))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("sinks.console.targt: unknown key")
        .hasMessageContaining("target");
  }

  @Test
  void optionsReachTheSink() {
    SinkRegistry registry = SinkRegistry.load(getClass().getClassLoader());
    Sink sink =
        registry.create(
            "memory", context("memory", Map.of("maxBatchRecords", 7, "linger", "250ms")));
    assertThat(sink.limits().maxBatchRecords()).isEqualTo(7);
    assertThat(sink.limits().linger()).isEqualTo(Duration.ofMillis(250));
  }

  @Test
  void aBadValueNamesItsKey() {
    SinkRegistry registry = SinkRegistry.load(getClass().getClassLoader());
    assertThatThrownBy(
            () -> registry.create("console", context("console", Map.of("target", "printer"))))
        .isInstanceOf(ConfigException.class)
        .hasMessage("sinks.console.target: expected stdout or stderr, got 'printer'");
  }

  @Test
  void twoProvidersWithOneNameAreRefused() {
    assertThatThrownBy(
            () -> SinkRegistry.of(new InMemorySinkProvider(), new InMemorySinkProvider()))
        .hasMessageContaining("two sink providers are named 'memory'");
  }
}
