package io.github.logchute.core.spi;

import io.github.logchute.core.Clock;
import io.github.logchute.core.config.ConfigSection;
import io.github.logchute.core.metrics.MetricsRegistry;
import java.util.Objects;

/**
 * What a {@link SinkProvider} gets to build a sink with.
 *
 * @param config the sink's own configuration section (for example {@code sinks.datadog})
 * @param metrics where the sink registers its metrics (names start with {@code logchute_})
 * @param clock the time source to use for anything time-based
 */
public record SinkContext(ConfigSection config, MetricsRegistry metrics, Clock clock) {

  public SinkContext {
    Objects.requireNonNull(config, "config");
    Objects.requireNonNull(metrics, "metrics");
    Objects.requireNonNull(clock, "clock");
  }
}
