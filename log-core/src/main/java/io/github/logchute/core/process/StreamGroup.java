package io.github.logchute.core.process;

import io.github.logchute.core.LogRecord;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;

/**
 * The event being assembled on one stream of one source, driven by a {@link LineMatcher}. Used by
 * one thread (the owning {@link MultilineGrouper}'s).
 */
final class StreamGroup {

  /*
   * Design notes.
   *
   * `lines` is the open event; `tentative` the lines after it that may or may not belong to it.
   * When a line continues the event, the tentative lines join it first. When the event ends any
   * other way, the tentative lines did not belong to it: the matcher is reset and they are
   * classified again, in order, before the line that ended the event (which is classified again
   * too, as the state it was judged in is gone). Replays go through `queue`, never recursion; each
   * round consumes a line, so it terminates. The queue is empty between calls.
   *
   * Limits: an event never holds more than maxLines lines or maxBytes bytes (joined size), except
   * that a single line is always accepted. A continuation that would pass a limit cuts the event:
   * what is held goes out flagged TRUNCATED, and the line opens the next piece (also TRUNCATED),
   * with the matcher's state kept so the rest of the trace still groups. A tentative line that
   * would pass a limit ends the event instead (it is replayed on its own).
   */

  private final LineMatcher matcher;
  private final int maxLines;
  private final int maxBytes;
  private final ProcessMetrics metrics;
  private final ArrayList<LogRecord> lines = new ArrayList<>();
  private final ArrayList<LogRecord> tentative = new ArrayList<>();
  private final ArrayDeque<LogRecord> queue = new ArrayDeque<>();
  private long bytes;
  private long tentativeBytes;
  private boolean cut;
  long lastLineNanos;

  StreamGroup(LineMatcher matcher, int maxLines, int maxBytes, ProcessMetrics metrics) {
    this.matcher = matcher;
    this.maxLines = maxLines;
    this.maxBytes = maxBytes;
    this.metrics = metrics;
  }

  boolean hasPending() {
    return !lines.isEmpty();
  }

  /** Start offset of the open event's first line; {@code Long.MAX_VALUE} if none. */
  long pendingStart() {
    return lines.isEmpty() ? Long.MAX_VALUE : lines.get(0).startOffset();
  }

  void feed(LogRecord rec, List<LogRecord> out) {
    queue.addLast(rec);
    while (!queue.isEmpty()) {
      step(queue.pollFirst(), out);
    }
  }

  private void step(LogRecord r, List<LogRecord> out) {
    boolean open = !lines.isEmpty();
    LineMatcher.Verdict v = matcher.classify(r, open);
    if (!open) {
      if (v == LineMatcher.Verdict.PLAIN || v == LineMatcher.Verdict.TENTATIVE) {
        out.add(r);
      } else if (v == LineMatcher.Verdict.END) {
        out.add(r);
        matcher.reset();
      } else {
        add(r);
      }
      return;
    }
    switch (v) {
      case CONTINUE, END -> {
        if (wouldExceed(r)) {
          cutAndContinue(r, out);
        } else {
          absorbTentative();
          add(r);
        }
        if (v == LineMatcher.Verdict.END) {
          emit(out);
          matcher.reset();
        }
      }
      case TENTATIVE -> {
        if (wouldExceed(r)) {
          countCut(r);
          cut = true;
          breakEvent(r, out);
        } else {
          tentative.add(r);
          tentativeBytes += r.messageLength();
        }
      }
      default -> { // PLAIN, START
        if (!tentative.isEmpty()) {
          breakEvent(r, out);
        } else {
          emit(out);
          if (v == LineMatcher.Verdict.START) {
            add(r);
          } else {
            out.add(r);
          }
        }
      }
    }
  }

  /** Emits the open event; its tentative lines and {@code r} are classified again afresh. */
  private void breakEvent(LogRecord r, List<LogRecord> out) {
    emit(out);
    matcher.reset();
    queue.addFirst(r);
    for (int i = tentative.size() - 1; i >= 0; i--) {
      queue.addFirst(tentative.get(i));
    }
    tentative.clear();
    tentativeBytes = 0;
  }

  private void cutAndContinue(LogRecord r, List<LogRecord> out) {
    countCut(r);
    cut = true;
    emit(out);
    cut = true;
    absorbTentative();
    add(r);
  }

  /** Whether adding the tentative lines and {@code r} to the event would pass a limit. */
  private boolean wouldExceed(LogRecord r) {
    int count = lines.size() + tentative.size() + 1;
    long joined = bytes + tentativeBytes + tentative.size() + 1L + r.messageLength();
    return count > maxLines || joined > maxBytes;
  }

  private void countCut(LogRecord r) {
    if (lines.size() + tentative.size() + 1 > maxLines) {
      metrics.multilineCutLines.increment();
    } else {
      metrics.multilineCutBytes.increment();
    }
  }

  private void add(LogRecord r) {
    bytes += lines.isEmpty() ? r.messageLength() : r.messageLength() + 1;
    lines.add(r);
  }

  private void absorbTentative() {
    for (LogRecord t : tentative) {
      add(t);
    }
    tentative.clear();
    tentativeBytes = 0;
  }

  /**
   * Emits everything held: the event, then its tentative lines on their own, unclassified (used on
   * idle timeout, end of input and rule changes).
   */
  void flush(List<LogRecord> out) {
    emit(out);
    out.addAll(tentative);
    tentative.clear();
    tentativeBytes = 0;
    matcher.reset();
  }

  /** Emits the open event, if any, as one record. */
  private void emit(List<LogRecord> out) {
    int n = lines.size();
    if (n == 0) {
      cut = false;
      return;
    }
    if (n == 1 && !cut) {
      out.add(lines.get(0));
    } else {
      out.add(merge());
      if (n > 1) {
        metrics.multilineEvents.increment();
        metrics.multilineLines.add(n);
      }
    }
    lines.clear();
    bytes = 0;
    cut = false;
  }

  private LogRecord merge() {
    LogRecord first = lines.get(0);
    LogRecord last = lines.get(lines.size() - 1);
    byte[] msg = new byte[(int) bytes];
    int pos = 0;
    int flags = LogRecord.MULTILINE | (cut ? LogRecord.TRUNCATED : 0);
    for (int i = 0; i < lines.size(); i++) {
      LogRecord l = lines.get(i);
      if (i > 0) {
        msg[pos++] = '\n';
      }
      System.arraycopy(l.message(), 0, msg, pos, l.messageLength());
      pos += l.messageLength();
      flags |= l.flags();
    }
    return LogRecord.of(
        first.source(),
        first.metadata(),
        first.stream(),
        first.timestampNanos(),
        msg,
        first.startOffset(),
        last.endOffset(),
        flags);
  }
}
