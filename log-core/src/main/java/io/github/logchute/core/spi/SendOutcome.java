package io.github.logchute.core.spi;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * A sink's classification of a send's result. The pipeline acts on it the same way for every sink:
 *
 * <ul>
 *   <li>{@link Accepted} — acknowledge every record;
 *   <li>{@link PartiallyAccepted} — count and log the rejected ones, acknowledge every record
 *       (rejected records are not retried: they would be rejected again);
 *   <li>{@link Retry} — send the same batch again after back-off, at least {@link Retry#after()};
 *   <li>{@link Rejected} — drop the whole batch with a counted, logged error, acknowledge it (so a
 *       poison batch cannot stall a file forever);
 *   <li>{@link TooLarge} — split the batch in two and send each half (a single record that is still
 *       too large is rejected).
 * </ul>
 */
public sealed interface SendOutcome
    permits SendOutcome.Accepted,
        SendOutcome.PartiallyAccepted,
        SendOutcome.Retry,
        SendOutcome.Rejected,
        SendOutcome.TooLarge {

  /** The destination took every record. */
  static SendOutcome accepted() {
    return Accepted.INSTANCE;
  }

  /** Transient failure: retry after at least {@code after} (zero: the pipeline's own back-off). */
  static SendOutcome retry(Duration after, String reason) {
    return new Retry(after, reason);
  }

  /** Permanent failure of the whole batch. */
  static SendOutcome rejected(String reason) {
    return new Rejected(reason);
  }

  /** The batch is over the destination's size limit. */
  static SendOutcome tooLarge(String reason) {
    return new TooLarge(reason);
  }

  /** The destination took every record. */
  final class Accepted implements SendOutcome {
    static final Accepted INSTANCE = new Accepted();

    private Accepted() {}

    @Override
    public String toString() {
      return "Accepted";
    }
  }

  /**
   * The destination took some records and refused others for good.
   *
   * @param rejected reasons, by index of the record in the batch as it was encoded
   */
  record PartiallyAccepted(Map<Integer, String> rejected) implements SendOutcome {
    public PartiallyAccepted {
      rejected = Map.copyOf(rejected);
    }
  }

  /**
   * A transient failure (HTTP 408, 429, 5xx, a connection reset, a bad credential worth retrying
   * slowly).
   *
   * @param after the least delay before the next attempt ({@code Retry-After}); {@link
   *     Duration#ZERO} leaves it to the pipeline's back-off
   * @param reason what happened, for logs and metrics (never a secret)
   */
  record Retry(Duration after, String reason) implements SendOutcome {
    public Retry {
      Objects.requireNonNull(after, "after");
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * A permanent failure (HTTP 400 for the whole batch).
   *
   * @param reason what happened, including an excerpt of the answer
   */
  record Rejected(String reason) implements SendOutcome {
    public Rejected {
      Objects.requireNonNull(reason, "reason");
    }
  }

  /**
   * The batch exceeds what the destination accepts in one request (HTTP 413).
   *
   * @param reason what happened
   */
  record TooLarge(String reason) implements SendOutcome {
    public TooLarge {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
