package io.github.logchute.core;

import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.process.MessageProcessor;
import io.github.logchute.core.process.ProcessMetrics;
import io.github.logchute.core.process.ProcessingOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.SplittableRandom;

/**
 * JSON log lines as applications write them (HTTP access logs, zap and logback-JSON application
 * logs, nested ECS-style objects, arrays, stack traces, some non-Latin text and big numbers), every
 * value different, parsed into records by the agent's default processing ({@link
 * MessageProcessor}). Seeded: the same seed gives the same lines.
 */
public final class JsonLogLines {

  private static final LogSource SOURCE =
      LogSource.of(
          Path.of("/var/log/containers/api-0_shop_app-" + "c".repeat(64) + ".log"),
          FileIdentity.NONE);
  private static final String[] PATHS = {
    "/api/v1/orders", "/api/v1/users", "/healthz", "/api/v2/carts/items", "/static/app.js"
  };
  private static final String[] WORDS = {
    "request",
    "completed",
    "payment",
    "retry",
    "scheduled",
    "cache",
    "miss",
    "user",
    "session",
    "expired",
    "upstream",
    "timeout",
    "Überweisung",
    "fehlgeschlagen",
    "注文",
    "処理",
    "ok"
  };

  private final SplittableRandom random;
  private final MessageProcessor processor =
      new MessageProcessor(
          ProcessingOptions.defaults(), ProcessMetrics.register(new MetricsRegistry()));
  private long offset;

  public JsonLogLines(long seed) {
    this.random = new SplittableRandom(seed);
  }

  /** The next record, as the engine hands it to the pipeline after processing. */
  public LogRecord next() {
    byte[] line = nextLine().getBytes(StandardCharsets.UTF_8);
    LogRecord raw =
        LogRecord.of(
            SOURCE,
            LogStream.STDOUT,
            1_767_225_600_000_000_000L + offset,
            line,
            offset,
            offset + line.length + 40,
            0);
    offset += line.length + 40;
    LogRecord parsed = processor.process(raw);
    if (parsed.fields().isEmpty()) {
      throw new AssertionError("not parsed as JSON: " + new String(line, StandardCharsets.UTF_8));
    }
    return parsed;
  }

  /** One line of JSON, of one of four shapes. */
  public String nextLine() {
    switch (random.nextInt(4)) {
      case 0:
        return "{\"time\":\""
            + time()
            + "\",\"level\":\"info\",\"msg\":\""
            + words(3)
            + "\",\"method\":\"GET\",\"path\":\""
            + PATHS[random.nextInt(PATHS.length)]
            + "/"
            + random.nextInt(1_000_000)
            + "?expand=items\",\"status\":"
            + (200 + random.nextInt(4))
            + ",\"duration_ms\":"
            + random.nextInt(5000) / 100.0
            + ",\"bytes\":"
            + random.nextInt(200_000)
            + ",\"remote_addr\":\"10."
            + random.nextInt(256)
            + "."
            + random.nextInt(256)
            + ".7:"
            + (1024 + random.nextInt(60000))
            + "\",\"user_agent\":\"Mozilla/5.0 (X11; Linux x86_64) rv:"
            + random.nextInt(200)
            + "\",\"trace_id\":\""
            + hex(32)
            + "\",\"span_id\":\""
            + hex(16)
            + "\"}";
      case 1:
        return "{\"@timestamp\":\""
            + time()
            + "\",\"log.level\":\"WARN\",\"message\":\""
            + words(6)
            + "\",\"service\":{\"name\":\"checkout\",\"version\":\"1."
            + random.nextInt(100)
            + ".3\"},\"labels\":{\"order_id\":\"ord_"
            + hex(12)
            + "\",\"attempt\":"
            + random.nextInt(9)
            + ",\"amount\":"
            + random.nextInt(100_000) / 7.0
            + "},\"tags\":[\"payments\",\""
            + words(1)
            + "\",\""
            + hex(6)
            + "\"],"
            + "\"error\":{\"type\":\"java.net.SocketTimeoutException\",\"message\":\"Read timed"
            + " out after "
            + random.nextInt(30_000)
            + " ms\"}}";
      case 2:
        return "{\"level\":\"error\",\"ts\":"
            + (1_767_225_600 + random.nextInt(86_400))
            + "."
            + random.nextInt(1000)
            + ",\"caller\":\"server/handler.go:"
            + random.nextInt(900)
            + "\",\"msg\":\""
            + words(4)
            + "\",\"user_id\":"
            + random.nextLong(1L << 40)
            + ",\"error\":\"context deadline exceeded\",\"stacktrace\":\"main.handler\\n\\t"
            + "/app/server/handler.go:"
            + random.nextInt(900)
            + "\\nnet/http.HandlerFunc.ServeHTTP"
            + "\\n\\t/usr/local/go/src/net/http/server.go:"
            + random.nextInt(3000)
            + "\"}";
      default:
        return "{\"timestamp\":\""
            + time()
            + "\",\"severity\":\"DEBUG\",\"logger\":\"com.shop."
            + words(1)
            + ".Service\",\"thread\":\"http-nio-8080-exec-"
            + random.nextInt(200)
            + "\",\"message\":\""
            + words(8)
            + " \\u2713\",\"mdc\":{\"requestId\":\""
            + hex(20)
            + "\",\"tenant\":\"t"
            + random.nextInt(50)
            + "\"},\"big\":"
            + "1234567890123456789012345"
            + random.nextInt(10)
            + ",\"ratio\":0."
            + random.nextInt(1_000_000)
            + ",\"ok\":"
            + random.nextBoolean()
            + ",\"none\":null}";
    }
  }

  private String time() {
    return "2026-11-27T18:"
        + two(random.nextInt(60))
        + ":"
        + two(random.nextInt(60))
        + "."
        + random.nextInt(100_000, 1_000_000)
        + "Z";
  }

  private static String two(int n) {
    return n < 10 ? "0" + n : Integer.toString(n);
  }

  private String words(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : " ").append(WORDS[random.nextInt(WORDS.length)]);
    }
    return sb.append(' ').append(random.nextInt(100_000)).toString();
  }

  private String hex(int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append(Character.forDigit(random.nextInt(16), 16));
    }
    return sb.toString();
  }
}
