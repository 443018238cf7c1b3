package io.github.logchute.core.process;

import io.github.logchute.core.metrics.Counter;
import io.github.logchute.core.metrics.MetricsRegistry;

/**
 * The counters of record processing and multi-line grouping, looked up once and shared by every
 * {@link MessageProcessor} and {@link MultilineGrouper} of an engine.
 */
public final class ProcessMetrics {

  final Counter jsonParsed;
  final Counter logfmtParsed;
  private final Counter[] jsonRejected;
  private final Counter[] logfmtRejected;
  final Counter levelsDetected;
  final Counter timeInvalid;
  final Counter parserSelectionInvalid;
  final Counter multilineSelectionInvalid;
  final Counter errors;
  final Counter multilineEvents;
  final Counter multilineLines;
  final Counter multilineCutLines;
  final Counter multilineCutBytes;
  final Counter multilineIdleFlushes;

  private ProcessMetrics(MetricsRegistry r) {
    String parsed = "logchute_process_parsed_total";
    String parsedHelp = "Messages turned into structured fields, by parser.";
    jsonParsed = r.counter(parsed, parsedHelp, "parser", "json");
    logfmtParsed = r.counter(parsed, parsedHelp, "parser", "logfmt");
    ParseOutcome.Rejection[] reasons = ParseOutcome.Rejection.values();
    jsonRejected = new Counter[reasons.length];
    logfmtRejected = new Counter[reasons.length];
    String rejected = "logchute_process_rejected_total";
    String rejectedHelp =
        "Messages that looked structured but stayed text, by parser and reason"
            + " (invalid, not_object, too_large, too_deep).";
    for (ParseOutcome.Rejection reason : reasons) {
      jsonRejected[reason.ordinal()] =
          r.counter(rejected, rejectedHelp, "parser", "json", "reason", reason.label());
      if (reason != ParseOutcome.Rejection.NOT_OBJECT
          && reason != ParseOutcome.Rejection.TOO_DEEP) {
        logfmtRejected[reason.ordinal()] =
            r.counter(rejected, rejectedHelp, "parser", "logfmt", "reason", reason.label());
      }
    }
    levelsDetected =
        r.counter(
            "logchute_process_levels_detected_total",
            "Plain-text messages whose level was detected from their text.");
    timeInvalid =
        r.counter(
            "logchute_process_time_invalid_total",
            "Structured messages whose time member could not be read (the record keeps its time).");
    String selection = "logchute_process_selection_invalid_total";
    String selectionHelp =
        "Records whose source named an unknown parser or multi-line rule (the default was used).";
    parserSelectionInvalid = r.counter(selection, selectionHelp, "setting", "parser");
    multilineSelectionInvalid = r.counter(selection, selectionHelp, "setting", "multiline");
    errors =
        r.counter(
            "logchute_process_errors_total",
            "Unexpected failures while processing a record (the record passed unchanged).");
    multilineEvents =
        r.counter(
            "logchute_process_multiline_events_total",
            "Multi-line events emitted (records made of two lines or more).");
    multilineLines =
        r.counter("logchute_process_multiline_lines_total", "Lines merged into multi-line events.");
    String cut = "logchute_process_multiline_cut_total";
    String cutHelp = "Multi-line events cut at the maximum lines or bytes (emitted in pieces).";
    multilineCutLines = r.counter(cut, cutHelp, "limit", "lines");
    multilineCutBytes = r.counter(cut, cutHelp, "limit", "bytes");
    multilineIdleFlushes =
        r.counter(
            "logchute_process_multiline_idle_flushes_total",
            "Events being assembled that were emitted because no line came within the timeout.");
  }

  /** Registers (or finds) the processing counters in {@code registry}. */
  public static ProcessMetrics register(MetricsRegistry registry) {
    return new ProcessMetrics(registry);
  }

  void rejected(ParserKind parser, ParseOutcome.Rejection reason) {
    Counter c =
        parser == ParserKind.JSON
            ? jsonRejected[reason.ordinal()]
            : logfmtRejected[reason.ordinal()];
    if (c != null) {
      c.increment();
    }
  }
}
