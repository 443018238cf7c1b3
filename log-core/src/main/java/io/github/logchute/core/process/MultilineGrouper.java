package io.github.logchute.core.process;

import io.github.logchute.core.Clock;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogStream;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.SourceMetadata;
import java.lang.System.Logger.Level;
import java.util.List;
import java.util.Objects;

/**
 * Groups the lines of one source into multi-line events (stack traces), stdout and stderr
 * independently. One instance per source (file), used by one thread; it sits after partial-line
 * merging (so a CRI {@code P}/{@code F} line arrives whole) and before the record processors.
 *
 * <p><b>Rule.</b> Taken from each record's metadata attribute {@link MetadataKeys#MULTILINE}
 * ({@code java}, {@code python}, {@code go}, {@code regex:<pattern>} or a bare pattern: see {@link
 * MultilineRule#parse}), else {@link ProcessingOptions#multiline()}. An unknown value is counted in
 * {@code logchute_process_selection_invalid_total{setting="multiline"}}, logged, and the default
 * applies. When a source's rule changes (its metadata arrived or changed), what is being assembled
 * is emitted first.
 *
 * <p><b>Events.</b> A merged event's message is its lines joined with {@code \n}; it has the time,
 * stream, source and metadata of its first line, {@code startOffset} of the first, {@code
 * endOffset} of the last, flag {@link LogRecord#MULTILINE} plus the flags of its lines. An event
 * that turned out to be one line is emitted unchanged. An event is emitted when a line that does
 * not belong to it arrives on its stream, when a rule says it is complete (Go's {@code exit status
 * N}), after {@link ProcessingOptions#multilineTimeout()} without a new line on its stream ({@link
 * #flushIdle}), by {@link #finish}, or in pieces flagged {@link LogRecord#TRUNCATED} at {@link
 * ProcessingOptions#multilineMaxLines()} lines or {@link ProcessingOptions#multilineMaxBytes()}
 * bytes — never dropped.
 *
 * <p><b>Latency.</b> A line that cannot start an event (under the rule) passes through at once, in
 * the same {@link #feed} call. A line that starts an event, and the lines continuing it, are held
 * until the next line on the same stream shows the event is over, or for the idle timeout (1 s by
 * default) when the stream goes quiet. So a normal log line is never delayed, a stack trace is
 * delayed by at most one timeout after its last line, and with a start pattern every event waits
 * for the next start line (or the timeout).
 *
 * <p><b>Checkpoints.</b> {@link #safeOffset(long)} is the start of the oldest event still held: the
 * engine's checkpoint for the file must not pass it, or a crash would lose the held lines.
 */
public final class MultilineGrouper {

  private static final RateLimitedLogger LOG =
      RateLimitedLogger.every10Seconds(MultilineGrouper.class.getName());

  private final ProcessingOptions options;
  private final ProcessMetrics metrics;
  private final Clock clock;
  private final long timeoutNanos;
  private SourceMetadata lastMetadata;
  private boolean lastInvalid;
  private MultilineRule rule;
  private StreamGroup stdout;
  private StreamGroup stderr;

  /**
   * @param options the default rule, timeout and limits
   * @param metrics shared counters
   * @param clock monotonic time of line arrival (for the idle timeout)
   */
  public MultilineGrouper(ProcessingOptions options, ProcessMetrics metrics, Clock clock) {
    this.options = Objects.requireNonNull(options, "options");
    this.metrics = Objects.requireNonNull(metrics, "metrics");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.timeoutNanos = options.multilineTimeout().toNanos();
    useRule(options.multiline());
  }

  /** The rule in use (after the last record's metadata). */
  public MultilineRule rule() {
    return rule;
  }

  /**
   * Takes the next record of the source, in file order, and appends to {@code out} the records that
   * are complete: the record itself when it cannot be part of an event, an event it ended, or
   * nothing while an event is being assembled.
   */
  public void feed(LogRecord rec, List<LogRecord> out) {
    selectRule(rec, out);
    if (rule.isNone()) {
      out.add(rec);
      return;
    }
    StreamGroup g = rec.stream() == LogStream.STDERR ? stderr : stdout;
    g.lastLineNanos = clock.nanoTime();
    g.feed(rec, out);
  }

  /**
   * Emits the events of streams that received no line for the timeout before {@code nowNanos}
   * ({@link Clock#nanoTime()} reading). Call it periodically, at least when {@link
   * #nextDeadlineNanos()} has passed.
   */
  public void flushIdle(long nowNanos, List<LogRecord> out) {
    if (rule.isNone()) {
      return;
    }
    flushIfIdle(stdout, nowNanos, out);
    flushIfIdle(stderr, nowNanos, out);
  }

  /** Emits everything held (end of the source, shutdown). */
  public void finish(List<LogRecord> out) {
    if (!rule.isNone()) {
      stdout.flush(out);
      stderr.flush(out);
    }
  }

  /**
   * The highest offset a checkpoint of this source may claim: the start offset of the oldest event
   * still held, or {@code fallback} when that is lower or nothing is held.
   */
  public long safeOffset(long fallback) {
    if (rule.isNone()) {
      return fallback;
    }
    return Math.min(fallback, Math.min(stdout.pendingStart(), stderr.pendingStart()));
  }

  /** Whether an event is being assembled on either stream. */
  public boolean hasPending() {
    return !rule.isNone() && (stdout.hasPending() || stderr.hasPending());
  }

  /**
   * When the next {@link #flushIdle} may have something to emit ({@link Clock#nanoTime()} scale);
   * {@code Long.MAX_VALUE} when nothing is held.
   */
  public long nextDeadlineNanos() {
    long next = Long.MAX_VALUE;
    if (!rule.isNone()) {
      if (stdout.hasPending()) {
        next = stdout.lastLineNanos + timeoutNanos;
      }
      if (stderr.hasPending()) {
        next = Math.min(next, stderr.lastLineNanos + timeoutNanos);
      }
    }
    return next;
  }

  private void flushIfIdle(StreamGroup g, long nowNanos, List<LogRecord> out) {
    if (g.hasPending() && nowNanos - g.lastLineNanos >= timeoutNanos) {
      metrics.multilineIdleFlushes.increment();
      g.flush(out);
    }
  }

  private void selectRule(LogRecord rec, List<LogRecord> out) {
    SourceMetadata metadata = rec.metadata();
    if (metadata != lastMetadata) {
      lastMetadata = metadata;
      lastInvalid = false;
      MultilineRule wanted = options.multiline();
      String spec = metadata.get(MetadataKeys.MULTILINE);
      if (spec != null) {
        try {
          wanted = MultilineRule.parse(spec);
        } catch (IllegalArgumentException e) {
          lastInvalid = true;
          LOG.log(
              Level.WARNING,
              "{0}: ignoring the multi-line setting of this source ({1}); using {2}",
              rec.source().path(),
              e.getMessage(),
              options.multiline());
        }
      }
      if (!wanted.equals(rule)) {
        finish(out);
        useRule(wanted);
      }
    }
    if (lastInvalid) {
      metrics.multilineSelectionInvalid.increment();
    }
  }

  private void useRule(MultilineRule r) {
    rule = r;
    if (r.isNone()) {
      stdout = null;
      stderr = null;
    } else {
      int maxLines = options.multilineMaxLines();
      int maxBytes = options.multilineMaxBytes();
      stdout = new StreamGroup(r.newMatcher(), maxLines, maxBytes, metrics);
      stderr = new StreamGroup(r.newMatcher(), maxLines, maxBytes, metrics);
    }
  }
}
