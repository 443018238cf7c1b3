package io.github.logchute.k8s;

import static io.github.logchute.k8s.TestPods.NODE;
import static io.github.logchute.k8s.TestPods.logFile;
import static io.github.logchute.k8s.TestPods.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.logchute.core.Await;
import io.github.logchute.core.FakeClock;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.metrics.MetricsRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The Kubernetes enricher against {@link FakeKubeApi} over TLS with a bearer token. */
class KubernetesEnricherTest {

  static final Duration WAIT = Duration.ofSeconds(10);

  @TempDir Path dir;
  final FakeClock clock = new FakeClock();
  final MetricsRegistry metrics = new MetricsRegistry();
  final List<LogSource> changes = new CopyOnWriteArrayList<>();
  FakeKubeApi api;
  KubernetesEnricher k8s;
  Path tokenFile;

  @BeforeEach
  void setUp() throws Exception {
    api = FakeKubeApi.start(NODE);
    tokenFile = Files.writeString(dir.resolve("token"), "token-1\n");
    api.putNamespace(TestPods.namespace("shop", "team", "payments"));
  }

  @AfterEach
  void tearDown() {
    if (k8s != null) {
      k8s.close();
    }
    api.close();
  }

  KubernetesEnricher start() {
    k8s =
        KubernetesEnricher.builder()
            .apiUrl(api.url())
            .nodeName(NODE)
            .caFile(TestPods.resource("/tls/ca.crt"))
            .tokenFile(tokenFile)
            .clock(clock)
            .metrics(metrics)
            .backoff(Duration.ofMillis(5), Duration.ofMillis(50))
            .requestTimeout(Duration.ofSeconds(5))
            .build();
    k8s.onChange(changes::add);
    return k8s;
  }

  SourceMetadata enrich(LogSource s) {
    SourceMetadata.Builder b = SourceMetadata.builder();
    k8s.enrich(s, b);
    return b.build();
  }

  void ready(LogSource s) throws Exception {
    k8s.whenReady(s).toCompletableFuture().get(WAIT.toSeconds(), TimeUnit.SECONDS);
  }

  long metric(String name, String resource) {
    return metrics.value(name, "resource", resource);
  }

  @Test
  void inClusterFindsTheApiServerAndTheNodeInThePodsEnvironment() throws Exception {
    api.putPod(pod("shop", "web-1", "uid-1", NODE));
    Map<String, String> env =
        Map.of(
            "KUBERNETES_SERVICE_HOST", api.url().getHost(),
            "KUBERNETES_SERVICE_PORT", Integer.toString(api.url().getPort()),
            "NODE_NAME", NODE);
    k8s =
        KubernetesEnricher.inCluster(env)
            .caFile(TestPods.resource("/tls/ca.crt"))
            .tokenFile(tokenFile)
            .clock(clock)
            .metrics(metrics)
            .build();
    assertThat(k8s.nodeName()).isEqualTo(NODE);
    LogSource web = logFile(dir, "shop", "web-1", "uid-1", "app", 0);
    ready(web);
    // from the API (the fake checks the bearer token from the file on every request)
    assertThat(enrich(web).get(MetadataKeys.K8S_POD_LABEL_PREFIX + "app")).isEqualTo("web-1");
  }

  @Test
  void inClusterOutsideAPodSaysWhatIsMissing() {
    assertThatThrownBy(() -> KubernetesEnricher.inCluster(Map.of("NODE_NAME", NODE)))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("KUBERNETES_SERVICE_HOST");
    assertThatThrownBy(
            () -> KubernetesEnricher.inCluster(Map.of("KUBERNETES_SERVICE_HOST", "fd00::1")))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("NODE_NAME")
        .hasMessageContaining("spec.nodeName");
    // an IPv6 service address is bracketed in the URL
    KubernetesEnricher.inCluster(
        Map.of(
            "KUBERNETES_SERVICE_HOST",
            "fd00::1",
            "KUBERNETES_SERVICE_PORT",
            "6443",
            "MY_NODE_NAME",
            NODE));
  }

