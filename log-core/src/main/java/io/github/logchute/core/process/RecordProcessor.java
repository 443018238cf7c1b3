package io.github.logchute.core.process;

import io.github.logchute.core.LogRecord;
import java.util.Objects;

/**
 * One step of record processing between decoding/grouping and the sinks: takes a record and returns
 * it, or a derived copy ({@link LogRecord#withFields}, {@link LogRecord#withTimestampNanos}).
 *
 * <p>Called by the engine's reading thread for every record, after enrichment (so {@link
 * LogRecord#metadata()} is the source's). An implementation must be cheap, must not block, and must
 * not throw: bad input is counted and the record passed on as it is. Implementations are
 * thread-safe unless they say otherwise.
 */
@FunctionalInterface
public interface RecordProcessor {

  /** The processed record; {@code record} itself when there is nothing to change. */
  LogRecord process(LogRecord record);

  /** This processor, then {@code next} on its result. */
  default RecordProcessor andThen(RecordProcessor next) {
    Objects.requireNonNull(next, "next");
    return r -> next.process(process(r));
  }

  /** A processor that returns every record unchanged. */
  static RecordProcessor identity() {
    return r -> r;
  }
}
