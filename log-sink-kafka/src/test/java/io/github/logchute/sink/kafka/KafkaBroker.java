package io.github.logchute.sink.kafka;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;

/**
 * A real single-node Kafka (KRaft, broker and controller in one process) on 127.0.0.1, run in a JVM
 * of its own from the test class path: free ports found by binding to 0, storage formatted with
 * {@code kafka.tools.StorageTool}, {@code kafka.Kafka} started with a 512 MiB heap, readiness
 * polled with an {@link Admin} client until a deadline. {@link #kill()} is {@code kill -9}; {@link
 * #restart()} starts it again on the same ports and data; {@link #close()} always kills it.
 *
 * <p>Listeners: {@code PLAINTEXT} ({@link #bootstrap()}), optionally {@code SASL_PLAINTEXT} with
 * the PLAIN mechanism ({@link #saslBootstrap()}), and the controller's. The broker's own output (it
 * has no logging backend, so little) goes to {@code broker.out} in the directory, shown when it
 * fails.
 */
final class KafkaBroker implements AutoCloseable {

  static final Duration START_TIMEOUT = Duration.ofSeconds(90);

  private final Path dir;
  private final int port;
  private final int saslPort;
  private final int controllerPort;
  private final Path properties;
  private final Path out;
  private final Admin admin;
  private Process process;

