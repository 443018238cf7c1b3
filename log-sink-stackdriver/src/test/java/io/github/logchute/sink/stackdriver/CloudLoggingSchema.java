package io.github.logchute.sink.stackdriver;

import com.fasterxml.jackson.core.JsonGenerator;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * A strict check of a {@code WriteLogEntriesRequest} body against the documented schema (SPECS.md
 * 3.1-3.3, 3.6): field names, the LogSeverity enum, the {@code k8s_container} resource and its six
 * labels, {@code logName} format and URL-encoding, RFC 3339 timestamps, label counts, typed
 * HttpRequest / SourceLocation / Operation members, exactly one payload, {@code partialSuccess}.
 * Anything wrong throws an {@link AssertionError} saying what and where.
 */
final class CloudLoggingSchema {

  static final int MAX_REQUEST_BYTES = 10 * 1024 * 1024;
  static final int MAX_ENTRY_BYTES = 256 * 1024;

  static final Set<String> REQUEST_KEYS =
      Set.of("logName", "resource", "labels", "entries", "partialSuccess", "dryRun");

  static final Set<String> ENTRY_KEYS =
      Set.of(
          "logName",
          "resource",
          "timestamp",
          "severity",
          "insertId",
          "httpRequest",
          "labels",
          "operation",
          "trace",
          "spanId",
          "traceSampled",
          "sourceLocation",
          "split",
          "textPayload",
          "jsonPayload",
          "protoPayload");

  static final Set<String> SEVERITIES =
      Set.of(
          "DEFAULT",
          "DEBUG",
          "INFO",
          "NOTICE",
          "WARNING",
          "ERROR",
          "CRITICAL",
          "ALERT",
          "EMERGENCY");

  static final Set<String> RESOURCE_LABELS =
      Set.of(
          "project_id", "location", "cluster_name", "namespace_name", "pod_name", "container_name");

  private static final Pattern LOG_NAME = Pattern.compile("projects/([^/]+)/logs/([^/]+)");
  private static final Pattern LOG_ID = Pattern.compile("[A-Za-z0-9/_.\\-]+");
  private static final Pattern RFC3339 =
      Pattern.compile(
          "\\d{4}-\\d{2}-\\d{2}T\\d{2}:\\d{2}:\\d{2}(\\.\\d{1,9})?(Z|[+-]\\d{2}:\\d{2})");

  private CloudLoggingSchema() {}

  /** Validates a request body and returns its entries. */
  @SuppressWarnings("unchecked")
  static List<Map<String, Object>> validate(byte[] body) {
    check(body.length <= MAX_REQUEST_BYTES, "request of " + body.length + " bytes is over 10 MB");
    Map<String, Object> request;
    try {
      request = JsonValues.readObject(body);
    } catch (IOException e) {
      throw new AssertionError("body is not one JSON object: " + e.getMessage());
    }
    for (String k : request.keySet()) {
      check(REQUEST_KEYS.contains(k), "unknown request field '" + k + "'");
    }
    check(Boolean.TRUE.equals(request.get("partialSuccess")), "partialSuccess must be true");
    check(request.get("entries") instanceof List<?> l && !l.isEmpty(), "entries must be non-empty");
    List<Object> entries = (List<Object>) request.get("entries");
    for (int i = 0; i < entries.size(); i++) {
      check(entries.get(i) instanceof Map, "entry " + i + " is not an object");
      try {
        validateEntry((Map<String, Object>) entries.get(i));
      } catch (AssertionError e) {
        throw new AssertionError("entry " + i + ": " + e.getMessage(), e);
      }
    }
    return (List<Map<String, Object>>) (List<?>) entries;
  }

