package io.github.logchute.k8s;

import io.github.logchute.core.ContainerRef;

/**
 * What the path of one log file tells about its container, merged from the {@code
 * /var/log/containers} link name ({@link ContainerRef}) and the link's {@code /var/log/pods} target
 * ({@link PodLogPath}). The target wins where both say something: the link name may be cut at 255
 * bytes. Every field may be null (an int field: -1) when no part of the path says it.
 *
 * @param namespace the namespace
 * @param pod the pod name
 * @param uid the pod uid, the key of API lookups (same-name pods re-created are different pods)
 * @param container the container name
 * @param containerId the container id from the link name (64 hex, or a prefix of it when the name
 *     was truncated), or null
 * @param containerIdTruncated true when {@code containerId} may be a prefix of the real id
 * @param restartCount the container's restart count from {@code <n>.log}, or -1
 */
record SourceInfo(
    String namespace,
    String pod,
    String uid,
    String container,
    String containerId,
    boolean containerIdTruncated,
    int restartCount) {

  /** Nothing known: the path has neither the link's nor the target's shape. */
  static final SourceInfo UNKNOWN = new SourceInfo(null, null, null, null, null, false, -1);

  static SourceInfo of(ContainerRef ref, PodLogPath target) {
    if (ref == null && target == null) {
      return UNKNOWN;
    }
    String id = ref == null || ref.containerId().isEmpty() ? null : ref.containerId();
    return new SourceInfo(
        target != null && target.namespace() != null ? target.namespace() : ns(ref),
        target != null && target.pod() != null ? target.pod() : pod(ref),
        target == null ? null : target.uid(),
        target != null ? target.container() : ref.container(),
        id,
        ref != null && ref.containerIdTruncated(),
        target == null ? -1 : target.restartCount());
  }

  private static String ns(ContainerRef ref) {
    return ref == null ? null : ref.namespace();
  }

  private static String pod(ContainerRef ref) {
    return ref == null ? null : ref.pod();
  }

  /** True when the file belongs to a pod this enricher can look up (by uid or by name). */
  boolean isPod() {
    return uid != null || (namespace != null && pod != null);
  }
}
