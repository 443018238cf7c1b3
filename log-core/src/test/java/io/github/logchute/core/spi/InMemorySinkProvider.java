package io.github.logchute.core.spi;

/** Creates {@link InMemorySink}s under the name {@code memory} (tests only). */
public final class InMemorySinkProvider implements SinkProvider {

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public Sink create(SinkContext context) {
    SinkLimits d = SinkLimits.defaults();
    return new InMemorySink(
        new SinkLimits(
            context.config().integer("maxBatchRecords", d.maxBatchRecords()),
            context.config().bytes("maxBatchBytes", d.maxBatchBytes()),
            context.config().duration("linger", d.linger()),
            context.config().integer("maxInFlight", d.maxInFlight())));
  }
}
