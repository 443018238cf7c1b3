package io.github.logchute.bench;

import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.LogStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/** Generated, realistic log messages for the processing benchmarks (fixed seeds). */
final class Corpora {

  private static final String[] LEVELS = {"debug", "info", "info", "info", "warn", "error"};
  private static final String[] PATHS = {
    "/api/v1/orders", "/api/v1/orders/8842/items", "/healthz", "/api/v1/users/me", "/metrics"
  };
  private static final String[] WORDS = {
    "order", "placed", "payment", "authorized", "retrying", "upstream", "timeout", "cache",
    "miss", "user", "session", "refreshed", "inventory", "reserved", "shipment", "created"
  };

  private Corpora() {}

  /** JSON application logs of 200 B to 2 KiB (zap, logrus, pino, logstash encoder shapes). */
  static List<String> jsonLogs(int n) {
    Random r = new Random(42);
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int target = 200 + r.nextInt(1848);
      StringBuilder sb = new StringBuilder(target + 256);
      String level = LEVELS[r.nextInt(LEVELS.length)];
      switch (i % 4) {
        case 0 ->
            sb.append("{\"level\":\"")
                .append(level)
                .append("\",\"ts\":1704207845.")
                .append(100 + r.nextInt(900))
                .append(",\"caller\":\"orders/service.go:")
                .append(r.nextInt(400))
                .append("\",\"msg\":\"")
                .append(sentence(r, 6))
                .append('"');
        case 1 ->
            sb.append("{\"time\":\"2024-01-02T15:04:05.")
                .append(100000 + r.nextInt(900000))
                .append("Z\",\"level\":\"")
                .append(level)
                .append("\",\"msg\":\"")
                .append(sentence(r, 8))
                .append('"');
        case 2 ->
            sb.append("{\"level\":")
                .append(10 * (2 + r.nextInt(4)))
                .append(",\"time\":")
                .append(1704207845000L + r.nextInt(100000))
                .append(",\"pid\":")
                .append(r.nextInt(30000))
                .append(",\"hostname\":\"api-6f7d9c-x2p4q\",\"msg\":\"")
                .append(sentence(r, 5))
                .append('"');
        default ->
            sb.append("{\"@timestamp\":\"2024-01-02T15:04:05.123+01:00\",\"@version\":\"1\",")
                .append("\"message\":\"")
                .append(sentence(r, 7))
                .append(
                    " \\\"quoted\\\" caf\\u00e9\",\"logger_name\":\"com.example.orders.OrderService\",")
                .append("\"thread_name\":\"http-nio-8080-exec-")
                .append(r.nextInt(200))
                .append("\",\"level\":\"")
                .append(level.toUpperCase())
                .append("\",\"level_value\":20000");
      }
      sb.append(",\"http\":{\"method\":\"GET\",\"path\":\"")
          .append(PATHS[r.nextInt(PATHS.length)])
          .append("\",\"status\":")
          .append(r.nextBoolean() ? 200 : 503)
          .append(",\"duration_ms\":")
          .append(r.nextInt(2000))
          .append('.')
          .append(r.nextInt(1000))
          .append(",\"bytes\":")
          .append(r.nextInt(1_000_000))
          .append('}');
      sb.append(",\"user\":{\"id\":")
          .append(1_000_000_000L + r.nextInt(1_000_000))
          .append(",\"roles\":[\"buyer\",\"beta\"],\"verified\":")
          .append(r.nextBoolean())
          .append('}');
      sb.append(",\"trace_id\":\"")
          .append(Long.toHexString(r.nextLong()))
          .append(Long.toHexString(r.nextLong()))
          .append('"');
      if (i % 4 == 3 && target > 900) {
        sb.append(",\"stack_trace\":\"java.lang.IllegalStateException: upstream timeout");
        while (sb.length() < target - 60) {
          sb.append("\\n\\tat com.example.orders.OrderService.place(OrderService.java:")
              .append(r.nextInt(500))
              .append(')');
        }
        sb.append('"');
      }
      int tag = 0;
      while (sb.length() < target - 30) {
        sb.append(",\"attr_")
            .append(tag++)
            .append("\":\"")
            .append(WORDS[r.nextInt(WORDS.length)])
            .append('"');
      }
      sb.append('}');
      out.add(sb.toString());
    }
    return out;
  }

  /** Plain-text logs of 200 B to 2 KiB in logback, Python and klog layouts. */
  static List<String> textLogs(int n) {
    Random r = new Random(43);
    List<String> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int target = 200 + r.nextInt(1848);
      StringBuilder sb = new StringBuilder(target + 64);
      switch (i % 3) {
        case 0 ->
            sb.append("2024-01-02 15:04:05.123 ")
                .append(LEVELS[r.nextInt(LEVELS.length)].toUpperCase())
                .append(" [http-nio-8080-exec-")
                .append(r.nextInt(200))
                .append("] c.e.orders.OrderService - ");
        case 1 ->
            sb.append("2024-01-02 15:04:05,123 - orders.service - ")
                .append(LEVELS[r.nextInt(LEVELS.length)].toUpperCase())
                .append(" - ");
        default ->
            sb.append("I0102 15:04:05.123456       1 controller.go:")
                .append(r.nextInt(400))
                .append("] ");
      }
      while (sb.length() < target) {
        sb.append(WORDS[r.nextInt(WORDS.length)]).append(' ');
      }
      out.add(sb.toString().strip());
    }
    return out;
  }

  /**
   * Container output lines: logback lines, and with {@code tracePercent} percent of the lines
   * inside Java stack traces (an error line, the exception, frames, a cause, "... N more").
   */
  static List<String> javaMix(int n, int tracePercent) {
    Random r = new Random(44);
    List<String> out = new ArrayList<>(n);
    while (out.size() < n) {
      if (r.nextInt(100) < tracePercent * 2 / 3 && tracePercent > 0) {
        out.add("2024-01-02 15:04:05.123 ERROR [main] c.e.orders.OrderService - Order failed");
        out.add("java.lang.IllegalStateException: could not save order " + r.nextInt(10000));
        int frames = 10 + r.nextInt(40);
        for (int f = 0; f < frames; f++) {
          out.add(
              "\tat com.example.orders.Layer" + f + ".call(Layer" + f + ".java:" + (10 + f) + ")");
        }
        out.add("Caused by: java.sql.SQLException: duplicate key value violates unique constraint");
        for (int f = 0; f < 8; f++) {
          out.add(
              "\tat org.postgresql.jdbc.PgStatement.execute" + f + "(PgStatement.java:" + f + ")");
        }
        out.add("\t... " + frames + " more");
      } else {
        out.add(
            "2024-01-02 15:04:05.123  INFO 1 --- [nio-8080-exec-"
                + r.nextInt(10)
                + "] c.e.orders.OrderController : "
                + sentence(r, 4 + r.nextInt(12)));
      }
    }
    return out.subList(0, n);
  }

  /**
   * {@code messages} as consecutive records of one container log file on {@code stream}, each
   * preceded in the file by a 40-byte runtime prefix.
   */
  static LogRecord[] records(String fileName, LogStream stream, List<String> messages) {
    LogSource source = LogSource.of(Path.of("/var/log/containers/" + fileName), FileIdentity.NONE);
    LogRecord[] records = new LogRecord[messages.size()];
    long offset = 0;
    for (int i = 0; i < records.length; i++) {
      byte[] b = messages.get(i).getBytes(StandardCharsets.UTF_8);
      records[i] =
          LogRecord.of(
              source, stream, 1_700_000_000_000_000_000L + i, b, offset, offset + b.length + 40, 0);
      offset += b.length + 40;
    }
    return records;
  }

  private static String sentence(Random r, int words) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < words; i++) {
      if (i > 0) {
        sb.append(' ');
      }
      sb.append(WORDS[r.nextInt(WORDS.length)]);
    }
    return sb.toString();
  }
}
