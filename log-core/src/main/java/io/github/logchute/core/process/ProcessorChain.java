package io.github.logchute.core.process;

import io.github.logchute.core.LogRecord;
import java.util.ArrayList;
import java.util.List;

/** Two processors one after the other. */
final class ProcessorChain implements RecordProcessor {
  private final RecordProcessor first;
  private final RecordProcessor next;

  ProcessorChain(RecordProcessor first, RecordProcessor next) {
    this.first = first;
    this.next = next;
  }

  @Override
  public LogRecord process(LogRecord record) {
    LogRecord out = first.process(record);
    return out == null ? null : next.process(out);
  }

  @Override
  public List<LogRecord> drain() {
    List<LogRecord> a = first.drain();
    List<LogRecord> b = next.drain();
    if (a.isEmpty()) {
      return b;
    }
    if (b.isEmpty()) {
      return a;
    }
    List<LogRecord> both = new ArrayList<>(a.size() + b.size());
    both.addAll(a);
    both.addAll(b);
    return both;
  }
}
