package io.github.logchute.core.spi;

import java.time.Duration;
import java.util.Objects;

/**
 * How the pipeline batches for a sink. Sizes are the sum of {@link
 * io.github.logchute.core.LogRecord#sizeEstimate()} of the records in a batch, so a sink leaves a
 * margin for its encoding overhead below its destination's hard limit.
 *
 * @param maxBatchRecords records in one batch at most
 * @param maxBatchBytes estimated bytes in one batch at most (a single larger record still goes,
 *     alone)
 * @param linger how long a batch that is not full waits for more records
 * @param maxInFlight sends outstanding at once
 */
public record SinkLimits(
    int maxBatchRecords, long maxBatchBytes, Duration linger, int maxInFlight) {

  public static final int DEFAULT_MAX_BATCH_RECORDS = 1000;
  public static final long DEFAULT_MAX_BATCH_BYTES = 4L * 1024 * 1024;
  public static final Duration DEFAULT_LINGER = Duration.ofMillis(500);
  public static final int DEFAULT_MAX_IN_FLIGHT = 4;

  public SinkLimits {
    if (maxBatchRecords < 1) {
      throw new IllegalArgumentException("maxBatchRecords must be >= 1, was " + maxBatchRecords);
    }
    if (maxBatchBytes < 1) {
      throw new IllegalArgumentException("maxBatchBytes must be >= 1, was " + maxBatchBytes);
    }
    Objects.requireNonNull(linger, "linger");
    if (linger.isNegative()) {
      throw new IllegalArgumentException("linger must not be negative, was " + linger);
    }
    if (maxInFlight < 1) {
      throw new IllegalArgumentException("maxInFlight must be >= 1, was " + maxInFlight);
    }
  }

  /** The defaults: 1000 records, 4 MiB, 500 ms linger, 4 in flight. */
  public static SinkLimits defaults() {
    return new SinkLimits(
        DEFAULT_MAX_BATCH_RECORDS, DEFAULT_MAX_BATCH_BYTES, DEFAULT_LINGER, DEFAULT_MAX_IN_FLIGHT);
  }
}
