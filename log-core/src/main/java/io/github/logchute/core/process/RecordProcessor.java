package io.github.logchute.core.process;

import io.github.logchute.core.LogRecord;
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

  /** This processor, then {@code next} on its result (a record this one dropped stays dropped). */
  default RecordProcessor andThen(RecordProcessor next) {
    Objects.requireNonNull(next, "next");
    return r -> {
      LogRecord out = process(r);
      return out == null ? null : next.process(out);
    };
  }

  /** A processor that returns every record unchanged. */
  static RecordProcessor identity() {
    return r -> r;
  }
}
