package io.github.logchute.core.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class MetricsRegistryTest {

  @Test
  void countersAreSharedByNameAndLabelsAndWrittenAsPrometheusText() {
    MetricsRegistry r = new MetricsRegistry();
    Counter a = r.counter("logchute_batches_total", "Batches sent.", "sink", "datadog");
    Counter b = r.counter("logchute_batches_total", "Batches sent.", "sink", "datadog");
    Counter c = r.counter("logchute_batches_total", "Batches sent.", "sink", "con\"sole");
    assertThat(a).isSameAs(b).isNotSameAs(c);
    a.add(3);
    c.increment();
    long[] queued = {42};
    r.gauge("logchute_queue_bytes", "Bytes queued.", () -> queued[0]);
    StringBuilder out = new StringBuilder();
    r.writePrometheus(out);
    assertThat(out.toString())
        .isEqualTo(
            "# HELP logchute_batches_total Batches sent.\n"
                + "# TYPE logchute_batches_total counter\n"
                + "logchute_batches_total{sink=\"con\\\"sole\"} 1\n"
                + "logchute_batches_total{sink=\"datadog\"} 3\n"
                + "# HELP logchute_queue_bytes Bytes queued.\n"
                + "# TYPE logchute_queue_bytes gauge\n"
                + "logchute_queue_bytes 42\n");
    assertThat(r.sum("logchute_batches_total")).isEqualTo(4);
    assertThat(r.value("logchute_queue_bytes")).isEqualTo(42);
    assertThat(r.value("nope")).isEqualTo(-1);
  }

  @Test
  void misuseIsRefused() {
    MetricsRegistry r = new MetricsRegistry();
    r.counter("x_total", "x");
    assertThatThrownBy(() -> r.gauge("x_total", "x", () -> 1)).hasMessageContaining("counter");
    assertThatThrownBy(() -> r.counter("y_total", "y", "odd")).hasMessageContaining("pairs");
    assertThatThrownBy(() -> r.counter("x_total", "x").add(-1))
        .hasMessageContaining("only goes up");
  }
}
