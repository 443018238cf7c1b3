package io.github.logchute.core.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.logchute.core.ContainerRef;
import io.github.logchute.core.FakeClock;
import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.LogStream;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.Severity;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.config.ConfigException;
import io.github.logchute.core.config.ConfigSection;
import io.github.logchute.core.metrics.MetricsRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Per-container rate limits on the fake clock: bounds, summaries, annotations. */
class RateLimitTest {

  private final MetricsRegistry metrics = new MetricsRegistry();
  private final FakeClock clock = new FakeClock();

  /** One container's records, with consecutive offsets. */
  private static final class Container {
    final LogSource source;
    SourceMetadata metadata;
    long offset;

    Container(String pod, String name, Map<String, String> annotations) {
      this.source =
          LogSource.of(
              Path.of("/var/log/containers/" + pod + "_shop_" + name + ".log"),
              FileIdentity.NONE,
              new ContainerRef(pod, "shop", name, "0123456789abcdef", false));
      annotate(annotations);
    }

    void annotate(Map<String, String> annotations) {
      SourceMetadata.Builder b =
          SourceMetadata.builder()
              .put(MetadataKeys.K8S_NAMESPACE, "shop")
              .put(MetadataKeys.K8S_POD_NAME, source.container().orElseThrow().pod())
              .put(MetadataKeys.K8S_CONTAINER_NAME, source.container().orElseThrow().container());
      annotations.forEach((k, v) -> b.put(MetadataKeys.K8S_POD_ANNOTATION_PREFIX + k, v));
      metadata = b.build();
    }

    LogRecord line(int bytes) {
      byte[] message = "x".repeat(bytes).getBytes(StandardCharsets.UTF_8);
      long start = offset;
      offset += bytes + 40;
      return LogRecord.of(source, metadata, LogStream.STDOUT, start, message, start, offset, 0);
    }
  }

  /** What went through: records kept and the summaries drained, per batch as the pipeline asks. */
  private final List<LogRecord> kept = new ArrayList<>();

  private final List<LogRecord> summaries = new ArrayList<>();

  private void batch(RateLimit limit, Container c, int lines, int bytes) {
    for (int i = 0; i < lines; i++) {
      LogRecord out = limit.process(c.line(bytes));
      if (out != null) {
        kept.add(out);
      }
    }
    summaries.addAll(limit.drain());
  }

  private long keptOf(Container c) {
    return kept.stream().filter(r -> r.source().equals(c.source)).count();
  }

  @SuppressWarnings("unchecked")
  private static long summed(List<LogRecord> summaries, String key) {
    long n = 0;
    for (LogRecord s : summaries) {
      Map<String, Object> counts = (Map<String, Object>) s.fields().get("rate_limit");
      n += ((Number) counts.get(key)).longValue();
    }
    return n;
  }

  @Test
  void aFloodKeepsWithinTenPercentOfTheLineLimitOverTenSecondsAndEveryDropIsSummarised() {
    RateLimit limit =
        new RateLimit(
            new RateLimit.Limit(100, 0, Duration.ofMillis(500)),
            Duration.ofSeconds(2),
            metrics,
            clock);
    Container api = new Container("api-1", "app", Map.of());
    int written = 0;
    for (int tick = 0; tick < 1000; tick++) { // 10 s: 10 lines every 10 ms = 1,000 lines/s
      batch(limit, api, 10, 50);
      written += 10;
      clock.advance(Duration.ofMillis(10));
    }
    long admitted = keptOf(api);
    assertThat(admitted).isBetween(900L, 1100L);
    long dropped = written - admitted;
    assertThat(
            metrics.value("logchute_throttled_records_total", "namespace", "shop", "pod", "api-1"))
        .isEqualTo(dropped);
    assertThat(metrics.value("logchute_throttled_bytes_total", "namespace", "shop", "pod", "api-1"))
        .isEqualTo(dropped * 50);

    // at most one summary per 2 s; the last window's comes once it is due, with any batch
    assertThat(summaries).hasSizeBetween(4, 5);
    clock.advance(Duration.ofSeconds(2));
    batch(limit, new Container("other-1", "app", Map.of()), 1, 10);
    assertThat(summed(summaries, "dropped_lines")).isEqualTo(dropped);
    assertThat(summed(summaries, "dropped_bytes")).isEqualTo(dropped * 50);
    LogRecord s = summaries.get(0);
    assertThat(s.messageText())
        .startsWith(summed(List.of(s), "dropped_lines") + " lines, ")
        .contains(" bytes dropped by rate limit", "container app of pod shop/api-1");
    assertThat(s.severity()).isEqualTo(Severity.WARNING);
    assertThat(s.metadata()).isSameAs(api.metadata);
    assertThat(s.source()).isEqualTo(api.source);
  }

