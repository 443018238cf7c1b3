package io.github.logchute.examples;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.github.logchute.core.metrics.MetricsRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.BooleanSupplier;

/**
 * The agent's own HTTP endpoint (JDK HTTP server, one thread): {@code /metrics} in the Prometheus
 * text format (0.0.4), {@code /healthz} (200 while the engine's threads run, else 503) and {@code
 * /readyz} (200 once the agent is ready: sinks built, metadata synced; else 503).
 */
final class StatusServer implements AutoCloseable {

  static final String METRICS_PATH = "/metrics";
  static final String HEALTH_PATH = "/healthz";
  static final String READY_PATH = "/readyz";

  static final String PROMETHEUS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

  private final HttpServer server;
  private final ExecutorService executor;

  private StatusServer(HttpServer server, ExecutorService executor) {
    this.server = server;
    this.executor = executor;
  }

  /**
   * Starts serving on {@code address:port} (port 0: any free port).
   *
   * @throws IOException if the port cannot be bound
   */
  static StatusServer start(
      String address,
      int port,
      MetricsRegistry metrics,
      BooleanSupplier healthy,
      BooleanSupplier ready)
      throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(address, port), 16);
    ExecutorService executor =
        Executors.newSingleThreadExecutor(
            r -> {
              Thread t = new Thread(r, "logchute-status");
              t.setDaemon(true);
              return t;
            });
    server.setExecutor(executor);
    server.createContext(
        METRICS_PATH,
        ex -> {
          StringBuilder sb = new StringBuilder(16 * 1024);
          metrics.writePrometheus(sb);
          answer(ex, 200, PROMETHEUS_CONTENT_TYPE, sb.toString());
        });
    server.createContext(
        HEALTH_PATH,
        ex -> probe(ex, healthy.getAsBoolean(), "ok\n", "the engine's threads are not running\n"));
    server.createContext(
        READY_PATH, ex -> probe(ex, ready.getAsBoolean(), "ready\n", "not ready\n"));
    server.createContext("/", ex -> answer(ex, 404, "text/plain", "not found\n"));
    server.start();
    return new StatusServer(server, executor);
  }

  int port() {
    return server.getAddress().getPort();
  }

  private static void probe(HttpExchange ex, boolean ok, String yes, String no) throws IOException {
    answer(ex, ok ? 200 : 503, "text/plain; charset=utf-8", ok ? yes : no);
  }

  private static void answer(HttpExchange ex, int status, String type, String body)
      throws IOException {
    try (ex) {
      if (!ex.getRequestMethod().equals("GET") && !ex.getRequestMethod().equals("HEAD")) {
        ex.sendResponseHeaders(405, -1);
        return;
      }
      byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
      ex.getResponseHeaders().set("Content-Type", type);
      boolean head = ex.getRequestMethod().equals("HEAD");
      ex.sendResponseHeaders(status, head ? -1 : bytes.length);
      if (!head) {
        try (OutputStream out = ex.getResponseBody()) {
          out.write(bytes);
        }
      }
    }
  }

  @Override
  public void close() {
    server.stop(0);
    executor.shutdownNow();
  }
}
