package io.github.logchute.sink.datadog;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.logchute.core.Clock;
import io.github.logchute.core.http.FakeHttpServer;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.zip.GZIPInputStream;

/**
 * A strict double of the Datadog Logs intake v2 (SPECS.md §2), to run behind a {@link
 * FakeHttpServer}: it checks the method, path, {@code DD-API-KEY}, content type and encoding,
 * decompresses, parses with duplicate-key detection, and validates every log (required members and
 * their types, {@code ddtags} format and tag lengths, status values, logchute's attributes) and
 * every limit (logs per request, uncompressed payload, bytes per log). A violation is recorded and
 * answered 400, as the real intake would; a wrong key is answered 403 (not a violation).
 *
 * <p>Accepted logs are kept, so tests can count every message; logs older than the intake's 18 h
 * are counted as dropped, as Datadog does.
 */
public final class FakeDatadogIntake
    implements Function<FakeHttpServer.Request, FakeHttpServer.Response> {

  static final Set<String> STATUSES =
      Set.of("emerg", "alert", "critical", "error", "warning", "notice", "info", "debug");

  private static final ObjectMapper JSON =
      new ObjectMapper().enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION);

  private final boolean gzip;
  private final Clock clock;
  private volatile String apiKey;
  private volatile int tooLargeAbove = Integer.MAX_VALUE;
  private final List<JsonNode> accepted = new ArrayList<>();
  private final List<String> violations = new ArrayList<>();
  private final Map<String, Integer> counts = new ConcurrentHashMap<>();
  private volatile Consumer<JsonNode> listener = log -> {};
  private volatile boolean keepAccepted = true;
  private int droppedTooOld;
  private int authFailures;
  private int tooLargeAnswers;

  public FakeDatadogIntake(String apiKey, boolean gzip, Clock clock) {
    this.apiKey = apiKey;
    this.gzip = gzip;
    this.clock = clock;
  }

  /** The key the intake accepts from now on (key rotation). */
  public void apiKey(String key) {
    this.apiKey = key;
  }

  /**
   * Calls {@code l} with every log accepted from now on, on the server's thread, in the order of
   * acceptance (while the intake's lock is held: keep it short).
   */
  public void onAccepted(Consumer<JsonNode> l) {
    this.listener = l;
  }

  /**
   * Whether accepted logs are kept for {@link #accepted()} and {@link #counts()} (default true);
   * long runs that count with {@link #onAccepted} turn it off to bound the test's memory.
   */
  public void keepAccepted(boolean keep) {
    this.keepAccepted = keep;
  }

  /** Answers 413 to valid requests of more than {@code n} logs (a smaller intake limit). */
  public void tooLargeAbove(int n) {
    this.tooLargeAbove = n;
  }

  @Override
  public FakeHttpServer.Response apply(FakeHttpServer.Request request) {
    if (!apiKey.equals(request.header("DD-API-KEY"))) {
      synchronized (this) {
        authFailures++;
      }
      return FakeHttpServer.Response.json(403, "{\"errors\":[\"Forbidden\"]}");
    }
    List<JsonNode> logs;
    try {
      logs = validate(request);
    } catch (AssertionError e) {
      synchronized (this) {
        violations.add(e.getMessage());
      }
      return FakeHttpServer.Response.json(400, "{\"errors\":[\"" + quote(e.getMessage()) + "\"]}");
    }
    if (logs.size() > tooLargeAbove) {
      synchronized (this) {
        tooLargeAnswers++;
      }
      return FakeHttpServer.Response.json(413, "{\"errors\":[\"Payload too large\"]}");
    }
    long oldest = clock.epochNanos() / 1_000_000L - 18L * 3600 * 1000;
    synchronized (this) {
      for (JsonNode log : logs) {
        if (log.get("timestamp").asLong() < oldest) {
          droppedTooOld++;
          continue;
        }
        if (keepAccepted) {
          accepted.add(log);
          counts.merge(log.get("message").asText(), 1, Integer::sum);
        }
        listener.accept(log);
      }
    }
    return FakeHttpServer.Response.json(202, "{}");
  }

  /**
   * Checks one request and returns its logs; throws an {@link AssertionError} naming the first
   * violation.
   */
  List<JsonNode> validate(FakeHttpServer.Request request) {
    check("POST".equals(request.method()), "method " + request.method());
    check(DatadogSite.INTAKE_PATH.equals(request.path()), "path " + request.path());
    check(request.header("DD-API-KEY") != null, "no DD-API-KEY header");
    String type = request.header("Content-Type");
    check(type != null && type.startsWith("application/json"), "Content-Type " + type);
    String encoding = request.header("Content-Encoding");
    byte[] body;
    if (gzip) {
      check("gzip".equals(encoding), "Content-Encoding " + encoding + ", expected gzip");
      body = gunzip(request.body());
    } else {
      check(encoding == null || "identity".equals(encoding), "Content-Encoding " + encoding);
      body = request.body();
    }
    check(
        body.length <= DatadogSinkConfig.INTAKE_MAX_PAYLOAD_BYTES,
        "payload of " + body.length + " bytes over 5 MB");
    List<JsonNode> logs = new ArrayList<>();
    try (JsonParser p = JSON.createParser(body)) {
      check(p.nextToken() == JsonToken.START_ARRAY, "the body is not a JSON array");
      for (JsonToken t = p.nextToken(); t != JsonToken.END_ARRAY; t = p.nextToken()) {
        check(t == JsonToken.START_OBJECT, "an array item is not an object: " + t);
        long start = p.currentTokenLocation().getByteOffset();
        JsonNode log = JSON.readTree(p);
        long size = p.currentLocation().getByteOffset() - start;
        check(
            size <= DatadogSinkConfig.INTAKE_MAX_LOG_BYTES,
            "log #" + logs.size() + " is " + size + " bytes, over 1 MB");
        validateLog(log, logs.size());
        logs.add(log);
      }
      check(p.nextToken() == null, "data after the array");
    } catch (IOException e) {
      throw new AssertionError("malformed JSON: " + e.getMessage(), e);
    }
    check(!logs.isEmpty(), "an empty array");
    check(
        logs.size() <= DatadogSinkConfig.INTAKE_MAX_RECORDS,
        logs.size() + " logs in one request, over 1000");
    return logs;
  }

  private static void validateLog(JsonNode log, int i) {
    String at = "log #" + i + ": ";
    check(log.path("message").isTextual(), at + "message missing or not a string");
    check(log.path("ddsource").isTextual(), at + "ddsource missing or not a string");
    check(!log.get("ddsource").asText().isEmpty(), at + "empty ddsource");
    check(log.path("service").isTextual(), at + "service missing or not a string");
    check(!log.has("hostname") || log.get("hostname").isTextual(), at + "hostname not a string");
    check(log.path("ddtags").isTextual(), at + "ddtags missing or not a string");
    String ddtags = log.get("ddtags").asText();
    if (!ddtags.isEmpty()) {
      for (String tag : ddtags.split(",", -1)) {
        check(!tag.isEmpty(), at + "an empty tag in ddtags '" + ddtags + "'");
        check(tag.length() <= 200, at + "a tag over 200 characters");
        check(!tag.startsWith(":"), at + "a tag without a name: " + tag);
        for (int k = 0; k < tag.length(); k++) {
          check(tag.charAt(k) >= 0x20, at + "a control character in tag " + tag);
        }
      }
    }
    check(STATUSES.contains(log.path("status").asText()), at + "status " + log.get("status"));
    check(
        log.path("timestamp").isIntegralNumber() && log.get("timestamp").asLong() > 0,
        at + "timestamp not epoch millis: " + log.get("timestamp"));
    JsonNode lc = log.path("logchute");
    check(lc.isObject(), at + "no logchute object");
    String stream = lc.path("stream").asText();
    check(stream.equals("stdout") || stream.equals("stderr"), at + "logchute.stream " + stream);
    check(lc.path("file").isTextual(), at + "logchute.file");
    check(lc.path("offset").isIntegralNumber(), at + "logchute.offset");
    for (Iterator<String> it = lc.fieldNames(); it.hasNext(); ) {
      String f = it.next();
      check(
          Set.of(
                  "stream",
                  "file",
                  "offset",
                  "truncated",
                  "unparsed",
                  "invalid_utf8",
                  "original_timestamp",
                  "fields_dropped")
              .contains(f),
          at + "unknown logchute." + f);
    }
    check(!log.has("app") || log.get("app").isObject(), at + "app is not an object");
  }

  private static byte[] gunzip(byte[] body) {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      return in.readAllBytes(); // checks the CRC and length trailer
    } catch (IOException e) {
      throw new AssertionError("not gzip: " + e, e);
    }
  }

  private static void check(boolean ok, String violation) {
    if (!ok) {
      throw new AssertionError(violation);
    }
  }

  private static String quote(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replaceAll("\\p{Cntrl}", " ");
  }

  public synchronized List<JsonNode> accepted() {
    return List.copyOf(accepted);
  }

  public synchronized List<String> violations() {
    return List.copyOf(violations);
  }

  /** How often each message was accepted. */
  public Map<String, Integer> counts() {
    return Map.copyOf(counts);
  }

  public synchronized int droppedTooOld() {
    return droppedTooOld;
  }

  public synchronized int authFailures() {
    return authFailures;
  }

  public synchronized int tooLargeAnswers() {
    return tooLargeAnswers;
  }
}
