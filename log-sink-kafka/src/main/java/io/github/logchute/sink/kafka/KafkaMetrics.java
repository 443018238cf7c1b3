package io.github.logchute.sink.kafka;

import io.github.logchute.core.metrics.Counter;
import io.github.logchute.core.metrics.MetricsRegistry;
import java.util.EnumMap;
import java.util.Map;

/** The sink's counters ({@code logchute_kafka_*}), looked up once. */
final class KafkaMetrics {

  final Counter recordsEncoded;
  final Counter recordsTruncated;
  final Counter recordsSent;
  final Counter recordsAccepted;
  final Counter recordsDroppedTooLarge;
  final Counter recordsDroppedInvalid;
  final Counter bytesSent;
  final Counter requestsAccepted;
  final Counter requestsPartial;
  final Counter requestsRetry;
  final Counter authFailures;
  private final Map<ErrorKind, Counter> errors = new EnumMap<>(ErrorKind.class);

  KafkaMetrics(MetricsRegistry m) {
    recordsEncoded =
        m.counter("logchute_kafka_records_encoded_total", "Records encoded into Kafka records.");
    recordsTruncated =
        m.counter(
            "logchute_kafka_records_truncated_total",
            "Records over maxRecordBytes sent without their fields or with their message cut.");
    recordsSent =
        m.counter(
            "logchute_kafka_records_sent_total",
            "Records handed to the Kafka producer (every attempt: a retried record counts again).");
    recordsAccepted =
        m.counter(
            "logchute_kafka_records_accepted_total",
            "Records the brokers acknowledged (acks=all).");
    String dropped = "logchute_kafka_records_dropped_total";
    String droppedHelp = "Records the brokers can never take, dropped and reported rejected.";
    recordsDroppedTooLarge = m.counter(dropped, droppedHelp, "reason", "too_large");
    recordsDroppedInvalid = m.counter(dropped, droppedHelp, "reason", "invalid");
    bytesSent =
        m.counter(
            "logchute_kafka_bytes_sent_total",
            "Bytes of record values handed to the producer, before its compression.");
    String requests = "logchute_kafka_requests_total";
    String requestsHelp = "Batches sent, by outcome (accepted, partial: some dropped, retry).";
    requestsAccepted = m.counter(requests, requestsHelp, "result", "accepted");
    requestsPartial = m.counter(requests, requestsHelp, "result", "partial");
    requestsRetry = m.counter(requests, requestsHelp, "result", "retry");
    authFailures =
        m.counter(
            "logchute_kafka_auth_failures_total",
            "Batches refused for credentials or permissions, retried after a long delay.");
    for (ErrorKind k : ErrorKind.values()) {
      errors.put(
          k,
          m.counter(
              "logchute_kafka_errors_total",
              "Records that failed, by kind (too_large and invalid are dropped, the rest"
                  + " retried).",
              "kind",
              k.label()));
    }
  }

  void error(ErrorKind kind) {
    errors.get(kind).increment();
  }
}
