package io.github.logchute.core;

/**
 * One severity scale for every sink. Processors map what an application wrote ({@code WARN}, {@code
 * E}, {@code level=error}) to it; each sink translates it to its own vocabulary (Datadog {@code
 * status}, Cloud Logging {@code severity}). The order follows syslog / Cloud Logging.
 */
public enum Severity {
  /** Nothing was detected; sinks may derive a default (for instance from the stream). */
  UNSPECIFIED,
  TRACE,
  DEBUG,
  INFO,
  NOTICE,
  WARNING,
  ERROR,
  CRITICAL,
  ALERT,
  EMERGENCY
}