  @Test
  void listsFromTheCacheOnceThenWatchesThisNodeFromTheListVersionWithBookmarks() throws Exception {
    api.putPod(pod("shop", "web-1", "uid-1", NODE));
    api.putPod(pod("shop", "elsewhere", "uid-2", "node-2"));
    long listVersion = api.resourceVersion();
    start();
    LogSource web = logFile(dir, "shop", "web-1", "uid-1", "app", 0);
    ready(web);

    SourceMetadata m = enrich(web);
    assertThat(m.get(MetadataKeys.K8S_POD_UID)).isEqualTo("uid-1");
    assertThat(m.get(MetadataKeys.K8S_POD_LABEL_PREFIX + "app")).isEqualTo("web-1");
    assertThat(m.get(MetadataKeys.K8S_NAMESPACE_LABEL_PREFIX + "team")).isEqualTo("payments");
    assertThat(m.get(MetadataKeys.K8S_NODE_NAME)).isEqualTo(NODE);
    assertThat(m.get(MetadataKeys.K8S_POD_IP)).isEqualTo("10.1.2.3");
    assertThat(m.get(MetadataKeys.K8S_POD_PHASE)).isEqualTo("Running");
    assertThat(m.get(MetadataKeys.K8S_POD_QOS_CLASS)).isEqualTo("BestEffort");
    assertThat(m.get(MetadataKeys.CONTAINER_IMAGE_NAME)).isEqualTo("nginx");
    assertThat(m.get(MetadataKeys.CONTAINER_IMAGE_TAG)).isEqualTo("1.25");
    assertThat(m.get(MetadataKeys.CONTAINER_ID)).isEqualTo(TestPods.hexId("uid-1", "app"));
    assertThat(m.get(MetadataKeys.K8S_CONTAINER_RESTART_COUNT)).isEqualTo("0");

    Await.until("pod watch open", WAIT, () -> api.pods.openWatches() == 1);
    FakeKubeApi.Request list =
        api.requests.stream()
            .filter(r -> !r.watch() && r.resource().equals("pods"))
            .findFirst()
            .get();
    assertThat(list.watch()).isFalse();
    assertThat(list.query())
        .containsEntry("resourceVersion", "0")
        .containsEntry("fieldSelector", "spec.nodeName=" + NODE);
    FakeKubeApi.Request watch =
        api.requests.stream()
            .filter(r -> r.watch() && r.resource().equals("pods"))
            .findFirst()
            .get();
    assertThat(watch.query())
        .containsEntry("resourceVersion", Long.toString(listVersion))
        .containsEntry("allowWatchBookmarks", "true")
        .containsEntry("fieldSelector", "spec.nodeName=" + NODE);
    assertThat(api.requests).allMatch(r -> "Bearer token-1".equals(r.auth()));
    assertThat(api.rejected).isEmpty();

    // The pod of another node is not watched here.
    LogSource other = logFile(dir, "shop", "elsewhere", "uid-2", "app", 0);
    assertThat(k8s.whenReady(other).toCompletableFuture()).isNotDone();
    assertThat(enrich(other).get(MetadataKeys.K8S_POD_LABEL_PREFIX + "app")).isNull();
  }

