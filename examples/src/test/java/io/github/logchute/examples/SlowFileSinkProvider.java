package io.github.logchute.examples;

import io.github.logchute.core.LogRecord;
import io.github.logchute.core.spi.EncodedBatch;
import io.github.logchute.core.spi.SendOutcome;
import io.github.logchute.core.spi.Sink;
import io.github.logchute.core.spi.SinkContext;
import io.github.logchute.core.spi.SinkLimits;
import io.github.logchute.core.spi.SinkProvider;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * A slow destination for the crash test ({@code slowfile}): each batch is answered after {@code
 * delay}, once its messages have been appended to {@code path}, one per line. The file is what
 * "delivered" means: a SIGKILL cannot take back what the kernel already has.
 */
public final class SlowFileSinkProvider implements SinkProvider {

  @Override
  public String name() {
    return "slowfile";
  }

  @Override
  public Sink create(SinkContext context) {
    String path = context.config().requireString("path");
    Duration delay = context.config().duration("delay", Duration.ofMillis(10));
    int batch = context.config().integer("maxBatchRecords", 100);
    FileOutputStream out;
    try {
      out = new FileOutputStream(path, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return new Sink() {
      @Override
      public SinkLimits limits() {
        return new SinkLimits(batch, 1 << 20, Duration.ofMillis(5), 1);
      }

      @Override
      public EncodedBatch encode(List<LogRecord> records) {
        StringBuilder sb = new StringBuilder();
        for (LogRecord r : records) {
          sb.append(r.messageText()).append('\n');
        }
        byte[] body = sb.toString().getBytes(StandardCharsets.UTF_8);
        return new EncodedBatch(body, records.size(), body.length);
      }

      @Override
      public CompletionStage<SendOutcome> send(EncodedBatch b) {
        return CompletableFuture.supplyAsync(
            () -> {
              try {
                synchronized (out) {
                  out.write(b.body());
                }
                return SendOutcome.accepted();
              } catch (IOException e) {
                return SendOutcome.retry(Duration.ZERO, e.toString());
              }
            },
            CompletableFuture.delayedExecutor(delay.toNanos(), TimeUnit.NANOSECONDS));
      }

      @Override
      public void close() {
        try {
          out.close();
        } catch (IOException e) {
          // nothing to do
        }
      }
    };
  }
}
