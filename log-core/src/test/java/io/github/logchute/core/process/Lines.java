package io.github.logchute.core.process;

import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.LogStream;
import io.github.logchute.core.SourceMetadata;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Builds records for the processing tests: one line each, with consecutive file offsets. */
final class Lines {

  static final LogSource SOURCE =
      LogSource.of(
          Path.of("/var/log/containers/orders-7d9f_shop_app-0123456789abcdef.log"),
          FileIdentity.NONE);

  private final SourceMetadata metadata;
  private long offset;
  private long time = 1_700_000_000_000_000_000L;

  Lines(SourceMetadata metadata) {
    this.metadata = metadata;
  }

  Lines() {
    this(SourceMetadata.empty());
  }

  /** A record for {@code text} on {@code stream}, as if its CRI line took 40 bytes more. */
  LogRecord next(LogStream stream, String text) {
    return next(stream, text, 0);
  }

  LogRecord next(LogStream stream, String text, int flags) {
    byte[] b = text.getBytes(StandardCharsets.UTF_8);
    long start = offset;
    offset += b.length + 41;
    time += 1000;
    return LogRecord.of(SOURCE, metadata, stream, time, b, start, offset, flags);
  }

  List<LogRecord> all(LogStream stream, List<String> texts) {
    List<LogRecord> out = new ArrayList<>();
    for (String t : texts) {
      out.add(next(stream, t));
    }
    return out;
  }

  static LogRecord record(String text) {
    return new Lines().next(LogStream.STDOUT, text);
  }

  static LogRecord record(String text, SourceMetadata metadata) {
    return new Lines(metadata).next(LogStream.STDOUT, text);
  }

  /** The lines of a test resource under {@code traces/}, without their newlines. */
  static List<String> resource(String name) {
    try (InputStream in = Lines.class.getResourceAsStream("traces/" + name)) {
      if (in == null) {
        throw new IllegalArgumentException("no resource traces/" + name);
      }
      String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
      if (text.endsWith("\n")) {
        text = text.substring(0, text.length() - 1);
      }
      return List.of(text.split("\n", -1));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
