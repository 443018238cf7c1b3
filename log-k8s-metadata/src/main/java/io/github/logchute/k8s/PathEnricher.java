package io.github.logchute.k8s;

import io.github.logchute.core.Clock;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.spi.MetadataEnricher;
import java.util.Objects;

/**
 * Pod metadata from the log file's path alone, no API needed: namespace, pod name, container name
 * and container id from the {@code /var/log/containers/<pod>_<namespace>_<container>-<id>.log} link
 * name, pod uid and restart count from its target {@code
 * /var/log/pods/<namespace>_<pod>_<uid>/<container>/<n>.log} (relative targets resolved; a path
 * that is not a link is parsed as the target itself). A path of neither shape is counted in {@code
 * logchute_k8s_paths_unparsed_total} and logged, once per file; its records keep their path.
 *
 * <p>The link is read once per source (on the engine's enrichment thread, a local file system call)
 * and remembered until {@link #release}, so a re-enrichment after the pod's deletion still knows
 * the uid.
 */
public final class PathEnricher implements MetadataEnricher {

  private final PathResolver paths;

  private PathEnricher(PathResolver paths) {
    this.paths = paths;
  }

  /** A path enricher counting into {@code metrics}. */
  public static PathEnricher create(MetricsRegistry metrics, Clock clock) {
    return new PathEnricher(
        new PathResolver(
            Objects.requireNonNull(metrics, "metrics"), Objects.requireNonNull(clock, "clock")));
  }

  @Override
  public void enrich(LogSource source, SourceMetadata.Builder metadata) {
    put(paths.resolve(source), metadata);
  }

  static void put(SourceInfo info, SourceMetadata.Builder m) {
    putIfKnown(m, MetadataKeys.K8S_NAMESPACE, info.namespace());
    putIfKnown(m, MetadataKeys.K8S_POD_NAME, info.pod());
    putIfKnown(m, MetadataKeys.K8S_POD_UID, info.uid());
    putIfKnown(m, MetadataKeys.K8S_CONTAINER_NAME, info.container());
    putIfKnown(m, MetadataKeys.CONTAINER_ID, info.containerId());
    if (info.restartCount() >= 0) {
      m.put(MetadataKeys.K8S_CONTAINER_RESTART_COUNT, Integer.toString(info.restartCount()));
    }
  }

  private static void putIfKnown(SourceMetadata.Builder m, String key, String value) {
    if (value != null) {
      m.put(key, value);
    }
  }

  @Override
  public void release(LogSource source) {
    paths.release(source);
  }
}
