package io.github.logchute.core.tail;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/** Captures what a class logs through System.Logger (java.util.logging underneath), for tests. */
final class Logged extends Handler implements AutoCloseable {

  private final Logger logger;
  private final List<String> messages = new CopyOnWriteArrayList<>();

  private Logged(Logger logger) {
    this.logger = logger;
  }

  static Logged from(Class<?> type) {
    Logged l = new Logged(Logger.getLogger(type.getName()));
    l.logger.addHandler(l);
    return l;
  }

  /** The messages logged so far (parameters filled in) that contain {@code text}. */
  List<String> lines(String text) {
    return messages.stream().filter(m -> m.contains(text)).toList();
  }

  @Override
  public void publish(LogRecord r) {
    String m = r.getMessage();
    Object[] p = r.getParameters();
    messages.add(p == null || p.length == 0 ? m : java.text.MessageFormat.format(m, p));
  }

  @Override
  public void flush() {}

  @Override
  public void close() {
    logger.removeHandler(this);
  }
}
