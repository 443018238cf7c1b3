package io.github.logchute.core.console;

import io.github.logchute.core.config.ConfigException;
import io.github.logchute.core.config.ConfigSection;
import io.github.logchute.core.spi.Sink;
import io.github.logchute.core.spi.SinkContext;
import io.github.logchute.core.spi.SinkLimits;
import io.github.logchute.core.spi.SinkProvider;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;

/**
 * The {@code console} sink: JSON lines on standard output (or standard error).
 *
 * <p>Options ({@code sinks.console.*}): {@code target} ({@code stdout} or {@code stderr}, default
 * stdout), {@code maxBatchRecords} (default 512), {@code linger} (default 100ms).
 */
public final class ConsoleSinkProvider implements SinkProvider {

  public static final String NAME = "console";

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Sink create(SinkContext context) {
    Settings s = settings(context.config());
    OutputStream out =
        s.stderr()
            ? new FileOutputStream(FileDescriptor.err)
            : new FileOutputStream(FileDescriptor.out);
    return new ConsoleSink(out, s.limits());
  }

  @Override
  public boolean validate(ConfigSection config) {
    settings(config);
    return true;
  }

  private record Settings(boolean stderr, SinkLimits limits) {}

  private static Settings settings(ConfigSection c) {
    String target = c.string("target", "stdout");
    if (!target.equals("stdout") && !target.equals("stderr")) {
      throw new ConfigException(
          c.keyPath("target"), "expected stdout or stderr, got '" + target + "'");
    }
    SinkLimits d = ConsoleSink.defaultLimits();
    int maxRecords = c.integer("maxBatchRecords", d.maxBatchRecords());
    if (maxRecords < 1) {
      throw new ConfigException(c.keyPath("maxBatchRecords"), "must be >= 1, was " + maxRecords);
    }
    return new Settings(
        target.equals("stderr"),
        new SinkLimits(maxRecords, d.maxBatchBytes(), c.duration("linger", d.linger()), 1));
  }
}
