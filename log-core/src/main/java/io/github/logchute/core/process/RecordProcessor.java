package io.github.logchute.core.process;

import io.github.logchute.core.LogRecord;
import java.util.List;
import java.util.Objects;

/**
 * One step of the processing stage, between the tailer and the sinks ({@code
 * Pipeline.Builder.processor}, {@code Logchute.Builder.processor}): takes a record and returns it,
 * a derived copy ({@link LogRecord#withFields}, {@link LogRecord#withTimestampNanos}), or null to
 * drop it (dropped records are acknowledged to the tailer like delivered ones, and counted). It
 * applies to the records of any {@link io.github.logchute.core.spi.Tailer}.
 *
 * <p>Called on the thread that emits the records — the tailer's reading thread — for every record,
 * after enrichment (so {@link LogRecord#metadata()} is the source's) and after multi-line grouping.
 * An implementation must be cheap and must not block; it should not throw (bad input is counted and
 * the record passed on as it is): a processor that throws is counted and its record passed on
 * unchanged. Implementations are thread-safe unless they say otherwise.
 */
@FunctionalInterface
public interface RecordProcessor {

  /**
   * The processed record; {@code record} itself when there is nothing to change; null to drop it.
   */
  LogRecord process(LogRecord record);

  /**
   * Records this processor adds to the stream on its own — a summary of what it dropped, say —
   * asked on the emitting thread after each batch it processed. They go to the sinks after that
   * batch, through none of the processors after this one, and nothing is acknowledged to the tailer
   * for them (they have no place in a file). Must be cheap when there is nothing to add: it is
   * called once per batch. None by default.
   */
  default List<LogRecord> drain() {
    return List.of();
  }

  /**
   * This processor, then {@code next} on its result (a record this one dropped stays dropped); the
   * chain's {@link #drain} is this one's records, then {@code next}'s.
   */
  default RecordProcessor andThen(RecordProcessor next) {
    return new ProcessorChain(this, Objects.requireNonNull(next, "next"));
  }

  /** A processor that returns every record unchanged. */
  static RecordProcessor identity() {
    return r -> r;
  }
}
