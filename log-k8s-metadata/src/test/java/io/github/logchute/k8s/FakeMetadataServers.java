package io.github.logchute.k8s;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Loopback stand-ins for the EC2 and GCE metadata services, and for services that are not there.
 */
final class FakeMetadataServers {

  private FakeMetadataServers() {}

  /** EC2 IMDSv2: a token from PUT /latest/api/token is required by every GET. */
  static final class Imds implements AutoCloseable {
    final HttpServer server;
    final ExecutorService executor = Executors.newCachedThreadPool();
    final List<String> log = new CopyOnWriteArrayList<>();
    final AtomicInteger tokensIssued = new AtomicInteger();
    final AtomicInteger rejected = new AtomicInteger();
    volatile String validToken;

    /** Answers 401 to this many GETs with a valid token (the token "expired"). */
    final AtomicInteger expireNext = new AtomicInteger();

    /** Holds every answer until counted down. */
    volatile CountDownLatch hold = new CountDownLatch(0);

    Imds() throws IOException {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/", this::handle);
      server.setExecutor(executor);
      server.start();
    }

    URI url() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange ex) throws IOException {
      try {
        hold.await(10, TimeUnit.SECONDS);
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getPath();
        log.add(method + " " + path);
        if (method.equals("PUT") && path.equals("/latest/api/token")) {
          String ttl = ex.getRequestHeaders().getFirst("X-aws-ec2-metadata-token-ttl-seconds");
          int seconds = ttl == null ? -1 : parse(ttl);
          if (seconds < 1 || seconds > 21600) {
            rejected.incrementAndGet();
            send(ex, 400, "missing or invalid X-aws-ec2-metadata-token-ttl-seconds");
            return;
          }
          validToken = "imds-token-" + tokensIssued.incrementAndGet();
          send(ex, 200, validToken);
          return;
        }
        if (!method.equals("GET")) {
          send(ex, 405, "");
          return;
        }
        String token = ex.getRequestHeaders().getFirst("X-aws-ec2-metadata-token");
        if (token == null || !token.equals(validToken)) {
          rejected.incrementAndGet();
          send(ex, 401, ""); // IMDSv2 required: v1-style requests are refused
          return;
        }
        if (expireNext.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
          validToken = null;
          send(ex, 401, "");
          return;
        }
        if (path.equals("/latest/dynamic/instance-identity/document")) {
          send(
              ex,
              200,
              "{\"accountId\":\"123456789012\",\"architecture\":\"x86_64\","
                  + "\"availabilityZone\":\"eu-west-1b\",\"imageId\":\"ami-0abc\","
                  + "\"instanceId\":\"i-0123456789abcdef0\",\"instanceType\":\"m5.large\","
                  + "\"privateIp\":\"10.0.1.23\",\"region\":\"eu-west-1\",\"version\":\"2017-09-30\"}");
          return;
        }
        send(ex, 404, "");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } finally {
        ex.close();
      }
    }

    private static int parse(String s) {
      try {
        return Integer.parseInt(s.trim());
      } catch (NumberFormatException e) {
        return -1;
      }
    }

    @Override
    public void close() {
      hold.countDown();
      stopInBackground(server, executor);
    }
  }

  /** The GCE metadata server: requires Metadata-Flavor: Google and answers with it. */
  static final class Gce implements AutoCloseable {
    final HttpServer server;
    final List<String> log = new CopyOnWriteArrayList<>();
    final AtomicInteger rejected = new AtomicInteger();
    final Map<String, String> values;

    Gce(Map<String, String> values) throws IOException {
      this.values = values;
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
      server.createContext("/", this::handle);
      server.start();
    }

    static Gce gke() throws IOException {
      return new Gce(
          Map.of(
              "project/project-id", "shop-prod",
              "instance/zone", "projects/123456/zones/europe-west1-b",
              "instance/id", "4520031799277581759",
              "instance/attributes/cluster-name", "prod-1",
              "instance/attributes/cluster-location", "europe-west1"));
    }

    URI url() {
      return URI.create("http://127.0.0.1:" + server.getAddress().getPort());
    }

    private void handle(HttpExchange ex) throws IOException {
      try {
        String path = ex.getRequestURI().getPath();
        log.add(ex.getRequestMethod() + " " + path);
        if (!"Google".equals(ex.getRequestHeaders().getFirst("Metadata-Flavor"))) {
          rejected.incrementAndGet();
          send(ex, 403, "Missing required header: Metadata-Flavor");
          return;
        }
        ex.getResponseHeaders().set("Metadata-Flavor", "Google");
        String prefix = "/computeMetadata/v1/";
        String value = path.startsWith(prefix) ? values.get(path.substring(prefix.length())) : null;
        if (value == null) {
          send(ex, 404, "not found");
        } else {
          send(ex, 200, value);
        }
      } finally {
        ex.close();
      }
    }

    @Override
    public void close() {
      stopInBackground(server, null);
    }
  }

  /** A port that accepts connections (the kernel does) but never answers. */
  static final class Silent implements AutoCloseable {
    final ServerSocket socket;

    Silent() throws IOException {
      socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    }

    URI url() {
      return URI.create("http://127.0.0.1:" + socket.getLocalPort());
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /** A loopback URL where nothing listens: connections are refused. */
  static URI closedPort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return URI.create("http://127.0.0.1:" + s.getLocalPort());
    }
  }

  /**
   * {@code HttpServer.stop} closes the port and the connections at once but then waits for its
   * dispatcher thread (up to a second); nothing in a test needs to wait for that.
   */
  static void stopInBackground(com.sun.net.httpserver.HttpServer server, ExecutorService executor) {
    Thread t =
        new Thread(
            () -> {
              server.stop(0);
              if (executor != null) {
                executor.shutdownNow();
              }
            },
            "fake-server-stop");
    t.setDaemon(true);
    t.start();
  }

  static void send(HttpExchange ex, int code, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.sendResponseHeaders(code, b.length == 0 ? -1 : b.length);
    if (b.length > 0) {
      ex.getResponseBody().write(b);
    }
  }
}
