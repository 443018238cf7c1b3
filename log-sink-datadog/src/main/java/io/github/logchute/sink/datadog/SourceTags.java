package io.github.logchute.sink.datadog;

import io.github.logchute.core.ContainerRef;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.SourceMetadata;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The constant part of every log of one source, in Datadog's terms: {@code ddsource}, {@code
 * service}, {@code hostname} and the {@code ddtags} items. Computed once per source and metadata
 * instance (DESIGN.md decision 3), then encoded once by {@link ConstantPart}.
 *
 * <p>Tag names follow the Datadog Agent's Kubernetes tags (docs "Kubernetes Tag Extraction") so
 * that logs correlate with the Agent's metrics and traces; where the seed article's fluentd plugin
 * used another name ({@code kube_replicaset}) both are sent.
 *
 * @param source {@code ddsource}
 * @param service {@code service}
 * @param hostname {@code hostname}, or null when nothing names the host
 * @param tags {@code key:value} items, without duplicates, in a stable order
 */
record SourceTags(String source, String service, String hostname, List<String> tags) {

  /** Datadog's limit on one tag, key included (SPECS.md §2.3, tagging docs). */
  static final int MAX_TAG_LENGTH = 200;

  /** Metadata attribute → tag name, in the order tags are written. */
  private static final String[][] TAGS = {
    {MetadataKeys.K8S_POD_NAME, "pod_name"},
    {MetadataKeys.K8S_NAMESPACE, "kube_namespace"},
    {MetadataKeys.K8S_CONTAINER_NAME, "container_name"},
    {MetadataKeys.K8S_CONTAINER_NAME, "kube_container_name"},
    {MetadataKeys.CONTAINER_ID, "container_id"},
    {MetadataKeys.K8S_REPLICASET_NAME, "kube_replica_set"},
    {MetadataKeys.K8S_REPLICASET_NAME, "kube_replicaset"},
    {MetadataKeys.K8S_DEPLOYMENT_NAME, "kube_deployment"},
    {MetadataKeys.K8S_STATEFULSET_NAME, "kube_stateful_set"},
    {MetadataKeys.K8S_DAEMONSET_NAME, "kube_daemon_set"},
    {MetadataKeys.K8S_JOB_NAME, "kube_job"},
    {MetadataKeys.K8S_CRONJOB_NAME, "kube_cronjob"},
    {MetadataKeys.K8S_OWNER_KIND, "kube_ownerref_kind"},
    {MetadataKeys.K8S_OWNER_NAME, "kube_ownerref_name"},
    {MetadataKeys.K8S_POD_QOS_CLASS, "kube_qos"},
    {MetadataKeys.K8S_POD_PHASE, "pod_phase"},
    {MetadataKeys.CONTAINER_IMAGE_NAME, "image_name"},
    {MetadataKeys.CONTAINER_IMAGE_TAG, "image_tag"},
    {MetadataKeys.CONTAINER_IMAGE_SHORT_NAME, "short_image"},
    {MetadataKeys.K8S_CLUSTER_NAME, "kube_cluster_name"},
    {MetadataKeys.CLOUD_AVAILABILITY_ZONE, "zone"},
    {MetadataKeys.CLOUD_REGION, "region"},
    {MetadataKeys.DEPLOYMENT_ENVIRONMENT, "env"},
    {MetadataKeys.SERVICE_VERSION, "version"},
  };

  /** Kubernetes recommended labels → the Agent's {@code kube_app_*} tags. */
  private static final String[][] APP_LABELS = {
    {"app.kubernetes.io/name", "kube_app_name"},
    {"app.kubernetes.io/instance", "kube_app_instance"},
    {"app.kubernetes.io/version", "kube_app_version"},
    {"app.kubernetes.io/component", "kube_app_component"},
    {"app.kubernetes.io/part-of", "kube_app_part_of"},
    {"app.kubernetes.io/managed-by", "kube_app_managed_by"},
  };

  /** Values the Agent writes in lower case. */
  private static final Set<String> LOWER_CASE =
      Set.of("kube_ownerref_kind", "pod_phase", "kube_qos");

