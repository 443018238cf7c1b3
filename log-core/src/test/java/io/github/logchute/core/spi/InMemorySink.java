package io.github.logchute.core.spi;

import io.github.logchute.core.LogRecord;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;

/**
 * A sink for tests: keeps every batch it is asked to send, answers with scripted outcomes (default
 * accepted). Shared with other modules through log-core's test-jar and registered as the {@code
 * memory} provider there.
 */
public final class InMemorySink implements Sink {

  private final SinkLimits limits;
  private final List<List<LogRecord>> encoded = new CopyOnWriteArrayList<>();
  private final List<EncodedBatch> sent = new CopyOnWriteArrayList<>();
  private final ConcurrentLinkedQueue<SendOutcome> script = new ConcurrentLinkedQueue<>();
  private volatile Function<EncodedBatch, SendOutcome> otherwise = b -> SendOutcome.accepted();
  private volatile boolean closed;

  public InMemorySink(SinkLimits limits) {
    this.limits = limits;
  }

  public InMemorySink() {
    this(SinkLimits.defaults());
  }

  /** Answers the next sends with {@code outcomes}, in order, then falls back to accepting. */
  public InMemorySink answer(SendOutcome... outcomes) {
    script.addAll(List.of(outcomes));
    return this;
  }

  /** Answers every unscripted send with {@code f}. */
  public InMemorySink otherwise(Function<EncodedBatch, SendOutcome> f) {
    this.otherwise = f;
    return this;
  }

  @Override
  public SinkLimits limits() {
    return limits;
  }

  @Override
  public EncodedBatch encode(List<LogRecord> records) {
    encoded.add(List.copyOf(records));
    return new EncodedBatch(new byte[] {(byte) (encoded.size() - 1)}, records.size(), 1);
  }

  @Override
  public CompletionStage<SendOutcome> send(EncodedBatch batch) {
    sent.add(batch);
    SendOutcome o = script.poll();
    return CompletableFuture.completedFuture(o != null ? o : otherwise.apply(batch));
  }

  /** The records of every batch encoded so far, in order. */
  public List<LogRecord> records() {
    List<LogRecord> all = new ArrayList<>();
    encoded.forEach(all::addAll);
    return all;
  }

  public List<EncodedBatch> sent() {
    return sent;
  }

  public boolean closed() {
    return closed;
  }

  @Override
  public void close() {
    closed = true;
  }
}
