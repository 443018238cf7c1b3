package io.github.logchute.sink.kafka;

import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import org.apache.kafka.clients.producer.BufferExhaustedException;
import org.apache.kafka.common.InvalidRecordException;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.InvalidTimestampException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.RecordBatchTooLargeException;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.RetriableException;
import org.apache.kafka.common.errors.TimeoutException;

/**
 * What went wrong with one record, and what the sink does about it. Only a record the broker can
 * never take is dropped (counted, and reported to the pipeline as rejected); everything else keeps
 * the batch for a retry.
 */
enum ErrorKind {
  /** Over the producer's {@code max.request.size} or the topic's {@code max.message.bytes}. */
  TOO_LARGE(true),
  /** The broker refuses the record itself (for instance no key for a compacted topic). */
  INVALID(true),
  /** Credentials refused, or no permission on the topic or cluster: retried slowly. */
  AUTH(false),
  /** The producer's memory ({@code buffer.memory}) stayed full for {@code max.block.ms}. */
  BUFFER_FULL(false),
  /** No metadata within {@code max.block.ms}, or no acknowledgement within the delivery timeout. */
  TIMEOUT(false),
  /** Any other error Kafka calls retriable (leader moved, broker unavailable, ...). */
  RETRIABLE(false),
  /** Not handed to the producer: an earlier record of the batch could not be. */
  NOT_SENT(false),
  /** Anything else (a closed producer, an unexpected error): retried. */
  OTHER(false);

  /** Whether the record is dropped for good rather than retried. */
  final boolean dropped;

  ErrorKind(boolean dropped) {
    this.dropped = dropped;
  }

  /** The metric label. */
  String label() {
    return name().toLowerCase(Locale.ROOT);
  }

  static ErrorKind of(Throwable error) {
    Throwable e = error;
    while ((e instanceof CompletionException || e instanceof ExecutionException)
        && e.getCause() != null) {
      e = e.getCause();
    }
    if (e instanceof RecordTooLargeException || e instanceof RecordBatchTooLargeException) {
      return TOO_LARGE;
    }
    if (e instanceof InvalidRecordException
        || e instanceof InvalidTimestampException
        || e instanceof InvalidTopicException) {
      return INVALID;
    }
    if (e instanceof AuthenticationException || e instanceof AuthorizationException) {
      return AUTH;
    }
    if (e instanceof BufferExhaustedException) {
      return BUFFER_FULL;
    }
    if (e instanceof TimeoutException) {
      return TIMEOUT;
    }
    if (e instanceof RetriableException) {
      return RETRIABLE;
    }
    return OTHER;
  }
}
