package io.github.logchute.sink.stackdriver;

import com.fasterxml.jackson.core.JsonGenerator;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.Severity;
import io.github.logchute.core.metrics.Counter;
import io.github.logchute.core.parse.Timestamps;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Writes a {@code WriteLogEntriesRequest} (SPECS.md 3.1) — {@code {"partialSuccess":true,
 * "entries":[...]}} — with one Jackson generator into one reused buffer. Used by one thread at a
 * time.
 *
 * <pre>
 * design notes
 * - Every entry carries its own logName and resource: a batch mixes sources, and the per-source
 *   JSON (SourcePart) is copied in raw, so this costs a memcpy, not an encoding.
 * - Entries are written as root-level values of the generator (root separator off) and the
 *   separating commas raw, so an entry that turns out too large can be rewound and written again
 *   (truncated) without the generator's context noticing.
 * - An entry over maxEntryBytes is written again with its payload as textPayload: the message cut
 *   on a UTF-8 boundary plus a marker, and the label logchute/truncated=true. The cut is measured,
 *   not guessed: escaping may grow text, so it shrinks until the entry fits.
 * </pre>
 */
final class EntryWriter {

  /** Labels per entry, SPECS.md 3.6. */
  static final int MAX_LABELS = 64;

  /** Label set on every entry whose message was cut (here or by the reader). */
  static final String TRUNCATED_LABEL = "logchute/truncated";

  /** Appended to a cut message: the bytes kept and the message's original size. */
  static final String MARKER_FORMAT = " [logchute: truncated, %d of %d bytes]";

