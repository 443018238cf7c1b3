package io.github.logchute.core.tail;

import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.metrics.Counter;
import io.github.logchute.core.metrics.MetricsRegistry;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;

/** The tailer's counters, and the one place a loss is counted and logged. */
final class TailMetrics {

  private static final Logger LOG = System.getLogger(FileTailer.class.getName());

  final Counter quarantined;
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
    quarantined =
        r.counter(
            "logchute_files_quarantined_total",
            "Files left alone after reading them failed unexpectedly (their checkpoint is kept, a"
                + " restart tries again).");
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
            "Matching files that could not be opened (permissions, I/O), counted once per path;"
                + " retried at every scan.");
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

  /** Counts a matching path that is not a file logchute can read, by reason. */
  void skipped(String reason) {
    registry
        .counter(
            "logchute_files_skipped_total",
            "Paths matching the globs that are not readable log files, by reason (directory, fifo,"
                + " special, dangling_link, permission, error), counted once per path.",
            "reason",
            reason)
        .increment();
  }

  /**
   * A file disappeared before logchute read all of it: counted by pod ({@code lostBytes} may be 0
   * when how much is unknown; the file is counted either way) and logged in one line of a fixed
   * shape: {@code lost: path=<link> device=<dev> inode=<ino> offset=<first unread byte> bytes=<at
   * least>: <why>}.
   */
  void lost(LogSource source, FileIdentity file, long offset, long lostBytes, String why) {
    LOG.log(
        Level.WARNING,
        "lost: path="
            + source.path()
            + " device="
            + file.device()
            + " inode="
            + file.inode()
            + " offset="
            + offset
            + " bytes="
            + (lostBytes < 0 ? "unknown" : Long.toString(lostBytes))
            + ": "
            + why);
    count(source, lostBytes);
  }

  private void count(LogSource source, long lostBytes) {
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
