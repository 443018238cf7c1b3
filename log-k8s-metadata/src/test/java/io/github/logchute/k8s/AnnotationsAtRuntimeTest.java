package io.github.logchute.k8s;

import static io.github.logchute.k8s.TestPods.NODE;
import static io.github.logchute.k8s.TestPods.pod;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.logchute.core.Await;
import io.github.logchute.core.FakeClock;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.Logchute;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.process.Exclusion;
import io.github.logchute.core.process.LineRules;
import io.github.logchute.core.process.RateLimit;
import io.github.logchute.core.spi.InMemorySink;
import io.github.logchute.core.tail.StartAt;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A team changes how its pod's logs are collected by annotating the pod, while the agent runs: the
 * whole engine (files, the Kubernetes enricher against {@link FakeKubeApi}, the processing steps
 * the agent uses) sees an annotation added or removed within a few seconds of the API server's
 * watch event, without a restart and without losing the lines around the change.
 */
class AnnotationsAtRuntimeTest {

  /** How long an annotation change may take to apply: "within a few seconds". */
  private static final Duration FEW_SECONDS = Duration.ofSeconds(5);

  private static final Duration STEP = Duration.ofMillis(100);

  @TempDir Path dir;
  private final FakeClock clock = new FakeClock();
  private final MetricsRegistry metrics = new MetricsRegistry();
  private final InMemorySink sink = new InMemorySink();
  private FakeKubeApi api;
  private Logchute engine;
  private Path live;
  private int probes;

  @BeforeEach
  void setUp() throws Exception {
    api = FakeKubeApi.start(NODE);
    api.putNamespace(TestPods.namespace("shop"));
    api.putPod(pod("shop", "web-1", "uid-1", NODE));
    Path link = TestPods.logFile(dir, "shop", "web-1", "uid-1", "app", 0).path();
    live = link.toRealPath();
    KubernetesEnricher k8s =
        KubernetesEnricher.builder()
            .apiUrl(api.url())
            .nodeName(NODE)
            .caFile(TestPods.resource("/tls/ca.crt"))
            .tokenFile(Files.writeString(dir.resolve("token"), "token-1\n"))
            .clock(clock)
            .metrics(metrics)
            .backoff(Duration.ofMillis(5), Duration.ofMillis(50))
            .requestTimeout(Duration.ofSeconds(5))
            .build();
    engine =
        Logchute.builder()
            .paths(dir.resolve("containers") + "/*.log")
            .dataDir(dir.resolve("data"))
            .tailer(t -> t.startAt(StartAt.BEGINNING))
            .enricher(k8s)
            .processor(Exclusion.annotationsOnly().processor(metrics))
            .processor(new LineRules(List.of(), metrics))
            .processor(new RateLimit(RateLimit.Limit.NONE, Duration.ofSeconds(1), metrics, clock))
            .metrics(metrics)
            .clock(clock)
            .sink("memory", sink)
            .start();
  }

  @AfterEach
  void tearDown() {
    if (engine != null) {
      engine.close(Duration.ZERO);
    }
    api.close();
  }

  private void write(String... messages) throws Exception {
    StringBuilder b = new StringBuilder();
    for (String m : messages) {
      b.append("2026-01-01T00:00:00.000000000Z stdout F ").append(m).append('\n');
    }
    Files.writeString(live, b, StandardOpenOption.APPEND);
  }

  private long delivered(String prefix) {
    return sink.records().stream().filter(r -> r.messageText().startsWith(prefix)).count();
  }

  /** Waits on the engine's clock (real time only bounds a broken engine). */
  private void until(String what, BooleanSupplier condition) {
    Await.until(what, Duration.ofSeconds(30), clock, STEP, condition);
  }

  /**
   * Waits in real time — the watch is the API server's — for the change to show, writing a probe
   * line now and then so there is something for it to act on.
   */
  private void untilApplied(String what, BooleanSupplier applied) {
    long[] polls = {0};
    Await.until(
        what + " (within " + FEW_SECONDS + ")",
        FEW_SECONDS,
        clock,
        STEP,
        () -> {
          if (polls[0]++ % 50 == 0) {
            try {
              write("probe " + probes++);
            } catch (Exception e) {
              throw new IllegalStateException(e);
            }
          }
          return applied.getAsBoolean();
        });
  }

  private long excluded() {
    return Math.max(
        0, metrics.value("logchute_excluded_records_total", "namespace", "shop", "pod", "web-1"));
  }

  @Test
  void addingAndRemovingAnnotationsChangesCollectionWithinSecondsWithoutLosingLines()
      throws Exception {
    write("a 0", "a 1", "a 2");
    until("the pod's first lines", () -> delivered("a ") == 3);
    assertThat(sink.records())
        .filteredOn(r -> r.messageText().startsWith("a "))
        .allMatch(r -> "uid-1".equals(r.metadata().get(MetadataKeys.K8S_POD_UID)));

    // the team opts the pod out
    ObjectNode p = pod("shop", "web-1", "uid-1", NODE);
    ((ObjectNode) p.path("metadata").path("annotations")).put("logchute.io/exclude", "true");
    api.putPod(p);
    untilApplied("exclusion applied", () -> excluded() > 0);
    long excludedBefore = excluded();
    int deliveredBefore = sink.records().size();
    write("b 0", "b 1", "b 2", "b 3");
    until("4 lines excluded", () -> excluded() == excludedBefore + 4);
    assertThat(sink.records()).hasSize(deliveredBefore);
    assertThat(delivered("b ")).isZero();

    // and back in, with a line rule and a rate limit of its own
    p = pod("shop", "web-1", "uid-1", NODE);
    ((ObjectNode) p.path("metadata").path("annotations"))
        .put(
            LineRules.POD_ANNOTATION,
            "[{\"type\":\"exclude_at_match\",\"name\":\"noise\",\"pattern\":\"^noise\"}]")
        .put(RateLimit.POD_ANNOTATION, "linesPerSecond=1000, burst=1s");
    api.putPod(p);
    int probesDelivered = (int) delivered("probe ");
    untilApplied("collection resumed", () -> delivered("probe ") > probesDelivered);
    write("c 0", "noise 1", "c 2", "noise 3", "c 4");
    until("the kept lines", () -> delivered("c ") == 3);
    assertThat(delivered("noise")).isZero();
    assertThat(
            metrics.value(
                "logchute_rules_records_total",
                "kind",
                "exclude_at_match",
                "namespace",
                "shop",
                "pod",
                "web-1"))
        .isEqualTo(2);
    // nothing of the pod went missing: each line was delivered or counted as excluded
    long written = 3 + 4 + probes + 5 + 1; // the file's first line is "hello"
    long ruled = 2;
    until("every line accounted for", () -> sink.records().size() + excluded() + ruled == written);
    assertThat(sink.records()).extracting(LogRecord::messageText).doesNotHaveDuplicates();
  }
}