  @Test
  void metadataFollowsPodsCreatedUpdatedAndDeletedAndOutlivesTheDeletionByTheGrace()
      throws Exception {
    start();
    LogSource web = logFile(dir, "shop", "web-1", "uid-1", "app", 0);
    CompletableFuture<?> ready = k8s.whenReady(web).toCompletableFuture();
    Await.until("pod watch open", WAIT, () -> api.pods.openWatches() == 1);
    assertThat(ready).isNotDone();
    SourceMetadata early = enrich(web);
    assertThat(early.get(MetadataKeys.K8S_POD_UID)).isEqualTo("uid-1"); // from the path
    assertThat(early.get(MetadataKeys.K8S_POD_LABEL_PREFIX + "app")).isNull();
    assertThat(metrics.value("logchute_k8s_sources_without_metadata_total")).isEqualTo(1);

    ObjectNode p = pod("shop", "web-1", "uid-1", NODE);
    api.putPod(p); // created
    ready.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    assertThat(enrich(web).get(MetadataKeys.K8S_POD_LABEL_PREFIX + "app")).isEqualTo("web-1");

    ((ObjectNode) p.path("metadata").path("labels")).put("version", "v2");
    changes.clear();
    api.putPod(p); // labels updated
    Await.until("onChange for the updated pod", WAIT, () -> changes.contains(web));
    assertThat(enrich(web).get(MetadataKeys.K8S_POD_LABEL_PREFIX + "version")).isEqualTo("v2");

    api.deletePod("shop", "web-1");
    Await.until("pod gone from the watch", WAIT, () -> k8s.store().livePods() == 0);
    clock.advance(Duration.ofMinutes(4));
    // A late file of the deleted pod (the engine opened it after the deletion) is still enriched.
    LogSource late = logFile(dir, "shop", "web-1", "uid-1", "app", 1);
    ready(late);
    assertThat(enrich(late).get(MetadataKeys.K8S_POD_LABEL_PREFIX + "version")).isEqualTo("v2");
    assertThat(enrich(late).get(MetadataKeys.K8S_NAMESPACE_LABEL_PREFIX + "team"))
        .isEqualTo("payments");

    // Past the grace, still kept: the engine has not released the files yet.
    clock.advance(Duration.ofMinutes(2));
    assertThat(enrich(web).get(MetadataKeys.K8S_POD_LABEL_PREFIX + "app")).isEqualTo("web-1");
    k8s.release(web);
    assertThat(enrich(late).get(MetadataKeys.K8S_POD_LABEL_PREFIX + "app")).isEqualTo("web-1");
    k8s.release(late);
    assertThat(k8s.store().find(new SourceInfo("shop", "web-1", "uid-1", "app", null, false, 0)))
        .as("forgotten once released past the grace")
        .isNull();
  }

  @Test
  void aDeletedPodWithoutOpenFilesIsForgottenAfterTheGracePeriod() throws Exception {
    api.putPod(pod("shop", "job-1", "uid-9", NODE));
    start();
    Await.until("pod known", WAIT, () -> k8s.store().livePods() == 1);
    api.deletePod("shop", "job-1");
    Await.until("pod deleted", WAIT, () -> k8s.store().livePods() == 0);
    SourceInfo file = new SourceInfo("shop", "job-1", "uid-9", "app", null, false, 0);
    clock.advance(KubernetesEnricher.DEFAULT_DELETED_POD_GRACE.minusSeconds(1));
    assertThat(k8s.store().find(file)).isNotNull();
    clock.advance(Duration.ofSeconds(2));
    assertThat(k8s.store().find(file)).isNull();
    assertThat(k8s.store().deletedPods()).isZero();
  }

  @Test
  void aBookmarkMovesTheVersionAWatchResumesFromAfterTheStreamDrops() throws Exception {
    api.putPod(pod("shop", "web-1", "uid-1", NODE));
    start();
    Await.until("pod watch open", WAIT, () -> api.pods.openWatches() == 1);
    api.putPod(pod("shop", "far", "uid-3", "node-2")); // moves the version, not seen by this node
    api.bookmark();
    long bookmarked = api.resourceVersion();
    Await.until(
        "bookmark received", WAIT, () -> metric("logchute_k8s_watch_events_total", "pods") == 1);
    api.dropWatches();
    Await.until("watched again", WAIT, () -> api.pods.watches.get() == 2);
    FakeKubeApi.Request second =
        api.requests.stream()
            .filter(r -> r.watch() && r.resource().equals("pods"))
            .skip(1)
            .findFirst()
            .get();
    assertThat(second.query()).containsEntry("resourceVersion", Long.toString(bookmarked));
    assertThat(api.pods.lists.get()).isEqualTo(1);
    assertThat(metric("logchute_k8s_watch_restarts_total", "pods")).isEqualTo(1);
  }

  @Test
  void goneAsHttpStatusRelistsAndPodsDeletedMeanwhileBecomeTombstones() throws Exception {
    relistsOnGone(FakeKubeApi.GoneMode.HTTP_410);
  }