  static void validateEntry(Map<String, Object> e) {
    for (String k : e.keySet()) {
      check(ENTRY_KEYS.contains(k), "unknown LogEntry field '" + k + "'");
    }
    String project = validateLogName(e.get("logName"));
    validateResource(e.get("resource"), project);
    int payloads = 0;
    for (String p : List.of("textPayload", "jsonPayload", "protoPayload")) {
      payloads += e.containsKey(p) ? 1 : 0;
    }
    check(payloads == 1, "exactly one payload expected, found " + payloads);
    if (e.containsKey("textPayload")) {
      check(e.get("textPayload") instanceof String, "textPayload must be a string");
    }
    if (e.containsKey("jsonPayload")) {
      check(e.get("jsonPayload") instanceof Map, "jsonPayload must be an object");
    }
    if (e.containsKey("timestamp")) {
      check(e.get("timestamp") instanceof String, "timestamp must be a string");
      String ts = (String) e.get("timestamp");
      check(RFC3339.matcher(ts).matches(), "timestamp is not RFC 3339: " + ts);
      try {
        OffsetDateTime.parse(ts);
      } catch (DateTimeParseException ex) {
        throw new AssertionError("timestamp does not parse: " + ts);
      }
    }
    if (e.containsKey("severity")) {
      check(
          SEVERITIES.contains(e.get("severity")),
          "severity not in LogSeverity: " + e.get("severity"));
    }
    if (e.containsKey("insertId")) {
      check(e.get("insertId") instanceof String s && !s.isEmpty(), "insertId must be a string");
    }
    if (e.containsKey("labels")) {
      check(e.get("labels") instanceof Map, "labels must be an object");
      Map<?, ?> labels = (Map<?, ?>) e.get("labels");
      check(labels.size() <= 64, "more than 64 labels: " + labels.size());
      labels.forEach(
          (k, v) -> check(v instanceof String, "label " + k + " must be a string, is " + v));
    }
    typed(e, "httpRequest", SpecialFields.HTTP_REQUEST_FIELDS);
    typed(e, "sourceLocation", SpecialFields.SOURCE_LOCATION_FIELDS);
    typed(e, "operation", SpecialFields.OPERATION_FIELDS);
    for (String k : List.of("trace", "spanId")) {
      if (e.containsKey(k)) {
        check(e.get(k) instanceof String, k + " must be a string");
      }
    }
    if (e.containsKey("traceSampled")) {
      check(e.get("traceSampled") instanceof Boolean, "traceSampled must be a boolean");
    }
  }

  /** Returns the project of a valid logName. */
  static String validateLogName(Object v) {
    check(v instanceof String, "logName missing");
    var m = LOG_NAME.matcher((String) v);
    check(m.matches(), "logName is not projects/P/logs/LOG_ID (with LOG_ID URL-encoded): " + v);
    String raw = m.group(2);
    String id = java.net.URLDecoder.decode(raw, java.nio.charset.StandardCharsets.UTF_8);
    check(LOG_ID.matcher(id).matches(), "LOG_ID has characters outside [A-Za-z0-9/_.-]: " + id);
    check(id.length() < 512, "LOG_ID too long");
    return m.group(1);
  }

  private static void validateResource(Object v, String project) {
    check(v instanceof Map, "resource missing");
    Map<?, ?> r = (Map<?, ?>) v;
    check(r.keySet().equals(Set.of("type", "labels")), "resource has fields " + r.keySet());
    check("k8s_container".equals(r.get("type")), "resource type " + r.get("type"));
    check(r.get("labels") instanceof Map, "resource labels missing");
    Map<?, ?> labels = (Map<?, ?>) r.get("labels");
    check(
        labels.keySet().equals(RESOURCE_LABELS),
        "k8s_container labels must be " + RESOURCE_LABELS + ", are " + labels.keySet());
    labels.forEach(
        (k, val) -> check(val instanceof String, "resource label " + k + " not a string"));
    check(
        project.equals(labels.get("project_id")),
        "project_id " + labels.get("project_id") + " differs from the logName's " + project);
  }

  private static void typed(
      Map<String, Object> e, String field, Map<String, SpecialFields.Kind> schema) {
    if (!e.containsKey(field)) {
      return;
    }
    check(e.get(field) instanceof Map, field + " must be an object");
    ((Map<?, ?>) e.get(field))
        .forEach(
            (k, v) -> {
              SpecialFields.Kind kind = schema.get(String.valueOf(k));
              check(kind != null, field + " has unknown member '" + k + "'");
              boolean ok =
                  kind == SpecialFields.Kind.INT64
                      ? v instanceof Long || v instanceof String s && s.matches("-?\\d+")
                      : SpecialFields.matches(kind, v);
              check(ok, field + "." + k + " has the wrong type: " + v);
            });
  }

  /** The size of an entry as JSON, the way this fake measures the API's 256 KB limit. */
  static int size(Map<String, Object> entry) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (JsonGenerator g = JsonValues.FACTORY.createGenerator(out)) {
      JsonValues.write(g, entry);
    } catch (IOException ex) {
      throw new UncheckedIOException(ex);
    }
    return out.size();
  }

  private static void check(boolean ok, String what) {
    if (!ok) {
      throw new AssertionError(what);
    }
  }
}
