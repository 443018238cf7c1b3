package io.github.logchute.core.pipeline;

import io.github.logchute.core.Clock;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.spi.EncodedBatch;
import io.github.logchute.core.spi.SendOutcome;
import io.github.logchute.core.spi.Sink;
import io.github.logchute.core.spi.SinkLimits;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
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
   * The sink's answers are Answers' job (see its notes: every answer, a throw or a null included,
   * ends in exactly one finish, retryLater or split of SlotsOfThisWorker, the only code that
   * gives back or keeps a slot). Each worker logs through a RateLimitedLogger of its own, so one
   * sink's flood of warnings never hides another sink's errors.
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
  private final Clock clock;
  private final Finisher finisher;

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

  private final Answers answers;

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
    this.clock = clock;
    this.finisher = finisher;
    this.answers =
        new Answers(
            name,
            retry.backoff(random),
            metrics,
            new RateLimitedLogger(LOGGER, LOG_INTERVAL_NANOS, clock),
            new SlotsOfThisWorker());
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
      EncodedBatch encoded;
      try {
        encoded = sink.encode(batch.recordList());
      } catch (RuntimeException e) {
        answers.encodeFailed(batch, e.toString());
        return;
      }
      if (encoded == null) {
        answers.encodeFailed(batch, "the sink returned no encoded batch");
        return;
      }
      batch.encoded = encoded;
    }
    Answers.Listener listener = answers.listener(batch);
    CompletionStage<SendOutcome> stage;
    try {
      stage = sink.send(batch.encoded);
    } catch (RuntimeException e) {
      listener.failed(Answers.Kind.SEND, e);
      return;
    }
    if (stage == null) {
      listener.failed(Answers.Kind.SEND, new NullPointerException("send returned no stage"));
      return;
    }
    try {
      stage.whenComplete(listener);
    } catch (RuntimeException e) {
      listener.failed(Answers.Kind.STAGE, e);
    }
  }

  /** The only code that gives back or keeps a batch's in-flight slot; any thread. */
  private final class SlotsOfThisWorker implements Answers.Slots {
    @Override
    public void finish(Batch batch) {
      lock.lock();
      try {
        inFlight--;
        changed.signalAll();
      } finally {
        lock.unlock();
      }
      finisher.finished(batch);
    }

    @Override
    public void retryLater(Batch batch, long delayNanos) {
      lock.lock();
      try {
        if (stopped) {
          inFlight--; // left unacknowledged: read again at the next start
        } else {
          batch.dueNanos = clock.nanoTime() + delayNanos;
          retries.add(batch);
        }
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void split(Batch first, Batch second) {
      lock.lock();
      try {
        inFlight++; // the second half gets its own slot
        long now = clock.nanoTime();
        first.dueNanos = now;
        second.dueNanos = now;
        retries.add(first);
        retries.add(second);
        changed.signalAll();
      } finally {
        lock.unlock();
      }
    }
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
