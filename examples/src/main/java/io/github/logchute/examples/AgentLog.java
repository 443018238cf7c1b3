package io.github.logchute.examples;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import io.github.logchute.core.config.ConfigException;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Map;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The agent's own log on stderr, one layout for every line: {@code text} — {@code
 * 2026-11-28T02:28:47.123Z WARNING logger: message} — or {@code json}, one object per line with
 * {@code time}, {@code level}, {@code logger}, {@code message} (and {@code error}) for clusters
 * that parse agent logs. Times are UTC. Chosen with {@code --log-format} or {@code
 * LOGCHUTE_LOG_FORMAT}.
 */
final class AgentLog {

  static final String FLAG = "--log-format";
  static final String ENV = "LOGCHUTE_LOG_FORMAT";

  private static final DateTimeFormatter TIME =
      DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.SSS'Z'").withZone(ZoneOffset.UTC);
  private static final JsonFactory JSON = new JsonFactory();

  private AgentLog() {}

  /** The format named by the flag (the last one wins) or the variable; {@code text} if neither. */
  static boolean json(String[] args, Map<String, String> env) {
    String value = null;
    String origin = null;
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals(FLAG) && i + 1 < args.length) {
        value = args[++i];
        origin = FLAG;
      } else if (args[i].startsWith(FLAG + "=")) {
        value = args[i].substring(FLAG.length() + 1);
        origin = FLAG;
      }
    }
    if (value == null && env.get(ENV) != null && !env.get(ENV).isBlank()) {
      value = env.get(ENV);
      origin = ENV;
    }
    if (value == null || value.strip().equals("text")) {
      return false;
    }
    if (value.strip().equals("json")) {
      return true;
    }
    throw new ConfigException(origin, "expected text or json, got '" + value + "'");
  }

  /** Puts the layout on every handler of the root logger (the console handler on stderr). */
  static void install(boolean json) {
    Formatter f = formatter(json);
    for (Handler h : Logger.getLogger("").getHandlers()) {
      h.setFormatter(f);
    }
  }

  static Formatter formatter(boolean json) {
    return new Formatter() {
      @Override
      public String format(LogRecord r) {
        String error = null;
        if (r.getThrown() != null) {
          StringWriter w = new StringWriter();
          r.getThrown().printStackTrace(new PrintWriter(w));
          error = w.toString().stripTrailing();
        }
        return line(
            json,
            r.getInstant(),
            r.getLevel().getName(),
            r.getLoggerName(),
            formatMessage(r),
            error);
      }
    };
  }

  /** One line of the log, ending with a newline. */
  static String line(
      boolean json, Instant time, String level, String logger, String message, String error) {
    if (!json) {
      return TIME.format(time)
          + " "
          + level
          + " "
          + logger
          + ": "
          + message
          + (error == null ? "" : "\n" + error)
          + "\n";
    }
    StringWriter out = new StringWriter();
    try (JsonGenerator g = JSON.createGenerator(out)) {
      g.writeStartObject();
      g.writeStringField("time", TIME.format(time));
      g.writeStringField("level", level);
      g.writeStringField("logger", logger);
      g.writeStringField("message", message);
      if (error != null) {
        g.writeStringField("error", error);
      }
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out + "\n";
  }
}
