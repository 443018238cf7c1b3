package io.github.logchute.sink.datadog;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.LogStream;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.spi.EncodedBatch;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.GZIPInputStream;

/** Records and body decoding for the sink's unit tests. */
final class TestRecords {

  static final String ID = "c7761e58969f7edd498186641b2021e8477e1bcd230de4cf3435242da4a40d14";
  static final Path KUBELET_PATH =
      Path.of("/var/log/containers/checkout-7d4b9c6f5-x2x5z_shop_checkout-" + ID + ".log");
  static final LogSource SOURCE = LogSource.of(KUBELET_PATH, new FileIdentity(1, 42));
  static final ObjectMapper JSON =
      new ObjectMapper().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);

  private TestRecords() {}

  /** Metadata as the enrichers would give a Deployment's pod on EKS. */
  static SourceMetadata fullMetadata() {
    return SourceMetadata.builder()
        .put(MetadataKeys.K8S_POD_NAME, "checkout-7d4b9c6f5-x2x5z")
        .put(MetadataKeys.K8S_NAMESPACE, "shop")
        .put(MetadataKeys.K8S_CONTAINER_NAME, "checkout")
        .put(MetadataKeys.CONTAINER_ID, "containerd://" + ID)
        .put(MetadataKeys.K8S_NODE_NAME, "ip-10-0-1-23.ec2.internal")
        .put(MetadataKeys.K8S_OWNER_KIND, "ReplicaSet")
        .put(MetadataKeys.K8S_OWNER_NAME, "checkout-7d4b9c6f5")
        .put(MetadataKeys.K8S_REPLICASET_NAME, "checkout-7d4b9c6f5")
        .put(MetadataKeys.K8S_DEPLOYMENT_NAME, "checkout")
        .put(MetadataKeys.K8S_POD_PHASE, "Running")
        .put(MetadataKeys.K8S_POD_QOS_CLASS, "Burstable")
        .put(
            MetadataKeys.CONTAINER_IMAGE_NAME,
            "123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/checkout")
        .put(MetadataKeys.CONTAINER_IMAGE_TAG, "1.4.2")
        .put(MetadataKeys.CONTAINER_IMAGE_SHORT_NAME, "checkout")
        .put(MetadataKeys.K8S_CLUSTER_NAME, "k8s1")
        .put(MetadataKeys.CLOUD_PROVIDER, "aws")
        .put(MetadataKeys.CLOUD_ACCOUNT_ID, "123456789012")
        .put(MetadataKeys.CLOUD_REGION, "us-east-1")
        .put(MetadataKeys.CLOUD_AVAILABILITY_ZONE, "us-east-1a")
        .put(MetadataKeys.HOST_ID, "i-0abc123def4567890")
        .put(MetadataKeys.HOST_NAME, "i-0abc123def4567890")
        .put(MetadataKeys.SERVICE_NAME, "checkout-api")
        .put(MetadataKeys.SERVICE_VERSION, "1.4.2")
        .put(MetadataKeys.DEPLOYMENT_ENVIRONMENT, "prod")
        .put(MetadataKeys.LOG_SOURCE, "java")
        .put(MetadataKeys.K8S_POD_LABEL_PREFIX + "app.kubernetes.io/name", "checkout")
        .put(MetadataKeys.K8S_POD_LABEL_PREFIX + "team", "payments")
        .put(MetadataKeys.STATIC_TAGS, "env:test,kube_cluster:k8s1")
        .build();
  }

  static LogRecord record(SourceMetadata md, String message, long epochNanos) {
    byte[] msg = message.getBytes(StandardCharsets.UTF_8);
    return LogRecord.of(SOURCE, md, LogStream.STDOUT, epochNanos, msg, 100, 100 + msg.length, 0);
  }

  /** The logs of a body, gunzipped when {@code gzip}. */
  static List<JsonNode> logs(EncodedBatch batch, boolean gzip) {
    byte[] body = batch.body();
    try {
      if (gzip) {
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
          body = in.readAllBytes();
        }
      }
      List<JsonNode> out = new ArrayList<>();
      JSON.readTree(body).forEach(out::add);
      return out;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static List<String> tags(JsonNode log) {
    return List.of(log.get("ddtags").asText().split(","));
  }
}
