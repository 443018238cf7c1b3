package io.github.logchute.core.tail;

import io.github.logchute.core.parse.Timestamps;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;

/**
 * A node's log directories as the kubelet and a CRI runtime lay them out, for tests: real files
 * under {@code pods/<ns>_<pod>_<uid>/<container>/0.log}, symbolic links under {@code
 * containers/<pod>_<ns>_<container>-<id>.log}, and rotation done the kubelet's way (rename the live
 * file to {@code 0.log.<timestamp>}, gzip older rotated files, keep a bounded number, let the
 * runtime reopen a fresh {@code 0.log}). Shared with other modules through the test-jar.
 */
public final class KubeletLogs {

  private final Path containers;
  private final Path pods;

  public KubeletLogs(Path root) throws IOException {
    this.containers = Files.createDirectories(root.resolve("containers"));
    this.pods = Files.createDirectories(root.resolve("pods"));
  }

  /** The glob that matches every container's link. */
  public String glob() {
    return containers + "/*.log";
  }

  public Path containersDir() {
    return containers;
  }

  /** Creates a container's log file and its link; the runtime has it open for appending. */
  public Container container(String namespace, String pod, String container) throws IOException {
    String uid = UUID.randomUUID().toString();
    Path dir =
        Files.createDirectories(pods.resolve(namespace + "_" + pod + "_" + uid).resolve(container));
    String id = (UUID.randomUUID().toString() + UUID.randomUUID()).replace("-", "");
    Path live = dir.resolve("0.log");
    Path link = containers.resolve(pod + "_" + namespace + "_" + container + "-" + id + ".log");
    Container c = new Container(link, live);
    Files.createSymbolicLink(link, live);
    return c;
  }

  /** One container's log: its link, its live file, and the runtime's open stream. */
  public static final class Container implements AutoCloseable {
    private final Path link;
    private final Path live;
    private OutputStream out;
    private long bytesInFile;
    private int rotations;

    Container(Path link, Path live) throws IOException {
      this.link = link;
      this.live = live;
      this.out = open();
    }

    private OutputStream open() throws IOException {
      bytesInFile = 0;
      return Files.newOutputStream(
          live, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
    }

    public Path link() {
      return link;
    }

    public Path live() {
      return live;
    }

    /** Bytes written to the current live file. */
    public long bytesInFile() {
      return bytesInFile;
    }

    /** Appends one complete CRI line on {@code stream} stamped now. */
    public void cri(String stream, String message) {
      write(
          Timestamps.formatRfc3339Nano(System.currentTimeMillis() * 1_000_000L)
              + " "
              + stream
              + " F "
              + message
              + "\n");
    }

    /** Appends raw text. */
    public void write(String text) {
      write(text.getBytes(StandardCharsets.UTF_8));
    }

    public void write(byte[] bytes) {
      try {
        out.write(bytes);
        out.flush();
        bytesInFile += bytes.length;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }

    /**
     * Rotates as the kubelet does: drops the oldest rotated files beyond {@code maxFiles - 2},
     * gzips the remaining uncompressed ones, renames the live file, then — after the runtime wrote
     * {@code lateLines} more lines into the renamed file — reopens a fresh live file.
     */
    public void rotate(int maxFiles, List<String> lateLines) throws IOException {
      Path dir = live.getParent();
      String prefix = live.getFileName() + ".";
      List<Path> rotated = new ArrayList<>();
      try (Stream<Path> s = Files.list(dir)) {
        s.filter(p -> p.getFileName().toString().startsWith(prefix)).sorted().forEach(rotated::add);
      }
      List<Path> plain = new ArrayList<>();
      for (Path p : rotated) {
        if (!p.toString().endsWith(".gz")) {
          plain.add(p);
        }
      }
      int excess = rotated.size() - (maxFiles - 2);
      for (int i = 0; i < excess && i < rotated.size(); i++) {
        Files.deleteIfExists(rotated.get(i));
        plain.remove(rotated.get(i));
      }
      for (Path p : plain) {
        Path gz = Path.of(p + ".gz");
        Path tmp = Path.of(gz + ".tmp");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(tmp))) {
          Files.copy(p, o);
        }
        Files.move(tmp, gz);
        Files.delete(p);
      }
      Path renamed = dir.resolve(String.format("%s.%08d", live.getFileName(), rotations++));
      Files.move(live, renamed);
      for (String line : lateLines) {
        cri("stdout", line);
      }
      out.close();
      out = open();
    }

    /** The runtime truncates the file in place (as copytruncate would). */
    public void truncate() throws IOException {
      out.close();
      Files.write(live, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
      out = open();
    }

    @Override
    public void close() throws IOException {
      out.close();
    }
  }
}
