package io.github.logchute.core.parse;

import io.github.logchute.core.metrics.Counter;
import io.github.logchute.core.metrics.MetricsRegistry;

/** The counters of line decoding, looked up once and shared by every file's assembler. */
public final class DecodeMetrics {

  final Counter lines;
  final Counter records;
  final Counter unparsed;
  final Counter linesTruncated;
  final Counter bytesSkipped;
  final Counter mergedSplit;
  final Counter invalidUtf8;

  private DecodeMetrics(MetricsRegistry r) {
    lines = r.counter("logchute_lines_read_total", "Lines framed in log files.");
    records = r.counter("logchute_records_decoded_total", "Records produced by line decoding.");
    unparsed =
        r.counter(
            "logchute_lines_unparsed_total",
            "Lines that did not parse in their file's format and were kept as raw records.");
    linesTruncated =
        r.counter(
            "logchute_lines_truncated_total", "Lines longer than the maximum line size, cut.");
    bytesSkipped =
        r.counter(
            "logchute_line_bytes_skipped_total", "Bytes of over-long lines skipped after the cut.");
    mergedSplit =
        r.counter(
            "logchute_merged_records_split_total",
            "Merged partial-line records over the size cap, emitted in pieces.");
    invalidUtf8 =
        r.counter(
            "logchute_records_invalid_utf8_total",
            "Records whose invalid UTF-8 was replaced with U+FFFD.");
  }

  /** Registers (or finds) the decoding counters in {@code registry}. */
  public static DecodeMetrics register(MetricsRegistry registry) {
    return new DecodeMetrics(registry);
  }
}
