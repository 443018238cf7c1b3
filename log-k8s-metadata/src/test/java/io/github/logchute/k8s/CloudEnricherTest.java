package io.github.logchute.k8s;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.Await;
import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.metrics.MetricsRegistry;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Cloud detection against loopback fakes only: nothing is ever sent to a real metadata address. */
class CloudEnricherTest {

  static final LogSource SOURCE =
      LogSource.of(Path.of("/var/log/containers/x.log"), FileIdentity.NONE);

  final MetricsRegistry metrics = new MetricsRegistry();
  final List<LogRecord> logged = new CopyOnWriteArrayList<>();
  final Logger jul = Logger.getLogger(CloudEnricher.class.getName());
  final Handler capture =
      new Handler() {
        @Override
        public void publish(LogRecord record) {
          logged.add(record);
        }

        @Override
        public void flush() {}

        @Override
        public void close() {}
      };
  CloudEnricher cloud;

  @BeforeEach
  void captureLogs() {
    jul.addHandler(capture);
  }

  @AfterEach
  void tearDown() {
    jul.removeHandler(capture);
    if (cloud != null) {
      cloud.close();
    }
  }

  CloudEnricher.Builder builder() {
    return CloudEnricher.builder().metrics(metrics).nodeName("node-1");
  }

  Map<String, String> detected() throws Exception {
    return cloud.detection().get(5, TimeUnit.SECONDS);
  }

  SourceMetadata enrich() {
    SourceMetadata.Builder b = SourceMetadata.builder();
    cloud.enrich(SOURCE, b);
    return b.build();
  }

