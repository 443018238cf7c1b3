package io.github.logchute.core.parse;

import io.github.logchute.core.FakeClock;
import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.metrics.MetricsRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Test helper: runs bytes through a {@link RecordAssembler} the way the tailer will. */
final class Decoding {

  static final String CONTAINER_ID =
      "4b5a3e1d2c0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d";
  static final LogSource SOURCE =
      LogSource.of(
          Path.of("/var/log/containers/web-5d9c7b-x2x5z_prod_app-" + CONTAINER_ID + ".log"),
          new FileIdentity(2049, 1234));

  final MetricsRegistry registry = new MetricsRegistry();
  final FakeClock clock = new FakeClock();
  final RecordAssembler assembler;
  final List<LogRecord> records = new ArrayList<>();

  Decoding(LogFormat format) {
    this(format, DecodeOptions.defaults());
  }

  Decoding(LogFormat format, DecodeOptions options) {
    assembler =
        new RecordAssembler(SOURCE, format, 0, options, DecodeMetrics.register(registry), clock);
  }

  /** Feeds {@code input} in chunks of {@code chunk} bytes. */
  Decoding feed(byte[] input, int chunk) {
    for (int off = 0; off < input.length; off += chunk) {
      assembler.feed(input, off, Math.min(chunk, input.length - off), records);
    }
    return this;
  }

  Decoding feed(String input) {
    byte[] b = input.getBytes(StandardCharsets.UTF_8);
    return feed(b, Math.max(1, b.length));
  }

  Decoding finish() {
    assembler.finish(records);
    return this;
  }

  List<String> messages() {
    List<String> out = new ArrayList<>();
    for (LogRecord r : records) {
      out.add(r.messageText());
    }
    return out;
  }

  long counter(String name) {
    return registry.sum(name);
  }

  static long nanos(String rfc3339) {
    byte[] b = rfc3339.getBytes(StandardCharsets.US_ASCII);
    return Timestamps.parse(b, 0, b.length);
  }
}
