package io.github.logchute.core.pipeline;

import io.github.logchute.core.Clock;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.metrics.Counter;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.spi.SendOutcome;
import io.github.logchute.core.spi.Sink;
import io.github.logchute.core.spi.SinkLimits;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.random.RandomGenerator;

/** One sink's side of the pipeline: its queue of chunks, its batcher/sender thread, its retries. */
final class SinkWorker implements Runnable {

  /*
   * Design notes.
   *
   * One thread per sink takes batches from the queue (full, lingered long enough, or draining) and
   * hands them to the sink while fewer than maxInFlight are outstanding. Completions arrive on the
   * sink's threads; a retry goes back to this thread through the `retries` heap ordered by due
   * time, keeping its in-flight slot, so a dead destination holds at most maxInFlight batches and
   * the rest waits in the queue — bounded by the pipeline's byte budget, which is what stops the
   * tailer. Splitting a too-large batch adds one slot for the second half (transiently one over
   * maxInFlight) rather than waiting for a slot its own sibling holds.
   *
   * Every wait (for records, a linger, a retry's due time, the thread's exit at close) is
   * clock.awaitUntil on `changed` with a deadline on clock.nanoTime(): on a test clock, linger and
   * back-off pass when the test moves the clock, never by themselves.
   */

  private static final System.Logger LOGGER = System.getLogger(Pipeline.class.getName());
  private static final long LOG_INTERVAL_NANOS = 10_000_000_000L;

  final String name;
  private final Sink sink;
  private final SinkLimits limits;
  private final long lingerNanos;
  private final Backoff backoff;
  private final Clock clock;
  private final Finisher finisher;
  private final RateLimitedLogger log; // this sink's own: one sink's flood never hides another's

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<Chunk> queue = new ArrayDeque<>();
  private int headIndex;
  private long queuedRecords;
  private long queuedBytes;
  private long firstQueuedNanos;
  private final PriorityQueue<Batch> retries =
      new PriorityQueue<>((a, b) -> Long.compare(a.dueNanos, b.dueNanos));
  private int inFlight;
  private boolean draining;
  private boolean stopped;
  private boolean exited;

  private final Counter recordsAccepted;
  private final Counter recordsRejected;
  private final Counter batchesAccepted;
  private final Counter batchesRetried;
  private final Counter batchesRejected;
  private final Counter batchesSplit;

  /** Called when a batch is finished (delivered or dropped) to release its chunks. */
  interface Finisher {
    void finished(Batch batch);
  }

  SinkWorker(
      String name,
      Sink sink,
      RetryPolicy retry,
      Clock clock,
      RandomGenerator random,
      MetricsRegistry metrics,
      Finisher finisher) {
    this.name = name;
    this.sink = sink;
    this.limits = sink.limits();
    this.lingerNanos = Backoff.saturatedNanos(limits.linger());
    this.backoff = retry.backoff(random);
    this.clock = clock;
    this.finisher = finisher;
    this.log = new RateLimitedLogger(LOGGER, LOG_INTERVAL_NANOS, clock);
    String records = "logchute_sink_records_total";
    String recordsHelp = "Records finished by a sink, by result.";
    recordsAccepted = metrics.counter(records, recordsHelp, "sink", name, "result", "accepted");
    recordsRejected = metrics.counter(records, recordsHelp, "sink", name, "result", "rejected");
    String batches = "logchute_sink_batches_total";
    String batchesHelp = "Send attempts of a sink, by result.";
    batchesAccepted = metrics.counter(batches, batchesHelp, "sink", name, "result", "accepted");
    batchesRetried = metrics.counter(batches, batchesHelp, "sink", name, "result", "retry");
    batchesRejected = metrics.counter(batches, batchesHelp, "sink", name, "result", "rejected");
    batchesSplit = metrics.counter(batches, batchesHelp, "sink", name, "result", "split");
    metrics.gauge(
        "logchute_sink_in_flight",
        "Batches sent and not yet finished.",
        this::inFlight,
        "sink",
        name);
    metrics.gauge(
        "logchute_sink_queued_records",
        "Records waiting to be batched.",
        this::queuedRecords,
        "sink",
        name);
  }

