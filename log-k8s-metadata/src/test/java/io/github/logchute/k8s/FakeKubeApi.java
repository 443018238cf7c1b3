package io.github.logchute.k8s;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.security.KeyStore;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A Kubernetes API server on 127.0.0.1 over TLS, for pods and namespaces, with real list and watch
 * semantics: one global resourceVersion, an event history watches resume from, bookmarks,
 * compaction (a watch from a version before it gets 410 Gone, as an HTTP status or an ERROR event),
 * dropped and garbled streams, a bearer token checked on every request, and outages (a status for
 * every request). The wire format is checked strictly: a request the real server would not get (no
 * field selector on pods, a watch without bookmarks, no resourceVersion) is answered 400 and
 * recorded.
 */
final class FakeKubeApi implements AutoCloseable {

  static final ObjectMapper JSON = new ObjectMapper();
  private static final String DROP = "\u0000drop";

  /** One request as received. */
  record Request(
      String resource, boolean watch, Map<String, String> query, String auth, long atNanos) {}

  /** What a watch gets when its version is too old. */
  enum GoneMode {
    HTTP_410,
    ERROR_EVENT
  }

  private final HttpsServer server;
  private final ExecutorService executor = Executors.newCachedThreadPool();
  private final String node;
  final Resource pods = new Resource("pods", "PodList");
  final Resource namespaces = new Resource("namespaces", "NamespaceList");
  final List<Request> requests = new CopyOnWriteArrayList<>();
  final List<String> rejected = new CopyOnWriteArrayList<>();
  private long rv = 100;
  volatile String token = "token-1";
  volatile int outageStatus;
  volatile String retryAfter;
  volatile GoneMode goneMode = GoneMode.HTTP_410;

  private FakeKubeApi(String keystore, String node, int port) throws Exception {
    this.node = node;
    server = HttpsServer.create(new InetSocketAddress("127.0.0.1", port), 0);
    server.setHttpsConfigurator(new HttpsConfigurator(serverContext(keystore)));
    server.createContext("/api/v1/pods", ex -> handle(ex, pods));
    server.createContext("/api/v1/namespaces", ex -> handle(ex, namespaces));
    server.setExecutor(executor);
    server.start();
  }

  /** A server with the trusted certificate ({@code tls/ca.crt}). */
  static FakeKubeApi start(String node) throws Exception {
    return new FakeKubeApi("/tls/server.p12", node, 0);
  }

  /**
   * A server presenting {@code keystore} ({@code /tls/untrusted.p12}), on {@code port} (0: any).
   */
  static FakeKubeApi start(String keystore, String node, int port) throws Exception {
    return new FakeKubeApi(keystore, node, port);
  }

  static SSLContext serverContext(String keystore) throws Exception {
    KeyStore ks = KeyStore.getInstance("PKCS12");
    try (InputStream in = FakeKubeApi.class.getResourceAsStream(keystore)) {
      ks.load(in, "changeit".toCharArray());
    }
    KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
    kmf.init(ks, "changeit".toCharArray());
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(kmf.getKeyManagers(), null, null);
    return ctx;
  }

  URI url() {
    return URI.create("https://127.0.0.1:" + server.getAddress().getPort());
  }

  int port() {
    return server.getAddress().getPort();
  }

  // ---- state changes ----

  /** Adds or updates a pod (ADDED or MODIFIED). */
  synchronized void putPod(ObjectNode pod) {
    put(pods, pod);
  }

  synchronized void deletePod(String namespace, String name) {
    delete(pods, namespace + "/" + name);
  }

  synchronized void putNamespace(ObjectNode ns) {
    put(namespaces, ns);
  }

  /** Sends a bookmark with the current version to every open watch. */
  synchronized void bookmark() {
    for (Resource r : List.of(pods, namespaces)) {
      ObjectNode obj = JSON.createObjectNode();
      obj.put("kind", r == pods ? "Pod" : "Namespace").put("apiVersion", "v1");
      obj.putObject("metadata").put("resourceVersion", Long.toString(rv));
      r.send(event("BOOKMARK", obj), null);
    }
  }

  /** Forgets history: a watch from any version seen so far gets 410 Gone. */
  synchronized void compact() {
    rv++;
    pods.compactedBelow = rv;
    namespaces.compactedBelow = rv;
  }

  /** Ends every open watch stream cleanly. */
  void dropWatches() {
    pods.sendRaw(DROP);
    namespaces.sendRaw(DROP);
  }

