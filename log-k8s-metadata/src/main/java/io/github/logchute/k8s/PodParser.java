package io.github.logchute.k8s;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.metrics.Counter;
import java.lang.System.Logger.Level;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Converts a pod object of the Kubernetes API (JSON) into a {@link PodInfo}: pod fields, owner
 * (with the Deployment and CronJob derived by name), labels, annotations, Datadog unified service
 * tags, Datadog {@code ad.datadoghq.com/<container>.logs} and logchute's own per-pod annotations,
 * and per container the image and ids.
 */
final class PodParser {

  static final String LAST_APPLIED = "kubectl.kubernetes.io/last-applied-configuration";
  static final String MIRROR = "kubernetes.io/config.mirror";
  static final String TEMPLATE_HASH = "pod-template-hash";
  static final String DD_TAGS = "tags.datadoghq.com/";
  static final String DD_LOGS = "ad.datadoghq.com/";
  static final String LOGCHUTE = "logchute.io/";

  private final ObjectMapper mapper;
  private final Counter invalidAnnotations;
  private final RateLimitedLogger log;

  PodParser(ObjectMapper mapper, Counter invalidAnnotations, RateLimitedLogger log) {
    this.mapper = mapper;
    this.invalidAnnotations = invalidAnnotations;
    this.log = log;
  }

  /** The pod, or null when the object has no uid (not a pod). */
  PodInfo parse(JsonNode pod) {
    JsonNode meta = pod.path("metadata");
    String uid = text(meta, "uid");
    if (uid == null) {
      return null;
    }
    String namespace = text(meta, "namespace");
    String name = text(meta, "name");
    Map<String, String> labels = strings(meta.path("labels"));
    Map<String, String> annotations = strings(meta.path("annotations"));
    JsonNode spec = pod.path("spec");
    JsonNode status = pod.path("status");

    Map<String, String> a = new LinkedHashMap<>();
    put(a, MetadataKeys.K8S_NAMESPACE, namespace);
    put(a, MetadataKeys.K8S_POD_NAME, name);
    put(a, MetadataKeys.K8S_POD_UID, uid);
    put(a, MetadataKeys.K8S_NODE_NAME, text(spec, "nodeName"));
    put(a, MetadataKeys.K8S_POD_IP, text(status, "podIP"));
    put(a, MetadataKeys.K8S_POD_PHASE, text(status, "phase"));
    put(a, MetadataKeys.K8S_POD_QOS_CLASS, text(status, "qosClass"));
    owner(meta.path("ownerReferences"), labels.get(TEMPLATE_HASH), a);
    labels.forEach((k, v) -> a.put(MetadataKeys.K8S_POD_LABEL_PREFIX + k, v));
    annotations.forEach(
        (k, v) -> {
          if (!k.equals(LAST_APPLIED)) {
            a.put(MetadataKeys.K8S_POD_ANNOTATION_PREFIX + k, v);
          }
        });
    put(a, MetadataKeys.DEPLOYMENT_ENVIRONMENT, labels.get(DD_TAGS + "env"));
    put(a, MetadataKeys.SERVICE_NAME, labels.get(DD_TAGS + "service"));
    put(a, MetadataKeys.SERVICE_VERSION, labels.get(DD_TAGS + "version"));
    put(a, MetadataKeys.PARSER, annotations.get(LOGCHUTE + "parser"));
    put(a, MetadataKeys.MULTILINE, annotations.get(LOGCHUTE + "multiline"));

    Map<String, PodInfo.ContainerInfo> containers = new LinkedHashMap<>();
    Map<String, JsonNode> statuses = new LinkedHashMap<>();
    for (String list :
        new String[] {"containerStatuses", "initContainerStatuses", "ephemeralContainerStatuses"}) {
      for (JsonNode s : status.path(list)) {
        String n = text(s, "name");
        if (n != null) {
          statuses.put(n, s);
        }
      }
    }
    for (String list : new String[] {"containers", "initContainers", "ephemeralContainers"}) {
      for (JsonNode c : spec.path(list)) {
        String n = text(c, "name");
        if (n != null) {
          containers.put(
              n, container(namespace, name, n, text(c, "image"), statuses.get(n), annotations));
        }
      }
    }
    return new PodInfo(
        uid,
        namespace,
        name,
        annotations.get(MIRROR),
        Collections.unmodifiableMap(a),
        Collections.unmodifiableMap(containers));
  }

