package io.github.logchute.sink.kafka;

import io.github.logchute.core.ContainerRef;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.MetadataKeys;

/**
 * What a record says about its container. The kubelet's file name ({@link ContainerRef}) comes
 * first: it is there from a file's first record on and never changes, so a container's topic and
 * key stay the same even while its metadata is still being looked up. The enrichers' {@link
 * MetadataKeys} come next (a tailer other than log-core's may set only those).
 */
final class Sources {

  private Sources() {}

  static String namespace(LogRecord r) {
    ContainerRef c = r.source().container().orElse(null);
    return c != null ? c.namespace() : blankToNull(r.metadata().get(MetadataKeys.K8S_NAMESPACE));
  }

  static String pod(LogRecord r) {
    ContainerRef c = r.source().container().orElse(null);
    return c != null ? c.pod() : blankToNull(r.metadata().get(MetadataKeys.K8S_POD_NAME));
  }

  static String container(LogRecord r) {
    ContainerRef c = r.source().container().orElse(null);
    return c != null
        ? c.container()
        : blankToNull(r.metadata().get(MetadataKeys.K8S_CONTAINER_NAME));
  }

  /**
   * The container id: the file name's (possibly a prefix of the real one when the kubelet cut the
   * name, but always the same for one file), else the metadata's without its {@code
   * containerd://}-style prefix, else null.
   */
  static String containerId(LogRecord r) {
    ContainerRef c = r.source().container().orElse(null);
    if (c != null && !c.containerId().isEmpty()) {
      return c.containerId();
    }
    String id = blankToNull(r.metadata().get(MetadataKeys.CONTAINER_ID));
    if (id == null) {
      return null;
    }
    int scheme = id.indexOf("://");
    return scheme >= 0 ? blankToNull(id.substring(scheme + 3)) : id;
  }

  /** A metadata value, else the file name's (for the headers: metadata is the richer source). */
  static String metadataOr(LogRecord r, String key, String fromFileName) {
    String v = blankToNull(r.metadata().get(key));
    return v != null ? v : blankToNull(fromFileName);
  }

  private static String blankToNull(String s) {
    return s == null || s.isBlank() ? null : s;
  }
}
