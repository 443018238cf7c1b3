package io.github.logchute.core.pipeline;

import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.metrics.Counter;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.spi.SendOutcome;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiConsumer;

/**
 * What one sink's worker does with the answers of its sink: each answer becomes exactly one of
 * finish, retry later or split, counted and logged — whatever the sink answers or throws.
 */
final class Answers {

  /*
   * Design notes.
   *
   * The export path never dies and never leaks. Every send gets a Listener that acts on the first
   * answer only: exactly one Slots call per send, so a batch's in-flight slot and its bytes in the
   * budget are always given back (finish) or kept for a purpose (retry, split). What counts as an
   * answer, and what the pipeline does with it:
   *
   *   Accepted                          finish, every record accepted
   *   PartiallyAccepted, no entries     the same: nothing was rejected
   *   PartiallyAccepted, some entries   finish; entries inside the batch are rejected records,
   *                                     entries outside it are ignored (kind bad_outcome)
   *   Retry(after) / stage failed       retry after max(after, back-off)  (kind stage if failed)
   *   null outcome                      retry with back-off               (kind no_outcome)
   *   send threw / returned null        retry with back-off               (kind send)
   *   whenComplete threw                retry with back-off               (kind stage)
   *   a RuntimeException while handling retry with back-off               (kind handling)
   *   a second answer to one send       ignored                           (kind late_answer)
   *   Rejected / TooLarge of one record finish, every record rejected
   *   TooLarge                          split in halves, each sent anew
   *   encode threw / returned null      finish, every record rejected     (kind encode)
   *
   * A retry when in doubt: the files are the buffer, so a duplicate is cheaper than a loss. Each
   * kind is counted in logchute_sink_errors_total{sink,kind}. Logging can never change a batch's
   * fate: a logger that throws is ignored. Listeners run on the sink's threads (or on the worker's
   * thread when the stage is already complete); everything here is thread-safe.
   */

  /** The three ways a batch's slot can go; called exactly once per answer. */
  interface Slots {
    /** The batch is done (delivered or dropped): its slot and then its chunks are released. */
    void finish(Batch batch);

    /** The batch keeps its slot and is sent again after {@code delayNanos}. */
    void retryLater(Batch batch, long delayNanos);

    /** The batch is replaced by its halves, each sent anew (the second takes one more slot). */
    void split(Batch first, Batch second);
  }

  /** Kinds of logchute_sink_errors_total. */
  enum Kind {
    ENCODE,
    SEND,
    STAGE,
    NO_OUTCOME,
    BAD_OUTCOME,
    HANDLING,
    LATE_ANSWER;

    String label() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  private final String sink;
  private final Backoff backoff;
  private final RateLimitedLogger log;
  private final Slots slots;
  private final Counter recordsAccepted;
  private final Counter recordsRejected;
  private final Counter batchesAccepted;
  private final Counter batchesRetried;
  private final Counter batchesRejected;
  private final Counter batchesSplit;
  private final Map<Kind, Counter> errors = new EnumMap<>(Kind.class);

  Answers(
      String sink, Backoff backoff, MetricsRegistry metrics, RateLimitedLogger log, Slots slots) {
    this.sink = sink;
    this.backoff = backoff;
    this.log = log;
    this.slots = slots;
    String records = "logchute_sink_records_total";
    String recordsHelp = "Records finished by a sink, by result.";
    recordsAccepted = metrics.counter(records, recordsHelp, "sink", sink, "result", "accepted");
    recordsRejected = metrics.counter(records, recordsHelp, "sink", sink, "result", "rejected");
    String batches = "logchute_sink_batches_total";
    String batchesHelp = "Send attempts of a sink, by result.";
    batchesAccepted = metrics.counter(batches, batchesHelp, "sink", sink, "result", "accepted");
    batchesRetried = metrics.counter(batches, batchesHelp, "sink", sink, "result", "retry");
    batchesRejected = metrics.counter(batches, batchesHelp, "sink", sink, "result", "rejected");
    batchesSplit = metrics.counter(batches, batchesHelp, "sink", sink, "result", "split");
    for (Kind k : Kind.values()) {
      errors.put(
          k,
          metrics.counter(
              "logchute_sink_errors_total",
              "Answers of a sink the pipeline did not expect (exceptions, missing or invalid"
                  + " outcomes), by kind; each is retried or dropped as documented, never lost.",
              "sink",
              sink,
              "kind",
              k.label()));
    }
  }

  /** The callback for one send of {@code batch}: it acts on the first answer only. */
  Listener listener(Batch batch) {
    return new Listener(batch);
  }

  /** The sink could not encode {@code batch} (worker thread): it is dropped. */
  void encodeFailed(Batch batch, String why) {
    errors.get(Kind.ENCODE).increment();
    reject(batch, "encoding failed: " + why).run();
  }

  /** One send's answer, whichever way it comes. */
  final class Listener implements BiConsumer<SendOutcome, Throwable> {
    private final Batch batch;
    private final AtomicBoolean answered = new AtomicBoolean();

    private Listener(Batch batch) {
      this.batch = batch;
    }

