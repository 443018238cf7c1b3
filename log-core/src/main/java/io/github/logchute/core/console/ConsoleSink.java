package io.github.logchute.core.console;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.github.logchute.core.ContainerRef;
import io.github.logchute.core.FieldsJson;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.Severity;
import io.github.logchute.core.parse.Timestamps;
import io.github.logchute.core.spi.EncodedBatch;
import io.github.logchute.core.spi.SendOutcome;
import io.github.logchute.core.spi.Sink;
import io.github.logchute.core.spi.SinkLimits;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * Writes each record as one JSON object per line — to the process's standard output by default.
 * Useful to see what the agent collects, to pipe it into another tool, and as the smallest example
 * of the {@link Sink} SPI.
 *
 * <p>Each line holds {@code time} (RFC 3339, UTC, nanoseconds), {@code stream}, {@code message},
 * {@code path}, {@code offset}, {@code severity} (if detected), the flags that apply ({@code
 * truncated}, {@code unparsed}, {@code invalid_utf8}, {@code merged}), the {@code container} parsed
 * from the file name, {@code metadata} (every enrichment attribute) and {@code fields} (structured
 * fields of the message), the last three only when present.
 */
public final class ConsoleSink implements Sink {

  private static final JsonFactory JSON = new JsonFactory();

  private final OutputStream out;
  private final SinkLimits limits;

  /**
   * @param out where lines go; written by one thread at a time, flushed after every batch, never
   *     closed by the sink
   * @param limits batching limits
   */
  public ConsoleSink(OutputStream out, SinkLimits limits) {
    this.out = Objects.requireNonNull(out, "out");
    this.limits = Objects.requireNonNull(limits, "limits");
  }

  /** Default limits for a console: small batches, short linger, one write at a time (in order). */
  public static SinkLimits defaultLimits() {
    return new SinkLimits(512, 1024 * 1024, Duration.ofMillis(100), 1);
  }

  @Override
  public SinkLimits limits() {
    return limits;
  }

  @Override
  public EncodedBatch encode(List<LogRecord> records) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(records.size() * 256);
    try (JsonGenerator g = JSON.createGenerator(buf)) {
      g.setRootValueSeparator(null);
      for (LogRecord r : records) {
        writeRecord(g, r);
        g.flush();
        buf.write('\n');
      }
    } catch (IOException e) {
      throw new UncheckedIOException("encoding to memory failed", e);
    }
    byte[] body = buf.toByteArray();
    return new EncodedBatch(body, records.size(), body.length);
  }

  @Override
  public CompletionStage<SendOutcome> send(EncodedBatch batch) {
    try {
      synchronized (out) {
        out.write(batch.body());
        out.flush();
      }
      return CompletableFuture.completedFuture(SendOutcome.accepted());
    } catch (IOException e) {
      return CompletableFuture.completedFuture(
          SendOutcome.retry(Duration.ofSeconds(1), "console write failed: " + e.getMessage()));
    }
  }

  static void writeRecord(JsonGenerator g, LogRecord r) throws IOException {
    g.writeStartObject();
    g.writeStringField("time", Timestamps.formatRfc3339Nano(r.timestampNanos()));
    g.writeStringField("stream", r.stream().wireName());
    g.writeFieldName("message");
    g.writeUTF8String(r.message(), 0, r.messageLength());
    g.writeStringField("path", r.source().path().toString());
    g.writeNumberField("offset", r.startOffset());
    if (r.severity() != Severity.UNSPECIFIED) {
      g.writeStringField("severity", r.severity().name().toLowerCase(Locale.ROOT));
    }
    flag(g, r, LogRecord.TRUNCATED, "truncated");
    flag(g, r, LogRecord.UNPARSED, "unparsed");
    flag(g, r, LogRecord.INVALID_UTF8, "invalid_utf8");
    flag(g, r, LogRecord.MERGED, "merged");
    if (r.source().container().isPresent()) {
      ContainerRef c = r.source().container().get();
      g.writeObjectFieldStart("container");
      g.writeStringField("pod", c.pod());
      g.writeStringField("namespace", c.namespace());
      g.writeStringField("name", c.container());
      g.writeStringField("id", c.containerId());
      g.writeEndObject();
    }
    if (!r.metadata().isEmpty()) {
      g.writeObjectFieldStart("metadata");
      for (Map.Entry<String, String> e : r.metadata().attributes().entrySet()) {
        g.writeStringField(e.getKey(), e.getValue());
      }
      g.writeEndObject();
    }
    if (!r.fields().isEmpty()) {
      g.writeFieldName("fields");
      FieldsJson.write(g, r.fields());
    }
    g.writeEndObject();
  }

  private static void flag(JsonGenerator g, LogRecord r, int flag, String name) throws IOException {
    if (r.hasFlag(flag)) {
      g.writeBooleanField(name, true);
    }
  }
}
