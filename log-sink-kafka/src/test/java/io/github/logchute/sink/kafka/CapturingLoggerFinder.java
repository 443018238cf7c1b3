package io.github.logchute.sink.kafka;

import java.text.MessageFormat;
import java.util.List;
import java.util.ResourceBundle;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Captures every {@link System.Logger} message of the test JVM (registered in {@code
 * META-INF/services/java.lang.System$LoggerFinder}), so tests can assert what was logged — and that
 * no secret ever was. Messages are also printed to standard error.
 */
public final class CapturingLoggerFinder extends System.LoggerFinder {

  static final List<String> MESSAGES = new CopyOnWriteArrayList<>();

  @Override
  public System.Logger getLogger(String name, Module module) {
    return new System.Logger() {
      @Override
      public String getName() {
        return name;
      }

      @Override
      public boolean isLoggable(Level level) {
        return level.getSeverity() >= Level.INFO.getSeverity();
      }

      @Override
      public void log(Level level, ResourceBundle bundle, String msg, Throwable thrown) {
        record(level, msg + (thrown == null ? "" : " " + thrown));
      }

      @Override
      public void log(Level level, ResourceBundle bundle, String format, Object... params) {
        record(
            level,
            params == null || params.length == 0 ? format : MessageFormat.format(format, params));
      }

      private void record(Level level, String text) {
        if (isLoggable(level)) {
          String line = level + " " + name + ": " + text;
          MESSAGES.add(line);
          System.err.println(line);
        }
      }
    };
  }
}
