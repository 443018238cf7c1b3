package io.github.logchute.sink.stackdriver;

import io.github.logchute.core.Clock;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.spi.RetryAfter;
import io.github.logchute.core.spi.SendOutcome;
import java.lang.System.Logger.Level;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/**
 * What an {@code entries.write} answer means for the pipeline (SPECS.md 3.7's recommendation):
 *
 * <ul>
 *   <li>2xx → accepted;
 *   <li>400 with per-entry errors (partial success) → the listed entries rejected, the rest
 *       accepted; 400 "Request payload size exceeds the limit" → too large (split); other 400 →
 *       rejected with an excerpt;
 *   <li>401 → (after the sink refreshed its token once) retry;
 *   <li>403 / 404 → a configuration problem (IAM role, project): logged loudly, retried slowly;
 *   <li>408, 429 (RESOURCE_EXHAUSTED), 5xx → retry, after {@code Retry-After} when given;
 *   <li>413 → too large; any other status → rejected.
 * </ul>
 */
final class ResponseClassifier {

  /** The API's own answer to a body over its 10 MB limit (SPECS.md 3.6). */
  static final String PAYLOAD_TOO_LARGE_TEXT = "Request payload size exceeds the limit";

  private static final Duration MAX_RETRY_AFTER = Duration.ofHours(1);

  private final SinkMetrics metrics;
  private final Duration forbiddenRetryDelay;
  private final String project;
  private final RateLimitedLogger log;
  private final RateLimitedLogger loud;
  private final Clock clock;

  ResponseClassifier(
      SinkMetrics metrics,
      Duration forbiddenRetryDelay,
      String project,
      RateLimitedLogger log,
      RateLimitedLogger loud,
      Clock clock) {
    this.clock = clock;
    this.metrics = metrics;
    this.forbiddenRetryDelay = forbiddenRetryDelay;
    this.project = project;
    this.log = log;
    this.loud = loud;
  }

  SendOutcome classify(HttpResponse<byte[]> r, BatchEncoder.BatchInfo info) {
    int status = r.statusCode();
    if (status >= 200 && status < 300) {
      if (info != null && !info.skipped().isEmpty()) {
        metrics.partial.increment();
        return new SendOutcome.PartiallyAccepted(info.skipped());
      }
      metrics.accepted.increment();
      return SendOutcome.accepted();
    }
    ApiError error = ApiError.parse(r.body());
    String what = "HTTP " + status + " " + error.status() + ": " + excerpt(error, r.body());
    switch (status) {
      case 400:
        if (!error.entryErrors().isEmpty()) {
          return partial(error, info);
        }
        if (error.message().contains(PAYLOAD_TOO_LARGE_TEXT)) {
          metrics.tooLarge.increment();
          return SendOutcome.tooLarge(what);
        }
        metrics.rejected.increment();
        return SendOutcome.rejected(what);
      case 401:
        metrics.unauthorized.increment();
        return SendOutcome.retry(Duration.ZERO, what + " (even with a fresh access token)");
      case 403:
      case 404:
        metrics.forbidden.increment();
        loud.log(
            Level.ERROR,
            "stackdriver: Cloud Logging refused the writes ({0}). This is a configuration problem:"
                + " the credentials need the role roles/logging.logWriter (permission"
                + " logging.logEntries.create) on the project{1}, and the project must exist."
                + " Nothing is dropped; retrying every {2} s.",
            what,
            project == null ? "" : " " + project,
            forbiddenRetryDelay.toSeconds());
        return SendOutcome.retry(forbiddenRetryDelay, what);
      case 413:
        metrics.tooLarge.increment();
        return SendOutcome.tooLarge(what);
      case 408:
      case 429:
        metrics.retried.increment();
        return SendOutcome.retry(retryAfter(r), what);
      default:
        if (status >= 500) {
          metrics.retried.increment();
          return SendOutcome.retry(retryAfter(r), what);
        }
        metrics.rejected.increment();
        return SendOutcome.rejected(what);
    }
  }

  private SendOutcome partial(ApiError error, BatchEncoder.BatchInfo info) {
    Map<Integer, String> rejected = new TreeMap<>();
    if (info != null) {
      rejected.putAll(info.skipped());
    }
    Map<String, Integer> byReason = new LinkedHashMap<>();
    for (Map.Entry<Integer, String> e : error.entryErrors().entrySet()) {
      int entry = e.getKey();
      int record =
          info == null
              ? entry
              : entry >= 0 && entry < info.entryToRecord().length
                  ? info.entryToRecord()[entry]
                  : -1;
      if (record >= 0) {
        rejected.put(record, e.getValue());
        byReason.merge(e.getValue(), 1, Integer::sum);
      }
    }
    metrics.partial.increment();
    metrics.entriesRejected.add(error.entryErrors().size());
    log.log(
        Level.WARNING,
        "stackdriver: Cloud Logging refused {0} entries of a request (dropped, the rest written):"
            + " {1}",
        error.entryErrors().size(),
        byReason);
    return new SendOutcome.PartiallyAccepted(rejected);
  }

  private Duration retryAfter(HttpResponse<byte[]> r) {
    return RetryAfter.parse(
        r.headers().firstValue("Retry-After").orElse(null), clock.epochNanos(), MAX_RETRY_AFTER);
  }

  private static String excerpt(ApiError error, byte[] body) {
    return error.message().isEmpty()
        ? OAuthResponses.excerpt(body)
        : error.message().length() > 300
            ? error.message().substring(0, 300) + "..."
            : error.message();
  }
}
