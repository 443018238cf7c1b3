package io.github.logchute.core.http;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import io.github.logchute.core.Await;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import javax.net.ssl.SSLContext;

/**
 * A real HTTP server on 127.0.0.1 for tests of anything that talks to a remote service (a log
 * intake, a token endpoint, a metadata server, an API server).
 *
 * <p>Every request is recorded. A request is answered by the next scripted {@link Response} if one
 * was {@link #enqueue enqueued} (faults: any status, {@code Retry-After}, a slow answer, a reset
 * connection), else by the handler given at start — which is where a test double checks the wire
 * format strictly and answers 400 with a reason when it is wrong. A handler that throws answers 500
 * with the exception's message and records it in {@link #handlerErrors()}, so a test can assert
 * that nothing malformed was ever sent.
 */
public final class FakeHttpServer implements AutoCloseable {

  /** A recorded request. Header names are lower case. */
  public record Request(
      String method, URI uri, Map<String, List<String>> headers, byte[] body, long receivedNanos) {

    /** The first value of header {@code name} (any case), or null. */
    public String header(String name) {
      List<String> values = headers.get(name.toLowerCase(Locale.ROOT));
      return values == null || values.isEmpty() ? null : values.get(0);
    }

    public String path() {
      return uri.getPath();
    }

    public String bodyText() {
      return new String(body, StandardCharsets.UTF_8);
    }
  }

  /** An answer: status, headers, body, an optional delay, or a connection reset. */
  public record Response(
      int status, Map<String, String> headers, byte[] body, Duration delay, boolean resets) {

    public Response {
      headers = Map.copyOf(headers);
      Objects.requireNonNull(body, "body");
      Objects.requireNonNull(delay, "delay");
    }

    public static Response status(int status) {
      return new Response(status, Map.of(), new byte[0], Duration.ZERO, false);
    }

    public static Response json(int status, String json) {
      return new Response(
          status,
          Map.of("Content-Type", "application/json"),
          json.getBytes(StandardCharsets.UTF_8),
          Duration.ZERO,
          false);
    }

    public static Response text(int status, String text) {
      return new Response(
          status,
          Map.of("Content-Type", "text/plain; charset=utf-8"),
          text.getBytes(StandardCharsets.UTF_8),
          Duration.ZERO,
          false);
    }

    /** The connection is closed without an answer: the client sees an I/O error. */
    public static Response reset() {
      return new Response(0, Map.of(), new byte[0], Duration.ZERO, true);
    }

    public Response withHeader(String name, String value) {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put(name, value);
      return new Response(status, h, body, delay, resets);
    }

    /** This answer, sent only after {@code d} (a slow server). */
    public Response delayed(Duration d) {
      return new Response(status, headers, body, d, resets);
    }
  }

  private final HttpServer server;
  private final ExecutorService executor;
  private final Function<Request, Response> handler;
  private final Deque<Response> script = new ArrayDeque<>();
  private final List<Request> requests = new ArrayList<>();
  private final List<Throwable> handlerErrors = new ArrayList<>();
  private final CountDownLatch closing = new CountDownLatch(1);
  private final String scheme;

  private FakeHttpServer(HttpServer server, String scheme, Function<Request, Response> handler) {
    this.server = server;
    this.scheme = scheme;
    this.handler = handler;
    this.executor = Executors.newCachedThreadPool(r -> daemon(r, "fake-http"));
    server.setExecutor(executor);
    server.createContext("/", this::handle);
    server.start();
  }

  /** A plain-HTTP server on a free loopback port answering with {@code handler}. */
  public static FakeHttpServer start(Function<Request, Response> handler) {
    try {
      HttpServer s =
          HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      return new FakeHttpServer(s, "http", handler);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An HTTPS server on a free loopback port with the certificate of {@code tls}. */
  public static FakeHttpServer startHttps(SSLContext tls, Function<Request, Response> handler) {
    try {
      HttpsServer s =
          HttpsServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
      s.setHttpsConfigurator(new HttpsConfigurator(tls));
      return new FakeHttpServer(s, "https", handler);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The server's base URI, e.g. {@code http://127.0.0.1:41234}. */
  public URI baseUri() {
    return URI.create(scheme + "://127.0.0.1:" + server.getAddress().getPort());
  }

  /** {@code baseUri() + path}. */
  public URI uri(String path) {
    return URI.create(baseUri() + path);
  }

  public int port() {
    return server.getAddress().getPort();
  }

  /** Answers the next requests with {@code answers}, in order, before the handler again. */
  public synchronized void enqueue(Response... answers) {
    script.addAll(List.of(answers));
  }

  /** Drops the answers enqueued and not used yet: the handler answers from now on. */
  public synchronized void clearEnqueued() {
    script.clear();
  }

  /** A snapshot of every request received so far, in arrival order. */
  public synchronized List<Request> requests() {
    return List.copyOf(requests);
  }

  public synchronized int requestCount() {
    return requests.size();
  }

  /** Exceptions the handler threw (a strict double throws on malformed input). */
  public synchronized List<Throwable> handlerErrors() {
    return List.copyOf(handlerErrors);
  }

  /** Waits until at least {@code n} requests have arrived. */
  public void awaitRequests(int n, Duration timeout) {
    Await.until("at least " + n + " requests", timeout, this::requestCount, c -> c >= n);
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      byte[] body;
      try (InputStream in = exchange.getRequestBody()) {
        body = in.readAllBytes();
      }
      Map<String, List<String>> headers = new LinkedHashMap<>();
      exchange
          .getRequestHeaders()
          .forEach((k, v) -> headers.put(k.toLowerCase(Locale.ROOT), List.copyOf(v)));
      Request request =
          new Request(
              exchange.getRequestMethod(),
              exchange.getRequestURI(),
              Map.copyOf(headers),
              body,
              System.nanoTime());
      Response response;
      synchronized (this) {
        requests.add(request);
        response = script.poll();
      }
      if (response == null) {
        try {
          response = handler.apply(request);
        } catch (RuntimeException | AssertionError e) {
          synchronized (this) {
            handlerErrors.add(e);
          }
          response = Response.text(500, "fake server handler failed: " + e);
        }
      }
      if (!response.delay().isZero()) {
        // a slow server: hold the answer (ends early when the server closes)
        closing.await(response.delay().toMillis(), TimeUnit.MILLISECONDS);
      }
      if (response.resets()) {
        return; // closing the exchange without a response drops the connection
      }
      response.headers().forEach((k, v) -> exchange.getResponseHeaders().add(k, v));
      byte[] out = response.body();
      exchange.sendResponseHeaders(response.status(), out.length == 0 ? -1 : out.length);
      if (out.length > 0) {
        exchange.getResponseBody().write(out);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void close() {
    closing.countDown();
    server.stop(0);
    executor.shutdownNow();
  }

  private static Thread daemon(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    return t;
  }
}
