package io.github.logchute.sink.stackdriver;

import io.github.logchute.core.parse.Timestamps;
import java.nio.charset.StandardCharsets;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The keys of an application's JSON line that Cloud Logging's agents promote out of {@code
 * jsonPayload} into LogEntry fields (SPECS.md 3.5, after cloud.google.com/logging/docs/structured-
 * logging). One instance is reused per entry by the single encoding thread ({@link #scan} resets
 * it).
 *
 * <p>A key is promoted only when its value has the type the LogEntry field requires (a {@code
 * httpRequest} with an unknown member, a {@code sourceLocation.line} that is not an integer, ...);
 * otherwise it stays in {@code jsonPayload} untouched — one odd line must never make the API refuse
 * a whole request.
 */
final class SpecialFields {

  static final String SEVERITY = "severity";
  static final String MESSAGE = "message";
  static final String HTTP_REQUEST = "httpRequest";
  static final String TIME = "time";
  static final String TIMESTAMP = "timestamp";
  static final String TIMESTAMP_SECONDS = "timestampSeconds";
  static final String TIMESTAMP_NANOS = "timestampNanos";
  static final String TIME_NANOS = "timeNanos";
  static final String INSERT_ID = "logging.googleapis.com/insertId";
  static final String LABELS = "logging.googleapis.com/labels";
  static final String OPERATION = "logging.googleapis.com/operation";
  static final String SOURCE_LOCATION = "logging.googleapis.com/sourceLocation";
  static final String SPAN_ID = "logging.googleapis.com/spanId";
  static final String TRACE = "logging.googleapis.com/trace";
  static final String TRACE_SAMPLED = "logging.googleapis.com/trace_sampled";
  static final String TRACE_SAMPLED_CAMEL = "logging.googleapis.com/traceSampled";

  /** The members of {@code HttpRequest} and their JSON types (LogEntry reference). */
  static final Map<String, Kind> HTTP_REQUEST_FIELDS =
      Map.ofEntries(
          Map.entry("requestMethod", Kind.STRING),
          Map.entry("requestUrl", Kind.STRING),
          Map.entry("requestSize", Kind.INT64),
          Map.entry("status", Kind.INT32),
          Map.entry("responseSize", Kind.INT64),
          Map.entry("userAgent", Kind.STRING),
          Map.entry("remoteIp", Kind.STRING),
          Map.entry("serverIp", Kind.STRING),
          Map.entry("referer", Kind.STRING),
          Map.entry("latency", Kind.DURATION),
          Map.entry("cacheLookup", Kind.BOOL),
          Map.entry("cacheHit", Kind.BOOL),
          Map.entry("cacheValidatedWithOriginServer", Kind.BOOL),
          Map.entry("cacheFillBytes", Kind.INT64),
          Map.entry("protocol", Kind.STRING));

  static final Map<String, Kind> SOURCE_LOCATION_FIELDS =
      Map.of("file", Kind.STRING, "line", Kind.INT64, "function", Kind.STRING);

  static final Map<String, Kind> OPERATION_FIELDS =
      Map.of("id", Kind.STRING, "producer", Kind.STRING, "first", Kind.BOOL, "last", Kind.BOOL);

  /** JSON types of LogEntry members (int64 travels as a string in proto3 JSON). */
  enum Kind {
    STRING,
    INT64,
    INT32,
    BOOL,
    DURATION
  }

  /** Keys promoted for the current record; the rest make up {@code jsonPayload}. */
  final Set<String> promoted = new HashSet<>();

  LogSeverity severity;
  long timestampNanos;
  String insertId;
  Map<String, String> labels;
  Map<?, ?> httpRequest;
  Map<?, ?> sourceLocation;
  Map<?, ?> operation;
  String trace;
  String spanId;
  Boolean traceSampled;

  /** The message when it is the only key left: the entry becomes {@code textPayload}. */
  String messageOnly;

  /** Examines {@code fields}, replacing what an earlier call found. */
  void scan(Map<String, Object> fields) {
    promoted.clear();
    severity = null;
    timestampNanos = Timestamps.INVALID;
    insertId = null;
    labels = null;
    httpRequest = null;
    sourceLocation = null;
    operation = null;
    trace = null;
    spanId = null;
    traceSampled = null;
    messageOnly = null;
    if (fields.isEmpty()) {
      return;
    }
    Object v;
    if ((v = fields.get(SEVERITY)) instanceof String || v instanceof Number) {
      severity = LogSeverity.parse(v);
      promoted.add(SEVERITY);
    }
    scanTime(fields);
    if ((v = fields.get(INSERT_ID)) instanceof String s && !s.isEmpty()) {
      insertId = s;
      promoted.add(INSERT_ID);
    }
    if ((v = fields.get(LABELS)) instanceof Map<?, ?> m) {
      Map<String, String> l = new LinkedHashMap<>();
      boolean ok = true;
      for (Map.Entry<?, ?> e : m.entrySet()) {
        String text = JsonValues.scalarText(e.getValue());
        if (text == null) {
          ok = false;
          break;
        }
        l.put(String.valueOf(e.getKey()), text);
      }
      if (ok) {
        labels = l;
        promoted.add(LABELS);
      }
    }
    if ((v = fields.get(HTTP_REQUEST)) instanceof Map<?, ?> m && conforms(m, HTTP_REQUEST_FIELDS)) {
      httpRequest = m;
      promoted.add(HTTP_REQUEST);
    }
    if ((v = fields.get(SOURCE_LOCATION)) instanceof Map<?, ?> m
        && conforms(m, SOURCE_LOCATION_FIELDS)) {
      sourceLocation = m;
      promoted.add(SOURCE_LOCATION);
    }
    if ((v = fields.get(OPERATION)) instanceof Map<?, ?> m && conforms(m, OPERATION_FIELDS)) {
      operation = m;
      promoted.add(OPERATION);
    }
    if ((v = fields.get(TRACE)) instanceof String s) {
      trace = s;
      promoted.add(TRACE);
    }
    if ((v = fields.get(SPAN_ID)) instanceof String s) {
      spanId = s;
      promoted.add(SPAN_ID);
    }
    if ((v = fields.get(TRACE_SAMPLED)) instanceof Boolean b) {
      traceSampled = b;
      promoted.add(TRACE_SAMPLED);
    } else if ((v = fields.get(TRACE_SAMPLED_CAMEL)) instanceof Boolean b) {
      traceSampled = b;
      promoted.add(TRACE_SAMPLED_CAMEL);
    }
    // "message" stays in jsonPayload, unless it is all that is left (SPECS.md 3.5)
    if (fields.size() - promoted.size() == 1 && fields.get(MESSAGE) instanceof String s) {
      messageOnly = s;
    }
  }

  private void scanTime(Map<String, Object> fields) {
    Object v = fields.get(TIME);
    if (v instanceof String s && (timestampNanos = parseRfc3339(s)) != Timestamps.INVALID) {
      promoted.add(TIME);
      return;
    }
    v = fields.get(TIMESTAMP);
    if (v instanceof Map<?, ?> m
        && m.get("seconds") instanceof Number sec
        && (m.get("nanos") == null || m.get("nanos") instanceof Number)
        && m.size() <= 2) {
      long nanos = m.get("nanos") instanceof Number n ? n.longValue() : 0;
      timestampNanos = seconds(sec.longValue(), nanos);
      if (timestampNanos != Timestamps.INVALID) {
        promoted.add(TIMESTAMP);
        return;
      }
    } else if (v instanceof String s && (timestampNanos = parseRfc3339(s)) != Timestamps.INVALID) {
      promoted.add(TIMESTAMP);
      return;
    }
    if (fields.get(TIMESTAMP_SECONDS) instanceof Number sec) {
      Object n = fields.get(TIMESTAMP_NANOS);
      timestampNanos = seconds(sec.longValue(), n instanceof Number nn ? nn.longValue() : 0);
      if (timestampNanos != Timestamps.INVALID) {
        promoted.add(TIMESTAMP_SECONDS);
        if (n instanceof Number) {
          promoted.add(TIMESTAMP_NANOS);
        }
        return;
      }
    }
    if (fields.get(TIME_NANOS) instanceof Number n) {
      timestampNanos = n.longValue();
      promoted.add(TIME_NANOS);
    }
  }

  private static long parseRfc3339(String s) {
    byte[] b = s.getBytes(StandardCharsets.US_ASCII);
    return Timestamps.parse(b, 0, b.length);
  }

  private static long seconds(long seconds, long nanos) {
    if (nanos < 0 || nanos >= 1_000_000_000L) {
      return Timestamps.INVALID;
    }
    try {
      return Math.addExact(Math.multiplyExact(seconds, 1_000_000_000L), nanos);
    } catch (ArithmeticException e) {
      return Timestamps.INVALID;
    }
  }

  /** Whether every member of {@code m} is a known one of the right type. */
  static boolean conforms(Map<?, ?> m, Map<String, Kind> schema) {
    for (Map.Entry<?, ?> e : m.entrySet()) {
      Kind k = schema.get(String.valueOf(e.getKey()));
      if (k == null || !matches(k, e.getValue())) {
        return false;
      }
    }
    return true;
  }

  static boolean matches(Kind k, Object v) {
    switch (k) {
      case STRING:
        return v instanceof String;
      case BOOL:
        return v instanceof Boolean;
      case INT32:
        return integral(v) && Math.abs(((Number) v).longValue()) <= Integer.MAX_VALUE;
      case INT64:
        return integral(v) || (v instanceof String s && isInteger(s));
      case DURATION:
        return v instanceof String s && isDuration(s);
      default:
        return false;
    }
  }

  private static boolean integral(Object v) {
    return v instanceof Long || v instanceof Integer || v instanceof Short || v instanceof Byte;
  }

  private static boolean isInteger(String s) {
    int i = s.startsWith("-") ? 1 : 0;
    if (s.length() == i || s.length() - i > 19) {
      return false;
    }
    for (; i < s.length(); i++) {
      if (s.charAt(i) < '0' || s.charAt(i) > '9') {
        return false;
      }
    }
    return true;
  }

  /** A protobuf Duration in JSON: decimal seconds with up to 9 fraction digits, then {@code s}. */
  static boolean isDuration(String s) {
    int n = s.length();
    if (n < 2 || s.charAt(n - 1) != 's') {
      return false;
    }
    int dot = s.indexOf('.');
    String whole = dot < 0 ? s.substring(0, n - 1) : s.substring(0, dot);
    if (!isInteger(whole) || whole.startsWith("-") && whole.length() == 1) {
      return false;
    }
    if (dot >= 0) {
      String frac = s.substring(dot + 1, n - 1);
      return !frac.isEmpty() && frac.length() <= 9 && isInteger(frac) && !frac.startsWith("-");
    }
    return true;
  }
}