  /** Writes a line that is not JSON to every open pod watch. */
  void garblePodWatches() {
    pods.sendRaw("{\"type\":\"MODIFIED\",\"object\":{\"metadata\"");
  }

  synchronized long resourceVersion() {
    return rv;
  }

  private void put(Resource r, ObjectNode obj) {
    String key = key(obj);
    String type = r.objects.containsKey(key) ? "MODIFIED" : "ADDED";
    ((ObjectNode) obj.path("metadata")).put("resourceVersion", Long.toString(++rv));
    r.objects.put(key, obj.deepCopy());
    String e = event(type, obj);
    r.history.add(new Event(rv, e, nodeOf(obj)));
    r.send(e, nodeOf(obj));
  }

  private void delete(Resource r, String key) {
    ObjectNode obj = r.objects.remove(key);
    if (obj == null) {
      throw new IllegalArgumentException("no " + key);
    }
    ((ObjectNode) obj.path("metadata")).put("resourceVersion", Long.toString(++rv));
    String e = event("DELETED", obj);
    r.history.add(new Event(rv, e, nodeOf(obj)));
    r.send(e, nodeOf(obj));
  }

  private static String key(ObjectNode obj) {
    JsonPath m = new JsonPath(obj.path("metadata"));
    return m.text("namespace") + "/" + m.text("name");
  }

  private static String nodeOf(ObjectNode obj) {
    return obj.path("spec").path("nodeName").asText(null);
  }

  private static String event(String type, ObjectNode obj) {
    ObjectNode e = JSON.createObjectNode();
    e.put("type", type);
    e.set("object", obj.deepCopy());
    return e.toString();
  }

  // ---- HTTP ----

  private void handle(HttpExchange ex, Resource r) throws IOException {
    try {
      Map<String, String> q = query(ex.getRequestURI().getRawQuery());
      String auth = ex.getRequestHeaders().getFirst("Authorization");
      boolean watch = "1".equals(q.get("watch")) || "true".equals(q.get("watch"));
      requests.add(new Request(r.name, watch, q, auth, System.nanoTime()));
      if (!ex.getRequestMethod().equals("GET")
          || !ex.getRequestURI().getPath().equals("/api/v1/" + r.name)) {
        reject(ex, 405, "unexpected " + ex.getRequestMethod() + " " + ex.getRequestURI());
        return;
      }
      if (!("Bearer " + token).equals(auth)) {
        status(ex, 401, "Unauthorized", "Unauthorized");
        return;
      }
      if (outageStatus != 0) {
        if (retryAfter != null) {
          ex.getResponseHeaders().set("Retry-After", retryAfter);
        }
        status(ex, outageStatus, "ServiceUnavailable", "outage");
        return;
      }
      String accept = ex.getRequestHeaders().getFirst("Accept");
      if (accept == null || !accept.contains("application/json")) {
        reject(ex, 400, "Accept: application/json expected, got " + accept);
        return;
      }
      if (r == pods && !("spec.nodeName=" + node).equals(q.get("fieldSelector"))) {
        reject(ex, 400, "pods must be selected by node: fieldSelector=" + q.get("fieldSelector"));
        return;
      }
      if (q.get("resourceVersion") == null) {
        reject(ex, 400, "resourceVersion missing: " + q);
        return;
      }
      if (watch) {
        watch(ex, r, q);
      } else {
        r.lists.incrementAndGet();
        list(ex, r);
      }
    } finally {
      ex.close();
    }
  }

  private void list(HttpExchange ex, Resource r) throws IOException {
    ObjectNode body = JSON.createObjectNode();
    synchronized (this) {
      body.put("kind", r.listKind).put("apiVersion", "v1");
      body.putObject("metadata").put("resourceVersion", Long.toString(rv));
      ArrayNode items = body.putArray("items");
      for (ObjectNode o : r.objects.values()) {
        if (r != pods || node.equals(nodeOf(o))) {
          items.add(o.deepCopy());
        }
      }
    }
    send(ex, 200, body.toString());
  }

