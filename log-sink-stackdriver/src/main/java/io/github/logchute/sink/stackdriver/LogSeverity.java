package io.github.logchute.sink.stackdriver;

import io.github.logchute.core.LogStream;
import io.github.logchute.core.Severity;
import java.util.Locale;

/**
 * Cloud Logging's {@code LogSeverity} enum (SPECS.md 3.2: sent by name in JSON; numeric values as
 * in the API), and the mappings into it.
 */
enum LogSeverity {
  DEFAULT(0),
  DEBUG(100),
  INFO(200),
  NOTICE(300),
  WARNING(400),
  ERROR(500),
  CRITICAL(600),
  ALERT(700),
  EMERGENCY(800);

  private final int value;

  LogSeverity(int value) {
    this.value = value;
  }

  int value() {
    return value;
  }

  /**
   * The severity of a record: the level a processor detected, else — as the GKE agents do (SPECS.md
   * 3.4, {@code stream_severity_map}) — ERROR for stderr and INFO for stdout.
   */
  static LogSeverity of(Severity detected, LogStream stream) {
    switch (detected) {
      case TRACE:
      case DEBUG:
        return DEBUG;
      case INFO:
        return INFO;
      case NOTICE:
        return NOTICE;
      case WARNING:
        return WARNING;
      case ERROR:
        return ERROR;
      case CRITICAL:
        return CRITICAL;
      case ALERT:
        return ALERT;
      case EMERGENCY:
        return EMERGENCY;
      case UNSPECIFIED:
      default:
        return stream == LogStream.STDERR ? ERROR : INFO;
    }
  }

  /**
   * The severity an application wrote in its {@code severity} key (SPECS.md 3.5): an enum name in
   * any case, a common alias ({@code WARN}, {@code E}, {@code FATAL}, ... as fluent-bit and
   * fluent-plugin-google-cloud map them, SPECS.md 3.2), or a number (rounded down to the enum).
   * Anything else is {@link #DEFAULT}, as fluent-plugin-google-cloud's {@code parse_severity}.
   */
  static LogSeverity parse(Object written) {
    if (written instanceof Number n) {
      return ofNumber(n.longValue());
    }
    if (!(written instanceof String s)) {
      return DEFAULT;
    }
    String v = s.trim().toUpperCase(Locale.ROOT);
    switch (v) {
      case "DEFAULT":
        return DEFAULT;
      case "DEBUG":
      case "D":
      case "TRACE":
      case "T":
      case "FINE":
      case "FINER":
      case "FINEST":
      case "CONFIG":
        return DEBUG;
      case "INFO":
      case "I":
      case "INFORMATION":
        return INFO;
      case "NOTICE":
      case "N":
        return NOTICE;
      case "WARNING":
      case "WARN":
      case "W":
        return WARNING;
      case "ERROR":
      case "ERR":
      case "E":
      case "SEVERE":
        return ERROR;
      case "CRITICAL":
      case "CRIT":
      case "C":
      case "FATAL":
      case "F":
        return CRITICAL;
      case "ALERT":
      case "A":
        return ALERT;
      case "EMERGENCY":
      case "EMERG":
        return EMERGENCY;
      default:
        break;
    }
    if (!v.isEmpty() && v.chars().allMatch(c -> c >= '0' && c <= '9') && v.length() < 10) {
      return ofNumber(Long.parseLong(v));
    }
    return DEFAULT;
  }

  private static LogSeverity ofNumber(long n) {
    LogSeverity result = DEFAULT;
    for (LogSeverity s : values()) {
      if (n >= s.value) {
        result = s;
      }
    }
    return result;
  }
}
