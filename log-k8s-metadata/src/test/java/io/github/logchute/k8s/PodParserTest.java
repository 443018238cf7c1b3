package io.github.logchute.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.logchute.core.FakeClock;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.metrics.MetricsRegistry;
import java.io.InputStream;
import java.util.Map;
import org.junit.jupiter.api.Test;

class PodParserTest {

  static final String RUNNING = "a".repeat(64);
  static final String PREVIOUS = "b".repeat(64);

  final ObjectMapper mapper = new ObjectMapper();
  final MetricsRegistry metrics = new MetricsRegistry();
  final KubeMetrics km = new KubeMetrics(metrics);
  final PodParser parser =
      new PodParser(
          mapper,
          km.invalidAnnotations,
          new RateLimitedLogger(System.getLogger("test"), 1, new FakeClock()));

  PodInfo fixture() throws Exception {
    try (InputStream in = getClass().getResourceAsStream("/pod-deployment.json")) {
      return parser.parse(mapper.readTree(in));
    }
  }

  Map<String, String> enrich(PodInfo p, SourceInfo file) {
    SourceMetadata.Builder b = SourceMetadata.builder();
    p.enrich(file, b);
    return b.build().attributes();
  }

  static SourceInfo file(String container, String id, boolean truncated, int restart) {
    return new SourceInfo(
        "shop", "web-6f9c7d8b54-q2x7z", "uid-1", container, id, truncated, restart);
  }

  @Test
  void aDeploymentPodBecomesTheAttributesSinksExpect() throws Exception {
    Map<String, String> a = enrich(fixture(), file("app", RUNNING, false, 2));
    assertThat(a)
        .containsEntry(MetadataKeys.K8S_POD_UID, "uid-1")
        .containsEntry(MetadataKeys.K8S_OWNER_KIND, "ReplicaSet")
        .containsEntry(MetadataKeys.K8S_OWNER_NAME, "web-6f9c7d8b54")
        .containsEntry(MetadataKeys.K8S_REPLICASET_NAME, "web-6f9c7d8b54")
        .containsEntry(MetadataKeys.K8S_DEPLOYMENT_NAME, "web")
        .containsEntry(MetadataKeys.K8S_POD_LABEL_PREFIX + "app", "web")
        .containsEntry(MetadataKeys.K8S_POD_ANNOTATION_PREFIX + "prometheus.io/scrape", "true")
        .doesNotContainKey(MetadataKeys.K8S_POD_ANNOTATION_PREFIX + PodParser.LAST_APPLIED)
        .containsEntry(MetadataKeys.DEPLOYMENT_ENVIRONMENT, "prod")
        .containsEntry(MetadataKeys.SERVICE_VERSION, "1.4.2")
        .containsEntry(MetadataKeys.CONTAINER_IMAGE_NAME, "registry.example:5000/team/web")
        .containsEntry(MetadataKeys.CONTAINER_IMAGE_TAG, "1.4.2")
        .containsEntry(MetadataKeys.CONTAINER_IMAGE_SHORT_NAME, "web")
        .containsEntry(MetadataKeys.CONTAINER_ID, RUNNING)
        .containsEntry(MetadataKeys.K8S_POD_QOS_CLASS, "Burstable");
    // ad.datadoghq.com/app.logs wins over the unified service label for the service.
    assertThat(a).containsEntry(MetadataKeys.SERVICE_NAME, "web-api");
    assertThat(a).containsEntry(MetadataKeys.LOG_SOURCE, "java");
    // logchute.io/app.multiline wins over the pod-wide logchute.io/multiline.
    assertThat(a).containsEntry(MetadataKeys.MULTILINE, "java");
    assertThat(a).containsEntry(MetadataKeys.PARSER, "json");
  }

  @Test
  void anotherContainerGetsThePodWideValues() throws Exception {
    Map<String, String> a = enrich(fixture(), file("proxy", null, false, 0));
    assertThat(a)
        .containsEntry(MetadataKeys.SERVICE_NAME, "web") // the unified service tag label
        .containsEntry(MetadataKeys.MULTILINE, "none")
        .containsEntry(MetadataKeys.CONTAINER_IMAGE_NAME, "docker.io/envoyproxy/envoy")
        .containsEntry(MetadataKeys.CONTAINER_IMAGE_TAG, "latest")
        .containsEntry(MetadataKeys.CONTAINER_IMAGE_SHORT_NAME, "envoy")
        .doesNotContainKey(MetadataKeys.LOG_SOURCE)
        .doesNotContainKey(MetadataKeys.CONTAINER_ID); // not started yet
    Map<String, String> init = enrich(fixture(), file("migrate", null, false, 0));
    assertThat(init).containsEntry(MetadataKeys.CONTAINER_IMAGE_TAG, "0.9");
  }