  /** Maps a source and its metadata; {@code config} adds fallback host, tags and label tags. */
  static SourceTags of(LogSource src, SourceMetadata md, DatadogSinkConfig config) {
    ContainerRef ref = src.container().orElse(null);
    Map<String, String> a = md.attributes();
    String container =
        first(a.get(MetadataKeys.K8S_CONTAINER_NAME), ref == null ? null : ref.container());
    String stem = fileStem(src.path());
    String source = first(a.get(MetadataKeys.LOG_SOURCE), container, stem);
    String service = first(a.get(MetadataKeys.SERVICE_NAME), container, stem);
    String host =
        first(a.get(MetadataKeys.HOST_NAME), a.get(MetadataKeys.K8S_NODE_NAME), config.hostname());

    Set<String> tags = new LinkedHashSet<>();
    for (String[] t : TAGS) {
      String v = a.get(t[0]);
      if (v == null && ref != null) {
        v = fromFileName(t[0], ref); // no enricher ran: what the kubelet's file name says
      }
      if (v != null && t[0].equals(MetadataKeys.CONTAINER_ID)) {
        int scheme = v.indexOf("://"); // containerd://<id> as the API reports it
        v = scheme >= 0 ? v.substring(scheme + 3) : v;
      }
      add(tags, t[1], v);
    }
    if ("aws".equalsIgnoreCase(a.get(MetadataKeys.CLOUD_PROVIDER))) {
      add(tags, "aws_account_id", a.get(MetadataKeys.CLOUD_ACCOUNT_ID));
    }
    add(tags, "project_id", a.get(MetadataKeys.CLOUD_PROJECT_ID));
    for (String[] l : APP_LABELS) {
      add(tags, l[1], a.get(MetadataKeys.K8S_POD_LABEL_PREFIX + l[0]));
    }
    config
        .podLabelsAsTags()
        .forEach((label, tag) -> add(tags, tag, a.get(MetadataKeys.K8S_POD_LABEL_PREFIX + label)));
    String statics = a.get(MetadataKeys.STATIC_TAGS);
    if (statics != null) {
      for (String t : statics.split(",", -1)) {
        addRaw(tags, t);
      }
    }
    for (String t : config.tags()) {
      addRaw(tags, t);
    }
    return new SourceTags(source, service, host, List.copyOf(new ArrayList<>(tags)));
  }

  /** The {@code ddtags} value: items joined with {@code ,}. */
  String ddtags() {
    return String.join(",", tags);
  }

  private static String fromFileName(String key, ContainerRef ref) {
    switch (key) {
      case MetadataKeys.K8S_POD_NAME:
        return ref.pod();
      case MetadataKeys.K8S_NAMESPACE:
        return ref.namespace();
      case MetadataKeys.K8S_CONTAINER_NAME:
        return ref.container();
      case MetadataKeys.CONTAINER_ID:
        // a name cut at 255 bytes holds a prefix of the id: better none than a wrong one
        return ref.containerIdTruncated() || ref.containerId().isEmpty() ? null : ref.containerId();
      default:
        return null;
    }
  }

  private static void add(Set<String> tags, String name, String value) {
    if (value == null || value.isBlank()) {
      return;
    }
    String v = sanitize(value.trim());
    if (LOWER_CASE.contains(name)) {
      v = v.toLowerCase(Locale.ROOT);
    }
    tags.add(cut(name + ":" + v));
  }

  private static void addRaw(Set<String> tags, String tag) {
    String t = sanitize(tag.trim());
    if (!t.isEmpty()) {
      tags.add(cut(t));
    }
  }

  /**
   * {@code ,} separates tags and control characters have no place in one: both become {@code _}.
   */
  static String sanitize(String s) {
    StringBuilder sb = null;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == ',' || c < 0x20 || c == 0x7f) {
        if (sb == null) {
          sb = new StringBuilder(s);
        }
        sb.setCharAt(i, '_');
      }
    }
    return sb == null ? s : sb.toString();
  }

  private static String cut(String tag) {
    if (tag.length() <= MAX_TAG_LENGTH) {
      return tag;
    }
    int end = MAX_TAG_LENGTH;
    if (Character.isHighSurrogate(tag.charAt(end - 1))) {
      end--;
    }
    return tag.substring(0, end);
  }

  private static String fileStem(Path path) {
    Path name = path.getFileName();
    if (name == null) {
      return "logchute";
    }
    String n = name.toString();
    int dot = n.indexOf('.');
    String stem = dot > 0 ? n.substring(0, dot) : n;
    Path parent = path.getParent();
    if (isDigits(stem) && parent != null && parent.getFileName() != null) {
      // /var/log/pods/<ns>_<pod>_<uid>/<container>/0.log: the directory names the container
      return parent.getFileName().toString();
    }
    return stem.isEmpty() ? "logchute" : stem;
  }

  private static boolean isDigits(String s) {
    if (s.isEmpty()) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  private static String first(String... candidates) {
    for (String c : candidates) {
      if (c != null && !c.isBlank()) {
        return c;
      }
    }
    return null;
  }
}
