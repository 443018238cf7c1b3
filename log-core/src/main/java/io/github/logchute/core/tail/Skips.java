package io.github.logchute.core.tail;

import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;

/**
 * Paths the globs match but logchute cannot read — a directory, a FIFO, a dangling link, a file it
 * has no permission for — each logged once with its reason and counted once per path (retried at
 * every scan: a permission fixed later is picked up). A path that becomes readable or disappears is
 * forgotten, so a later problem is reported again.
 */
final class Skips {

  private static final Logger LOG = System.getLogger(FileTailer.class.getName());

  private final TailMetrics metrics;
  private final Map<Path, String> reported = new HashMap<>();

  Skips(TailMetrics metrics) {
    this.metrics = metrics;
  }

  /** Reports {@code path} skipped for {@code reason} unless it was already, for the same reason. */
  synchronized void report(Path path, String reason, String detail) {
    if (reason.equals(reported.put(path, reason))) {
      return;
    }
    metrics.skipped(reason);
    if (reason.equals("permission") || reason.equals("error")) {
      metrics.unreadable.increment();
    }
    LOG.log(
        Level.WARNING,
        "{0}: matches the paths but is skipped ({1}): {2}; checked again at every scan",
        path,
        reason,
        detail);
  }

  /** {@code path} could be read (or is gone): a later problem with it is reported again. */
  synchronized void clear(Path path) {
    reported.remove(path);
  }

  /** Forgets paths no scan matches any more. */
  synchronized void retain(Set<Path> matched) {
    reported.keySet().retainAll(matched);
  }
}
