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
    ConfigSection c = context.config();
    String target = c.string("target", "stdout");
    OutputStream out;
    switch (target) {
      case "stdout":
        out = new FileOutputStream(FileDescriptor.out);
        break;
      case "stderr":
        out = new FileOutputStream(FileDescriptor.err);
        break;
      default:
        throw new ConfigException(
            c.keyPath("target"), "expected stdout or stderr, got '" + target + "'");
    }
    SinkLimits d = ConsoleSink.defaultLimits();
    int maxRecords = c.integer("maxBatchRecords", d.maxBatchRecords());
    if (maxRecords < 1) {
      throw new ConfigException(c.keyPath("maxBatchRecords"), "must be >= 1, was " + maxRecords);
    }
    SinkLimits limits =
        new SinkLimits(maxRecords, d.maxBatchBytes(), c.duration("linger", d.linger()), 1);
    return new ConsoleSink(out, limits);
  }
}
