package io.github.logchute.sink.stackdriver;

import io.github.logchute.core.metrics.Counter;
import io.github.logchute.core.metrics.MetricsRegistry;

/** The {@code logchute_stackdriver_*} counters (listed in the module README). */
final class SinkMetrics {

  static final String REQUESTS = "logchute_stackdriver_requests_total";
  static final String REQUEST_BYTES = "logchute_stackdriver_request_bytes_total";
  static final String ENTRIES_REJECTED = "logchute_stackdriver_entries_rejected_total";
  static final String ENTRIES_TRUNCATED = "logchute_stackdriver_entries_truncated_total";
  static final String LABELS_DROPPED = "logchute_stackdriver_labels_dropped_total";
  static final String UNADDRESSABLE = "logchute_stackdriver_entries_unaddressable_total";
  static final String TOKEN_FETCHES = "logchute_stackdriver_token_fetches_total";
  static final String SOURCE_PARTS = "logchute_stackdriver_source_parts_built_total";

  final Counter accepted;
  final Counter partial;
  final Counter retried;
  final Counter rejected;
  final Counter tooLarge;
  final Counter unauthorized;
  final Counter forbidden;
  final Counter failed;
  final Counter requestBytes;
  final Counter entriesRejected;
  final Counter truncated;
  final Counter labelsDropped;
  final Counter unaddressable;
  final Counter tokensFetched;
  final Counter tokenErrors;
  final Counter sourceParts;

  SinkMetrics(MetricsRegistry m) {
    String help = "Requests to Cloud Logging entries.write, by result.";
    accepted = m.counter(REQUESTS, help, "result", "accepted");
    partial = m.counter(REQUESTS, help, "result", "partial");
    retried = m.counter(REQUESTS, help, "result", "retry");
    rejected = m.counter(REQUESTS, help, "result", "rejected");
    tooLarge = m.counter(REQUESTS, help, "result", "too_large");
    unauthorized = m.counter(REQUESTS, help, "result", "unauthorized");
    forbidden = m.counter(REQUESTS, help, "result", "forbidden");
    failed = m.counter(REQUESTS, help, "result", "io_error");
    requestBytes = m.counter(REQUEST_BYTES, "Bytes of entries.write request bodies sent.");
    entriesRejected =
        m.counter(
            ENTRIES_REJECTED, "Entries Cloud Logging refused in a partial success (dropped).");
    truncated =
        m.counter(ENTRIES_TRUNCATED, "Entries cut to maxEntryBytes, marked logchute/truncated.");
    labelsDropped = m.counter(LABELS_DROPPED, "Labels left out past the 64 an entry may carry.");
    unaddressable =
        m.counter(UNADDRESSABLE, "Records dropped because no Cloud project id was known for them.");
    String tokens = "Access token fetches, by result.";
    tokensFetched = m.counter(TOKEN_FETCHES, tokens, "result", "ok");
    tokenErrors = m.counter(TOKEN_FETCHES, tokens, "result", "error");
    sourceParts =
        m.counter(SOURCE_PARTS, "Per-source resource/labels encodings built (cache misses).");
  }
}
