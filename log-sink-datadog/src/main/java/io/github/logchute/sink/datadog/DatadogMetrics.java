package io.github.logchute.sink.datadog;

import io.github.logchute.core.metrics.Counter;
import io.github.logchute.core.metrics.MetricsRegistry;

/** The sink's counters ({@code logchute_datadog_*}), looked up once. */
final class DatadogMetrics {

  final Counter requests2xx;
  final Counter requests3xx;
  final Counter requests4xx;
  final Counter requests5xx;
  final Counter requestErrors;
  final Counter bytesSent;
  final Counter bytesUncompressed;
  final Counter recordsEncoded;
  final Counter recordsTruncated;
  final Counter fieldsDropped;
  final Counter recordsTooOld;
  final Counter recordsRestamped;
  final Counter recordsInvalidUtf8;
  final Counter batchesOversized;
  final Counter batchesRejected;
  final Counter authFailures;
  final Counter sourceEncodings;

  DatadogMetrics(MetricsRegistry m) {
    String req = "logchute_datadog_requests_total";
    String reqHelp = "Requests to the Datadog intake, by HTTP status class (error: no answer).";
    requests2xx = m.counter(req, reqHelp, "code", "2xx");
    requests3xx = m.counter(req, reqHelp, "code", "3xx");
    requests4xx = m.counter(req, reqHelp, "code", "4xx");
    requests5xx = m.counter(req, reqHelp, "code", "5xx");
    requestErrors = m.counter(req, reqHelp, "code", "error");
    bytesSent =
        m.counter(
            "logchute_datadog_bytes_sent_total",
            "Request body bytes sent to the intake, as sent (compressed when gzip is on).");
    bytesUncompressed =
        m.counter(
            "logchute_datadog_bytes_uncompressed_total",
            "Request body bytes sent to the intake, before compression.");
    recordsEncoded =
        m.counter("logchute_datadog_records_encoded_total", "Records encoded into Datadog logs.");
    recordsTruncated =
        m.counter(
            "logchute_datadog_records_truncated_total",
            "Logs over maxLogBytes whose message was cut (marked ...TRUNCATED...).");
    fieldsDropped =
        m.counter(
            "logchute_datadog_fields_dropped_total",
            "Attributes of oversized logs left out to fit maxLogBytes.");
    recordsTooOld =
        m.counter(
            "logchute_datadog_records_too_old_total",
            "Logs stamped more than 18 h in the past, which the intake drops unless restamped.");
    recordsRestamped =
        m.counter(
            "logchute_datadog_records_restamped_total",
            "Too old logs sent with the send time (stampOldLogsWithSendTime).");
    recordsInvalidUtf8 =
        m.counter(
            "logchute_datadog_records_invalid_utf8_total",
            "Messages or fields with invalid UTF-8 or lone surrogates, repaired with U+FFFD.");
    batchesOversized =
        m.counter(
            "logchute_datadog_batches_oversized_total",
            "Batches that encoded over the 5 MB payload limit and were split instead of sent.");
    batchesRejected =
        m.counter(
            "logchute_datadog_batches_rejected_total",
            "Batches the intake refused for good (HTTP 400), dropped.");
    authFailures =
        m.counter(
            "logchute_datadog_auth_failures_total",
            "Requests refused for the API key (HTTP 401/403), retried after a long delay.");
    sourceEncodings =
        m.counter(
            "logchute_datadog_source_encodings_total",
            "Times the constant part of a source (tags, service, host) was encoded.");
  }

  void countStatus(int status) {
    if (status >= 200 && status < 300) {
      requests2xx.increment();
    } else if (status >= 300 && status < 400) {
      requests3xx.increment();
    } else if (status >= 400 && status < 500) {
      requests4xx.increment();
    } else {
      requests5xx.increment();
    }
  }
}