  @Test
  void goneAsErrorEventRelists() throws Exception {
    relistsOnGone(FakeKubeApi.GoneMode.ERROR_EVENT);
  }

  private void relistsOnGone(FakeKubeApi.GoneMode mode) throws Exception {
    api.goneMode = mode;
    api.putPod(pod("shop", "web-1", "uid-1", NODE));
    api.putPod(pod("shop", "web-2", "uid-2", NODE));
    start();
    LogSource web2 = logFile(dir, "shop", "web-2", "uid-2", "app", 0);
    ready(web2);
    Await.until("pod watch open", WAIT, () -> api.pods.openWatches() == 1);
    changes.clear();
    api.dropWatches();
    ObjectNode changed = pod("shop", "web-2", "uid-2", NODE);
    ((ObjectNode) changed.path("metadata").path("labels")).put("tier", "gold");
    // The history the watch would resume from is compacted away.
    synchronized (api) {
      api.putPod(changed);
      api.deletePod("shop", "web-1");
      api.compact();
    }
    Await.until("listed again", WAIT, () -> api.pods.lists.get() == 2);
    Await.until("watching again", WAIT, () -> api.pods.openWatches() == 1);
    assertThat(metric("logchute_k8s_relists_total", "pods")).isEqualTo(1);
    Await.until("web-1 deleted", WAIT, () -> k8s.store().livePods() == 1);
    assertThat(k8s.store().find(new SourceInfo("shop", "web-1", "uid-1", "app", null, false, 0)))
        .as("deleted while not watched: kept for the grace period")
        .isNotNull();
    Await.until("onChange for web-2", WAIT, () -> changes.contains(web2));
    assertThat(enrich(web2).get(MetadataKeys.K8S_POD_LABEL_PREFIX + "tier")).isEqualTo("gold");
    FakeKubeApi.Request relist =
        api.requests.stream()
            .filter(r -> !r.watch() && r.resource().equals("pods"))
            .skip(1)
            .findFirst()
            .get();
    assertThat(relist.query()).containsEntry("resourceVersion", "0");
  }

  @Test
  void aGarbledStreamIsAbandonedAndTheWatchReopensAfterTheBackoff() throws Exception {
    ObjectNode p = pod("shop", "web-1", "uid-1", NODE);
    api.putPod(p);
    start();
    LogSource web = logFile(dir, "shop", "web-1", "uid-1", "app", 0);
    ready(web);
    Await.until("pod watch open", WAIT, () -> api.pods.openWatches() == 1);
    api.garblePodWatches();
    Await.until("watched again", WAIT, () -> api.pods.watches.get() == 2);
    assertThat(metric("logchute_k8s_api_errors_total", "pods")).isGreaterThanOrEqualTo(1);
    Await.until("pod watch open again", WAIT, () -> api.pods.openWatches() >= 1);
    ((ObjectNode) p.path("metadata").path("labels")).put("after", "garbage");
    changes.clear();
    api.putPod(p);
    Await.until("update seen on the new watch", WAIT, () -> changes.contains(web));
    assertThat(enrich(web).get(MetadataKeys.K8S_POD_LABEL_PREFIX + "after")).isEqualTo("garbage");
  }