  private void watch(HttpExchange ex, Resource r, Map<String, String> q) throws IOException {
    r.watches.incrementAndGet();
    if (!"true".equals(q.get("allowWatchBookmarks"))) {
      reject(ex, 400, "watch without allowWatchBookmarks=true");
      return;
    }
    long from;
    long timeout;
    try {
      from = Long.parseLong(q.get("resourceVersion"));
      timeout = Long.parseLong(q.getOrDefault("timeoutSeconds", "1800"));
    } catch (NumberFormatException e) {
      reject(ex, 400, "bad resourceVersion or timeoutSeconds: " + q);
      return;
    }
    Watcher w = new Watcher();
    synchronized (this) {
      if (from < r.compactedBelow) {
        if (goneMode == GoneMode.HTTP_410) {
          status(ex, 410, "Expired", "too old resource version: " + from);
        } else {
          ObjectNode st = statusJson(410, "Expired", "too old resource version: " + from);
          ex.getResponseHeaders().set("Content-Type", "application/json");
          ex.sendResponseHeaders(200, 0);
          ex.getResponseBody().write((event("ERROR", st) + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return;
      }
      for (Event e : r.history) {
        if (e.rv > from && (r != pods || node.equals(e.node))) {
          w.lines.add(e.json);
        }
      }
      r.watchers.add(w);
    }
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(200, 0);
    OutputStream out = ex.getResponseBody();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeout);
      while (true) {
        String line = w.lines.poll(deadline - System.nanoTime(), TimeUnit.NANOSECONDS);
        if (line == null || line.equals(DROP)) {
          return;
        }
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (IOException e) {
      // client went away
    } finally {
      r.watchers.remove(w);
    }
  }

  private void reject(HttpExchange ex, int code, String why) throws IOException {
    rejected.add(why);
    status(ex, code, "BadRequest", why);
  }

  private static void status(HttpExchange ex, int code, String reason, String message)
      throws IOException {
    send(ex, code, statusJson(code, reason, message).toString());
  }

  private static ObjectNode statusJson(int code, String reason, String message) {
    ObjectNode st = JSON.createObjectNode();
    st.put("kind", "Status").put("apiVersion", "v1").putObject("metadata");
    st.put("status", "Failure").put("message", message).put("reason", reason).put("code", code);
    return st;
  }

  private static void send(HttpExchange ex, int code, String body) throws IOException {
    byte[] b = body.getBytes(StandardCharsets.UTF_8);
    ex.getResponseHeaders().set("Content-Type", "application/json");
    ex.sendResponseHeaders(code, b.length);
    ex.getResponseBody().write(b);
  }

  private static Map<String, String> query(String raw) {
    Map<String, String> q = new LinkedHashMap<>();
    if (raw == null) {
      return q;
    }
    for (String part : raw.split("&")) {
      int eq = part.indexOf('=');
      String k = eq < 0 ? part : part.substring(0, eq);
      String v = eq < 0 ? "" : part.substring(eq + 1);
      q.put(
          URLDecoder.decode(k, StandardCharsets.UTF_8),
          URLDecoder.decode(v, StandardCharsets.UTF_8));
    }
    return q;
  }

  /** Stops at once: open streams are cut. */
  @Override
  public void close() {
    pods.sendRaw(DROP);
    namespaces.sendRaw(DROP);
    FakeMetadataServers.stopInBackground(server, executor);
  }

  private record Event(long rv, String json, String node) {}

  private static final class Watcher {
    final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  }

  /** One resource's objects, history and open watches. */
  final class Resource {
    final String name;
    final String listKind;
    final Map<String, ObjectNode> objects = new LinkedHashMap<>();
    final List<Event> history = new ArrayList<>();
    final List<Watcher> watchers = new CopyOnWriteArrayList<>();
    final java.util.concurrent.atomic.AtomicInteger lists =
        new java.util.concurrent.atomic.AtomicInteger();
    final java.util.concurrent.atomic.AtomicInteger watches =
        new java.util.concurrent.atomic.AtomicInteger();
    long compactedBelow;

    Resource(String name, String listKind) {
      this.name = name;
      this.listKind = listKind;
    }

    /** Open watches (streams now being served). */
    int openWatches() {
      return watchers.size();
    }

    private void send(String json, String objectNode) {
      if (this == pods && objectNode != null && !node.equals(objectNode)) {
        return;
      }
      for (Watcher w : watchers) {
        w.lines.add(json);
      }
    }

    private void sendRaw(String line) {
      for (Watcher w : watchers) {
        w.lines.add(line);
      }
    }
  }

  /** Tiny accessor for metadata text fields. */
  private record JsonPath(com.fasterxml.jackson.databind.JsonNode node) {
    String text(String f) {
      return node.path(f).asText("");
    }
  }
}