  @Test
  void ec2ImdsV2GivesInstanceZoneAccountAndRegionAndTheHostIsTheInstance() throws Exception {
    try (FakeMetadataServers.Imds imds = new FakeMetadataServers.Imds()) {
      cloud = builder().provider(CloudProvider.AWS).awsUrl(imds.url()).build();
      assertThat(detected())
          .containsEntry(MetadataKeys.CLOUD_PROVIDER, "aws")
          .containsEntry(MetadataKeys.HOST_ID, "i-0123456789abcdef0")
          .containsEntry(MetadataKeys.CLOUD_AVAILABILITY_ZONE, "eu-west-1b")
          .containsEntry(MetadataKeys.CLOUD_ACCOUNT_ID, "123456789012")
          .containsEntry(MetadataKeys.CLOUD_REGION, "eu-west-1")
          .containsEntry(MetadataKeys.K8S_CLUSTER_LOCATION, "aws:eu-west-1");
      assertThat(enrich().get(MetadataKeys.HOST_NAME)).isEqualTo("i-0123456789abcdef0");
      assertThat(imds.log)
          .containsExactly(
              "PUT /latest/api/token", "GET /latest/dynamic/instance-identity/document");
      assertThat(imds.rejected.get()).isZero();
      assertThat(metrics.value("logchute_cloud_metadata_detected")).isEqualTo(1);

      // The fake really is IMDSv2-only: a request without the session token is refused.
      HttpResponse<String> v1 =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(
                          URI.create(imds.url() + "/latest/dynamic/instance-identity/document"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(v1.statusCode()).isEqualTo(401);
    }
  }

  @Test
  void anExpiredImdsTokenIsReplacedOnce() throws Exception {
    try (FakeMetadataServers.Imds imds = new FakeMetadataServers.Imds()) {
      imds.expireNext.set(1);
      cloud = builder().provider(CloudProvider.AWS).awsUrl(imds.url()).build();
      assertThat(detected()).containsEntry(MetadataKeys.HOST_ID, "i-0123456789abcdef0");
      assertThat(imds.tokensIssued.get()).isEqualTo(2);
    }
  }

  @Test
  void gceGivesProjectZoneInstanceAndClusterAndTheHostIsTheNode() throws Exception {
    try (FakeMetadataServers.Gce gce = FakeMetadataServers.Gce.gke()) {
      cloud = builder().provider(CloudProvider.GCP).gcpUrl(gce.url()).build();
      assertThat(detected())
          .containsEntry(MetadataKeys.CLOUD_PROVIDER, "gcp")
          .containsEntry(MetadataKeys.CLOUD_PROJECT_ID, "shop-prod")
          .containsEntry(MetadataKeys.CLOUD_AVAILABILITY_ZONE, "europe-west1-b")
          .containsEntry(MetadataKeys.CLOUD_REGION, "europe-west1")
          .containsEntry(MetadataKeys.HOST_ID, "4520031799277581759")
          .containsEntry(MetadataKeys.K8S_CLUSTER_NAME, "prod-1")
          .containsEntry(MetadataKeys.K8S_CLUSTER_LOCATION, "europe-west1");
      assertThat(enrich().get(MetadataKeys.HOST_NAME)).isEqualTo("node-1");
      assertThat(gce.rejected.get()).isZero();

      HttpResponse<String> plain =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create(gce.url() + "/computeMetadata/v1/instance/id"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(plain.statusCode()).isEqualTo(403);
    }
  }

  @Test
  void autoInsideKubernetesFindsGceWhileEc2IsNotThere() throws Exception {
    try (FakeMetadataServers.Gce gce = FakeMetadataServers.Gce.gke()) {
      cloud =
          builder()
              .inKubernetes(true)
              .awsUrl(FakeMetadataServers.closedPort())
              .gcpUrl(gce.url())
              .build();
      assertThat(detected()).containsEntry(MetadataKeys.CLOUD_PROVIDER, "gcp");
    }
  }

  @Test
  void whenNothingAnswersDetectionGivesUpWithinOneSecondAndLogsOnce() throws Exception {
    try (FakeMetadataServers.Silent silent = new FakeMetadataServers.Silent()) {
      long t0 = System.nanoTime();
      cloud =
          builder()
              .inKubernetes(true)
              .awsUrl(silent.url())
              .gcpUrl(FakeMetadataServers.closedPort())
              .build();
      assertThat(detected()).isEmpty();
      long elapsedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
      assertThat(elapsedMs).isLessThan(1_500); // 1 s budget, plus slack for a loaded machine
      Await.until("outcome logged", Duration.ofSeconds(2), () -> !logged.isEmpty());
      assertThat(logged).hasSize(1);
      assertThat(
              java.text.MessageFormat.format(
                  logged.get(0).getMessage(), logged.get(0).getParameters()))
          .contains("none found")
          .containsAnyOf("aws: no answer within 1000 ms", "aws: java.net.http.HttpTimeoutException")
          .contains("gcp: java.net.ConnectException");
      SourceMetadata m = enrich();
      assertThat(m.get(MetadataKeys.HOST_NAME)).isEqualTo("node-1");
      assertThat(m.get(MetadataKeys.CLOUD_PROVIDER)).isNull();
      assertThat(metrics.value("logchute_cloud_metadata_detected")).isZero();
    }
  }

  @Test
  void twoSilentServicesStillGiveUpWithinOneSecond() throws Exception {
    try (FakeMetadataServers.Silent aws = new FakeMetadataServers.Silent();
        FakeMetadataServers.Silent gcp = new FakeMetadataServers.Silent()) {
      long t0 = System.nanoTime();
      cloud = builder().inKubernetes(true).awsUrl(aws.url()).gcpUrl(gcp.url()).build();
      assertThat(detected()).isEmpty();
      assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0)).isLessThan(1_500);
    }
  }

  @Test
  void autoOutsideKubernetesAndNoneProbeNothing() throws Exception {
    try (FakeMetadataServers.Imds imds = new FakeMetadataServers.Imds();
        FakeMetadataServers.Gce gce = FakeMetadataServers.Gce.gke()) {
      cloud = builder().inKubernetes(false).awsUrl(imds.url()).gcpUrl(gce.url()).build();
      assertThat(cloud.detection()).isCompletedWithValue(Map.of());
      cloud.close();
      cloud = builder().provider(CloudProvider.NONE).inKubernetes(true).awsUrl(imds.url()).build();
      assertThat(cloud.detection()).isCompletedWithValue(Map.of());
      assertThat(imds.log).isEmpty();
      assertThat(gce.log).isEmpty();
    }
  }

  @Test
  void sourcesEnrichedBeforeDetectionEndedAreReportedWhenItDoes() throws Exception {
    try (FakeMetadataServers.Imds imds = new FakeMetadataServers.Imds()) {
      imds.hold = new CountDownLatch(1);
      List<LogSource> changed = new CopyOnWriteArrayList<>();
      cloud =
          builder()
              .provider(CloudProvider.AWS)
              .awsUrl(imds.url())
              .timeout(Duration.ofSeconds(5))
              .build();
      cloud.onChange(changed::add);
      assertThat(cloud.whenReady(SOURCE).toCompletableFuture()).isNotDone();
      assertThat(enrich().get(MetadataKeys.HOST_NAME)).isEqualTo("node-1");
      imds.hold.countDown();
      Await.until("source reported", Duration.ofSeconds(5), () -> changed.contains(SOURCE));
      assertThat(enrich().get(MetadataKeys.HOST_NAME)).isEqualTo("i-0123456789abcdef0");
    }
  }

  @Test
  void theCloudsHostNameFallsBackToThePodsNode() {
    cloud = CloudEnricher.builder().provider(CloudProvider.NONE).clusterName("c1").build();
    SourceMetadata.Builder b = SourceMetadata.builder().put(MetadataKeys.K8S_NODE_NAME, "n-7");
    cloud.enrich(SOURCE, b);
    assertThat(b.get(MetadataKeys.HOST_NAME)).isEqualTo("n-7");
    assertThat(b.get(MetadataKeys.K8S_CLUSTER_NAME)).isEqualTo("c1");
  }
}