  @Test
  void theTokenFileIsReadAgainAfterAMinuteAndAfterA401() throws Exception {
    api.putPod(pod("shop", "web-1", "uid-1", NODE));
    start();
    Await.until(
        "both watches open",
        WAIT,
        () -> api.pods.openWatches() == 1 && api.namespaces.openWatches() == 1);

    // Rotation noticed by the periodic re-read.
    Files.writeString(tokenFile, "token-2\n");
    api.token = "token-2";
    clock.advance(Duration.ofSeconds(61));
    api.dropWatches();
    Await.until("pods watched with token-2", WAIT, () -> watchedWith("pods", "Bearer token-2"));
    Await.until(
        "namespaces watched with token-2", WAIT, () -> watchedWith("namespaces", "Bearer token-2"));
    Await.until(
        "both watches open",
        WAIT,
        () -> api.pods.openWatches() == 1 && api.namespaces.openWatches() == 1);

    // Rotation noticed by a 401, without waiting a minute.
    Files.writeString(tokenFile, "token-3\n");
    api.token = "token-3";
    int before = api.requests.size();
    api.dropWatches();
    Await.until("pods watched with token-3", WAIT, () -> watchedWith("pods", "Bearer token-3"));
    List<FakeKubeApi.Request> since = List.copyOf(api.requests);
    assertThat(since.subList(before, since.size()))
        .as("the old token was tried once, refused, then the file was read again")
        .extracting(FakeKubeApi.Request::auth)
        .contains("Bearer token-2");
    Await.until("pod watch open", WAIT, () -> api.pods.openWatches() == 1);
  }

  private boolean watchedWith(String resource, String auth) {
    return api.requests.stream()
        .anyMatch(r -> r.watch() && r.resource().equals(resource) && auth.equals(r.auth()));
  }

  @Test
  void aServerWhoseCertificateIsNotInTheCaBundleIsRefused() throws Exception {
    api.close();
    api = FakeKubeApi.start("/tls/untrusted.p12", NODE, 0);
    api.putPod(pod("shop", "web-1", "uid-1", NODE));
    start();
    LogSource web = logFile(dir, "shop", "web-1", "uid-1", "app", 0);
    Await.until(
        "TLS failures counted", WAIT, () -> metric("logchute_k8s_api_errors_total", "pods") >= 2);
    assertThat(api.requests).as("no HTTP request got through the handshake").isEmpty();
    assertThat(k8s.whenReady(web).toCompletableFuture()).isNotDone();
    assertThat(enrich(web).get(MetadataKeys.K8S_POD_NAME)).isEqualTo("web-1"); // path only
  }

  @Test
  void duringAnApiOutageEnrichmentGivesPathMetadataAtOnceAndRecoversAfter() throws Exception {
    api.outageStatus = 503;
    api.putPod(pod("shop", "web-1", "uid-1", NODE));
    start();
    LogSource web = logFile(dir, "shop", "web-1", "uid-1", "app", 0);
    CompletableFuture<?> ready = k8s.whenReady(web).toCompletableFuture();
    Await.until(
        "failed lists retried", WAIT, () -> metric("logchute_k8s_api_errors_total", "pods") >= 3);
    long t0 = System.nanoTime();
    SourceMetadata m = enrich(web);
    assertThat(System.nanoTime() - t0).isLessThan(TimeUnit.MILLISECONDS.toNanos(500));
    assertThat(m.get(MetadataKeys.K8S_POD_UID)).isEqualTo("uid-1");
    assertThat(m.get(MetadataKeys.CONTAINER_ID)).isEqualTo(TestPods.hexId("uid-1", "app"));
    assertThat(m.get(MetadataKeys.K8S_POD_LABEL_PREFIX + "app")).isNull();
    assertThat(ready).isNotDone();
    assertThat(k8s.isReady()).as("not ready before a first list").isFalse();

    api.outageStatus = 0;
    ready.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    Await.until("ready after the first successful list", WAIT, k8s::isReady);
    assertThat(enrich(web).get(MetadataKeys.K8S_POD_LABEL_PREFIX + "app")).isEqualTo("web-1");

    // The server goes away for good: what is known stays, nothing blocks.
    Await.until("pod watch open", WAIT, () -> api.pods.openWatches() == 1);
    api.close();
    Await.until(
        "broken watch counted",
        WAIT,
        () -> metric("logchute_k8s_watch_restarts_total", "pods") >= 1);
    assertThat(enrich(web).get(MetadataKeys.K8S_POD_LABEL_PREFIX + "app")).isEqualTo("web-1");
  }

