package io.github.logchute.examples.torture;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * A Kubernetes node's container logs as the kubelet and containerd write them (SPECS.md §1.3,
 * §1.4), for tests: containers under {@code pods/<ns>_<pod>_<uid>/<container>/0.log}, each with its
 * link {@code containers/<pod>_<ns>_<container>-<64 hex>.log}, written by one thread per container
 * at a paced rate, rotated the kubelet's way (see {@link SimContainer}). Every message carries a
 * unique token {@code seq=<container>-<n>}, and where each of its lines went is recorded, so a
 * checker can account for every message.
 *
 * <p>Seeded: the same seed gives the same containers, names, message contents and sizes and
 * rotation choices (timing, and so what interleaves with what, varies from run to run).
 */
final class NodeSimulator implements AutoCloseable {

  private final Path containersDir;
  private final Path podsDir;
  private final long seed;
  private final SplittableRandom random;
  private final Messages messages;
  private final long t0 = System.nanoTime();
  private final List<SimContainer> containers = new ArrayList<>();
  private final Map<SimContainer, Thread> writers = new HashMap<>();

  NodeSimulator(Path root, long seed) throws IOException {
    this.containersDir = Files.createDirectories(root.resolve("containers"));
    this.podsDir = Files.createDirectories(root.resolve("pods"));
    this.seed = seed;
    this.random = new SplittableRandom(seed);
    this.messages = new Messages(seed);
  }

  /** The glob of every container's link (the agent's {@code paths}). */
  String glob() {
    return containersDir + "/*.log";
  }

  Messages messages() {
    return messages;
  }

  /** When the simulator was made: the origin of the times in reports. */
  long t0() {
    return t0;
  }

  /**
   * Adds a container {@code name} (letters and digits, unique on the node) of pod {@code pod} in
   * {@code namespace}: its directory, its empty {@code 0.log} (opened by the runtime) and its link.
   * It writes only once {@link #start} is called, or when driven directly.
   */
  synchronized SimContainer add(
      String namespace, String pod, String name, ContainerSettings settings) throws IOException {
    String uid = hex(8) + "-" + hex(4) + "-" + hex(4) + "-" + hex(4) + "-" + hex(12);
    Path dir =
        Files.createDirectories(podsDir.resolve(namespace + "_" + pod + "_" + uid).resolve(name));
    Path live = dir.resolve("0.log");
    Path link = containersDir.resolve(pod + "_" + namespace + "_" + name + "-" + hex(64) + ".log");
    SimContainer c =
        new SimContainer(
            name, namespace, pod, link, live, messages, random.nextLong(), settings, t0);
    Files.createSymbolicLink(link, live);
    containers.add(c);
    return c;
  }

  /** Starts the writer thread of every container not yet writing. */
  /** Holds every container's size-triggered rotations back, or lets them go again. */
  synchronized void holdRotations(boolean held) {
    containers.forEach(c -> c.holdRotations(held));
  }

  synchronized void start() {
    for (SimContainer c : containers) {
      writers.computeIfAbsent(
          c,
          k -> {
            Thread t = new Thread(k, "sim-writer-" + k.name);
            t.setDaemon(true);
            t.start();
            return t;
          });
    }
  }

  /** Stops every writer and waits for it; fails if one of them failed. */
  void stopWriting() throws InterruptedException {
    List<Thread> threads;
    synchronized (this) {
      containers.forEach(SimContainer::stop);
      threads = List.copyOf(writers.values());
    }
    for (Thread t : threads) {
      t.join();
    }
    for (SimContainer c : containers()) {
      if (c.failure() != null) {
        throw new AssertionError("writer of " + c.describe() + " failed", c.failure());
      }
    }
  }

  /** Waits until every writer reached its {@link SimContainer#limit}. */
  void awaitWritersDone() throws InterruptedException {
    List<Thread> threads;
    synchronized (this) {
      threads = List.copyOf(writers.values());
    }
    for (Thread t : threads) {
      t.join();
    }
    for (SimContainer c : containers()) {
      if (c.failure() != null) {
        throw new AssertionError("writer of " + c.describe() + " failed", c.failure());
      }
    }
  }

  synchronized List<SimContainer> containers() {
    return List.copyOf(containers);
  }

  /** Messages written so far, over all containers. */
  long written() {
    long n = 0;
    for (SimContainer c : containers()) {
      n += c.written();
    }
    return n;
  }

  long rotations() {
    long n = 0;
    for (SimContainer c : containers()) {
      n += c.rotations();
    }
    return n;
  }

  long seed() {
    return seed;
  }

  private String hex(int n) {
    StringBuilder b = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      b.append(Character.forDigit(random.nextInt(16), 16));
    }
    return b.toString();
  }

  @Override
  public void close() {
    try {
      stopWriting();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