  @Test
  void aByteLimitKeepsWithinTenPercentOverTenSeconds() {
    RateLimit limit =
        new RateLimit(
            new RateLimit.Limit(0, 64 * 1024, Duration.ofMillis(500)),
            Duration.ofSeconds(10),
            metrics,
            clock);
    Container api = new Container("api-1", "app", Map.of());
    for (int tick = 0; tick < 1000; tick++) { // 500 lines of 1 KiB per second
      batch(limit, api, 5, 1024);
      clock.advance(Duration.ofMillis(10));
    }
    long bytes = kept.stream().mapToLong(LogRecord::messageLength).sum();
    assertThat(bytes).isBetween(9 * 64 * 1024L, 11 * 64 * 1024L);
  }

  @Test
  void aThrottledContainerNeverTakesFromAnother() {
    RateLimit limit =
        new RateLimit(
            new RateLimit.Limit(50, 0, Duration.ofSeconds(1)),
            Duration.ofSeconds(10),
            metrics,
            clock);
    Container noisy = new Container("noisy-1", "app", Map.of());
    Container calm = new Container("calm-1", "app", Map.of());
    for (int tick = 0; tick < 100; tick++) {
      batch(limit, noisy, 100, 20);
      batch(limit, calm, 4, 20); // 40 lines/s: under the limit
      clock.advance(Duration.ofMillis(100));
    }
    assertThat(keptOf(calm)).isEqualTo(400);
    assertThat(keptOf(noisy)).isBetween(500L, 560L);
    assertThat(
            metrics.value("logchute_throttled_records_total", "namespace", "shop", "pod", "calm-1"))
        .as("no series: nothing of calm-1 was ever throttled")
        .isEqualTo(-1);
  }

  @Test
  void aPodsAnnotationOverridesTheGlobalLimitAContainersWinsAndAChangeAppliesAtOnce() {
    RateLimit limit =
        new RateLimit(
            new RateLimit.Limit(10, 0, Duration.ofSeconds(1)),
            Duration.ofSeconds(10),
            metrics,
            clock);
    Container app =
        new Container("api-1", "app", Map.of(RateLimit.POD_ANNOTATION, "linesPerSecond=100"));
    Container sidecar =
        new Container(
            "api-1",
            "proxy",
            Map.of(
                RateLimit.POD_ANNOTATION,
                "linesPerSecond=100",
                "logchute.io/proxy.rate-limit",
                "none"));
    Container plain = new Container("web-1", "app", Map.of());
    batch(limit, app, 1000, 10);
    batch(limit, sidecar, 1000, 10);
    batch(limit, plain, 1000, 10);
    assertThat(keptOf(app)).isEqualTo(100);
    assertThat(keptOf(sidecar)).isEqualTo(1000);
    assertThat(keptOf(plain)).isEqualTo(10);

    // the annotation goes: the global limit from the next record (the bucket keeps what it has)
    kept.clear();
    app.annotate(Map.of());
    sidecar.annotate(Map.of());
    clock.advance(Duration.ofSeconds(5));
    batch(limit, app, 1000, 10);
    batch(limit, sidecar, 1000, 10);
    assertThat(keptOf(app)).isEqualTo(10);
    assertThat(keptOf(sidecar)).isEqualTo(10);

    // and comes back, with its burst of one second of its rate once it had time to refill
    kept.clear();
    sidecar.annotate(Map.of("logchute.io/proxy.rate-limit", "linesPerSecond=300, burst=2s"));
    clock.advance(Duration.ofSeconds(3));
    batch(limit, sidecar, 1000, 10);
    assertThat(keptOf(sidecar)).isEqualTo(600);
  }

  @Test
  void anInvalidAnnotationIsReportedOnceAndTheGlobalLimitApplies() {
    RateLimit limit =
        new RateLimit(
            new RateLimit.Limit(10, 0, Duration.ofSeconds(1)),
            Duration.ofSeconds(10),
            metrics,
            clock);
    Container bad = new Container("api-1", "app", Map.of(RateLimit.POD_ANNOTATION, "fast please"));
    Container typo =
        new Container("api-2", "app", Map.of(RateLimit.POD_ANNOTATION, "linesPerSec=100"));
    batch(limit, bad, 100, 10);
    batch(limit, typo, 100, 10);
    assertThat(keptOf(bad)).isEqualTo(10);
    assertThat(keptOf(typo)).isEqualTo(10);
    assertThat(
            metrics.value("logchute_rate_limit_invalid_total", "namespace", "shop", "pod", "api-1"))
        .isEqualTo(1);
    assertThat(
            metrics.value("logchute_rate_limit_invalid_total", "namespace", "shop", "pod", "api-2"))
        .isEqualTo(1);
  }

