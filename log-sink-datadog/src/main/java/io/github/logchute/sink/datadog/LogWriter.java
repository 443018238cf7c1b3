package io.github.logchute.sink.datadog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogStream;
import io.github.logchute.core.Severity;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * Writes one log object (SPECS.md §2.3): the source's constant members, {@code message}, {@code
 * status}, {@code timestamp} (epoch milliseconds), logchute's own attributes under {@code
 * logchute}, then the application's JSON fields as top-level attributes.
 *
 * <p>Names Datadog reserves, or that we write, are never taken by an application field: such a
 * field goes under {@code app} instead ({@code app.status}, {@code app.service}, ...). The
 * application's {@code message} (else {@code msg}), when it is a string, is the log's message.
 *
 * <p>A log that encodes over {@code maxLogBytes} is written again cut: fields in order while they
 * fit in half the limit (the others are counted and named in {@code logchute.fields_dropped}), then
 * the message cut on a character boundary and ended with {@value LogEncoder#TRUNCATION_MARKER}.
 */
final class LogWriter {

  /** Top-level names an application field may not take (ours, and Datadog's remapped ones). */
  static final Set<String> RESERVED =
      Set.of(
          "message",
          "status",
          "timestamp",
          "service",
          "ddsource",
          "ddtags",
          "hostname",
          "host",
          "logchute",
          "app");

  private static final long NO_ORIGINAL = Long.MIN_VALUE;
  private static final int MAX_DEPTH = 32;
  private static final byte[] MARKER =
      LogEncoder.TRUNCATION_MARKER.getBytes(StandardCharsets.UTF_8);
  private static final String[] STATUS = new String[Severity.values().length];

  static {
    // Datadog's statuses (log status remapper: emerg, alert, critical, error, warning, notice,
    // info, debug); it has no trace level, debug is the closest
    STATUS[Severity.TRACE.ordinal()] = "debug";
    STATUS[Severity.DEBUG.ordinal()] = "debug";
    STATUS[Severity.INFO.ordinal()] = "info";
    STATUS[Severity.NOTICE.ordinal()] = "notice";
    STATUS[Severity.WARNING.ordinal()] = "warning";
    STATUS[Severity.ERROR.ordinal()] = "error";
    STATUS[Severity.CRITICAL.ordinal()] = "critical";
    STATUS[Severity.ALERT.ordinal()] = "alert";
    STATUS[Severity.EMERGENCY.ordinal()] = "emerg";
  }

  private final JsonFactory factory;
  private final DatadogMetrics metrics;
  private final int maxLogBytes;

  LogWriter(JsonFactory factory, DatadogMetrics metrics, int maxLogBytes) {
    this.factory = factory;
    this.metrics = metrics;
    this.maxLogBytes = maxLogBytes;
  }

  /**
   * Datadog status of {@code r}: from its severity, else from its stream as the Datadog Agent does
   * for container logs (stderr → error, stdout → info).
   */
  static String status(LogRecord r) {
    String s = STATUS[r.severity().ordinal()];
    if (s != null) {
      return s;
    }
    return r.stream() == LogStream.STDERR ? "error" : "info";
  }

  /** The application field that becomes the message: {@code message}, else {@code msg}. */
  static String messageKey(Map<String, Object> fields) {
    if (fields.isEmpty()) {
      return null;
    }
    if (fields.get("message") instanceof String) {
      return "message";
    }
    return fields.get("msg") instanceof String ? "msg" : null;
  }

  /**
   * Writes {@code r} at the end of {@code out}, cut if it comes out over {@code maxLogBytes}.
   *
   * @param original the original time in epoch millis when {@code ts} is the send time, else {@link
   *     Long#MIN_VALUE}
   * @param repair replace lone surrogates in strings (a first attempt failed on one)
   */
  void write(
      JsonGenerator g,
      ByteBuf out,
      LogRecord r,
      ConstantPart part,
      long ts,
      long original,
      boolean repair)
      throws IOException {
    String key = messageKey(r.fields());
    byte[] raw = r.message();
    int rawLen = r.messageLength();
    boolean invalid = repair;
    String text = key != null ? (String) r.fields().get(key) : null;
    if (text == null && !Utf8s.isValid(raw, rawLen)) {
      text = new String(raw, 0, rawLen, StandardCharsets.UTF_8); // replaces with U+FFFD
      invalid = true;
      metrics.recordsInvalidUtf8.increment();
    }
    if (text != null && repair) {
      text = Strings.repair(text);
    }
    int mark = out.size();
    Log log = new Log(r, part, key, ts, original, invalid, repair);
    if (text != null) {
      log.writeText(g, out, text);
    } else {
      log.writeBytes(g, out, raw, rawLen, false, Set.of());
    }
    if (out.size() - mark <= maxLogBytes) {
      return;
    }
    out.truncate(mark);
    byte[] bytes = text != null ? text.getBytes(StandardCharsets.UTF_8) : raw;
    int len = text != null ? bytes.length : rawLen;
    writeCut(g, out, log, bytes, len);
    metrics.recordsTruncated.increment();
  }

  private void writeCut(JsonGenerator g, ByteBuf out, Log log, byte[] msg, int msgLen)
      throws IOException {
    Set<String> dropped = fieldsOverHalf(log);
    int mark = out.size();
    log.writeBytes(g, out, msg, 0, true, dropped);
    int fixed = out.size() - mark;
    out.truncate(mark);
    if (fixed + MARKER.length > maxLogBytes && !dropped.equals(log.fieldKeys())) {
      dropped = log.fieldKeys(); // the fields alone do not fit: none go
      log.writeBytes(g, out, msg, 0, true, dropped);
      fixed = out.size() - mark;
      out.truncate(mark);
    }
    int budget = Math.max(0, maxLogBytes - fixed - MARKER.length);
    for (int attempt = 0; ; attempt++) {
      int cut = Utf8s.boundary(msg, msgLen, budget);
      byte[] cutMsg = Arrays.copyOf(msg, cut + MARKER.length);
      System.arraycopy(MARKER, 0, cutMsg, cut, MARKER.length);
      log.writeBytes(g, out, cutMsg, cutMsg.length, true, dropped);
      int size = out.size() - mark;
      if (size <= maxLogBytes || budget == 0 || attempt == 8) {
        metrics.fieldsDropped.add(dropped.size());
        return;
      }
      out.truncate(mark); // escapes made it longer than its bytes: cut more
      budget = Math.max(0, budget - (size - maxLogBytes));
    }
  }

  /** Application fields, in order, that do not fit in half of {@code maxLogBytes}. */
  private Set<String> fieldsOverHalf(Log log) throws IOException {
    Set<String> dropped = new HashSet<>();
    ByteBuf scratch = new ByteBuf(4096);
    long used = 0;
    for (Map.Entry<String, Object> e : log.r.fields().entrySet()) {
      if (e.getKey().equals(log.messageKey)) {
        continue;
      }
      scratch.reset();
      try (JsonGenerator s = factory.createGenerator(scratch)) {
        s.writeStartObject();
        s.writeFieldName(e.getKey());
        Values.write(s, e.getValue(), 0, MAX_DEPTH, log.repair);
        s.writeEndObject();
      }
      long size = scratch.size(); // "name":value plus a comma, about
      if (used + size > maxLogBytes / 2) {
        dropped.add(e.getKey());
      } else {
        used += size;
      }
    }
    return dropped;
  }

  /** One record being written, with what stays the same between attempts. */
  private static final class Log {
    final LogRecord r;
    final ConstantPart part;
    final String messageKey;
    final long ts;
    final long original;
    final boolean invalid;
    final boolean repair;

    Log(
        LogRecord r,
        ConstantPart part,
        String messageKey,
        long ts,
        long original,
        boolean invalid,
        boolean repair) {
      this.r = r;
      this.part = part;
      this.messageKey = messageKey;
      this.ts = ts;
      this.original = original;
      this.invalid = invalid;
      this.repair = repair;
    }

    Set<String> fieldKeys() {
      Set<String> keys = new HashSet<>(r.fields().keySet());
      keys.remove(messageKey);
      return keys;
    }

    void writeText(JsonGenerator g, ByteBuf out, String text) throws IOException {
      head(g, out);
      g.writeString(text);
      tail(g, false, Set.of());
    }

    void writeBytes(
        JsonGenerator g, ByteBuf out, byte[] msg, int len, boolean cut, Set<String> dropped)
        throws IOException {
      head(g, out);
      g.writeUTF8String(msg, 0, len);
      tail(g, cut, dropped);
    }

    private void head(JsonGenerator g, ByteBuf out) throws IOException {
      g.writeStartObject();
      g.flush();
      out.write(part.json(), 0, part.json().length); // ends with ',': no comma before "message"
      g.writeFieldName("message");
    }

    private void tail(JsonGenerator g, boolean cut, Set<String> dropped) throws IOException {
      g.writeStringField("status", status(r));
      g.writeNumberField("timestamp", ts);
      g.writeObjectFieldStart("logchute");
      g.writeStringField("stream", r.stream().wireName());
      g.writeFieldName("file");
      g.writeString(part.path());
      g.writeNumberField("offset", r.startOffset());
      if (cut || r.hasFlag(LogRecord.TRUNCATED)) {
        g.writeBooleanField("truncated", true);
      }
      if (r.hasFlag(LogRecord.UNPARSED)) {
        g.writeBooleanField("unparsed", true);
      }
      if (invalid || r.hasFlag(LogRecord.INVALID_UTF8)) {
        g.writeBooleanField("invalid_utf8", true);
      }
      if (original != NO_ORIGINAL) {
        g.writeNumberField("original_timestamp", original);
      }
      if (!dropped.isEmpty()) {
        g.writeNumberField("fields_dropped", dropped.size());
      }
      g.writeEndObject();
      Map<String, Object> fields = r.fields();
      if (!fields.isEmpty()) {
        boolean conflicts = false;
        for (Map.Entry<String, Object> e : fields.entrySet()) {
          String k = e.getKey();
          if (k.equals(messageKey) || dropped.contains(k)) {
            continue;
          }
          if (RESERVED.contains(k)) {
            conflicts = true;
            continue;
          }
          g.writeFieldName(repair ? Strings.repair(k) : k);
          Values.write(g, e.getValue(), 0, MAX_DEPTH, repair);
        }
        if (conflicts) {
          g.writeObjectFieldStart("app");
          for (Map.Entry<String, Object> e : fields.entrySet()) {
            String k = e.getKey();
            if (RESERVED.contains(k) && !k.equals(messageKey) && !dropped.contains(k)) {
              g.writeFieldName(k);
              Values.write(g, e.getValue(), 0, MAX_DEPTH, repair);
            }
          }
          g.writeEndObject();
        }
      }
      g.writeEndObject();
      g.flush();
    }
  }
}
