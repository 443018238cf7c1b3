package io.github.logchute.sink.stackdriver;

import io.github.logchute.core.http.FakeHttpServer;
import io.github.logchute.core.http.FakeHttpServer.Request;
import io.github.logchute.core.http.FakeHttpServer.Response;
import java.net.URI;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A strict fake of Cloud Logging's {@code POST /v2/entries:write} on 127.0.0.1: every request must
 * carry a bearer token this fake knows (else 401 UNAUTHENTICATED, as the API answers) and a body
 * that passes {@link CloudLoggingSchema} (else the handler fails, which the tests assert never
 * happens). Entries over 256 KB and entries matching {@link #rejectEntriesWhere} are refused per
 * entry with a partial-success 400 shaped as the API's ({@code WriteLogEntriesPartialErrors}); the
 * rest are kept. Faults: {@link #failNext} answers the next requests with 401, 403, 429, 500...
 * with Google's error bodies.
 */
public final class FakeCloudLogging implements AutoCloseable {

  public static final String WRITE_PATH = "/v2/entries:write";

  final FakeHttpServer server;
  private final Set<String> tokens = ConcurrentHashMap.newKeySet();
  private final List<Map<String, Object>> written = new CopyOnWriteArrayList<>();
  private final Deque<Integer> faults = new ArrayDeque<>();
  private volatile Predicate<Map<String, Object>> poison = e -> false;
  private volatile Consumer<Map<String, Object>> listener = e -> {};
  private volatile boolean keepEntries = true;

  public FakeCloudLogging(String... acceptedTokens) {
    tokens.addAll(List.of(acceptedTokens));
    server = FakeHttpServer.start(this::handle);
  }

  public URI baseUri() {
    return server.baseUri();
  }

  public void acceptToken(String token) {
    tokens.add(token);
  }

  /** The token stops working: the next request with it gets 401. */
  public void revokeToken(String token) {
    tokens.remove(token);
  }

  /** The next requests (after validation) are answered with these statuses, in order. */
  public synchronized void failNext(int... statuses) {
    for (int s : statuses) {
      faults.add(s);
    }
  }

  /** Entries matching {@code p} are refused with a per-entry INVALID_ARGUMENT. */
  public void rejectEntriesWhere(Predicate<Map<String, Object>> p) {
    poison = p;
  }

  /**
   * Calls {@code l} with every entry written from now on, on the server's thread (the entries of
   * one request in their order; requests may be handled concurrently).
   */
  public void onWritten(Consumer<Map<String, Object>> l) {
    listener = l;
  }

  /**
   * Whether written entries are kept for {@link #entries()} (default true); long runs that count
   * with {@link #onWritten} turn it off to bound the test's memory.
   */
  public void keepEntries(boolean keep) {
    keepEntries = keep;
  }

  /**
   * Answers the next requests with {@code answers} (slow answers, connection resets...) before any
   * checking: a scripted answer writes nothing.
   */
  public void enqueue(Response... answers) {
    server.enqueue(answers);
  }

  /** Drops the faults enqueued or scheduled ({@link #failNext}) and not used yet. */
  public void clearEnqueued() {
    server.clearEnqueued();
    synchronized (this) {
      faults.clear();
    }
  }

  /** Every entry written (accepted), in arrival order. */
  public List<Map<String, Object>> entries() {
    return List.copyOf(written);
  }

  /** Requests to the write endpoint. */
  public List<Request> writeRequests() {
    return server.requests().stream().filter(r -> r.path().equals(WRITE_PATH)).toList();
  }

  private Response handle(Request r) {
    if (!r.method().equals("POST") || !r.path().equals(WRITE_PATH)) {
      throw new AssertionError("unexpected " + r.method() + " " + r.uri());
    }
    String auth = r.header("Authorization");
    if (auth == null || !auth.startsWith("Bearer ") || auth.length() <= 7) {
      throw new AssertionError("no bearer token: " + auth);
    }
    String type = r.header("Content-Type");
    if (type == null || !type.startsWith("application/json")) {
      throw new AssertionError("Content-Type " + type);
    }
    List<Map<String, Object>> entries = CloudLoggingSchema.validate(r.body());
    if (!tokens.contains(auth.substring(7))) {
      return error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
    }
    Integer fault;
    synchronized (this) {
      fault = faults.poll();
    }
    if (fault != null) {
      return fault(fault);
    }
    Map<Integer, String> refused = new LinkedHashMap<>();
    List<Map<String, Object>> ok = new ArrayList<>();
    for (int i = 0; i < entries.size(); i++) {
      Map<String, Object> e = entries.get(i);
      int size = CloudLoggingSchema.size(e);
      if (size > CloudLoggingSchema.MAX_ENTRY_BYTES) {
        refused.put(i, "Log entry with size " + size + " exceeds maximum size of 256.0K");
      } else if (poison.test(e)) {
        refused.put(i, "Invalid log entry (rejected by the fake)");
      } else {
        ok.add(e);
      }
    }
    if (keepEntries) {
      written.addAll(ok);
    }
    ok.forEach(listener);
    if (refused.isEmpty()) {
      return Response.json(200, "{}");
    }
    StringBuilder errors = new StringBuilder();
    refused.forEach(
        (i, msg) ->
            errors
                .append(errors.length() == 0 ? "" : ",")
                .append("\"")
                .append(i)
                .append("\":{\"code\":3,\"message\":\"")
                .append(msg)
                .append("\"}"));
    return Response.json(
        400,
        "{\"error\":{\"code\":400,\"message\":\""
            + refused.values().iterator().next()
            + "\",\"status\":\"INVALID_ARGUMENT\",\"details\":[{\"@type\":\""
            + ApiError.PARTIAL_ERRORS_TYPE
            + "\",\"logEntryErrors\":{"
            + errors
            + "}}]}}");
  }

  static Response fault(int status) {
    switch (status) {
      case 401:
        return error(401, "UNAUTHENTICATED", "Request had invalid authentication credentials.");
      case 403:
        return error(
            403,
            "PERMISSION_DENIED",
            "Permission 'logging.logEntries.create' denied on resource (or it may not exist).");
      case 429:
        return error(
            429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Write requests'.");
      case 500:
        return error(500, "INTERNAL", "Internal error encountered.");
      case 503:
        return error(503, "UNAVAILABLE", "The service is currently unavailable.");
      default:
        return Response.status(status);
    }
  }

  static Response error(int code, String status, String message) {
    return Response.json(
        code,
        "{\"error\":{\"code\":"
            + code
            + ",\"message\":\""
            + message
            + "\",\"status\":\""
            + status
            + "\"}}");
  }

  @Override
  public void close() {
    server.close();
  }
}
