package io.github.logchute.k8s;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.logchute.core.Clock;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.metrics.Counter;
import io.github.logchute.core.metrics.MetricsRegistry;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resolves a {@link LogSource} to its {@link SourceInfo} once and remembers it until the engine
 * releases the source: the {@code /var/log/containers} link disappears when the pod is deleted,
 * while the engine may still ask again (a pod update) for a file it is draining.
 */
final class PathResolver {

  /** How many sources are remembered at most (the engine releases them; this bounds a leak). */
  static final int MAX_SOURCES = 16_384;

  private static final System.Logger LOG = System.getLogger(PathResolver.class.getName());

  private final Cache<LogSource, SourceInfo> cache;
  private final Counter unparsed;
  private final RateLimitedLogger unparsedLog;

  PathResolver(MetricsRegistry metrics, Clock clock) {
    this.cache = Caffeine.newBuilder().maximumSize(MAX_SOURCES).executor(Runnable::run).build();
    this.unparsed =
        metrics.counter(
            "logchute_k8s_paths_unparsed_total",
            "Log files whose path has neither the /var/log/containers nor the /var/log/pods shape"
                + " (counted once per file); their records keep the path only.");
    this.unparsedLog = new RateLimitedLogger(LOG, 10_000_000_000L, clock);
  }

  /** The source's path information; never null. Reads the link at most once per source. */
  SourceInfo resolve(LogSource source) {
    return cache.get(source, this::read);
  }

  /** Forgets {@code source}. */
  void release(LogSource source) {
    cache.invalidate(source);
  }

  private SourceInfo read(LogSource source) {
    SourceInfo info = SourceInfo.of(source.container().orElse(null), target(source.path()));
    if (info == SourceInfo.UNKNOWN) {
      unparsed.increment();
      unparsedLog.log(
          Level.WARNING,
          "{0}: not a kubelet container log path"
              + " (/var/log/containers/<pod>_<namespace>_<container>-<id>.log or"
              + " /var/log/pods/<namespace>_<pod>_<uid>/<container>/<n>.log);"
              + " its records carry no pod metadata",
          source.path());
    }
    return info;
  }

  /** The {@code /var/log/pods} path behind {@code path} (its link target, or itself), parsed. */
  static PodLogPath target(Path path) {
    if (!Files.isSymbolicLink(path)) {
      return PodLogPath.parse(path);
    }
    try {
      Path target = Files.readSymbolicLink(path);
      if (!target.isAbsolute() && path.getParent() != null) {
        target = path.getParent().resolve(target);
      }
      PodLogPath parsed = PodLogPath.parse(target.normalize());
      if (parsed == null) {
        // A chain of links: try where it finally leads.
        parsed = PodLogPath.parse(path.toRealPath());
      }
      return parsed;
    } catch (IOException | UnsupportedOperationException | SecurityException e) {
      return null; // the link vanished (pod deleted) or cannot be read: the link name is all we
      // have
    }
  }
}
