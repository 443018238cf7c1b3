package io.github.logchute.core.tail;

import io.github.logchute.core.parse.DecodeOptions;
import io.github.logchute.core.parse.LogFormat;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * Settings of the {@link FileTailer}; immutable, built with {@link #builder()}.
 *
 * @param include glob patterns of files to read
 * @param exclude glob patterns of files to leave alone, even if included
 * @param refreshInterval how often the globs are scanned for new, rotated and deleted files
 * @param startAt where files found at the very first start begin
 * @param ignoreOlder files last modified longer ago than this are not picked up ({@link
 *     Duration#ZERO}: no limit)
 * @param dataDir where the checkpoint file lives
 * @param checkpointInterval how often positions are saved (and at shutdown)
 * @param format how lines are encoded
 * @param decodeOptions line and merge limits
 * @param readBufferBytes bytes read from one file per turn (the fairness quantum)
 * @param pollInterval how long the reader waits when no file has new data
 * @param rotateWait how long a rotated or deleted file is kept open after it reached its end, for
 *     late writes of the runtime, before it is let go
 * @param mergeTimeout how long a partial line waits for its final fragment before it is emitted
 *     alone
 * @param metadataWait how long a new file's records wait for its metadata (a pod not yet seen by
 *     the enricher) before they go out with what is known; other files are read meanwhile
 * @param maxOpenFiles files held open at most; beyond it, files idle at their end are closed and
 *     reopened by identity when they grow (rotated and draining files are always held)
 */
public record TailerConfig(
    List<String> include,
    List<String> exclude,
    Duration refreshInterval,
    StartAt startAt,
    Duration ignoreOlder,
    Path dataDir,
    Duration checkpointInterval,
    LogFormat format,
    DecodeOptions decodeOptions,
    int readBufferBytes,
    Duration pollInterval,
    Duration rotateWait,
    Duration mergeTimeout,
    Duration metadataWait,
    int maxOpenFiles) {

  public static final List<String> DEFAULT_INCLUDE = List.of("/var/log/containers/*.log");
  public static final List<String> DEFAULT_EXCLUDE = List.of("**/*.gz", "**/*.tmp");
  public static final Duration DEFAULT_REFRESH_INTERVAL = Duration.ofSeconds(1);
  public static final Path DEFAULT_DATA_DIR = Path.of("/var/lib/logchute");
  public static final Duration DEFAULT_CHECKPOINT_INTERVAL = Duration.ofSeconds(5);
  public static final int DEFAULT_READ_BUFFER_BYTES = 64 * 1024;
  public static final Duration DEFAULT_POLL_INTERVAL = Duration.ofMillis(100);
  public static final Duration DEFAULT_ROTATE_WAIT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_MERGE_TIMEOUT = Duration.ofSeconds(5);
  public static final Duration DEFAULT_METADATA_WAIT = Duration.ofSeconds(2);
  public static final int DEFAULT_MAX_OPEN_FILES = 1024;

  public TailerConfig {
    include = List.copyOf(include);
    exclude = List.copyOf(exclude);
    Objects.requireNonNull(startAt, "startAt");
    Objects.requireNonNull(dataDir, "dataDir");
    Objects.requireNonNull(format, "format");
    Objects.requireNonNull(decodeOptions, "decodeOptions");
    if (include.isEmpty()) {
      throw new IllegalArgumentException("include: at least one glob is needed");
    }
    positive("refreshInterval", refreshInterval);
    positive("checkpointInterval", checkpointInterval);
    positive("pollInterval", pollInterval);
    notNegative("ignoreOlder", ignoreOlder);
    notNegative("rotateWait", rotateWait);
    positive("mergeTimeout", mergeTimeout);
    notNegative("metadataWait", metadataWait);
    if (maxOpenFiles < 1) {
      throw new IllegalArgumentException("maxOpenFiles must be >= 1, was " + maxOpenFiles);
    }
    if (readBufferBytes < 1024) {
      throw new IllegalArgumentException("readBufferBytes must be >= 1024, was " + readBufferBytes);
    }
  }

  private static void positive(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative() || d.isZero()) {
      throw new IllegalArgumentException(name + " must be positive, was " + d);
    }
  }

  private static void notNegative(String name, Duration d) {
    Objects.requireNonNull(d, name);
    if (d.isNegative()) {
      throw new IllegalArgumentException(name + " must not be negative, was " + d);
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Builds a {@link TailerConfig}; every setting has the default named by its constant. */
  public static final class Builder {
    private List<String> include = DEFAULT_INCLUDE;
    private List<String> exclude = DEFAULT_EXCLUDE;
    private Duration refreshInterval = DEFAULT_REFRESH_INTERVAL;
    private StartAt startAt = StartAt.END;
    private Duration ignoreOlder = Duration.ZERO;
    private Path dataDir = DEFAULT_DATA_DIR;
    private Duration checkpointInterval = DEFAULT_CHECKPOINT_INTERVAL;
    private LogFormat format = LogFormat.AUTO;
    private DecodeOptions decodeOptions = DecodeOptions.defaults();
    private int readBufferBytes = DEFAULT_READ_BUFFER_BYTES;
    private Duration pollInterval = DEFAULT_POLL_INTERVAL;
    private Duration rotateWait = DEFAULT_ROTATE_WAIT;
    private Duration mergeTimeout = DEFAULT_MERGE_TIMEOUT;
    private Duration metadataWait = DEFAULT_METADATA_WAIT;
    private int maxOpenFiles = DEFAULT_MAX_OPEN_FILES;

    private Builder() {}

    public Builder include(List<String> globs) {
      this.include = globs;
      return this;
    }

    public Builder exclude(List<String> globs) {
      this.exclude = globs;
      return this;
    }

    public Builder refreshInterval(Duration d) {
      this.refreshInterval = d;
      return this;
    }

    public Builder startAt(StartAt s) {
      this.startAt = s;
      return this;
    }

    public Builder ignoreOlder(Duration d) {
      this.ignoreOlder = d;
      return this;
    }

    public Builder dataDir(Path dir) {
      this.dataDir = dir;
      return this;
    }

    public Builder checkpointInterval(Duration d) {
      this.checkpointInterval = d;
      return this;
    }

    public Builder format(LogFormat f) {
      this.format = f;
      return this;
    }

    public Builder decodeOptions(DecodeOptions o) {
      this.decodeOptions = o;
      return this;
    }

    public Builder readBufferBytes(int n) {
      this.readBufferBytes = n;
      return this;
    }

    public Builder pollInterval(Duration d) {
      this.pollInterval = d;
      return this;
    }

    public Builder rotateWait(Duration d) {
      this.rotateWait = d;
      return this;
    }

    public Builder mergeTimeout(Duration d) {
      this.mergeTimeout = d;
      return this;
    }

    public Builder metadataWait(Duration d) {
      this.metadataWait = d;
      return this;
    }

    public Builder maxOpenFiles(int n) {
      this.maxOpenFiles = n;
      return this;
    }

    public TailerConfig build() {
      return new TailerConfig(
          include,
          exclude,
          refreshInterval,
          startAt,
          ignoreOlder,
          dataDir,
          checkpointInterval,
          format,
          decodeOptions,
          readBufferBytes,
          pollInterval,
          rotateWait,
          mergeTimeout,
          metadataWait,
          maxOpenFiles);
    }
  }
}
