package io.github.logchute.sink.datadog;

import io.github.logchute.core.Clock;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.config.Redact;
import io.github.logchute.core.spi.RetryAfter;
import io.github.logchute.core.spi.SendOutcome;
import java.lang.System.Logger.Level;
import java.net.URI;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletionException;

/**
 * Classifies the intake's answers (SPECS.md §2.5) into {@link SendOutcome}s:
 *
 * <table>
 *   <caption>answers</caption>
 *   <tr><th>answer</th><th>outcome</th></tr>
 *   <tr><td>2xx</td><td>accepted</td></tr>
 *   <tr><td>400</td><td>rejected (dropped, counted, with an excerpt of the answer)</td></tr>
 *   <tr><td>401, 403</td><td>retry after {@code authFailureRetryDelay}, logged loudly; a key
 *       file is read again</td></tr>
 *   <tr><td>408, 429, 5xx</td><td>retry, after {@code Retry-After} when given</td></tr>
 *   <tr><td>413</td><td>too large: the pipeline splits the batch</td></tr>
 *   <tr><td>other</td><td>retry (the Agent retries any other status above 400)</td></tr>
 *   <tr><td>no answer (I/O error, timeout)</td><td>retry</td></tr>
 * </table>
 */
final class Responses {

  /** Longest excerpt of an answer put in a reason. */
  static final int EXCERPT_CHARS = 200;

  /**
   * A {@code Retry-After} beyond this is capped: a stuck server must not stall a node for hours.
   */
  static final Duration MAX_RETRY_AFTER = Duration.ofMinutes(10);

  /** The refused-key error is logged at most this often. */
  static final Duration AUTH_LOG_INTERVAL = Duration.ofMinutes(1);

  private final DatadogSinkConfig config;
  private final ApiKey apiKey;
  private final DatadogMetrics metrics;
  private final Clock clock;
  private final String where;
  private final RateLimitedLogger authLog;

  Responses(DatadogSinkConfig config, DatadogMetrics metrics, Clock clock) {
    this.config = config;
    this.apiKey = config.apiKey();
    this.metrics = metrics;
    this.clock = clock;
    URI u = config.intakeUri();
    this.where = u.getScheme() + "://" + u.getHost() + (u.getPort() < 0 ? "" : ":" + u.getPort());
    this.authLog =
        new RateLimitedLogger(
            System.getLogger(DatadogSink.class.getName()), AUTH_LOG_INTERVAL.toNanos(), clock);
  }

  SendOutcome classify(HttpResponse<byte[]> response) {
    int status = response.statusCode();
    metrics.countStatus(status);
    String retryAfter = response.headers().firstValue("Retry-After").orElse(null);
    if (status >= 200 && status < 300) {
      return SendOutcome.accepted();
    }
    switch (status) {
      case 400:
        metrics.batchesRejected.increment();
        return SendOutcome.rejected(
            "HTTP 400 from the Datadog intake " + where + ": " + excerpt(response.body()));
      case 401:
      case 403:
        return authFailure(status);
      case 413:
        return SendOutcome.tooLarge("HTTP 413 from the Datadog intake " + where);
      case 408:
      case 429:
        return SendOutcome.retry(retryAfter(retryAfter), "HTTP " + status + " from " + where);
      default:
        String reason = "HTTP " + status + " from " + where;
        if (status < 500) {
          reason += ": " + excerpt(response.body());
        }
        return SendOutcome.retry(retryAfter(retryAfter), reason);
    }
  }

  SendOutcome failure(Throwable error) {
    metrics.requestErrors.increment();
    Throwable t =
        error instanceof CompletionException && error.getCause() != null ? error.getCause() : error;
    String what =
        t instanceof HttpTimeoutException
            ? "no answer within " + config.requestTimeout().toMillis() + " ms"
            : t.getClass().getSimpleName() + (t.getMessage() == null ? "" : ": " + t.getMessage());
    return SendOutcome.retry(
        Duration.ZERO, "request to " + where + " failed: " + apiKey.redact(what));
  }

  private SendOutcome authFailure(int status) {
    metrics.authFailures.increment();
    boolean reloaded = apiKey.reloadable() && apiKey.reload();
    String site =
        config.site() == null
            ? "the intake "
                + Redact.url(config.intakeUri())
                + " (sinks.datadog.url / LOGCHUTE_DATADOG_URL)"
            : "site " + config.site() + " (sinks.datadog.site / DD_SITE)";
    Duration delay = config.authFailureRetryDelay();
    authLog.log(
        Level.ERROR,
        "DATADOG REFUSED THE API KEY (HTTP {0} from {1}): logs are NOT being delivered. Check"
            + " sinks.datadog.apiKey / apiKeyFile (DD_API_KEY / DD_API_KEY_FILE) and that the key"
            + " belongs to {2}. Nothing is dropped: retrying every {3}.{4}",
        status,
        where,
        site,
        delay.toMillis() % 1000 == 0 ? delay.toSeconds() + " s" : delay.toMillis() + " ms",
        reloaded ? " The key file changed and was read again." : "");
    Duration after = reloaded ? Duration.ZERO : config.authFailureRetryDelay();
    return SendOutcome.retry(
        after, "HTTP " + status + ": the Datadog intake refused the API key, see " + site);
  }

  /** Seconds or an HTTP date (RFC 9110 §10.2.3); zero when absent or unreadable; capped. */
  Duration retryAfter(String value) {
    return RetryAfter.parse(value, clock.epochNanos(), MAX_RETRY_AFTER);
  }

  /** At most {@value #EXCERPT_CHARS} characters of an answer, on one line, key masked. */
  String excerpt(byte[] body) {
    if (body == null || body.length == 0) {
      return "(empty answer)";
    }
    String s = new String(body, StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(Math.min(s.length(), EXCERPT_CHARS));
    for (int i = 0; i < s.length() && sb.length() < EXCERPT_CHARS; i++) {
      char c = s.charAt(i);
      sb.append(Character.isISOControl(c) ? ' ' : c);
    }
    String out = apiKey.redact(sb.toString().strip());
    return out.length() > EXCERPT_CHARS ? out.substring(0, EXCERPT_CHARS) : out;
  }
}
