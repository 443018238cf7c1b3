package io.github.logchute.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.FakeClock;
import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.metrics.MetricsRegistry;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PathEnricherTest {

  static final String ID = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
  static final String UID = "5c2a1f8e-3b7d-4e6f-9a10-0b1c2d3e4f50";

  @TempDir Path dir;
  final MetricsRegistry metrics = new MetricsRegistry();
  final PathEnricher enricher = PathEnricher.create(metrics, new FakeClock());

  SourceMetadata enrich(LogSource s) {
    SourceMetadata.Builder b = SourceMetadata.builder();
    enricher.enrich(s, b);
    return b.build();
  }

  Path target(String ns, String pod, String uid, String container, String file) throws Exception {
    Path d =
        Files.createDirectories(
            dir.resolve("pods").resolve(ns + "_" + pod + "_" + uid).resolve(container));
    return Files.writeString(d.resolve(file), "x\n");
  }

  Path link(String name, Path target) throws Exception {
    Path links = Files.createDirectories(dir.resolve("containers"));
    return Files.createSymbolicLink(links.resolve(name), target);
  }

  @Test
  void theLinkNameAndItsAbsoluteTargetGiveEverything() throws Exception {
    Path t = target("shop", "web-7d9f8b6c5-x2x4z", UID, "app", "3.log");
    Path l = link("web-7d9f8b6c5-x2x4z_shop_app-" + ID + ".log", t);
    SourceMetadata m = enrich(LogSource.of(l, FileIdentity.of(l)));
    assertThat(m.attributes())
        .containsEntry(MetadataKeys.K8S_NAMESPACE, "shop")
        .containsEntry(MetadataKeys.K8S_POD_NAME, "web-7d9f8b6c5-x2x4z")
        .containsEntry(MetadataKeys.K8S_POD_UID, UID)
        .containsEntry(MetadataKeys.K8S_CONTAINER_NAME, "app")
        .containsEntry(MetadataKeys.CONTAINER_ID, ID)
        .containsEntry(MetadataKeys.K8S_CONTAINER_RESTART_COUNT, "3");
  }

  @Test
  void aRelativeTargetIsResolvedAgainstTheLinkDirectory() throws Exception {
    target("shop", "web", UID, "app", "0.log");
    Path links = Files.createDirectories(dir.resolve("containers"));
    Path l =
        Files.createSymbolicLink(
            links.resolve("web_shop_app-" + ID + ".log"),
            Path.of("../pods/shop_web_" + UID + "/app/0.log"));
    SourceMetadata m = enrich(LogSource.of(l, FileIdentity.of(l)));
    assertThat(m.get(MetadataKeys.K8S_POD_UID)).isEqualTo(UID);
    assertThat(m.get(MetadataKeys.K8S_CONTAINER_RESTART_COUNT)).isEqualTo("0");
  }

  @Test
  void aPodsPathTailedDirectlyIsParsedAsTheTarget() throws Exception {
    Path t = target("shop", "web", UID, "app", "2.log.20260904-031402");
    SourceMetadata m = enrich(LogSource.of(t, FileIdentity.of(t)));
    assertThat(m.attributes())
        .containsEntry(MetadataKeys.K8S_NAMESPACE, "shop")
        .containsEntry(MetadataKeys.K8S_POD_NAME, "web")
        .containsEntry(MetadataKeys.K8S_POD_UID, UID)
        .containsEntry(MetadataKeys.K8S_CONTAINER_RESTART_COUNT, "2")
        .doesNotContainKey(MetadataKeys.CONTAINER_ID);
  }

  @Test
  void aRegularFileWithALinkNameGivesTheNameOnly() throws Exception {
    Path links = Files.createDirectories(dir.resolve("containers"));
    Path f = Files.writeString(links.resolve("web_shop_app-" + ID + ".log"), "x\n");
    SourceMetadata m = enrich(LogSource.of(f, FileIdentity.of(f)));
    assertThat(m.get(MetadataKeys.K8S_POD_NAME)).isEqualTo("web");
    assertThat(m.get(MetadataKeys.CONTAINER_ID)).isEqualTo(ID);
    assertThat(m.get(MetadataKeys.K8S_POD_UID)).isNull();
    assertThat(metrics.value("logchute_k8s_paths_unparsed_total")).isZero();
  }

  @Test
  void aTruncatedLinkNameStillGivesTheTargetsContainerAndAPartialId() throws Exception {
    String pod = "p".repeat(200);
    String container = "c".repeat(20);
    Path t = target("ns", pod, UID, container, "0.log");
    String name = pod + "_ns_" + container + "-" + ID;
    name = name.substring(0, 255 - 4) + ".log";
    Path l = link(name, t);
    SourceMetadata m = enrich(LogSource.of(l, FileIdentity.of(l)));
    assertThat(m.get(MetadataKeys.K8S_CONTAINER_NAME)).isEqualTo(container);
    assertThat(ID).startsWith(m.get(MetadataKeys.CONTAINER_ID));
    assertThat(m.get(MetadataKeys.CONTAINER_ID)).hasSizeLessThan(64);
  }

  @Test
  void anUnfitPathIsReportedOncePerFileAndGetsNothing() throws Exception {
    Path f = Files.writeString(dir.resolve("syslog"), "x\n");
    LogSource s = LogSource.of(f, FileIdentity.of(f));
    assertThat(enrich(s).isEmpty()).isTrue();
    assertThat(enrich(s).isEmpty()).isTrue();
    assertThat(metrics.value("logchute_k8s_paths_unparsed_total")).isEqualTo(1);
    Path g = Files.writeString(dir.resolve("other.log"), "x\n");
    enrich(LogSource.of(g, FileIdentity.of(g)));
    assertThat(metrics.value("logchute_k8s_paths_unparsed_total")).isEqualTo(2);
  }

  @Test
  void theTargetIsRememberedAfterTheLinkIsGoneUntilReleased() throws Exception {
    Path t = target("shop", "web", UID, "app", "0.log");
    Path l = link("web_shop_app-" + ID + ".log", t);
    LogSource s = LogSource.of(l, FileIdentity.of(l));
    enrich(s);
    Files.delete(l); // the pod was deleted
    assertThat(enrich(s).get(MetadataKeys.K8S_POD_UID)).isEqualTo(UID);
    enricher.release(s);
    assertThat(enrich(s).get(MetadataKeys.K8S_POD_UID)).isNull();
    assertThat(enrich(s).get(MetadataKeys.K8S_POD_NAME)).isEqualTo("web");
  }

  @Test
  void podLogPathsParseWithoutRegex() {
    assertThat(PodLogPath.parse(Path.of("/var/log/pods/ns_pod-1_" + UID + "/app/12.log")))
        .isEqualTo(new PodLogPath("ns", "pod-1", UID, "app", 12));
    assertThat(PodLogPath.parse(Path.of("/var/log/pods/" + UID + "/app/0.log")))
        .isEqualTo(new PodLogPath(null, null, UID, "app", 0));
    assertThat(
            PodLogPath.parse(
                Path.of("/var/log/pods/ns_pod_" + UID + "/app/0.log.20260101-000000.gz")))
        .isEqualTo(new PodLogPath("ns", "pod", UID, "app", 0));
    assertThat(PodLogPath.parse(Path.of("/var/log/pods/ns_pod_" + UID + "/app/x.log"))).isNull();
    assertThat(PodLogPath.parse(Path.of("/var/log/pods/ns_pod_" + UID + "/app/0.logx"))).isNull();
    assertThat(PodLogPath.parse(Path.of("/var/log/pods/ns_pod_a_b/app/0.log"))).isNull();
    assertThat(PodLogPath.parse(Path.of("/var/log/pods/_pod_" + UID + "/app/0.log"))).isNull();
    assertThat(PodLogPath.parse(Path.of("/var/log/pods/ns_pod_UPPER/app/0.log"))).isNull();
    assertThat(PodLogPath.parse(Path.of("0.log"))).isNull();
  }
}
