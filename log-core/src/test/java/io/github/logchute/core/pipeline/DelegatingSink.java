package io.github.logchute.core.pipeline;

import io.github.logchute.core.LogRecord;
import io.github.logchute.core.spi.EncodedBatch;
import io.github.logchute.core.spi.SendOutcome;
import io.github.logchute.core.spi.Sink;
import io.github.logchute.core.spi.SinkLimits;
import java.util.List;
import java.util.concurrent.CompletionStage;

/** Forwards everything to another sink; tests override what they need. */
class DelegatingSink implements Sink {
  private final Sink inner;

  DelegatingSink(Sink inner) {
    this.inner = inner;
  }

  @Override
  public SinkLimits limits() {
    return inner.limits();
  }

  @Override
  public EncodedBatch encode(List<LogRecord> records) {
    return inner.encode(records);
  }

  @Override
  public CompletionStage<SendOutcome> send(EncodedBatch batch) {
    return inner.send(batch);
  }

  @Override
  public void close() {
    inner.close();
  }
}
