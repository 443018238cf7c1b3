package io.github.logchute.sink.stackdriver;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import io.github.logchute.core.ContainerRef;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.LogStream;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.SourceMetadata;
import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What every entry of one source has in common, encoded once (DESIGN.md decision 3): the {@code
 * logName} per stream, the {@code k8s_container} resource (SPECS.md 3.3) as raw JSON, the pod
 * labels as {@code k8s-pod/<key>} entry labels, and the insertId prefix. Rebuilt when the source's
 * metadata instance or the resolved project changes.
 */
final class SourcePart {

  static final String RESOURCE_TYPE = "k8s_container";

  /** Prefix of pod labels on entries, as GKE writes them. */
  static final String POD_LABEL_PREFIX = "k8s-pod/";

  final SourceMetadata metadata;
  final String project;
  final String stdoutLogName;
  final String stderrLogName;
  final SerializedString resource;
  final Map<String, String> podLabels;
  final SerializedString podLabelsJson;
  final char[] insertIdPrefix;
  final boolean clusterKnown;

  private SourcePart(
      SourceMetadata metadata,
      String project,
      String stdoutLogName,
      String stderrLogName,
      SerializedString resource,
      Map<String, String> podLabels,
      SerializedString podLabelsJson,
      char[] insertIdPrefix,
      boolean clusterKnown) {
    this.metadata = metadata;
    this.project = project;
    this.stdoutLogName = stdoutLogName;
    this.stderrLogName = stderrLogName;
    this.resource = resource;
    this.podLabels = podLabels;
    this.podLabelsJson = podLabelsJson;
    this.insertIdPrefix = insertIdPrefix;
    this.clusterKnown = clusterKnown;
  }

  String logName(LogStream stream) {
    return stream == LogStream.STDERR ? stderrLogName : stdoutLogName;
  }

  /**
   * Builds the part of {@code r}'s source.
   *
   * @param project the resolved project id
   * @param logId the configured log id, or null for {@code stdout}/{@code stderr}
   * @param clusterName configured cluster name, or null (then the record's metadata)
   * @param clusterLocation configured location, or null (then the metadata, or {@code
   *     aws:<region>})
   */
  static SourcePart build(
      LogRecord r, String project, String logId, String clusterName, String clusterLocation) {
    SourceMetadata m = r.metadata();
    LogSource source = r.source();
    ContainerRef ref = source.container().orElse(null);
    String namespace =
        first(m.get(MetadataKeys.K8S_NAMESPACE), ref == null ? null : ref.namespace());
    String pod = first(m.get(MetadataKeys.K8S_POD_NAME), ref == null ? null : ref.pod());
    String container =
        first(m.get(MetadataKeys.K8S_CONTAINER_NAME), ref == null ? null : ref.container());
    String cluster = first(clusterName, m.get(MetadataKeys.K8S_CLUSTER_NAME));
    String location = first(clusterLocation, m.get(MetadataKeys.K8S_CLUSTER_LOCATION));
    if (location == null
        && "aws".equals(m.get(MetadataKeys.CLOUD_PROVIDER))
        && m.get(MetadataKeys.CLOUD_REGION) != null) {
      // off GKE, Google's own examples name an EKS cluster's location aws:<region> (SPECS.md 3.3)
      location = "aws:" + m.get(MetadataKeys.CLOUD_REGION);
    }
    Map<String, String> resourceLabels = new LinkedHashMap<>();
    resourceLabels.put("project_id", project);
    resourceLabels.put("location", first(location, ""));
    resourceLabels.put("cluster_name", first(cluster, ""));
    resourceLabels.put("namespace_name", first(namespace, ""));
    resourceLabels.put("pod_name", first(pod, ""));
    resourceLabels.put("container_name", first(container, ""));
    String resource =
        json(
            g -> {
              g.writeStartObject();
              g.writeStringField("type", RESOURCE_TYPE);
              g.writeObjectFieldStart("labels");
              for (Map.Entry<String, String> e : resourceLabels.entrySet()) {
                g.writeStringField(e.getKey(), e.getValue());
              }
              g.writeEndObject();
              g.writeEndObject();
            });
    Map<String, String> labels = new LinkedHashMap<>();
    for (Map.Entry<String, String> e : m.attributes().entrySet()) {
      if (e.getKey().startsWith(MetadataKeys.K8S_POD_LABEL_PREFIX)) {
        String key = e.getKey().substring(MetadataKeys.K8S_POD_LABEL_PREFIX.length());
        if (!key.isEmpty() && labels.size() < EntryWriter.MAX_LABELS) {
          labels.put(POD_LABEL_PREFIX + key, e.getValue());
        }
      }
    }
    SerializedString labelsJson =
        labels.isEmpty()
            ? null
            : new SerializedString(
                json(
                    g -> {
                      g.writeStartObject();
                      for (Map.Entry<String, String> e : labels.entrySet()) {
                        g.writeStringField(e.getKey(), e.getValue());
                      }
                      g.writeEndObject();
                    }));
    String prefix = "projects/" + project + "/logs/";
    return new SourcePart(
        m,
        project,
        prefix + encodeLogId(logId == null ? "stdout" : logId),
        prefix + encodeLogId(logId == null ? "stderr" : logId),
        new SerializedString(resource),
        Collections.unmodifiableMap(labels),
        labelsJson,
        InsertIds.prefix(source),
        cluster != null && !cluster.isEmpty());
  }

  /**
   * A log id as {@code logName} wants it: URL-encoded (SPECS.md 3.1), which for the permitted
   * characters {@code [A-Za-z0-9/_.-]} means {@code /} becomes {@code %2F}.
   */
  static String encodeLogId(String logId) {
    return logId.replace("/", "%2F");
  }

  private static String first(String a, String b) {
    return a != null && !a.isEmpty() ? a : b;
  }

  private interface Body {
    void write(JsonGenerator g) throws IOException;
  }

  private static String json(Body body) {
    StringWriter w = new StringWriter(256);
    try (JsonGenerator g = JsonValues.FACTORY.createGenerator(w)) {
      body.write(g);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return w.toString();
  }
}
