package io.github.logchute.examples;

import io.github.logchute.core.Clock;
import io.github.logchute.core.config.ConfigException;
import io.github.logchute.core.config.ConfigSection;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.pipeline.Pipeline;
import io.github.logchute.core.spi.Sink;
import io.github.logchute.core.spi.SinkContext;
import io.github.logchute.core.spi.SinkRegistry;
import io.github.logchute.core.tail.FileTailer;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * The logchute node agent: tails container log files into the configured sinks until it is stopped.
 * SIGTERM (or Ctrl-C) stops reading, flushes what is queued within the shutdown timeout, saves
 * checkpoints and exits; whatever was not delivered is read again at the next start.
 *
 * <p>Records go to the sinks only (the console sink: stdout); the agent's own messages go to stderr
 * through {@link System.Logger}. See {@link AgentOptions} for the settings.
 */
public final class Agent implements AutoCloseable {

  private static final Logger LOG = System.getLogger(Agent.class.getName());

  private final AgentOptions options;
  private final FileTailer tailer;
  private final Pipeline pipeline;
  private final MetricsRegistry metrics;
  private boolean closed;

  private Agent(
      AgentOptions options, FileTailer tailer, Pipeline pipeline, MetricsRegistry metrics) {
    this.options = options;
    this.tailer = tailer;
    this.pipeline = pipeline;
    this.metrics = metrics;
  }

  /**
   * Builds and starts an agent.
   *
   * @throws ConfigException on any configuration error, naming the key
   * @throws IOException if the data directory cannot be created
   */
  static Agent start(AgentOptions options, ClassLoader plugins) throws IOException {
    Clock clock = Clock.system();
    MetricsRegistry metrics = new MetricsRegistry();
    SinkRegistry registry = SinkRegistry.load(plugins);
    List<Sink> created = new ArrayList<>();
    Pipeline.Builder builder =
        Pipeline.builder().metrics(metrics).clock(clock).maxQueuedBytes(options.maxQueuedBytes());
    try {
      for (String name : options.sinks()) {
        Map<String, String> settings = options.sinkSettings().getOrDefault(name, Map.of());
        Sink sink =
            registry.create(
                name, new SinkContext(ConfigSection.of("sinks." + name, settings), metrics, clock));
        created.add(sink);
        builder.sink(name, sink);
      }
    } catch (RuntimeException e) {
      created.forEach(Sink::close);
      throw e;
    }
    FileTailer tailer = new FileTailer(options.tailer(), metrics, clock);
    Pipeline pipeline = builder.acknowledgeTo(tailer::acknowledge).build().start();
    tailer.start(pipeline);
    LOG.log(
        Level.INFO,
        "logchute agent reading {0} (checkpoints in {1}) into sinks {2}",
        options.tailer().include(),
        options.tailer().dataDir(),
        options.sinks());
    return new Agent(options, tailer, pipeline, metrics);
  }

  MetricsRegistry metrics() {
    return metrics;
  }

  /** Stops reading, flushes within the shutdown timeout, saves checkpoints. */
  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    tailer.stopReading();
    boolean flushed = pipeline.close(options.shutdownTimeout());
    tailer.close();
    LOG.log(
        Level.INFO,
        flushed
            ? "logchute agent stopped; everything read was delivered"
            : "logchute agent stopped before everything read was delivered; the rest is read"
                + " again at the next start");
  }

  public static void main(String[] args) throws InterruptedException {
    if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
      // one line per message on stderr: time, level, logger, message
      System.setProperty(
          "java.util.logging.SimpleFormatter.format", "%1$tFT%1$tT.%1$tL %4$s %3$s: %5$s%6$s%n");
    }
    int code = run(args, System.getenv(), System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Runs until the JVM is asked to stop; returns an exit code if it cannot start. */
  static int run(String[] args, Map<String, String> env, PrintStream out, PrintStream err)
      throws InterruptedException {
    AgentOptions options;
    try {
      options = AgentOptions.parse(args, env);
    } catch (ConfigException e) {
      err.println("logchute: configuration error: " + e.getMessage());
      return 2;
    }
    if (options.help()) {
      out.print(AgentOptions.USAGE);
      return 0;
    }
    if (options.version()) {
      String v = Agent.class.getPackage().getImplementationVersion();
      out.println("logchute-agent " + (v == null ? "(development build)" : v));
      return 0;
    }
    Agent agent;
    try {
      agent = start(options, Agent.class.getClassLoader());
    } catch (ConfigException e) {
      err.println("logchute: configuration error: " + e.getMessage());
      return 2;
    } catch (IOException e) {
      err.println("logchute: cannot start: " + e.getMessage());
      return 1;
    }
    Runtime.getRuntime().addShutdownHook(new Thread(agent::close, "logchute-shutdown"));
    new CountDownLatch(1).await(); // until the JVM shuts down
    return 0;
  }
}
