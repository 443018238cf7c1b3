package io.github.logchute.examples.jsonl;

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
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns a batch of records into JSON lines with Jackson's streaming generator (jackson-core ships
 * inside the agent, so the plugin needs nothing else). One object per record, one line per object:
 *
 * <pre>{@code
 * {"time":"2026-11-25T10:15:30.123456789Z","stream":"stdout","message":"order placed",
 *  "severity":"info","path":"/var/log/containers/...","offset":120,
 *  "container":{"pod":"...","namespace":"...","name":"...","id":"..."},
 *  "metadata":{"k8s.pod.name":"..."},"fields":{"order_id":"A-10021"}}
 * }</pre>
 *
 * ({@code severity}, the flags {@code truncated}/{@code unparsed}/{@code invalid_utf8}/{@code
 * merged}, {@code container}, {@code metadata} and {@code fields} only when they apply). A message
 * newline is escaped as {@code \n}, so a record never spans two lines of the file.
 */
final class JsonlEncoder {

  private static final JsonFactory JSON = new JsonFactory();

  private JsonlEncoder() {}

  /** The records as JSON lines, each ended by {@code \n}. */
  static byte[] encode(List<LogRecord> records) {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(records.size() * 256);
    try (JsonGenerator g = JSON.createGenerator(buf)) {
      g.setRootValueSeparator(null);
      for (LogRecord r : records) {
        write(g, r);
        g.flush();
        buf.write('\n');
      }
    } catch (IOException e) {
      // a ByteArrayOutputStream does not fail; this is a bug, which encode() may throw for
      throw new UncheckedIOException("encoding to memory failed", e);
    }
    return buf.toByteArray();
  }

  private static void write(JsonGenerator g, LogRecord r) throws IOException {
    g.writeStartObject();
    g.writeStringField("time", Timestamps.formatRfc3339Nano(r.timestampNanos()));
    g.writeStringField("stream", r.stream().wireName());
    g.writeFieldName("message");
    g.writeUTF8String(r.message(), 0, r.messageLength());
    if (r.severity() != Severity.UNSPECIFIED) {
      g.writeStringField("severity", r.severity().name().toLowerCase(Locale.ROOT));
    }
    g.writeStringField("path", r.source().path().toString());
    g.writeNumberField("offset", r.startOffset());
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
      FieldsJson.write(g, r.fields()); // log-core writes the fields as valid JSON
    }
    g.writeEndObject();
  }

  private static void flag(JsonGenerator g, LogRecord r, int flag, String name) throws IOException {
    if (r.hasFlag(flag)) {
      g.writeBooleanField(name, true);
    }
  }
}
