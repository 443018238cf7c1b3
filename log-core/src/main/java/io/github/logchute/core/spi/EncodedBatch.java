package io.github.logchute.core.spi;

import java.util.Objects;

/**
 * A request body made by {@link Sink#encode}. The pipeline does not look inside; it keeps the batch
 * for retries and hands it back to {@link Sink#send}.
 *
 * @param body the bytes to send (possibly compressed); owned by the batch, not modified after
 *     creation
 * @param recordCount how many records were encoded
 * @param uncompressedBytes the body's size before compression (equal to {@code body.length} when
 *     not compressed), for metrics
 */
public record EncodedBatch(byte[] body, int recordCount, long uncompressedBytes) {

  public EncodedBatch {
    Objects.requireNonNull(body, "body");
    if (recordCount < 0) {
      throw new IllegalArgumentException("recordCount must be >= 0");
    }
  }
}
