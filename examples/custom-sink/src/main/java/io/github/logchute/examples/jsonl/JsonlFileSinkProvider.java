package io.github.logchute.examples.jsonl;

import io.github.logchute.core.config.ConfigException;
import io.github.logchute.core.config.ConfigSection;
import io.github.logchute.core.spi.Sink;
import io.github.logchute.core.spi.SinkContext;
import io.github.logchute.core.spi.SinkProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * The {@code jsonl-file} sink: every record as one JSON line appended to a local file. Found by the
 * agent through {@code META-INF/services/io.github.logchute.core.spi.SinkProvider} when this jar is
 * on its class path; enabled with {@code --sinks jsonl-file} (or {@code LOGCHUTE_SINKS}).
 *
 * <table>
 *   <caption>Options ({@code sinks.jsonl-file.*})</caption>
 *   <tr><th>key</th><th>environment</th><th>default</th></tr>
 *   <tr><td>path</td><td>LOGCHUTE_SINKS_JSONL_FILE_PATH</td><td>(required)</td></tr>
 *   <tr><td>fsync</td><td>LOGCHUTE_SINKS_JSONL_FILE_FSYNC</td><td>true</td></tr>
 *   <tr><td>maxBatchRecords</td><td>LOGCHUTE_SINKS_JSONL_FILE_MAX_BATCH_RECORDS</td><td>1000</td></tr>
 *   <tr><td>maxBatchBytes</td><td>LOGCHUTE_SINKS_JSONL_FILE_MAX_BATCH_BYTES</td><td>4MiB</td></tr>
 *   <tr><td>linger</td><td>LOGCHUTE_SINKS_JSONL_FILE_LINGER</td><td>1s</td></tr>
 * </table>
 */
public final class JsonlFileSinkProvider implements SinkProvider {

  public static final String NAME = "jsonl-file";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Sink create(SinkContext context) {
    JsonlFileConfig config = bind(context.config());
    try {
      return new JsonlFileSink(config, context.metrics(), context.clock());
    } catch (IOException e) {
      throw new ConfigException(
          context.config().keyPath("path"), "cannot open " + config.path() + " to append: " + e);
    }
  }

  /** Reads every option of the section into a config; errors name the key. */
  static JsonlFileConfig bind(ConfigSection c) {
    String pathText = c.requireString("path");
    Path path;
    try {
      path = Path.of(pathText);
    } catch (InvalidPathException e) {
      throw new ConfigException(c.keyPath("path"), "not a valid path: " + e.getMessage());
    }
    Path dir = path.toAbsolutePath().getParent();
    if (dir == null || !Files.isDirectory(dir)) {
      throw new ConfigException(c.keyPath("path"), "directory " + dir + " does not exist");
    }
    if (Files.isDirectory(path)) {
      throw new ConfigException(c.keyPath("path"), path + " is a directory, expected a file");
    }
    JsonlFileConfig.Builder b = JsonlFileConfig.builder().path(path);
    b.fsync(c.bool("fsync", JsonlFileConfig.DEFAULT_FSYNC));
    int records = c.integer("maxBatchRecords", JsonlFileConfig.DEFAULT_MAX_BATCH_RECORDS);
    if (records < 1) {
      throw new ConfigException(c.keyPath("maxBatchRecords"), "must be >= 1, was " + records);
    }
    long bytes = c.bytes("maxBatchBytes", JsonlFileConfig.DEFAULT_MAX_BATCH_BYTES);
    if (bytes < 1) {
      throw new ConfigException(c.keyPath("maxBatchBytes"), "must be >= 1, was " + bytes);
    }
    b.maxBatchRecords(records).maxBatchBytes(bytes);
    Duration linger = c.duration("linger", JsonlFileConfig.DEFAULT_LINGER);
    if (linger.isNegative()) {
      throw new ConfigException(c.keyPath("linger"), "must not be negative, was " + linger);
    }
    return b.linger(linger).build();
  }
}
