package io.github.logchute.sink.stackdriver;

import io.github.logchute.core.Clock;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** Reads an OAuth2 token answer ({@code access_token}, {@code expires_in}; SPECS.md 3.8). */
final class OAuthResponses {

  private static final int EXCERPT = 200;

  private OAuthResponses() {}

  /**
   * The token in a 200 answer.
   *
   * @throws IOException for any other status or a malformed body; the message quotes the body only
   *     when the status is not 200 (an error body holds no token)
   */
  static AccessToken token(HttpResponse<byte[]> response, Clock clock, String from)
      throws IOException {
    if (response.statusCode() != 200) {
      throw new IOException(
          from + " answered HTTP " + response.statusCode() + ": " + excerpt(response.body()));
    }
    Map<String, Object> json;
    try {
      json = JsonValues.readObject(response.body());
    } catch (IOException e) {
      throw new IOException(from + " answered 200 with a body that is not a JSON object");
    }
    Object token = json.get("access_token");
    Object expiresIn = json.get("expires_in");
    if (!(token instanceof String t) || t.isEmpty()) {
      throw new IOException(from + " answered without an access_token");
    }
    Object type = json.get("token_type");
    if (type != null && !"bearer".equalsIgnoreCase(type.toString())) {
      throw new IOException(from + " answered a token of type '" + type + "', not Bearer");
    }
    long seconds;
    if (expiresIn instanceof Number n) {
      seconds = n.longValue();
    } else if (expiresIn instanceof String s && !s.isBlank()) {
      try {
        seconds = Long.parseLong(s.trim());
      } catch (NumberFormatException e) {
        throw new IOException(from + " answered a non-numeric expires_in");
      }
    } else {
      seconds = 3600; // the usual lifetime (SPECS.md 3.8) when the answer does not say
    }
    if (seconds <= 0) {
      throw new IOException(
          from + " answered an already expired token (expires_in " + seconds + ")");
    }
    long lifetime = seconds * 1_000_000_000L;
    return new AccessToken(t, clock.nanoTime() + lifetime, lifetime);
  }

  /** The first characters of a body, on one line, for error messages. */
  static String excerpt(byte[] body) {
    if (body == null || body.length == 0) {
      return "(empty body)";
    }
    String s = new String(body, 0, Math.min(body.length, EXCERPT * 4), StandardCharsets.UTF_8);
    s = s.replaceAll("\\s+", " ").trim();
    return s.length() > EXCERPT ? s.substring(0, EXCERPT) + "..." : s;
  }
}