  @Test
  void aTruncatedOrMissingIdIsCompletedFromTheStatusByRestartCount() throws Exception {
    PodInfo p = fixture(); // app: restartCount 2, running RUNNING, last terminated PREVIOUS
    assertThat(enrich(p, file("app", "aaaa", true, 2)))
        .containsEntry(MetadataKeys.CONTAINER_ID, RUNNING);
    assertThat(enrich(p, file("app", "bbbb", true, 1)))
        .containsEntry(MetadataKeys.CONTAINER_ID, PREVIOUS);
    assertThat(enrich(p, file("app", null, true, 1)))
        .containsEntry(MetadataKeys.CONTAINER_ID, PREVIOUS);
    assertThat(enrich(p, file("app", "cccc", true, 2)))
        .doesNotContainKey(MetadataKeys.CONTAINER_ID);
    assertThat(enrich(p, file("app", null, true, 0))).doesNotContainKey(MetadataKeys.CONTAINER_ID);
  }

  @Test
  void ownersOfOtherKindsAndDerivedControllers() throws Exception {
    assertThat(attributesWithOwner("Job", "backup-29123456", null))
        .containsEntry(MetadataKeys.K8S_JOB_NAME, "backup-29123456")
        .containsEntry(MetadataKeys.K8S_CRONJOB_NAME, "backup");
    assertThat(attributesWithOwner("Job", "migrate-1", null))
        .containsEntry(MetadataKeys.K8S_JOB_NAME, "migrate-1")
        .doesNotContainKey(MetadataKeys.K8S_CRONJOB_NAME);
    assertThat(attributesWithOwner("StatefulSet", "db", null))
        .containsEntry(MetadataKeys.K8S_STATEFULSET_NAME, "db");
    assertThat(attributesWithOwner("DaemonSet", "logchute", null))
        .containsEntry(MetadataKeys.K8S_DAEMONSET_NAME, "logchute");
    assertThat(attributesWithOwner("ReplicaSet", "api-7d4b9c6f8d", null))
        .containsEntry(MetadataKeys.K8S_DEPLOYMENT_NAME, "api");
    assertThat(attributesWithOwner("ReplicaSet", "standalone", null))
        .containsEntry(MetadataKeys.K8S_REPLICASET_NAME, "standalone")
        .doesNotContainKey(MetadataKeys.K8S_DEPLOYMENT_NAME);
    assertThat(attributesWithOwner("ReplicaSet", "my-rs-abc", "abc"))
        .containsEntry(MetadataKeys.K8S_DEPLOYMENT_NAME, "my-rs");
  }

  private Map<String, String> attributesWithOwner(String kind, String name, String hash)
      throws Exception {
    String labels = hash == null ? "{}" : "{\"pod-template-hash\":\"" + hash + "\"}";
    JsonNode pod =
        mapper.readTree(
            "{\"metadata\":{\"uid\":\"u\",\"name\":\"p\",\"namespace\":\"n\",\"labels\":"
                + labels
                + ",\"ownerReferences\":[{\"kind\":\""
                + kind
                + "\",\"name\":\""
                + name
                + "\",\"controller\":true}]}}");
    return parser.parse(pod).attributes();
  }

  @Test
  void anInvalidDatadogAnnotationIsCountedAndIgnored() throws Exception {
    JsonNode pod =
        mapper.readTree(
            "{\"metadata\":{\"uid\":\"u\",\"name\":\"p\",\"namespace\":\"n\",\"annotations\":"
                + "{\"ad.datadoghq.com/app.logs\":\"[{source: java\"}},"
                + "\"spec\":{\"containers\":[{\"name\":\"app\",\"image\":\"x\"}]}}");
    PodInfo p = parser.parse(pod);
    assertThat(p.containers().get("app").attributes()).doesNotContainKey(MetadataKeys.LOG_SOURCE);
    assertThat(metrics.value("logchute_k8s_annotations_invalid_total")).isEqualTo(1);
  }

  @Test
  void anObjectWithoutUidIsNotAPod() throws Exception {
    assertThat(parser.parse(mapper.readTree("{\"metadata\":{\"name\":\"x\"}}"))).isNull();
  }

  @Test
  void imageReferences() {
    assertThat(ImageRef.parse("nginx")).isEqualTo(new ImageRef("nginx", "latest", "nginx"));
    assertThat(ImageRef.parse("docker.io/library/nginx:1.25"))
        .isEqualTo(new ImageRef("docker.io/library/nginx", "1.25", "nginx"));
    assertThat(ImageRef.parse("localhost:5000/app"))
        .isEqualTo(new ImageRef("localhost:5000/app", "latest", "app"));
    assertThat(ImageRef.parse("gcr.io/p/app@sha256:" + "0".repeat(64)))
        .isEqualTo(new ImageRef("gcr.io/p/app", null, "app"));
    assertThat(ImageRef.parse("gcr.io/p/app:v2@sha256:" + "0".repeat(64)))
        .isEqualTo(new ImageRef("gcr.io/p/app", "v2", "app"));
    assertThat(ImageRef.parse(" ")).isNull();
  }

  @Test
  void runtimePrefixesAreStrippedFromContainerIds() {
    assertThat(PodParser.containerId("containerd://abc")).isEqualTo("abc");
    assertThat(PodParser.containerId("cri-o://abc")).isEqualTo("abc");
    assertThat(PodParser.containerId("abc")).isEqualTo("abc");
    assertThat(PodParser.containerId("")).isNull();
  }
}
