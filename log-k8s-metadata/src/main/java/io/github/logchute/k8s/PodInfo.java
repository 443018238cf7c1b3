package io.github.logchute.k8s;

import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.SourceMetadata;
import java.util.Map;

/**
 * The part of a pod that becomes metadata, converted once per pod event (never per source or per
 * line): the pod's own attributes and, per container, the container's. Two {@code PodInfo}s are
 * equal when they would enrich alike, which is how a watch event that changed nothing of interest
 * (a condition's timestamp) is told from one that did.
 *
 * @param uid the pod uid
 * @param namespace the namespace
 * @param name the pod name
 * @param mirrorOf for a static pod's mirror pod, the uid the kubelet uses in paths (the {@code
 *     kubernetes.io/config.mirror} annotation), else null
 * @param attributes the pod-level attributes ({@link MetadataKeys} names), in order
 * @param containers per container name (init and ephemeral containers included)
 */
record PodInfo(
    String uid,
    String namespace,
    String name,
    String mirrorOf,
    Map<String, String> attributes,
    Map<String, ContainerInfo> containers) {

  /**
   * One container of the pod.
   *
   * @param attributes the container-level attributes (image, per-container annotations)
   * @param containerId the running container's id without the runtime prefix, or null
   * @param lastContainerId the previous (terminated) container's id, or null
   * @param restartCount the status's restart count, or -1
   */
  record ContainerInfo(
      Map<String, String> attributes,
      String containerId,
      String lastContainerId,
      int restartCount) {

    /**
     * The id of the container that wrote {@code file}: the running one or the previous one, by the
     * file's restart count, and consistent with the (possibly truncated) id in the link name.
     */
    String idFor(SourceInfo file) {
      String prefix = file.containerId();
      if (prefix != null && !file.containerIdTruncated()) {
        return prefix;
      }
      if (file.restartCount() >= 0 && restartCount >= 0) {
        if (file.restartCount() == restartCount) {
          return matches(containerId, prefix) ? containerId : null;
        }
        if (file.restartCount() == restartCount - 1) {
          return matches(lastContainerId, prefix) ? lastContainerId : null;
        }
        return null;
      }
      if (matches(containerId, prefix)) {
        return containerId;
      }
      return matches(lastContainerId, prefix) ? lastContainerId : null;
    }

    private static boolean matches(String id, String prefix) {
      return id != null && (prefix == null || id.startsWith(prefix));
    }
  }

  /** The uid the kubelet uses in this pod's log paths: the static pod's for a mirror pod. */
  String pathUid() {
    return mirrorOf != null ? mirrorOf : uid;
  }

  /** Adds the pod's attributes and those of {@code file}'s container to {@code m}. */
  void enrich(SourceInfo file, SourceMetadata.Builder m) {
    m.putAll(attributes);
    ContainerInfo c = file.container() == null ? null : containers.get(file.container());
    if (c != null) {
      m.putAll(c.attributes());
      String id = c.idFor(file);
      if (id != null) {
        m.put(MetadataKeys.CONTAINER_ID, id);
      }
    }
  }
}