    /** The stage completed (normally or exceptionally). */
    @Override
    public void accept(SendOutcome outcome, Throwable error) {
      if (!answered.compareAndSet(false, true)) {
        errors.get(Kind.LATE_ANSWER).increment();
        say(
            Level.WARNING,
            "sink {0}: ignored a second answer to one send of {1} records: {2}",
            sink,
            batch.size(),
            error != null ? error : outcome);
        return;
      }
      if (error != null) {
        errors.get(Kind.STAGE).increment();
      }
      act(outcome, error);
    }

    /** The send failed before it had a stage to answer ({@code kind} SEND or STAGE). */
    void failed(Kind kind, Throwable error) {
      errors.get(kind).increment();
      if (answered.compareAndSet(false, true)) {
        act(null, error);
      }
    }

    private void act(SendOutcome outcome, Throwable error) {
      Runnable action;
      try {
        action = decide(batch, outcome, error);
      } catch (RuntimeException e) {
        errors.get(Kind.HANDLING).increment();
        say(
            Level.ERROR,
            "sink {0}: handling the answer {1} to a batch of {2} records failed ({3}); retrying it",
            sink,
            outcome,
            batch.size(),
            e);
        long delay = safeDelay(batch);
        action = () -> slots.retryLater(batch, delay);
      }
      action.run();
    }
  }

  private Runnable decide(Batch b, SendOutcome outcome, Throwable error) {
    if (error != null) {
      return retry(b, Duration.ZERO, "send failed: " + error);
    }
    if (outcome == null) {
      errors.get(Kind.NO_OUTCOME).increment();
      return retry(b, Duration.ZERO, "the sink answered no outcome");
    }
    if (outcome instanceof SendOutcome.Accepted) {
      return accepted(b, 0);
    }
    if (outcome instanceof SendOutcome.PartiallyAccepted p) {
      return partiallyAccepted(b, p.rejected());
    }
    if (outcome instanceof SendOutcome.Retry r) {
      return retry(b, r.after(), r.reason());
    }
    if (outcome instanceof SendOutcome.Rejected r) {
      return reject(b, r.reason());
    }
    if (outcome instanceof SendOutcome.TooLarge t) {
      if (b.size() == 1) {
        return reject(b, "a single record is too large: " + t.reason());
      }
      batchesSplit.increment();
      Batch[] halves = b.split();
      return () -> slots.split(halves[0], halves[1]);
    }
    throw new IllegalStateException("unknown outcome " + outcome); // SendOutcome is sealed
  }

  private Runnable partiallyAccepted(Batch b, Map<Integer, String> rejected) {
    int inBatch = 0;
    int outside = 0;
    Map.Entry<Integer, String> example = null;
    for (Map.Entry<Integer, String> e : rejected.entrySet()) {
      int i = e.getKey();
      if (i >= 0 && i < b.size()) {
        inBatch++;
        if (example == null || i < example.getKey()) {
          example = e;
        }
      } else {
        outside++;
      }
    }
    if (outside > 0) {
      errors.get(Kind.BAD_OUTCOME).increment();
      say(
          Level.WARNING,
          "sink {0}: a partial acceptance named {1} records outside the batch of {2}; ignored",
          sink,
          outside,
          b.size());
    }
    if (example != null) {
      say(
          Level.WARNING,
          "sink {0}: destination rejected {1} of {2} records, e.g. #{3}: {4}",
          sink,
          inBatch,
          b.size(),
          example.getKey(),
          example.getValue());
    }
    return accepted(b, inBatch);
  }

  private Runnable accepted(Batch b, int rejected) {
    recordsRejected.add(rejected);
    recordsAccepted.add(b.size() - rejected);
    batchesAccepted.increment();
    return () -> slots.finish(b);
  }

  private Runnable retry(Batch b, Duration after, String reason) {
    batchesRetried.increment();
    b.attempt = b.attempt == Integer.MAX_VALUE ? b.attempt : b.attempt + 1;
    long delay = backoff.delayNanos(b.attempt, after);
    say(
        Level.WARNING,
        "sink {0}: sending {1} records failed ({2}); retry {3} in {4} ms",
        sink,
        b.size(),
        reason,
        b.attempt,
        delay / 1_000_000);
    return () -> slots.retryLater(b, delay);
  }

  private Runnable reject(Batch b, String reason) {
    recordsRejected.add(b.size());
    batchesRejected.increment();
    say(
        Level.ERROR,
        "sink {0}: destination rejected a batch of {1} records for good, dropping it: {2}",
        sink,
        b.size(),
        reason);
    return () -> slots.finish(b);
  }

  /** A back-off that cannot fail, for when handling did: no random draw. */
  private long safeDelay(Batch b) {
    b.attempt = b.attempt == Integer.MAX_VALUE ? b.attempt : b.attempt + 1;
    return backoff.baseNanos(b.attempt);
  }

  /** Logs rate-limited; a logger that throws changes nothing. */
  private void say(Level level, String format, Object... params) {
    try {
      log.log(level, format, params);
    } catch (RuntimeException ignored) {
      // the batch's fate is decided; a broken log backend must not change it
    }
  }
}
