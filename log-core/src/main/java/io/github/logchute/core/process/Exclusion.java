package io.github.logchute.core.process;

import io.github.logchute.core.ContainerRef;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.metrics.MetricsRegistry;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Which containers' logs are not collected. A pod opts out with the annotation {@code
 * logchute.io/exclude: "true"} (or {@code logchute.io/<container>.exclude} for one container; a
 * container's {@code "false"} wins over the pod's {@code "true"}); operators exclude by namespace,
 * container name or pod label, or collect only some namespaces. The files are still read and their
 * checkpoints move, so removing the annotation resumes from where the file is then — nothing old
 * floods in — and excluded records are counted ({@code logchute_excluded_records_total}, {@code
 * logchute_excluded_bytes_total} by pod), never called lost.
 *
 * @param includeNamespaces when not empty, only these namespaces are collected
 * @param excludeNamespaces namespaces never collected
 * @param excludeContainers container names never collected (a sidecar everywhere)
 * @param excludePodLabels {@code key=value} pairs: a pod with any of them is not collected
 */
public record Exclusion(
    Set<String> includeNamespaces,
    Set<String> excludeNamespaces,
    Set<String> excludeContainers,
    Map<String, String> excludePodLabels) {

  /** The pod annotation that excludes all of its containers. */
  public static final String POD_ANNOTATION = "logchute.io/exclude";

  public Exclusion {
    includeNamespaces = Set.copyOf(includeNamespaces);
    excludeNamespaces = Set.copyOf(excludeNamespaces);
    excludeContainers = Set.copyOf(excludeContainers);
    excludePodLabels = Map.copyOf(excludePodLabels);
  }

  /** No global setting: only the pods' own annotations. */
  public static Exclusion annotationsOnly() {
    return new Exclusion(Set.of(), Set.of(), Set.of(), Map.of());
  }

  /**
   * {@code key=value} pairs as a map.
   *
   * @throws IllegalArgumentException for an item without {@code =}
   */
  public static Map<String, String> labels(List<String> pairs) {
    java.util.LinkedHashMap<String, String> out = new java.util.LinkedHashMap<>();
    for (String p : pairs) {
      int eq = p.indexOf('=');
      if (eq <= 0) {
        throw new IllegalArgumentException("expected key=value, got '" + p + "'");
      }
      out.put(p.substring(0, eq).strip(), p.substring(eq + 1).strip());
    }
    return out;
  }

  /** Whether the source of records with this metadata is excluded. */
  public boolean excludes(SourceMetadata m, ContainerRef fromPath) {
    String ns = m.get(MetadataKeys.K8S_NAMESPACE);
    String container = m.get(MetadataKeys.K8S_CONTAINER_NAME);
    if (fromPath != null) {
      ns = ns != null ? ns : fromPath.namespace();
      container = container != null ? container : fromPath.container();
    }
    String own =
        container == null
            ? null
            : m.get(
                MetadataKeys.K8S_POD_ANNOTATION_PREFIX + "logchute.io/" + container + ".exclude");
    if (own != null) {
      return own.strip().equalsIgnoreCase("true");
    }
    String pod = m.get(MetadataKeys.K8S_POD_ANNOTATION_PREFIX + POD_ANNOTATION);
    if (pod != null && pod.strip().equalsIgnoreCase("true")) {
      return true;
    }
    if (ns != null
        && (excludeNamespaces.contains(ns)
            || (!includeNamespaces.isEmpty() && !includeNamespaces.contains(ns)))) {
      return true;
    }
    if (container != null && excludeContainers.contains(container)) {
      return true;
    }
    for (Map.Entry<String, String> l : excludePodLabels.entrySet()) {
      if (l.getValue().equals(m.get(MetadataKeys.K8S_POD_LABEL_PREFIX + l.getKey()))) {
        return true;
      }
    }
    return false;
  }

  /** The processing-stage step: drops (and counts) the records of excluded containers. */
  public RecordProcessor processor(MetricsRegistry metrics) {
    return r -> {
      ContainerRef ref = r.source().container().orElse(null);
      if (!excludes(r.metadata(), ref)) {
        return r;
      }
      String ns = r.metadata().get(MetadataKeys.K8S_NAMESPACE);
      String pod = r.metadata().get(MetadataKeys.K8S_POD_NAME);
      ns = ns != null ? ns : ref == null ? "" : ref.namespace();
      pod = pod != null ? pod : ref == null ? "" : ref.pod();
      metrics
          .counter(
              "logchute_excluded_records_total",
              "Records not collected: their pod or container is excluded, by pod.",
              "namespace",
              ns,
              "pod",
              pod)
          .increment();
      metrics
          .counter(
              "logchute_excluded_bytes_total",
              "Message bytes not collected: their pod or container is excluded, by pod.",
              "namespace",
              ns,
              "pod",
              pod)
          .add(r.message().length);
      return (LogRecord) null;
    };
  }
}
