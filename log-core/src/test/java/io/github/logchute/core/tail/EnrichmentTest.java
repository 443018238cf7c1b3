package io.github.logchute.core.tail;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.spi.InMemorySink;
import io.github.logchute.core.spi.MetadataEnricher;
import io.github.logchute.core.spi.SinkLimits;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The engine resolves metadata per source (never per line), waits for it boundedly, updates it. */
class EnrichmentTest {

  @TempDir Path root;
  @TempDir Path data;

  /** An enricher whose pods are "known" when the test says so. */
  static final class PodEnricher implements MetadataEnricher {
    final Map<String, CompletableFuture<Void>> ready = new ConcurrentHashMap<>();
    final Map<String, String> team = new ConcurrentHashMap<>();
    final AtomicInteger enrichCalls = new AtomicInteger();
    volatile Consumer<LogSource> listener;

    CompletableFuture<Void> pod(String name) {
      return ready.computeIfAbsent(name, k -> new CompletableFuture<>());
    }

    @Override
    public CompletionStage<?> whenReady(LogSource source) {
      return pod(source.container().orElseThrow().pod());
    }

    @Override
    public void enrich(LogSource source, SourceMetadata.Builder metadata) {
      enrichCalls.incrementAndGet();
      String pod = source.container().orElseThrow().pod();
      metadata.put(MetadataKeys.K8S_POD_NAME, pod);
      if (pod(pod).isDone()) {
        metadata.put(MetadataKeys.K8S_POD_LABEL_PREFIX + "team", team.getOrDefault(pod, "none"));
      }
    }

    @Override
    public void onChange(Consumer<LogSource> l) {
      listener = l;
    }

    final java.util.List<LogSource> released = new java.util.concurrent.CopyOnWriteArrayList<>();

    @Override
    public void release(LogSource source) {
      released.add(source);
    }
  }

  private TailHarness harness(PodEnricher enricher, Duration wait) throws Exception {
    return new TailHarness(
        data,
        new KubeletLogs(root).glob(),
        b -> b.metadataWait(wait),
        new InMemorySink(new SinkLimits(500, 1 << 20, Duration.ofMillis(5), 2)),
        64L << 20,
        enricher);
  }

  private static List<String> teams(TailHarness h, String prefix) {
    return h.sink.records().stream()
        .filter(r -> r.messageText().startsWith(prefix))
        .map(r -> r.metadata().get(MetadataKeys.K8S_POD_LABEL_PREFIX + "team"))
        .toList();
  }

  @Test
  void metadataIsResolvedOncePerSourceNotPerLine() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    PodEnricher enricher = new PodEnricher();
    enricher.team.put("web", "shop");
    enricher.pod("web").complete(null);
    try (KubeletLogs.Container web = logs.container("prod", "web", "nginx");
        TailHarness h = harness(enricher, Duration.ofSeconds(30))) {
      for (int i = 0; i < 2000; i++) {
        web.cri("stdout", "line " + i);
      }
      h.awaitMessages(2000);
      assertThat(teams(h, "line ")).hasSize(2000).containsOnly("shop");
      assertThat(enricher.enrichCalls.get()).isEqualTo(1);
      assertThat(h.sink.records().stream().map(LogRecord::metadata).distinct()).hasSize(1);
    }
  }

  @Test
  void anUnknownPodWaitsWithoutHoldingUpOthersAndGetsItsMetadataWhenReady() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    PodEnricher enricher = new PodEnricher();
    enricher.pod("known").complete(null);
    enricher.team.put("known", "a");
    enricher.team.put("late", "b");
    try (KubeletLogs.Container known = logs.container("prod", "known", "app");
        KubeletLogs.Container late = logs.container("prod", "late", "app");
        TailHarness h = harness(enricher, Duration.ofSeconds(60))) {
      late.cri("stdout", "late 1");
      known.cri("stdout", "known 1");
      h.awaitMessages(1);
      assertThat(h.messages()).containsExactly("known 1");

      enricher.pod("late").complete(null);
      h.awaitMessages(2);
      assertThat(teams(h, "late ")).containsExactly("b");
      assertThat(h.metric("logchute_metadata_wait_timeouts_total")).isZero();
    }
  }

  @Test
  void aPodNeverSeenGoesOutAfterTheWaitWithPathMetadataAndIsCounted() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    PodEnricher enricher = new PodEnricher();
    try (KubeletLogs.Container ghost = logs.container("prod", "ghost", "app");
        TailHarness h = harness(enricher, Duration.ofMillis(200))) {
      ghost.cri("stdout", "ghost 1");
      h.awaitMessages(1);
      LogRecord r = h.sink.records().get(0);
      assertThat(r.metadata().get(MetadataKeys.K8S_POD_NAME)).isEqualTo("ghost");
      assertThat(r.metadata().get(MetadataKeys.K8S_POD_LABEL_PREFIX + "team")).isNull();
      assertThat(h.metric("logchute_metadata_wait_timeouts_total")).isEqualTo(1);

      // the pod shows up later: the following lines are enriched
      enricher.team.put("ghost", "found");
      enricher.pod("ghost").complete(null);
      h.until(
          "the late metadata is applied", () -> h.metric("logchute_metadata_updates_total") == 1);
      ghost.cri("stdout", "ghost 2");
      h.awaitMessages(2);
      assertThat(teams(h, "ghost ")).containsExactly(null, "found");
    }
  }

  @Test
  void aChangeReportedByTheEnricherAppliesToLaterRecords() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    PodEnricher enricher = new PodEnricher();
    enricher.pod("web").complete(null);
    enricher.team.put("web", "old");
    try (KubeletLogs.Container web = logs.container("prod", "web", "nginx");
        TailHarness h = harness(enricher, Duration.ofSeconds(30))) {
      web.cri("stdout", "before");
      h.awaitMessages(1);
      enricher.team.put("web", "new");
      LogSource source = h.sink.records().get(0).source();
      enricher.listener.accept(source);
      h.until("the change is applied", () -> h.metric("logchute_metadata_updates_total") == 1);
      web.cri("stdout", "after");
      h.awaitMessages(2);
      assertThat(teams(h, "before")).containsExactly("old");
      assertThat(teams(h, "after")).containsExactly("new");
    }
  }

  @Test
  void theEnricherIsToldWhenADeletedPodsFileHasBeenDrained() throws Exception {
    KubeletLogs logs = new KubeletLogs(root);
    PodEnricher enricher = new PodEnricher();
    enricher.pod("gone").complete(null);
    KubeletLogs.Container gone = logs.container("prod", "gone", "app");
    try (TailHarness h = harness(enricher, Duration.ofSeconds(30))) {
      gone.cri("stdout", "last words");
      h.awaitMessages(1);
      assertThat(enricher.released).isEmpty();
      LogSource source = h.sink.records().get(0).source();
      gone.close();
      java.nio.file.Files.delete(gone.live());
      java.nio.file.Files.delete(gone.link());
      h.until("the drained file's source is released", () -> enricher.released.contains(source));
      assertThat(enricher.released).containsExactly(source);
    }
  }
}
