package io.github.logchute.core.checkpoint;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.github.logchute.core.metrics.Counter;
import io.github.logchute.core.metrics.MetricsRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.lang.System.Logger;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * The checkpoint file: one JSON document in the data directory holding a {@link FileCheckpoint} per
 * file being read.
 *
 * <p>Writes are atomic — a temporary file is written and fsynced, renamed over the old one, and the
 * directory fsynced — so a crash at any moment leaves either the old or the new checkpoint, never a
 * torn one (the mistake of rewriting a position file in place). A file that cannot be read or
 * parsed is logged, counted ({@code logchute_checkpoint_load_errors_total}), moved aside as {@code
 * checkpoints.json.corrupt} for inspection, and loading answers {@link Loaded#corrupt()}: the
 * engine starts without positions rather than failing to start.
 *
 * <p>Format ({@code version} 1):
 *
 * <pre>{@code
 * {"version":1,"files":[{"path":"/var/log/containers/a.log","dev":2049,"ino":1234,"offset":5678,
 *   "fpLen":1024,"fp":305419896,"tailLen":256,"tail":2596069104,"updated":1767225600000,
 *   "size":9000,"file":"/var/log/pods/ns_a_uid/app/0.log"}],
 *  "finished":[{"path":"/var/log/containers/a.log","fpLen":1024,"fp":2882400018,"size":10485760}]}
 * }</pre>
 *
 * <p>{@code finished} lists, per path, the rotated files not to read again — read to their end, or
 * history at the first start — by the fingerprint of their first bytes and their length: after a
 * restart, a rotated file (plain or compressed) with that content is not read again. {@code size}
 * and {@code file} are optional (-1 and absent when unknown); readers ignore members they do not
 * know.
 */
public final class CheckpointStore {

  /** The file's name in the data directory. */
  public static final String FILE_NAME = "checkpoints.json";

  static final int VERSION = 1;

  private static final Logger LOG = System.getLogger(CheckpointStore.class.getName());
  private static final JsonFactory JSON = new JsonFactory();

  private final Path file;
  private final Path temp;
  private final Path dir;
  private final Counter loadErrors;
  private final Counter saveErrors;

  /**
   * What {@link #load()} found.
   *
   * @param files the entries
   * @param existed whether a valid checkpoint file was there
   * @param corrupt whether a checkpoint file was there but unusable
   * @param savedAtMillis when the file was last written (0 if none)
   */
  public record Loaded(
      List<FileCheckpoint> files,
      boolean existed,
      boolean corrupt,
      long savedAtMillis,
      List<Finished> finished) {}

  /**
   * A file read to its end and let go: its link and the fingerprint of its first bytes.
   *
   * @param path the link it was read through
   * @param fingerprintLength how many leading bytes {@code fingerprint} covers
   * @param fingerprint CRC-32C of those bytes
   * @param size its length (-1: unknown)
   */
  public record Finished(String path, int fingerprintLength, long fingerprint, long size) {

    /** A finished file of unknown length. */
    public Finished(String path, int fingerprintLength, long fingerprint) {
      this(path, fingerprintLength, fingerprint, -1);
    }
  }

  /**
   * A store in {@code dataDir}, created if missing.
   *
   * @throws IOException if the directory cannot be created
   */
  public CheckpointStore(Path dataDir, MetricsRegistry metrics) throws IOException {
    this.dir = Files.createDirectories(dataDir);
    this.file = dir.resolve(FILE_NAME);
    this.temp = dir.resolve(FILE_NAME + ".tmp");
    this.loadErrors =
        metrics.counter(
            "logchute_checkpoint_load_errors_total",
            "Checkpoint files that could not be read or parsed (the engine started without them).");
    this.saveErrors =
        metrics.counter("logchute_checkpoint_save_errors_total", "Checkpoint writes that failed.");
  }

  /**
   * Checks that checkpoints can be written here: writes, syncs and deletes a probe file. Called at
   * start, so that a read-only or full data directory fails the start instead of every save.
   *
   * @throws IOException naming the directory and the cause
   */
  public void checkWritable() throws IOException {
    Path probe = dir.resolve(FILE_NAME + ".probe");
    try {
      try (FileChannel ch =
          FileChannel.open(
              probe,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        ch.write(ByteBuffer.wrap(new byte[] {'{', '}'}));
        ch.force(true);
      }
      Files.delete(probe);
    } catch (IOException e) {
      throw new IOException("checkpoints cannot be written in " + dir + ": " + e, e);
    }
  }

  /** The checkpoint file's path. */
  public Path path() {
    return file;
  }

  /** Reads the checkpoint file. Never throws: a missing file is empty, a bad one is set aside. */
  public Loaded load() {
    byte[] bytes;
    long savedAt;
    try {
      savedAt = Files.getLastModifiedTime(file).toMillis();
      bytes = Files.readAllBytes(file);
    } catch (NoSuchFileException e) {
      return new Loaded(List.of(), false, false, 0, List.of());
    } catch (IOException e) {
      return corrupt("cannot be read: " + e);
    }
    try {
      List<Finished> finished = new ArrayList<>();
      return new Loaded(parse(bytes, finished), true, false, savedAt, finished);
    } catch (IOException | RuntimeException e) {
      return corrupt("is not a valid checkpoint file: " + e.getMessage());
    }
  }

  private Loaded corrupt(String why) {
    loadErrors.increment();
    Path aside = dir.resolve(FILE_NAME + ".corrupt");
    try {
      Files.move(file, aside, StandardCopyOption.REPLACE_EXISTING);
      why += "; moved to " + aside;
    } catch (IOException e) {
      why += "; could not move it aside: " + e;
    }
    LOG.log(
        Level.ERROR,
        "checkpoint file {0} {1}. Starting without positions (startAt applies).",
        file,
        why);
    return new Loaded(List.of(), false, true, 0, List.of());
  }

  private static List<FileCheckpoint> parse(byte[] bytes, List<Finished> finished)
      throws IOException {
    List<FileCheckpoint> out = new ArrayList<>();
    int version = -1;
    try (JsonParser p = JSON.createParser(bytes)) {
      expect(p.nextToken(), JsonToken.START_OBJECT);
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String name = p.currentName();
        JsonToken t = p.nextToken();
        if ("version".equals(name)) {
          expect(t, JsonToken.VALUE_NUMBER_INT);
          version = p.getIntValue();
        } else if ("files".equals(name)) {
          expect(t, JsonToken.START_ARRAY);
          while (p.nextToken() == JsonToken.START_OBJECT) {
            out.add(entry(p));
          }
          expect(p.currentToken(), JsonToken.END_ARRAY);
        } else if ("finished".equals(name)) {
          expect(t, JsonToken.START_ARRAY);
          while (p.nextToken() == JsonToken.START_OBJECT) {
            FileCheckpoint f = entryOf(p, true);
            finished.add(new Finished(f.path(), f.fingerprintLength(), f.fingerprint(), f.size()));
          }
          expect(p.currentToken(), JsonToken.END_ARRAY);
        } else {
          p.skipChildren();
        }
      }
      expect(p.currentToken(), JsonToken.END_OBJECT);
      if (p.nextToken() != null) {
        throw new IOException("trailing content after the checkpoint object");
      }
    }
    if (version != VERSION) {
      throw new IOException(
          "unsupported checkpoint version " + version + " (expected " + VERSION + ")");
    }
    return out;
  }

  private static FileCheckpoint entry(JsonParser p) throws IOException {
    return entryOf(p, false);
  }

  private static FileCheckpoint entryOf(JsonParser p, boolean finishedEntry) throws IOException {
    String path = null;
    long dev = -1;
    long ino = -1;
    long offset = -1;
    long fpLen = 0;
    long fp = 0;
    long tailLen = 0;
    long tail = 0;
    long updated = 0;
    long size = -1;
    String file = null;
    while (p.nextToken() == JsonToken.FIELD_NAME) {
      String name = p.currentName();
      JsonToken t = p.nextToken();
      if ("path".equals(name)) {
        expect(t, JsonToken.VALUE_STRING);
        path = p.getText();
        continue;
      }
      if ("file".equals(name)) {
        expect(t, JsonToken.VALUE_STRING);
        file = p.getText();
        continue;
      }
      if (t != JsonToken.VALUE_NUMBER_INT) {
        p.skipChildren();
        continue;
      }
      long v = p.getLongValue();
      switch (name) {
        case "dev":
          dev = v;
          break;
        case "ino":
          ino = v;
          break;
        case "offset":
          offset = v;
          break;
        case "fpLen":
          fpLen = v;
          break;
        case "fp":
          fp = v;
          break;
        case "tailLen":
          tailLen = v;
          break;
        case "tail":
          tail = v;
          break;
        case "updated":
          updated = v;
          break;
        case "size":
          size = v;
          break;
        default:
          break;
      }
    }
    if (finishedEntry && path != null) {
      return new FileCheckpoint(path, -1, -1, 0, (int) fpLen, fp, 0, 0, 0, size, null);
    }
    if (path == null || offset < 0) {
      throw new IOException("an entry lacks its path or offset");
    }
    return new FileCheckpoint(
        path, dev, ino, offset, (int) fpLen, fp, (int) tailLen, tail, updated, size, file);
  }

  private static void expect(JsonToken actual, JsonToken expected) throws IOException {
    if (actual != expected) {
      throw new IOException("expected " + expected + " but found " + actual);
    }
  }

  /**
   * Replaces the checkpoint file with {@code entries}, atomically.
   *
   * @throws IOException if it could not be written; the previous file is then intact
   */
  public void save(Collection<FileCheckpoint> entries) throws IOException {
    save(entries, List.of());
  }

  /**
   * Replaces the checkpoint file with {@code entries} and the {@code finished} fingerprints,
   * atomically.
   *
   * @throws IOException if it could not be written; the previous file is then intact
   */
  public void save(Collection<FileCheckpoint> entries, Collection<Finished> finished)
      throws IOException {
    ByteArrayOutputStream buf = new ByteArrayOutputStream(128 + entries.size() * 200);
    try (JsonGenerator g = JSON.createGenerator(buf)) {
      g.writeStartObject();
      g.writeNumberField("version", VERSION);
      g.writeArrayFieldStart("files");
      for (FileCheckpoint c : entries) {
        g.writeStartObject();
        g.writeStringField("path", c.path());
        g.writeNumberField("dev", c.device());
        g.writeNumberField("ino", c.inode());
        g.writeNumberField("offset", c.offset());
        g.writeNumberField("fpLen", c.fingerprintLength());
        g.writeNumberField("fp", c.fingerprint());
        g.writeNumberField("tailLen", c.tailLength());
        g.writeNumberField("tail", c.tailHash());
        g.writeNumberField("updated", c.updatedEpochMillis());
        if (c.size() >= 0) {
          g.writeNumberField("size", c.size());
        }
        if (c.file() != null) {
          g.writeStringField("file", c.file());
        }
        g.writeEndObject();
      }
      g.writeEndArray();
      if (!finished.isEmpty()) {
        g.writeArrayFieldStart("finished");
        for (Finished f : finished) {
          g.writeStartObject();
          g.writeStringField("path", f.path());
          g.writeNumberField("fpLen", f.fingerprintLength());
          g.writeNumberField("fp", f.fingerprint());
          if (f.size() >= 0) {
            g.writeNumberField("size", f.size());
          }
          g.writeEndObject();
        }
        g.writeEndArray();
      }
      g.writeEndObject();
    }
    try {
      try (FileChannel ch =
          FileChannel.open(
              temp,
              StandardOpenOption.CREATE,
              StandardOpenOption.WRITE,
              StandardOpenOption.TRUNCATE_EXISTING)) {
        ByteBuffer bb = ByteBuffer.wrap(buf.toByteArray());
        while (bb.hasRemaining()) {
          ch.write(bb);
        }
        ch.force(true);
      }
      try {
        Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
      } catch (AtomicMoveNotSupportedException e) {
        Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
      }
      syncDirectory();
    } catch (IOException e) {
      saveErrors.increment();
      throw e;
    }
  }

  private void syncDirectory() {
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // Some file systems refuse to open or sync a directory; the rename is still atomic.
    }
  }
}
