package io.github.logchute.sink.stackdriver;

import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.LogStream;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.Severity;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.spi.EncodedBatch;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Records and encoders for unit tests. */
final class Records {

  static final String CONTAINER_ID = "0123456789abcdef".repeat(4);

  static final LogSource SOURCE =
      LogSource.of(
          Path.of("/var/log/containers/web-7d4b9c8f6-x2x9k_shop_nginx-" + CONTAINER_ID + ".log"),
          new FileIdentity(2049, 1234567));

  /** Metadata as the Kubernetes enricher writes it on GKE. */
  static final SourceMetadata GKE =
      SourceMetadata.builder()
          .put(MetadataKeys.K8S_NAMESPACE, "shop")
          .put(MetadataKeys.K8S_POD_NAME, "web-7d4b9c8f6-x2x9k")
          .put(MetadataKeys.K8S_CONTAINER_NAME, "nginx")
          .put(MetadataKeys.K8S_CLUSTER_NAME, "prod-1")
          .put(MetadataKeys.K8S_CLUSTER_LOCATION, "europe-west1")
          .put(MetadataKeys.CLOUD_PROJECT_ID, "meta-project")
          .put(MetadataKeys.K8S_POD_LABEL_PREFIX + "app", "web")
          .put(MetadataKeys.K8S_POD_LABEL_PREFIX + "app.kubernetes.io/version", "1.2.3")
          .build();

  private Records() {}

  static LogRecord text(String message, LogStream stream, long offset) {
    return text(SOURCE, SourceMetadata.empty(), message, stream, offset);
  }

  static LogRecord text(
      LogSource source, SourceMetadata metadata, String message, LogStream stream, long offset) {
    byte[] b = message.getBytes(StandardCharsets.UTF_8);
    return LogRecord.of(
        source, metadata, stream, 1_767_225_600_123_456_789L, b, offset, offset + b.length + 40, 0);
  }

  /** A record whose message was a JSON object, parsed into {@code fields} by a processor. */
  static LogRecord json(
      SourceMetadata metadata, String line, Map<String, Object> fields, Severity severity) {
    return text(SOURCE, metadata, line, LogStream.STDOUT, 0).withFields(fields, severity);
  }

  static BatchEncoder encoder(StackdriverConfig config, String project, MetricsRegistry metrics) {
    return new BatchEncoder(
        config,
        project,
        () -> null,
        new SinkMetrics(metrics),
        RateLimitedLogger.every10Seconds("test"));
  }

  /** Encodes, validates strictly, and returns the entries. */
  static List<Map<String, Object>> entries(BatchEncoder encoder, List<LogRecord> records) {
    EncodedBatch batch = encoder.encode(records);
    return CloudLoggingSchema.validate(batch.body());
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o) {
    return (Map<String, Object>) o;
  }
}
