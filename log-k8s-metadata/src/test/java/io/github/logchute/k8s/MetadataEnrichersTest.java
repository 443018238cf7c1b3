package io.github.logchute.k8s;

import static io.github.logchute.k8s.TestPods.NODE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.logchute.core.FakeClock;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.config.ConfigException;
import io.github.logchute.core.config.ConfigSection;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.spi.MetadataEnricher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetadataEnrichersTest {

  @TempDir Path dir;
  final MetricsRegistry metrics = new MetricsRegistry();
  final FakeClock clock = new FakeClock();

  MetadataEnricher fromConfig(Map<String, ?> values) {
    return MetadataEnrichers.fromConfig(ConfigSection.of("metadata", values), metrics, clock);
  }

  static SourceMetadata enrich(MetadataEnricher e, LogSource s) {
    SourceMetadata.Builder b = SourceMetadata.builder();
    e.enrich(s, b);
    return b.build();
  }

  @Test
  void environmentVariablesMapToKeys() {
    Map<String, String> env = new HashMap<>();
    env.put("KUBERNETES_SERVICE_HOST", "10.96.0.1");
    env.put("KUBERNETES_SERVICE_PORT", "6443");
    env.put("LOGCHUTE_NODE_NAME", "node-7");
    env.put("LOGCHUTE_K8S_TOKEN_FILE", "/t");
    env.put("LOGCHUTE_K8S_CA_FILE", "/ca");
    env.put("LOGCHUTE_K8S_METADATA", "true");
    env.put("LOGCHUTE_CLOUD", "aws");
    env.put("LOGCHUTE_AWS_METADATA_URL", "http://127.0.0.1:1");
    env.put("LOGCHUTE_GCP_METADATA_URL", "http://127.0.0.1:2");
    env.put("LOGCHUTE_CLUSTER_NAME", "prod");
    env.put("DD_TAGS", "env:prod");
    env.put("PATH", "/bin");
    assertThat(MetadataEnrichers.settingsFromEnv(env))
        .containsOnly(
            Map.entry("apiUrl", "https://10.96.0.1:6443"),
            Map.entry("inKubernetes", "true"),
            Map.entry("nodeName", "node-7"),
            Map.entry("tokenFile", "/t"),
            Map.entry("caFile", "/ca"),
            Map.entry("kubernetes", "true"),
            Map.entry("cloud", "aws"),
            Map.entry("awsMetadataUrl", "http://127.0.0.1:1"),
            Map.entry("gcpMetadataUrl", "http://127.0.0.1:2"),
            Map.entry("clusterName", "prod"),
            Map.entry("tags", "env:prod"));
  }

  @Test
  void theApiUrlOverrideWinsAndIpv6HostsGetBrackets() {
    assertThat(
            MetadataEnrichers.settingsFromEnv(
                Map.of("KUBERNETES_SERVICE_HOST", "fd00::1", "KUBERNETES_SERVICE_PORT", "443")))
        .containsEntry("apiUrl", "https://[fd00::1]:443");
    assertThat(
            MetadataEnrichers.settingsFromEnv(
                Map.of(
                    "KUBERNETES_SERVICE_HOST", "10.0.0.1", "LOGCHUTE_K8S_API_URL", "https://x:1")))
        .containsEntry("apiUrl", "https://x:1")
        .containsEntry("inKubernetes", "true");
    assertThat(MetadataEnrichers.settingsFromEnv(Map.of("LOGCHUTE_NODE_NAME", " "))).isEmpty();
  }

  @Test
  void withoutTheApiThePathCloudHostAndTagsStillApply() throws Exception {
    try (MetadataEnricher e =
        fromConfig(Map.of("nodeName", "node-3", "tags", "[\"env:test\", \"kube_cluster:k8s1\"]"))) {
      LogSource s = TestPods.logFile(dir, "shop", "web", "uid-1", "app", 0);
      e.whenReady(s).toCompletableFuture().get(1, TimeUnit.SECONDS);
      SourceMetadata m = enrich(e, s);
      assertThat(m.attributes())
          .containsEntry(MetadataKeys.K8S_POD_UID, "uid-1")
          .containsEntry(MetadataKeys.HOST_NAME, "node-3")
          .containsEntry(MetadataKeys.STATIC_TAGS, "env:test,kube_cluster:k8s1")
          .doesNotContainKey(MetadataKeys.CLOUD_PROVIDER);
    }
  }

  @Test
  void theWholeChainFromConfigAgainstTheFakeApi() throws Exception {
    try (FakeKubeApi api = FakeKubeApi.start(NODE)) {
      api.putNamespace(TestPods.namespace("shop"));
      api.putPod(TestPods.pod("shop", "web", "uid-1", NODE));
      Path token = Files.writeString(dir.resolve("token"), "token-1");
      Map<String, Object> values = new HashMap<>();
      values.put("apiUrl", api.url().toString());
      values.put("nodeName", NODE);
      values.put("tokenFile", token.toString());
      values.put("caFile", TestPods.resource("/tls/ca.crt").toString());
      values.put("cloud", "none");
      values.put("inKubernetes", true);
      values.put("tags", List.of("env:test", "team:a"));
      values.put("deletedPodGrace", "10m");
      try (MetadataEnricher e = fromConfig(values)) {
        LogSource s = TestPods.logFile(dir, "shop", "web", "uid-1", "app", 0);
        e.whenReady(s).toCompletableFuture().get(10, TimeUnit.SECONDS);
        SourceMetadata m = enrich(e, s);
        assertThat(m.attributes())
            .containsEntry(MetadataKeys.K8S_POD_LABEL_PREFIX + "app", "web")
            .containsEntry(MetadataKeys.HOST_NAME, NODE)
            .containsEntry(MetadataKeys.STATIC_TAGS, "env:test,team:a");
      }
    }
  }

  @Test
  void errorsNameTheKey() throws Exception {
    Path ca = TestPods.resource("/tls/ca.crt");
    assertKey(Map.of("bogus", "1"), "metadata.bogus");
    assertKey(
        Map.of(
            "apiUrl",
            "http://127.0.0.1:1",
            "nodeName",
            "n",
            "caFile",
            ca.toString(),
            "tokenFile",
            ""),
        "metadata.apiUrl");
    assertKey(Map.of("apiUrl", "https://127.0.0.1:1"), "metadata.nodeName");
    assertKey(Map.of("kubernetes", "true", "nodeName", "n"), "metadata.apiUrl");
    assertKey(Map.of("kubernetes", "maybe"), "metadata.kubernetes");
    assertKey(
        Map.of(
            "apiUrl",
            "https://127.0.0.1:1",
            "nodeName",
            "n",
            "caFile",
            dir.resolve("none").toString()),
        "metadata.caFile");
    assertKey(
        Map.of(
            "apiUrl",
            "https://127.0.0.1:1",
            "nodeName",
            "n",
            "caFile",
            ca.toString(),
            "tokenFile",
            dir.resolve("none").toString()),
        "metadata.tokenFile");
    assertKey(
        Map.of(
            "apiUrl",
            "https://127.0.0.1:1",
            "nodeName",
            "n",
            "caFile",
            ca.toString(),
            "tokenFile",
            "",
            "tokenRefresh",
            "5m"),
        "metadata.tokenRefresh");
    assertKey(Map.of("cloud", "azure"), "metadata.cloud");
    assertKey(Map.of("awsMetadataUrl", "ftp://x"), "metadata.awsMetadataUrl");
    assertKey(Map.of("tags", "[\"env:test\""), "metadata.tags");
    assertKey(Map.of("cloudTimeout", "soon"), "metadata.cloudTimeout");
  }

  private void assertKey(Map<String, ?> values, String key) {
    assertThatThrownBy(() -> fromConfig(values).close())
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).key()).isEqualTo(key));
  }
}