  @Test
  void tooManyRequestsWithRetryAfterIsHonoured() throws Exception {
    api.outageStatus = 429;
    api.retryAfter = "1";
    start();
    Await.until("listed twice", WAIT, () -> podListRequests() >= 2);
    List<FakeKubeApi.Request> lists =
        api.requests.stream().filter(r -> !r.watch() && r.resource().equals("pods")).toList();
    assertThat(lists.get(1).atNanos() - lists.get(0).atNanos())
        .as("waited the server's Retry-After, not the 5 ms back-off")
        .isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(950));
  }

  private long podListRequests() {
    return api.requests.stream().filter(r -> !r.watch() && r.resource().equals("pods")).count();
  }

  @Test
  void aStaticPodIsFoundThroughItsMirrorPod() throws Exception {
    ObjectNode mirror = pod("kube-system", "etcd-node-1", "mirror-uid", NODE);
    ((ObjectNode) mirror.path("metadata").path("annotations"))
        .put("kubernetes.io/config.mirror", "0123456789abcdef0123456789abcdef");
    api.putPod(mirror);
    start();
    LogSource etcd =
        logFile(dir, "kube-system", "etcd-node-1", "0123456789abcdef0123456789abcdef", "app", 0);
    ready(etcd);
    assertThat(enrich(etcd).get(MetadataKeys.K8S_POD_UID)).isEqualTo("mirror-uid");
  }

  @Test
  void namespaceLabelChangesReachTheSourcesOfTheNamespace() throws Exception {
    api.putPod(pod("shop", "web-1", "uid-1", NODE));
    start();
    LogSource web = logFile(dir, "shop", "web-1", "uid-1", "app", 0);
    ready(web);
    Await.until("namespace watch open", WAIT, () -> api.namespaces.openWatches() == 1);
    changes.clear();
    api.putNamespace(TestPods.namespace("shop", "team", "checkout"));
    Await.until("onChange", WAIT, () -> changes.contains(web));
    assertThat(enrich(web).get(MetadataKeys.K8S_NAMESPACE_LABEL_PREFIX + "team"))
        .isEqualTo("checkout");
  }

  @Test
  void threeHundredFilesOfAHundredPodsCostOneListAndOneWatch() throws Exception {
    for (int i = 0; i < 100; i++) {
      ObjectNode p = pod("shop", "pod-" + i, "uid-" + i, NODE);
      var containers =
          (com.fasterxml.jackson.databind.node.ArrayNode) p.path("spec").path("containers");
      containers.addObject().put("name", "sidecar").put("image", "envoy:1");
      containers.addObject().put("name", "agent").put("image", "agent:2");
      api.putPod(p);
    }
    start();
    List<LogSource> files = new java.util.ArrayList<>();
    for (int i = 0; i < 100; i++) {
      for (String c : List.of("app", "sidecar", "agent")) {
        files.add(logFile(dir, "shop", "pod-" + i, "uid-" + i, c, 0));
      }
    }
    CompletableFuture.allOf(
            files.stream()
                .map(f -> k8s.whenReady(f).toCompletableFuture())
                .toArray(CompletableFuture[]::new))
        .get(WAIT.toSeconds(), TimeUnit.SECONDS);
    for (LogSource f : files) {
      SourceMetadata m = enrich(f);
      assertThat(m.get(MetadataKeys.K8S_POD_LABEL_PREFIX + "app"))
          .isEqualTo(m.get(MetadataKeys.K8S_POD_NAME));
      assertThat(m.get(MetadataKeys.CONTAINER_IMAGE_NAME)).isNotNull();
    }
    Await.until(
        "watches open",
        WAIT,
        () -> api.pods.openWatches() == 1 && api.namespaces.openWatches() == 1);
    assertThat(api.pods.lists.get()).isEqualTo(1);
    assertThat(api.pods.watches.get()).isEqualTo(1);
    assertThat(api.namespaces.lists.get()).isEqualTo(1);
    assertThat(api.namespaces.watches.get()).isEqualTo(1);
    assertThat(api.requests).hasSize(4);
    assertThat(metrics.value("logchute_k8s_cache_hits_total")).isEqualTo(300);
    assertThat(metrics.value("logchute_k8s_api_requests_total", "resource", "pods", "verb", "list"))
        .isEqualTo(1);
  }
}
