package io.github.logchute.core.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.logchute.core.Await;
import io.github.logchute.core.JsonLogLines;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.RetainedHeap;
import io.github.logchute.core.spi.InMemorySink;
import io.github.logchute.core.spi.SendOutcome;
import io.github.logchute.core.spi.SinkLimits;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** maxQueuedBytes bounds the heap the pipeline really holds, for JSON-heavy records. */
class MemoryBoundTest {

  private static final long BUDGET = 32L << 20;
  private static final int CHUNK = 50;

  @Test
  void aDeadSinkHoldsNoMoreHeapThanTheBudget() throws Exception {
    PipelineFixture f = new PipelineFixture();
    JsonLogLines lines = new JsonLogLines(7);
    for (int i = 0; i < 2_000; i++) {
      lines.next().sizeEstimate();
    }
    InMemorySink dead =
        new InMemorySink(new SinkLimits(500, 4 << 20, Duration.ofMillis(5), 4))
            .otherwise(b -> SendOutcome.retry(Duration.ZERO, "503"));
    Pipeline pipeline = f.builder().sink("dead", dead).maxQueuedBytes(BUDGET).build().start();
    Thread emitter =
        new Thread(
            () -> {
              try {
                while (true) {
                  List<LogRecord> chunk = new ArrayList<>(CHUNK);
                  for (int i = 0; i < CHUNK; i++) {
                    chunk.add(lines.next());
                  }
                  pipeline.emit(chunk);
                }
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
            },
            "emitter");
    long before = RetainedHeap.afterGc();
    emitter.start();
    try {
      Await.until(
          "emit blocked on the budget",
          PipelineFixture.WAIT,
          () ->
              f.metrics.value("logchute_pipeline_emit_waits") > 0 && f.clock.isWaiting("emitter"));
      long held = RetainedHeap.afterGc() - before;
      long admitted = pipeline.queuedBytes();
      String what = "heap held " + held + " bytes for " + admitted + " bytes admitted";
      // what the budget admitted, plus one chunk waiting at the door and the pipeline's own arrays
      long slack = BUDGET / 20 + (1L << 20);
      assertThat(held).as(what).isLessThanOrEqualTo(BUDGET + slack);
      assertThat(admitted).as(what).isGreaterThan(BUDGET - BUDGET / 10);
      assertThat(held).as(what).isGreaterThan(BUDGET / 2); // the records really are in memory
    } finally {
      emitter.interrupt();
      emitter.join(PipelineFixture.WAIT.toMillis());
      f.close(pipeline, Duration.ofSeconds(1));
    }
  }
}
