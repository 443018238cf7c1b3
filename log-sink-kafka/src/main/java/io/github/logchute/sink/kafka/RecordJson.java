package io.github.logchute.sink.kafka;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.github.logchute.core.ContainerRef;
import io.github.logchute.core.FieldsJson;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.Severity;
import io.github.logchute.core.parse.Timestamps;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;

/**
 * The value of each Kafka record: one JSON object, format version {@value #VERSION}. The console
 * sink's fields, in its order, after the version:
 *
 * <pre>{@code
 * {"v":1,"time":"2026-01-02T03:04:05.123456789Z","stream":"stdout","message":"...",
 *  "path":"/var/log/containers/...log","offset":5120,"severity":"info",
 *  "truncated":true,"unparsed":true,"invalid_utf8":true,"merged":true,"multiline":true,
 *  "fields_dropped":3,
 *  "container":{"pod":"...","namespace":"...","name":"...","id":"..."},
 *  "metadata":{"k8s.namespace.name":"...",...},"fields":{...}}
 * }</pre>
 *
 * {@code severity}, the flags, {@code fields_dropped}, {@code container}, {@code metadata} and
 * {@code fields} appear only when they apply. A record whose value would exceed {@code
 * maxRecordBytes} is written without its {@code fields} ({@code fields_dropped} says how many were
 * left out) and, if that is not enough, with its message cut on a character boundary and ending in
 * {@value #TRUNCATION_MARKER} ({@code truncated: true}).
 *
 * <p>Not thread-safe: one instance per encoding thread.
 */
final class RecordJson {

  /** The format version, the {@code v} member of every value. */
  static final int VERSION = 1;

  /** Ends a message cut to fit {@code maxRecordBytes}. */
  static final String TRUNCATION_MARKER = "...TRUNCATED...";

  private static final byte[] MARKER = TRUNCATION_MARKER.getBytes(StandardCharsets.UTF_8);

  /** A buffer whose bytes can be read without a copy. */
  static final class Buf extends ByteArrayOutputStream {
    Buf(int size) {
      super(size);
    }

    byte[] array() {
      return buf;
    }
  }

  private final int maxRecordBytes;
  private final Buf out = new Buf(4096);
  private final JsonGenerator g;

  RecordJson(JsonFactory json, int maxRecordBytes) {
    this.maxRecordBytes = maxRecordBytes;
    try {
      this.g = json.createGenerator(out);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    g.setRootValueSeparator(null);
  }

  /**
   * Writes {@code r}'s value; read it with {@link #bytes()} and {@link #length()} until the next
   * call.
   *
   * @return true if the record had to be cut (fields left out or message cut)
   */
  boolean write(LogRecord r) {
    byte[] msg = r.message();
    write(r, msg, msg.length, false, -1);
    if (out.size() <= maxRecordBytes) {
      return false;
    }
    int fieldCount = r.fields().size();
    if (fieldCount > 0) {
      write(r, msg, msg.length, false, fieldCount);
      if (out.size() <= maxRecordBytes) {
        return true;
      }
    }
    // cut the message: what is left of the limit without any message, filled in proportion to
    // what the kept bytes encode to (escapes make a byte up to six), until the value fits
    int dropped = fieldCount > 0 ? fieldCount : -1;
    write(r, msg, 0, true, dropped);
    int base = out.size();
    if (base >= maxRecordBytes) {
      return true; // over the limit even without a message: goes as it is, the broker decides
    }
    long budget = maxRecordBytes - base;
    int keep = (int) Math.min(msg.length, budget);
    while (keep > 0) {
      keep = utf8Boundary(msg, keep);
      write(r, msg, keep, true, dropped);
      if (out.size() <= maxRecordBytes) {
        return true;
      }
      long encoded = out.size() - base; // > budget
      keep = (int) (keep * budget / encoded) - 1;
    }
    write(r, msg, 0, true, dropped);
    return true;
  }

  byte[] bytes() {
    return out.array();
  }

  int length() {
    return out.size();
  }

  /** The largest index {@code <= n} that does not split a UTF-8 sequence of {@code b}. */
  static int utf8Boundary(byte[] b, int n) {
    if (n >= b.length) {
      return b.length;
    }
    int i = n;
    while (i > 0 && (b[i] & 0xC0) == 0x80) {
      i--; // b[i] continues a sequence: cut before the sequence's first byte
    }
    return i;
  }

  private void write(LogRecord r, byte[] msg, int msgLength, boolean cut, int fieldsDropped) {
    out.reset();
    try {
      g.writeStartObject();
      g.writeNumberField("v", VERSION);
      g.writeStringField("time", Timestamps.formatRfc3339Nano(r.timestampNanos()));
      g.writeStringField("stream", r.stream().wireName());
      g.writeFieldName("message");
      if (cut) {
        byte[] m = new byte[msgLength + MARKER.length];
        System.arraycopy(msg, 0, m, 0, msgLength);
        System.arraycopy(MARKER, 0, m, msgLength, MARKER.length);
        g.writeUTF8String(m, 0, m.length);
      } else {
        g.writeUTF8String(msg, 0, msgLength);
      }
      g.writeStringField("path", r.source().path().toString());
      g.writeNumberField("offset", r.startOffset());
      if (r.severity() != Severity.UNSPECIFIED) {
        g.writeStringField("severity", r.severity().name().toLowerCase(Locale.ROOT));
      }
      flag(r.hasFlag(LogRecord.TRUNCATED) || cut, "truncated");
      flag(r.hasFlag(LogRecord.UNPARSED), "unparsed");
      flag(r.hasFlag(LogRecord.INVALID_UTF8), "invalid_utf8");
      flag(r.hasFlag(LogRecord.MERGED), "merged");
      flag(r.hasFlag(LogRecord.MULTILINE), "multiline");
      if (fieldsDropped > 0) {
        g.writeNumberField("fields_dropped", fieldsDropped);
      }
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
      if (fieldsDropped < 0 && !r.fields().isEmpty()) {
        g.writeFieldName("fields");
        FieldsJson.write(g, r.fields());
      }
      g.writeEndObject();
      g.flush();
    } catch (IOException e) {
      throw new UncheckedIOException("encoding to memory failed", e);
    }
  }

  private void flag(boolean on, String name) throws IOException {
    if (on) {
      g.writeBooleanField(name, true);
    }
  }
}