  @Test
  void withoutAGlobalLimitOnlyAnnotatedPodsAreLimited() {
    RateLimit limit =
        new RateLimit(RateLimit.Limit.NONE, RateLimit.DEFAULT_SUMMARY_INTERVAL, metrics, clock);
    Container free = new Container("api-1", "app", Map.of());
    Container limited =
        new Container("api-2", "app", Map.of(RateLimit.POD_ANNOTATION, "bytesPerSecond=1KiB"));
    batch(limit, free, 10_000, 100);
    batch(limit, limited, 10_000, 100);
    assertThat(keptOf(free)).isEqualTo(10_000);
    // a bucket of 1 KiB: records pass while it is not empty, so at most one record over it
    assertThat(keptOf(limited)).isEqualTo(11);
  }

  @Test
  void summariesComeOncePerIntervalEvenWhenTheContainerFallsSilent() {
    RateLimit limit =
        new RateLimit(
            new RateLimit.Limit(10, 0, Duration.ofSeconds(1)),
            Duration.ofSeconds(10),
            metrics,
            clock);
    Container api = new Container("api-1", "app", Map.of());
    Container other = new Container("web-1", "app", Map.of());
    batch(limit, api, 110, 10); // 100 dropped, then silence
    assertThat(summaries).isEmpty();
    clock.advance(Duration.ofSeconds(9));
    batch(limit, other, 1, 10);
    assertThat(summaries).isEmpty();
    clock.advance(Duration.ofSeconds(1));
    batch(limit, other, 1, 10); // another container's batch carries it out
    assertThat(summaries)
        .singleElement()
        .satisfies(s -> assertThat(s.source()).isEqualTo(api.source));
    assertThat(summed(summaries, "dropped_lines")).isEqualTo(100);
    clock.advance(Duration.ofSeconds(30));
    batch(limit, other, 1, 10);
    assertThat(summaries).hasSize(1); // nothing new dropped: no summary
  }

  @Test
  void containersNotSeenForTenMinutesAreForgotten() {
    RateLimit limit =
        new RateLimit(
            new RateLimit.Limit(10, 0, Duration.ofSeconds(1)),
            Duration.ofSeconds(10),
            metrics,
            clock);
    for (int i = 0; i < 50; i++) {
      batch(limit, new Container("pod-" + i, "app", Map.of()), 1, 10);
    }
    assertThat(limit.tracked()).isEqualTo(50);
    clock.advance(Duration.ofMinutes(11));
    batch(limit, new Container("pod-new", "app", Map.of()), 1, 10);
    assertThat(limit.tracked()).isEqualTo(1);
  }

  @Test
  void theConfigurationNamesTheBadKeyAndAnnotationsNameTheirs() {
    Map<String, Object> values = new HashMap<>();
    values.put("linesPerSecond", "-3");
    assertThatThrownBy(
            () ->
                RateLimit.Limit.fromConfig(
                    ConfigSection.of("processing.rateLimit", values), RateLimit.Limit.NONE))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("processing.rateLimit.linesPerSecond");
    values.put("linesPerSecond", "5");
    values.put("burst", "soon");
    assertThatThrownBy(
            () ->
                RateLimit.Limit.fromConfig(
                    ConfigSection.of("processing.rateLimit", values), RateLimit.Limit.NONE))
        .hasMessageContaining("processing.rateLimit.burst");
    assertThat(
            RateLimit.Limit.parse(
                "a", "bytesPerSecond=2MiB", new RateLimit.Limit(7, 0, Duration.ofSeconds(3))))
        .isEqualTo(new RateLimit.Limit(7, 2 * 1024 * 1024, Duration.ofSeconds(3)));
    // the configuration takes a section or the annotation's one-line form
    Map<String, Object> processing = new HashMap<>();
    processing.put("rateLimit", Map.of("linesPerSecond", 200, "burst", "5s"));
    assertThat(RateLimit.Limit.fromSetting(ConfigSection.of("processing", processing), "rateLimit"))
        .isEqualTo(new RateLimit.Limit(200, 0, Duration.ofSeconds(5)));
    processing.put("rateLimit", "linesPerSecond=200, bytesPerSecond=1MiB");
    assertThat(RateLimit.Limit.fromSetting(ConfigSection.of("processing", processing), "rateLimit"))
        .isEqualTo(new RateLimit.Limit(200, 1024 * 1024, Duration.ofSeconds(1)));
    processing.put("rateLimit", "linesPerSecond=many");
    assertThatThrownBy(
            () ->
                RateLimit.Limit.fromSetting(
                    ConfigSection.of("processing", processing), "rateLimit"))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith("processing.rateLimit.linesPerSecond: expected an integer");
    processing.put("rateLimit", Map.of("linesPerSecnd", 1));
    assertThatThrownBy(
            () ->
                RateLimit.Limit.fromSetting(
                    ConfigSection.of("processing", processing), "rateLimit"))
        .hasMessageStartingWith("processing.rateLimit.linesPerSecnd: unknown key");
    assertThatThrownBy(
            () -> RateLimit.Limit.parse("logchute.io/rate-limit", "lines=1", RateLimit.Limit.NONE))
        .hasMessageContaining("logchute.io/rate-limit.lines")
        .hasMessageContaining("unknown key");
  }
}
