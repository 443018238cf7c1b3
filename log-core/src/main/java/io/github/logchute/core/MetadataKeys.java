package io.github.logchute.core;

/**
 * Names of the attributes in {@link SourceMetadata}, shared by enrichers (who write them) and sinks
 * (who map them to their own tags and labels). Names follow the OpenTelemetry semantic conventions
 * where one exists. Map-valued metadata (labels, annotations) is flattened under a prefix.
 */
public final class MetadataKeys {
  public static final String K8S_NAMESPACE = "k8s.namespace.name";
  public static final String K8S_POD_NAME = "k8s.pod.name";
  public static final String K8S_POD_UID = "k8s.pod.uid";
  public static final String K8S_CONTAINER_NAME = "k8s.container.name";
  public static final String K8S_CONTAINER_RESTART_COUNT = "k8s.container.restart_count";
  public static final String CONTAINER_ID = "container.id";
  public static final String K8S_NODE_NAME = "k8s.node.name";

  /** Prefix of pod labels: {@code k8s.pod.label.<key>}. */
  public static final String K8S_POD_LABEL_PREFIX = "k8s.pod.label.";

  /** Prefix of pod annotations: {@code k8s.pod.annotation.<key>}. */
  public static final String K8S_POD_ANNOTATION_PREFIX = "k8s.pod.annotation.";

  /** Prefix of namespace labels: {@code k8s.namespace.label.<key>}. */
  public static final String K8S_NAMESPACE_LABEL_PREFIX = "k8s.namespace.label.";

  public static final String CLOUD_PROVIDER = "cloud.provider";
  public static final String CLOUD_ACCOUNT_ID = "cloud.account.id";
  public static final String CLOUD_REGION = "cloud.region";
  public static final String CLOUD_AVAILABILITY_ZONE = "cloud.availability_zone";
  public static final String HOST_ID = "host.id";
  public static final String HOST_NAME = "host.name";

  private MetadataKeys() {}
}
