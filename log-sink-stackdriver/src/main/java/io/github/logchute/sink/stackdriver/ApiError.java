package io.github.logchute.sink.stackdriver;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The error body of a Google API ({@code {"error":{"code","message","status","details":[...]}}}),
 * with the per-entry errors of a partial success: a detail of type {@code
 * type.googleapis.com/google.logging.v2.WriteLogEntriesPartialErrors} whose {@code logEntryErrors}
 * maps the zero-based entry index (a JSON string key) to a {@code google.rpc.Status} (SPECS.md 3.1;
 * the sample in fluent-bit {@code plugins/out_stackdriver/stackdriver.c}).
 *
 * @param status the canonical code name ({@code INVALID_ARGUMENT}), or empty
 * @param message the error message, or empty
 * @param entryErrors {@code "<status>: <message>"} by entry index; empty when there are none
 */
record ApiError(String status, String message, Map<Integer, String> entryErrors) {

  static final String PARTIAL_ERRORS_TYPE =
      "type.googleapis.com/google.logging.v2.WriteLogEntriesPartialErrors";

  private static final String[] CODES = {
    "OK",
    "CANCELLED",
    "UNKNOWN",
    "INVALID_ARGUMENT",
    "DEADLINE_EXCEEDED",
    "NOT_FOUND",
    "ALREADY_EXISTS",
    "PERMISSION_DENIED",
    "RESOURCE_EXHAUSTED",
    "FAILED_PRECONDITION",
    "ABORTED",
    "OUT_OF_RANGE",
    "UNIMPLEMENTED",
    "INTERNAL",
    "UNAVAILABLE",
    "DATA_LOSS",
    "UNAUTHENTICATED"
  };

  /** Parses {@code body}; a body that is not such JSON gives an empty error. */
  static ApiError parse(byte[] body) {
    Map<String, Object> root;
    try {
      root = body == null || body.length == 0 ? Map.of() : JsonValues.readObject(body);
    } catch (IOException e) {
      return new ApiError("", "", Map.of());
    }
    if (!(root.get("error") instanceof Map<?, ?> error)) {
      return new ApiError("", "", Map.of());
    }
    String status = error.get("status") instanceof String s ? s : "";
    String message = error.get("message") instanceof String s ? s : "";
    Map<Integer, String> entries = new TreeMap<>();
    if (error.get("details") instanceof List<?> details) {
      for (Object d : details) {
        if (d instanceof Map<?, ?> detail
            && PARTIAL_ERRORS_TYPE.equals(detail.get("@type"))
            && detail.get("logEntryErrors") instanceof Map<?, ?> errors) {
          for (Map.Entry<?, ?> e : errors.entrySet()) {
            int index;
            try {
              index = Integer.parseInt(String.valueOf(e.getKey()));
            } catch (NumberFormatException ex) {
              continue;
            }
            entries.put(index, describe(e.getValue()));
          }
        }
      }
    }
    return new ApiError(status, message, Map.copyOf(entries));
  }

  private static String describe(Object status) {
    if (!(status instanceof Map<?, ?> s)) {
      return String.valueOf(status);
    }
    Object code = s.get("code");
    String name =
        code instanceof Number n && n.intValue() >= 0 && n.intValue() < CODES.length
            ? CODES[n.intValue()]
            : String.valueOf(code);
    return name + ": " + s.get("message");
  }
}