  void enqueue(Chunk chunk) {
    lock.lock();
    try {
      if (queuedRecords == 0) {
        firstQueuedNanos = clock.nanoTime();
      }
      queue.addLast(chunk);
      queuedRecords += chunk.records.length;
      queuedBytes += chunk.bytes;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** From now on send without waiting for linger. */
  void drain() {
    lock.lock();
    try {
      draining = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Stops the thread; batches in flight complete but are not retried. */
  void stop() {
    lock.lock();
    try {
      stopped = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  @Override
  public void run() {
    try {
      while (true) {
        Batch batch;
        try {
          batch = next();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
        if (batch == null) {
          return;
        }
        send(batch);
      }
    } finally {
      lock.lock();
      try {
        exited = true;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * Waits (the closing thread) until this worker's thread has left {@link #run}, or the clock
   * reaches {@code deadlineNanos}; true if it has. Call after {@link #stop}, only if the thread was
   * started.
   */
  boolean awaitExit(long deadlineNanos) throws InterruptedException {
    lock.lock();
    try {
      while (!exited) {
        if (clock.nanoTime() - deadlineNanos >= 0) {
          return false;
        }
        clock.awaitUntil(lock, changed, deadlineNanos);
      }
      return true;
    } finally {
      lock.unlock();
    }
  }

  /** The next batch to send, or null when stopped. */
  private Batch next() throws InterruptedException {
    lock.lock();
    try {
      while (!stopped) {
        long now = clock.nanoTime();
        Batch due = retries.peek();
        if (due != null && due.dueNanos - now <= 0) {
          return retries.poll();
        }
        long deadline = due == null ? Clock.NO_DEADLINE : due.dueNanos;
        if (queuedRecords > 0 && inFlight < limits.maxInFlight()) {
          long lingerEnd = firstQueuedNanos + lingerNanos;
          boolean full =
              queuedRecords >= limits.maxBatchRecords() || queuedBytes >= limits.maxBatchBytes();
          if (full || draining || lingerEnd - now <= 0) {
            inFlight++;
            return take();
          }
          if (deadline == Clock.NO_DEADLINE || lingerEnd - deadline < 0) {
            deadline = lingerEnd;
          }
        }
        clock.awaitUntil(lock, changed, deadline);
      }
      return null;
    } finally {
      lock.unlock();
    }
  }

  /** Takes up to one batch's worth from the queue. Lock held. */
  private Batch take() {
    int max = limits.maxBatchRecords();
    long maxBytes = limits.maxBatchBytes();
    List<LogRecord> records = new ArrayList<>(Math.min(max, (int) Math.min(queuedRecords, max)));
    List<Chunk> owners = new ArrayList<>(records.size());
    long bytes = 0;
    while (!queue.isEmpty() && records.size() < max) {
      Chunk head = queue.peekFirst();
      LogRecord r = head.records[headIndex];
      long size = r.sizeEstimate();
      if (!records.isEmpty() && bytes + size > maxBytes) {
        break;
      }
      records.add(r);
      owners.add(head);
      bytes += size;
      queuedBytes -= size;
      if (++headIndex == head.records.length) {
        queue.pollFirst();
        headIndex = 0;
      }
    }
    queuedRecords -= records.size();
    if (queuedRecords > 0) {
      firstQueuedNanos = clock.nanoTime();
    }
    return new Batch(records.toArray(new LogRecord[0]), owners.toArray(new Chunk[0]));
  }

  private void send(Batch batch) {
    if (batch.encoded == null) {
      try {
        batch.encoded = sink.encode(batch.recordList());
      } catch (RuntimeException e) {
        log.log(
            Level.ERROR,
            "sink {0}: encoding a batch of {1} records failed, dropping it: {2}",
            name,
            batch.size(),
            e.toString());
        recordsRejected.add(batch.size());
        batchesRejected.increment();
        finish(batch);
        return;
      }
    }
    CompletionStage<SendOutcome> stage;
    try {
      stage = sink.send(batch.encoded);
    } catch (RuntimeException e) {
      stage = CompletableFuture.failedFuture(e);
    }
    stage.whenComplete((outcome, error) -> onOutcome(batch, outcome, error));
  }

  private void onOutcome(Batch batch, SendOutcome outcome, Throwable error) {
    if (error != null || outcome == null) {
      outcome =
          SendOutcome.retry(
              Duration.ZERO, "send failed: " + (error == null ? "no outcome" : error.toString()));
    }
    if (outcome instanceof SendOutcome.Accepted) {
      recordsAccepted.add(batch.size());
      batchesAccepted.increment();
      finish(batch);
    } else if (outcome instanceof SendOutcome.PartiallyAccepted p) {
      int rejected =
          (int) p.rejected().keySet().stream().filter(i -> i >= 0 && i < batch.size()).count();
      recordsRejected.add(rejected);
      recordsAccepted.add(batch.size() - rejected);
      batchesAccepted.increment();
      Map.Entry<Integer, String> example = p.rejected().entrySet().iterator().next();
      log.log(
          Level.WARNING,
          "sink {0}: destination rejected {1} of {2} records, e.g. #{3}: {4}",
          name,
          rejected,
          batch.size(),
          example.getKey(),
          example.getValue());
      finish(batch);
    } else if (outcome instanceof SendOutcome.Retry r) {
      batchesRetried.increment();
      batch.attempt++;
      long delay = backoff.delayNanos(batch.attempt, r.after());
      log.log(
          Level.WARNING,
          "sink {0}: sending {1} records failed ({2}); retry {3} in {4} ms",
          name,
          batch.size(),
          r.reason(),
          batch.attempt,
          delay / 1_000_000);
      reschedule(batch, delay);
    } else if (outcome instanceof SendOutcome.Rejected r) {
      reject(batch, r.reason());
    } else if (outcome instanceof SendOutcome.TooLarge t) {
      if (batch.size() == 1) {
        reject(batch, "a single record is too large: " + t.reason());
        return;
      }
      batchesSplit.increment();
      Batch[] halves = batch.split();
      lock.lock();
      try {
        inFlight++; // the second half gets its own slot
        long now = clock.nanoTime();
        for (Batch h : halves) {
          h.dueNanos = now;
          retries.add(h);
        }
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
  }

  private void reject(Batch batch, String reason) {
    recordsRejected.add(batch.size());
    batchesRejected.increment();
    log.log(
        Level.ERROR,
        "sink {0}: destination rejected a batch of {1} records for good, dropping it: {2}",
        name,
        batch.size(),
        reason);
    finish(batch);
  }

  private void reschedule(Batch batch, long delayNanos) {
    lock.lock();
    try {
      if (stopped) {
        inFlight--; // left unacknowledged: read again at the next start
        changed.signalAll();
        return;
      }
      batch.dueNanos = clock.nanoTime() + delayNanos;
      retries.add(batch);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private void finish(Batch batch) {
    lock.lock();
    try {
      inFlight--;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    finisher.finished(batch);
  }

  long inFlight() {
    lock.lock();
    try {
      return inFlight;
    } finally {
      lock.unlock();
    }
  }

  long queuedRecords() {
    lock.lock();
    try {
      return queuedRecords;
    } finally {
      lock.unlock();
    }
  }

  Sink sink() {
    return sink;
  }
}
