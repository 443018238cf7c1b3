package io.github.logchute.examples.jsonl;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link JsonlFileSink}. Build one with {@link #builder()} from code, or let {@link
 * JsonlFileSinkProvider} bind it from the agent's {@code sinks.jsonl-file.*} section.
 *
 * @param path the file records are appended to (created if missing; its directory must exist)
 * @param fsync whether every batch is forced to disk before it counts as delivered
 * @param maxBatchRecords records in one batch (one write) at most
 * @param maxBatchBytes estimated bytes in one batch at most
 * @param linger how long a batch that is not full waits for more records
 */
public record JsonlFileConfig(
    Path path, boolean fsync, int maxBatchRecords, long maxBatchBytes, Duration linger) {

  public static final boolean DEFAULT_FSYNC = true;
  public static final int DEFAULT_MAX_BATCH_RECORDS = 1000;
  public static final long DEFAULT_MAX_BATCH_BYTES = 4L * 1024 * 1024;
  public static final Duration DEFAULT_LINGER = Duration.ofSeconds(1);

  public JsonlFileConfig {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(linger, "linger");
    if (maxBatchRecords < 1) {
      throw new IllegalArgumentException("maxBatchRecords must be >= 1, was " + maxBatchRecords);
    }
    if (maxBatchBytes < 1) {
      throw new IllegalArgumentException("maxBatchBytes must be >= 1, was " + maxBatchBytes);
    }
    if (linger.isNegative()) {
      throw new IllegalArgumentException("linger must not be negative, was " + linger);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link JsonlFileConfig}; every setting but the path has a default. */
  public static final class Builder {
    private Path path;
    private boolean fsync = DEFAULT_FSYNC;
    private int maxBatchRecords = DEFAULT_MAX_BATCH_RECORDS;
    private long maxBatchBytes = DEFAULT_MAX_BATCH_BYTES;
    private Duration linger = DEFAULT_LINGER;

    private Builder() {}

    public Builder path(Path p) {
      this.path = Objects.requireNonNull(p, "path");
      return this;
    }

    public Builder fsync(boolean f) {
      this.fsync = f;
      return this;
    }

    public Builder maxBatchRecords(int n) {
      this.maxBatchRecords = n;
      return this;
    }

    public Builder maxBatchBytes(long n) {
      this.maxBatchBytes = n;
      return this;
    }

    public Builder linger(Duration d) {
      this.linger = d;
      return this;
    }

    /**
     * @throws IllegalArgumentException if a setting is out of range
     * @throws NullPointerException if no path was given
     */
    public JsonlFileConfig build() {
      return new JsonlFileConfig(path, fsync, maxBatchRecords, maxBatchBytes, linger);
    }
  }
}