  private PodInfo.ContainerInfo container(
      String namespace,
      String pod,
      String name,
      String image,
      JsonNode status,
      Map<String, String> annotations) {
    Map<String, String> a = new LinkedHashMap<>();
    ImageRef ref = ImageRef.parse(image);
    if (ref != null) {
      a.put(MetadataKeys.CONTAINER_IMAGE_NAME, ref.name());
      put(a, MetadataKeys.CONTAINER_IMAGE_TAG, ref.tag());
      a.put(MetadataKeys.CONTAINER_IMAGE_SHORT_NAME, ref.shortName());
    }
    String logs = annotations.get(DD_LOGS + name + ".logs");
    if (logs != null) {
      datadogLogs(namespace, pod, name, logs, a);
    }
    put(a, MetadataKeys.PARSER, annotations.get(LOGCHUTE + name + ".parser"));
    put(a, MetadataKeys.MULTILINE, annotations.get(LOGCHUTE + name + ".multiline"));
    if (status == null) {
      return new PodInfo.ContainerInfo(Collections.unmodifiableMap(a), null, null, -1);
    }
    return new PodInfo.ContainerInfo(
        Collections.unmodifiableMap(a),
        containerId(text(status, "containerID")),
        containerId(text(status.path("lastState").path("terminated"), "containerID")),
        status.path("restartCount").isInt() ? status.path("restartCount").asInt() : -1);
  }

  /**
   * {@code [{"source":"java","service":"billing"}]} (a list of log configurations; the first one
   * that names a source or a service counts), or a single object.
   */
  private void datadogLogs(
      String namespace, String pod, String container, String value, Map<String, String> a) {
    JsonNode node;
    try {
      node = mapper.readTree(value);
    } catch (JsonProcessingException e) {
      node = null;
    }
    if (node != null && node.isObject()) {
      node = mapper.createArrayNode().add(node);
    }
    if (node == null || !node.isArray()) {
      invalidAnnotations.increment();
      log.log(
          Level.WARNING,
          "pod {0}/{1}: annotation {2}{3}.logs is not a JSON list of log configurations; ignored",
          namespace,
          pod,
          DD_LOGS,
          container);
      return;
    }
    for (JsonNode config : node) {
      String source = text(config, "source");
      String service = text(config, "service");
      if (source != null || service != null) {
        put(a, MetadataKeys.LOG_SOURCE, source);
        put(a, MetadataKeys.SERVICE_NAME, service);
        return;
      }
    }
  }

  private static void owner(JsonNode refs, String templateHash, Map<String, String> a) {
    JsonNode owner = null;
    for (JsonNode r : refs) {
      if (owner == null || r.path("controller").asBoolean(false)) {
        owner = r;
      }
    }
    if (owner == null) {
      return;
    }
    String kind = text(owner, "kind");
    String name = text(owner, "name");
    if (kind == null || name == null) {
      return;
    }
    a.put(MetadataKeys.K8S_OWNER_KIND, kind);
    a.put(MetadataKeys.K8S_OWNER_NAME, name);
    switch (kind) {
      case "ReplicaSet":
        a.put(MetadataKeys.K8S_REPLICASET_NAME, name);
        put(a, MetadataKeys.K8S_DEPLOYMENT_NAME, Owners.deploymentOf(name, templateHash));
        break;
      case "StatefulSet":
        a.put(MetadataKeys.K8S_STATEFULSET_NAME, name);
        break;
      case "DaemonSet":
        a.put(MetadataKeys.K8S_DAEMONSET_NAME, name);
        break;
      case "Job":
        a.put(MetadataKeys.K8S_JOB_NAME, name);
        put(a, MetadataKeys.K8S_CRONJOB_NAME, Owners.cronJobOf(name));
        break;
      default:
        break;
    }
  }

  /** {@code containerd://abc} → {@code abc}; null and empty stay null. */
  static String containerId(String id) {
    if (id == null || id.isEmpty()) {
      return null;
    }
    int scheme = id.indexOf("://");
    String bare = scheme >= 0 ? id.substring(scheme + 3) : id;
    return bare.isEmpty() ? null : bare;
  }

  /** A string map from a JSON object of strings (other values skipped). */
  static Map<String, String> strings(JsonNode object) {
    if (!object.isObject() || object.isEmpty()) {
      return Map.of();
    }
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, JsonNode> e : object.properties()) {
      if (e.getValue().isTextual()) {
        out.put(e.getKey(), e.getValue().textValue());
      }
    }
    return Collections.unmodifiableMap(out);
  }

  static String text(JsonNode node, String field) {
    JsonNode v = node.path(field);
    return v.isTextual() && !v.textValue().isEmpty() ? v.textValue() : null;
  }

  private static void put(Map<String, String> a, String key, String value) {
    if (value != null) {
      a.put(key, value);
    }
  }
}