  private static final byte[] PREFIX =
      "{\"partialSuccess\":true,\"entries\":[".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] SUFFIX = "]}".getBytes(StandardCharsets.US_ASCII);
  private static final int MARKER_RESERVE = 64;

  private final ByteBuf buf = new ByteBuf();
  private final JsonGenerator g;
  private final SpecialFields special = new SpecialFields();
  private final char[] timestamp = new char[Rfc3339.LENGTH];
  private final char[] insertId = new char[InsertIds.MAX_LENGTH];
  private final int maxEntryBytes;
  private final Counter truncated;
  private final Counter labelsDropped;
  private int entries;
  private int payloadBytes;

  EntryWriter(int maxEntryBytes, Counter truncated, Counter labelsDropped) {
    this.maxEntryBytes = maxEntryBytes;
    this.truncated = truncated;
    this.labelsDropped = labelsDropped;
    try {
      g = JsonValues.FACTORY.createGenerator(buf);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    g.setRootValueSeparator(null);
  }

  /** Starts a request body. */
  void begin() {
    buf.reset();
    buf.write(PREFIX, 0, PREFIX.length);
    entries = 0;
  }

  /** Appends the entry of {@code r}. */
  void entry(LogRecord r, SourcePart part) {
    try {
      if (entries++ > 0) {
        g.writeRaw(',');
      }
      int start = position();
      special.scan(r.fields());
      write(r, part, -1);
      int size = position() - start;
      if (size <= maxEntryBytes) {
        return;
      }
      truncated.increment();
      int overhead = size - payloadBytes;
      int budget = Math.max(0, maxEntryBytes - overhead - MARKER_RESERVE);
      while (true) {
        g.flush();
        buf.rewind(start);
        write(r, part, budget);
        size = position() - start;
        if (size <= maxEntryBytes || budget == 0) {
          return;
        }
        budget = Math.max(0, budget - (size - maxEntryBytes) - MARKER_RESERVE);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("encoding into memory failed", e);
    }
  }

  /** Ends the body and returns a copy of it. */
  byte[] finish() {
    try {
      g.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    buf.write(SUFFIX, 0, SUFFIX.length);
    return buf.toByteArray();
  }

  private int position() {
    return buf.size() + g.getOutputBuffered();
  }

  /** One LogEntry; {@code cutAt >= 0} writes the message as text cut to that many bytes. */
  private void write(LogRecord r, SourcePart part, int cutAt) throws IOException {
    SpecialFields s = special;
    g.writeStartObject();
    g.writeStringField("logName", part.logName(r.stream()));
    g.writeFieldName("resource");
    g.writeRawValue(part.resource);
    long time = s.timestampNanos != Timestamps.INVALID ? s.timestampNanos : r.timestampNanos();
    if (Rfc3339.format(time, timestamp)) {
      g.writeFieldName("timestamp");
      g.writeString(timestamp, 0, Rfc3339.LENGTH);
    }
    LogSeverity severity =
        r.severity() == Severity.UNSPECIFIED && s.severity != null
            ? s.severity
            : LogSeverity.of(r.severity(), r.stream());
    g.writeStringField("severity", severity.name());
    g.writeFieldName("insertId");
    if (s.insertId != null) {
      g.writeString(s.insertId);
    } else {
      g.writeString(insertId, 0, InsertIds.write(part.insertIdPrefix, r.startOffset(), insertId));
    }
    writeLabels(part, s, cutAt >= 0 || r.hasFlag(LogRecord.TRUNCATED));
    if (s.httpRequest != null) {
      writeTyped("httpRequest", s.httpRequest, SpecialFields.HTTP_REQUEST_FIELDS);
    }
    if (s.operation != null) {
      writeTyped("operation", s.operation, SpecialFields.OPERATION_FIELDS);
    }
    if (s.trace != null) {
      g.writeStringField("trace", s.trace);
    }
    if (s.spanId != null) {
      g.writeStringField("spanId", s.spanId);
    }
    if (s.traceSampled != null) {
      g.writeBooleanField("traceSampled", s.traceSampled);
    }
    if (s.sourceLocation != null) {
      writeTyped("sourceLocation", s.sourceLocation, SpecialFields.SOURCE_LOCATION_FIELDS);
    }
    int payloadStart = position();
    if (cutAt >= 0) {
      writeCut(r, cutAt);
    } else if (r.fields().isEmpty()) {
      g.writeFieldName("textPayload");
      g.writeUTF8String(r.message(), 0, r.messageLength());
    } else if (s.messageOnly != null) {
      g.writeStringField("textPayload", s.messageOnly);
    } else {
      g.writeObjectFieldStart("jsonPayload");
      for (Map.Entry<String, Object> e : r.fields().entrySet()) {
        if (!s.promoted.contains(e.getKey())) {
          g.writeFieldName(e.getKey());
          JsonValues.write(g, e.getValue());
        }
      }
      g.writeEndObject();
    }
    payloadBytes = position() - payloadStart;
    g.writeEndObject();
  }

  private void writeCut(LogRecord r, int cutAt) throws IOException {
    byte[] msg = r.message();
    int cut = Math.min(cutAt, msg.length);
    while (cut > 0 && cut < msg.length && (msg[cut] & 0xC0) == 0x80) {
      cut--; // never split a UTF-8 sequence
    }
    byte[] marker =
        String.format(Locale.ROOT, MARKER_FORMAT, cut, msg.length)
            .getBytes(StandardCharsets.US_ASCII);
    byte[] text = new byte[cut + marker.length];
    System.arraycopy(msg, 0, text, 0, cut);
    System.arraycopy(marker, 0, text, cut, marker.length);
    g.writeFieldName("textPayload");
    g.writeUTF8String(text, 0, text.length);
  }

  private void writeLabels(SourcePart part, SpecialFields s, boolean markTruncated)
      throws IOException {
    if (s.labels == null && !markTruncated) {
      if (part.podLabelsJson != null) {
        g.writeFieldName("labels");
        g.writeRawValue(part.podLabelsJson);
      }
      return;
    }
    Map<String, String> labels = new LinkedHashMap<>();
    if (markTruncated) {
      labels.put(TRUNCATED_LABEL, "true"); // first, so the 64-label cap never drops it
    }
    labels.putAll(part.podLabels);
    if (s.labels != null) {
      labels.putAll(s.labels); // the application's own labels win over pod labels
    }
    g.writeObjectFieldStart("labels");
    int n = 0;
    for (Map.Entry<String, String> e : labels.entrySet()) {
      if (n++ == MAX_LABELS) {
        labelsDropped.add(labels.size() - MAX_LABELS);
        break;
      }
      g.writeStringField(e.getKey(), e.getValue());
    }
    g.writeEndObject();
  }

  private void writeTyped(String name, Map<?, ?> m, Map<String, SpecialFields.Kind> schema)
      throws IOException {
    g.writeObjectFieldStart(name);
    for (Map.Entry<?, ?> e : m.entrySet()) {
      String key = String.valueOf(e.getKey());
      Object v = e.getValue();
      g.writeFieldName(key);
      switch (schema.get(key)) {
        case INT64:
          g.writeString(v.toString()); // proto3 JSON: int64 as a decimal string
          break;
        case INT32:
          g.writeNumber(((Number) v).longValue());
          break;
        case BOOL:
          g.writeBoolean((Boolean) v);
          break;
        default:
          g.writeString((String) v);
      }
    }
    g.writeEndObject();
  }
}
