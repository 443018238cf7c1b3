package io.github.logchute.examples;

import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Proxy;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * What makes the agent read its configuration again: SIGHUP, and a change of the configuration
 * file's content. A ConfigMap mounted as a directory is updated by swapping a symbolic link, which
 * file-change notifications report unreliably; so the file (through its links) is read every {@code
 * configWatchInterval} and compared with the content last seen — a few hundred bytes, cheap. One
 * thread, {@code logchute-reload}, runs every reload, so two never overlap; requests that arrive
 * during a reload are merged into one.
 */
final class ReloadTriggers implements AutoCloseable {

  private static final Logger LOG = System.getLogger(ReloadTriggers.class.getName());
  private static final String STOP = "";

  private final Agent agent;
  private final Path file;
  private final BlockingQueue<String> requests = new LinkedBlockingQueue<>();
  private final Thread thread;
  private volatile Duration interval;
  private byte[] lastSeen;

  private ReloadTriggers(Agent agent, AgentOptions options) {
    this.agent = agent;
    this.file = options.configFile();
    this.interval = options.configWatchInterval();
    this.lastSeen = file == null ? null : read(file);
    this.thread = new Thread(this::run, "logchute-reload");
    thread.setDaemon(true);
  }

  /** Installs the SIGHUP handler and starts watching the configuration file. */
  static ReloadTriggers start(Agent agent, AgentOptions options) {
    ReloadTriggers t = new ReloadTriggers(agent, options);
    boolean hup = onSignal("HUP", () -> t.requests.offer("SIGHUP"));
    if (!hup) {
      LOG.log(
          Level.WARNING,
          "SIGHUP cannot be handled in this JVM (module jdk.unsupported missing, or -Xrs); the"
              + " configuration reloads only when its file changes");
    }
    t.thread.start();
    return t;
  }

  /** The new watch interval, after a reload changed it. */
  void interval(Duration d) {
    interval = d;
  }

  private void run() {
    try {
      while (true) {
        Duration every = interval;
        String request =
            file == null || every.isZero()
                ? requests.take()
                : requests.poll(every.toMillis(), TimeUnit.MILLISECONDS);
        if (STOP.equals(request)) {
          return;
        }
        String trigger = request;
        if (trigger == null) {
          byte[] now = read(file);
          if (now == null || Arrays.equals(now, lastSeen)) {
            continue; // unchanged, or missing for a moment while its link is swapped
          }
          lastSeen = now;
          trigger = "the configuration file changed";
        } else {
          if (requests.remove(STOP)) {
            return;
          }
          requests.clear(); // signals sent during the last reload are answered by this one
          if (file != null) {
            byte[] now = read(file);
            lastSeen = now == null ? lastSeen : now;
          }
        }
        agent.reload(trigger);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (RuntimeException | Error e) {
      LOG.log(Level.ERROR, "the reload thread stopped: " + e, e);
    }
  }

  private static byte[] read(Path file) {
    try {
      return Files.readAllBytes(file);
    } catch (IOException e) {
      return null;
    }
  }

  /**
   * Runs {@code action} on the JVM's signal thread when the process receives {@code name}, through
   * {@code sun.misc.Signal} (module jdk.unsupported), looked up reflectively so that the agent
   * still runs where it is missing. The action must not block.
   *
   * @return whether the handler was installed
   */
  static boolean onSignal(String name, Runnable action) {
    try {
      Class<?> signal = Class.forName("sun.misc.Signal");
      Class<?> handler = Class.forName("sun.misc.SignalHandler");
      InvocationHandler calls =
          (proxy, method, callArgs) ->
              switch (method.getName()) {
                case "handle" -> {
                  action.run();
                  yield null;
                }
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == callArgs[0];
                case "toString" -> "logchute " + name + " handler";
                default -> null;
              };
      Object h = Proxy.newProxyInstance(handler.getClassLoader(), new Class<?>[] {handler}, calls);
      Object s = signal.getConstructor(String.class).newInstance(name);
      signal.getMethod("handle", signal, handler).invoke(null, s, h);
      return true;
    } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
      return false;
    }
  }

  @Override
  public void close() {
    requests.offer(STOP);
    if (Thread.currentThread() != thread) {
      try {
        thread.join(TimeUnit.SECONDS.toMillis(1));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }
}
