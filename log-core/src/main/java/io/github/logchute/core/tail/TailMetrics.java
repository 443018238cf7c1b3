package io.github.logchute.core.tail;

import io.github.logchute.core.metrics.Counter;
import io.github.logchute.core.metrics.MetricsRegistry;

/** The tailer's counters. */
final class TailMetrics {
  final Counter filesOpened;
  final Counter filesReleased;
  final Counter rotations;
  final Counter truncations;
  final Counter unreadable;
  final Counter readErrors;
  final Counter bytesRead;
  final Counter resumed;
  final Counter checkpointMismatch;
  final Counter unresumed;
  final Counter rotatedPickedUp;
  final Counter parked;
  final Counter reopened;
  private final MetricsRegistry registry;

  TailMetrics(MetricsRegistry r) {
    registry = r;
    parked =
        r.counter(
            "logchute_files_parked_total",
            "Idle files closed to stay within maxOpenFiles (reopened by identity when they grow).");
    reopened = r.counter("logchute_files_reopened_total", "Parked files opened again.");
    filesOpened = r.counter("logchute_files_opened_total", "Log files opened for reading.");
    filesReleased =
        r.counter(
            "logchute_files_released_total",
            "Rotated or deleted files read to their end and let go.");
    rotations =
        r.counter(
            "logchute_rotations_total",
            "Files replaced under their path (rename and create, or re-creation).");
    truncations =
        r.counter(
            "logchute_truncations_total",
            "Files found shorter than the read position (truncated or copytruncated); read again"
                + " from 0.");
    unreadable =
        r.counter(
            "logchute_files_unreadable_total",
            "Attempts to open a matching file that failed (permissions, I/O); retried at the next"
                + " scan.");
    readErrors = r.counter("logchute_read_errors_total", "Failed reads of open files.");
    bytesRead = r.counter("logchute_bytes_read_total", "Bytes read from log files.");
    resumed =
        r.counter("logchute_checkpoints_resumed_total", "Files resumed at a saved checkpoint.");
    checkpointMismatch =
        r.counter(
            "logchute_checkpoints_mismatched_total",
            "Saved checkpoints whose file no longer matches (inode reused, rewritten); read from 0.");
    unresumed =
        r.counter(
            "logchute_checkpoints_unresumed_total",
            "Saved checkpoints of files that could not be found again at start: possible loss.");
    rotatedPickedUp =
        r.counter(
            "logchute_rotated_files_recovered_total",
            "Rotated files found beside a live file and read (after a restart or a missed"
                + " rotation).");
  }

  /**
   * Counts a file that disappeared with bytes logchute had not read, by pod: {@code lostBytes} may
   * be 0 when how much is unknown (the file is counted either way).
   */
  void lost(io.github.logchute.core.LogSource source, long lostBytes) {
    String ns = source.container().map(c -> c.namespace()).orElse("");
    String pod = source.container().map(c -> c.pod()).orElse("");
    registry
        .counter(
            "logchute_files_lost_total",
            "Files that disappeared before logchute read all of them, by pod.",
            "namespace",
            ns,
            "pod",
            pod)
        .increment();
    if (lostBytes > 0) {
      registry
          .counter(
              "logchute_bytes_lost_total",
              "Bytes of files that disappeared before logchute read them, by pod (where known).",
              "namespace",
              ns,
              "pod",
              pod)
          .add(lostBytes);
    }
  }
}
