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

  public static final String K8S_POD_IP = "k8s.pod.ip";
  public static final String K8S_POD_PHASE = "k8s.pod.phase";
  public static final String K8S_POD_QOS_CLASS = "k8s.pod.qos_class";

  /** The pod's direct owner kind and name, as in its {@code ownerReferences}. */
  public static final String K8S_OWNER_KIND = "k8s.owner.kind";

  public static final String K8S_OWNER_NAME = "k8s.owner.name";
  public static final String K8S_REPLICASET_NAME = "k8s.replicaset.name";

  /** Derived from a ReplicaSet owner ({@code <deployment>-<pod-template-hash>}). */
  public static final String K8S_DEPLOYMENT_NAME = "k8s.deployment.name";

  public static final String K8S_STATEFULSET_NAME = "k8s.statefulset.name";
  public static final String K8S_DAEMONSET_NAME = "k8s.daemonset.name";
  public static final String K8S_JOB_NAME = "k8s.job.name";

  /** Derived from a Job owner ({@code <cronjob>-<scheduled-time>}). */
  public static final String K8S_CRONJOB_NAME = "k8s.cronjob.name";

  public static final String K8S_CLUSTER_NAME = "k8s.cluster.name";

  /** Where the cluster runs, as Cloud Logging wants it: a zone/region, or {@code aws:<region>}. */
  public static final String K8S_CLUSTER_LOCATION = "k8s.cluster.location";

  /** The image without tag or digest: {@code registry/repo/name}. */
  public static final String CONTAINER_IMAGE_NAME = "container.image.name";

  public static final String CONTAINER_IMAGE_TAG = "container.image.tag";

  /**
   * The last path segment of the image name ({@code nginx} for {@code docker.io/library/nginx}).
   */
  public static final String CONTAINER_IMAGE_SHORT_NAME = "container.image.short_name";

  /**
   * Unified service tags ({@code tags.datadoghq.com/service|env|version} labels), and the per-pod
   * {@code ad.datadoghq.com/<container>.logs} annotation's {@code service} and {@code source}.
   */
  public static final String SERVICE_NAME = "service.name";

  public static final String SERVICE_VERSION = "service.version";
  public static final String DEPLOYMENT_ENVIRONMENT = "deployment.environment";

  /** The log source (Datadog {@code ddsource}) from the pod's annotation, when it names one. */
  public static final String LOG_SOURCE = "logchute.log.source";

  /**
   * Static tags ({@code DD_TAGS}), as {@code key:value} items joined with {@code ,} in the order
   * configured (a value never contains {@code ,}).
   */
  public static final String STATIC_TAGS = "logchute.tags";

  /** Per-pod parser selection from the {@code logchute.io/parser} annotation. */
  public static final String PARSER = "logchute.parser";

  /** Per-pod multi-line selection from the {@code logchute.io/multiline} annotation. */
  public static final String MULTILINE = "logchute.multiline";

  public static final String CLOUD_PROVIDER = "cloud.provider";
  public static final String CLOUD_ACCOUNT_ID = "cloud.account.id";
  public static final String CLOUD_REGION = "cloud.region";
  public static final String CLOUD_AVAILABILITY_ZONE = "cloud.availability_zone";
  public static final String HOST_ID = "host.id";

  /** The host as logs name it: the EC2 instance id on AWS, else the node name. */
  public static final String HOST_NAME = "host.name";

  /** The cloud project (GCP project id) the node runs in. */
  public static final String CLOUD_PROJECT_ID = "cloud.project.id";

  private MetadataKeys() {}
}
