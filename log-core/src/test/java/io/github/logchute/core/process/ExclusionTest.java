package io.github.logchute.core.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.logchute.core.LogRecord;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.metrics.MetricsRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ExclusionTest {

  private static SourceMetadata pod(String ns, String container, Map<String, String> extra) {
    SourceMetadata.Builder b =
        SourceMetadata.builder()
            .put(MetadataKeys.K8S_NAMESPACE, ns)
            .put(MetadataKeys.K8S_POD_NAME, "api-1")
            .put(MetadataKeys.K8S_CONTAINER_NAME, container);
    extra.forEach(b::put);
    return b.build();
  }

  private static String annotation(String key) {
    return MetadataKeys.K8S_POD_ANNOTATION_PREFIX + key;
  }

  @Test
  void aPodOrOneOfItsContainersOptsOutByAnnotation() {
    Exclusion only = Exclusion.annotationsOnly();
    assertThat(only.excludes(pod("shop", "app", Map.of()), null)).isFalse();
    assertThat(
            only.excludes(
                pod("shop", "app", Map.of(annotation("logchute.io/exclude"), "true")), null))
        .isTrue();
    // the container's own "false" wins over the pod's "true"
    assertThat(
            only.excludes(
                pod(
                    "shop",
                    "app",
                    Map.of(
                        annotation("logchute.io/exclude"), "true",
                        annotation("logchute.io/app.exclude"), "false")),
                null))
        .isFalse();
    assertThat(
            only.excludes(
                pod("shop", "app", Map.of(annotation("logchute.io/sidecar.exclude"), "true")),
                null))
        .isFalse();
  }

  @Test
  void operatorsExcludeByNamespaceContainerAndLabelOrCollectOnlySomeNamespaces() {
    Exclusion e =
        new Exclusion(
            Set.of(),
            Set.of("kube-system"),
            Set.of("istio-proxy"),
            Exclusion.labels(List.of("logging=off")));
    assertThat(e.excludes(pod("kube-system", "app", Map.of()), null)).isTrue();
    assertThat(e.excludes(pod("shop", "istio-proxy", Map.of()), null)).isTrue();
    assertThat(
            e.excludes(
                pod("shop", "app", Map.of(MetadataKeys.K8S_POD_LABEL_PREFIX + "logging", "off")),
                null))
        .isTrue();
    assertThat(e.excludes(pod("shop", "app", Map.of()), null)).isFalse();
    Exclusion onlyShop = new Exclusion(Set.of("shop"), Set.of(), Set.of(), Map.of());
    assertThat(onlyShop.excludes(pod("shop", "app", Map.of()), null)).isFalse();
    assertThat(onlyShop.excludes(pod("billing", "app", Map.of()), null)).isTrue();
    assertThatThrownBy(() -> Exclusion.labels(List.of("logging")))
        .hasMessageContaining("key=value");
  }

  @Test
  void excludedRecordsAreDroppedAndCountedNotLost() {
    MetricsRegistry metrics = new MetricsRegistry();
    RecordProcessor step =
        new Exclusion(Set.of(), Set.of("kube-system"), Set.of(), Map.of()).processor(metrics);
    LogRecord kept = Lines.record("kept", pod("shop", "app", Map.of()));
    assertThat(step.process(kept)).isSameAs(kept);
    assertThat(step.process(Lines.record("0123456789", pod("kube-system", "dns", Map.of()))))
        .isNull();
    assertThat(
            metrics.value(
                "logchute_excluded_records_total", "namespace", "kube-system", "pod", "api-1"))
        .isEqualTo(1);
    assertThat(
            metrics.value(
                "logchute_excluded_bytes_total", "namespace", "kube-system", "pod", "api-1"))
        .isEqualTo(10);
    assertThat(metrics.sum("logchute_files_lost_total")).isZero();
  }
}