  private KafkaBroker(Path dir, Map<String, String> saslUsers, Map<String, String> extra)
      throws IOException, InterruptedException {
    this.dir = Files.createDirectories(dir);
    int[] ports = freePorts(3);
    this.port = ports[0];
    this.saslPort = saslUsers.isEmpty() ? -1 : ports[1];
    this.controllerPort = ports[2];
    this.properties = dir.resolve("server.properties");
    this.out = dir.resolve("broker.out");
    writeProperties(saslUsers, extra);
    format();
    start();
    Properties p = new Properties();
    p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap());
    p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "3000");
    p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "5000");
    p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "200");
    this.admin = Admin.create(p);
    try {
      awaitReady();
    } catch (RuntimeException | InterruptedException e) {
      admin.close(Duration.ZERO);
      process.destroyForcibly();
      throw e;
    }
  }

  /**
   * Formats and starts a broker in {@code dir}.
   *
   * @param saslUsers users (name → password) of a {@code SASL_PLAINTEXT} listener; none: no such
   *     listener
   * @param extra further broker settings
   */
  static KafkaBroker start(Path dir, Map<String, String> saslUsers, Map<String, String> extra)
      throws IOException, InterruptedException {
    return new KafkaBroker(dir, saslUsers, extra);
  }

  static KafkaBroker start(Path dir) throws IOException, InterruptedException {
    return start(dir, Map.of(), Map.of());
  }

  /** {@code host:port} of the PLAINTEXT listener. */
  String bootstrap() {
    return "127.0.0.1:" + port;
  }

  /** {@code host:port} of the SASL_PLAINTEXT listener. */
  String saslBootstrap() {
    if (saslPort < 0) {
      throw new IllegalStateException("no SASL listener");
    }
    return "127.0.0.1:" + saslPort;
  }

  /** An admin client of the PLAINTEXT listener, closed with the broker. */
  Admin admin() {
    return admin;
  }

  /** Kills the broker at once ({@code SIGKILL}) and waits until the process is gone. */
  void kill() throws InterruptedException {
    Process p = process;
    if (p != null && p.isAlive()) {
      p.destroyForcibly();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        throw new IllegalStateException("the killed broker did not exit");
      }
    }
  }

  /** Starts the broker again, same ports and data, and waits until it serves. */
  void restart() throws IOException, InterruptedException {
    kill();
    start();
    awaitReady();
  }

  /** The last bytes of the broker's output, for failure messages. */
  String outputTail() {
    try {
      byte[] b = Files.readAllBytes(out);
      int from = Math.max(0, b.length - 4000);
      return new String(b, from, b.length - from, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "(no output: " + e + ")";
    }
  }

  @Override
  public void close() {
    try {
      admin.close(Duration.ofSeconds(2));
    } finally {
      try {
        kill();
      } catch (InterruptedException e) {
        process.destroyForcibly();
        Thread.currentThread().interrupt();
      }
    }
  }

  private void writeProperties(Map<String, String> saslUsers, Map<String, String> extra)
      throws IOException {
    Map<String, String> p = new LinkedHashMap<>();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    String listeners = "PLAINTEXT://127.0.0.1:" + port;
    String advertised = listeners;
    String map = "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT";
    if (saslPort > 0) {
      listeners += ",SASL_PLAINTEXT://127.0.0.1:" + saslPort;
      advertised += ",SASL_PLAINTEXT://127.0.0.1:" + saslPort;
      map += ",SASL_PLAINTEXT:SASL_PLAINTEXT";
      p.put("sasl.enabled.mechanisms", "PLAIN");
      StringBuilder jaas =
          new StringBuilder(
              "org.apache.kafka.common.security.plain.PlainLoginModule required"
                  + " username=\"admin\" password=\"admin-pw\" user_admin=\"admin-pw\"");
      saslUsers.forEach(
          (user, password) ->
              jaas.append(" user_").append(user).append("=\"").append(password).append('"'));
      p.put("listener.name.sasl_plaintext.plain.sasl.jaas.config", jaas + ";");
    }
    p.put("listeners", listeners + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", advertised);
    p.put("listener.security.protocol.map", map);
    p.put("log.dirs", dir.resolve("data").toString());
    p.put("num.partitions", "3");
    p.put("auto.create.topics.enable", "true");
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "1");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "1");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    p.put("num.network.threads", "2");
    p.put("num.io.threads", "2");
    p.put("log.flush.interval.messages", String.valueOf(Long.MAX_VALUE));
    p.putAll(extra);
    Properties props = new Properties();
    props.putAll(p);
    try (var w = Files.newBufferedWriter(properties, StandardCharsets.UTF_8)) {
      props.store(w, "written by KafkaBroker (test)");
    }
  }

  private void format() throws IOException, InterruptedException {
    List<String> cmd =
        javaCommand(
            "kafka.tools.StorageTool",
            "format",
            "-t",
            Uuid.randomUuid().toString(),
            "-c",
            properties.toString());
    Process p =
        new ProcessBuilder(cmd)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
            .start();
    if (!p.waitFor(60, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("formatting the storage took over 60 s:\n" + outputTail());
    }
    if (p.exitValue() != 0) {
      throw new IllegalStateException(
          "formatting the storage failed (exit " + p.exitValue() + "):\n" + outputTail());
    }
  }

  private void start() throws IOException {
    process =
        new ProcessBuilder(javaCommand("kafka.Kafka", properties.toString()))
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(out.toFile()))
            .start();
  }

  private void awaitReady() throws InterruptedException {
    long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
    Exception last = null;
    while (System.nanoTime() - deadline < 0) {
      if (!process.isAlive()) {
        throw new IllegalStateException(
            "the broker exited (" + process.exitValue() + ") while starting:\n" + outputTail());
      }
      try {
        var nodes =
            admin
                .describeCluster(new DescribeClusterOptions().timeoutMs(2000))
                .nodes()
                .get(3, TimeUnit.SECONDS);
        if (!nodes.isEmpty()) {
          return;
        }
      } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
        last = e;
        LockSupport.parkNanos(100_000_000L); // the next look, not a synchronisation
      }
    }
    throw new IllegalStateException(
        "the broker was not ready within " + START_TIMEOUT + " (" + last + "):\n" + outputTail());
  }

  private List<String> javaCommand(String mainClass, String... args) {
    String classPath = System.getProperty("surefire.test.class.path");
    if (classPath == null || classPath.isBlank()) {
      classPath = System.getProperty("java.class.path");
    }
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.add("-Xmx512m");
    cmd.add("-Xms64m");
    cmd.add("-XX:+UseSerialGC");
    cmd.add("-XX:TieredStopAtLevel=1"); // starts faster on two cores
    cmd.add("-XX:-UsePerfData");
    cmd.add("-Djava.awt.headless=true");
    cmd.add("-Djava.io.tmpdir=" + dir);
    cmd.add("-cp");
    cmd.add(classPath);
    cmd.add(mainClass);
    cmd.addAll(List.of(args));
    return cmd;
  }

  private static int[] freePorts(int n) throws IOException {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      int[] ports = new int[n];
      for (int i = 0; i < n; i++) {
        ServerSocket s = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
        sockets.add(s);
        ports[i] = s.getLocalPort();
      }
      return ports;
    } finally {
      for (ServerSocket s : sockets) {
        s.close();
      }
    }
  }
}
