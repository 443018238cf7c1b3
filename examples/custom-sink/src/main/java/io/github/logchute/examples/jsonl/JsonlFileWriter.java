package io.github.logchute.examples.jsonl;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Objects;

/*
 * Design notes.
 *
 * - All-or-nothing appends: the file's size is taken before a batch is written; if the write or
 *   the fsync fails, the file is cut back to that size (best effort) and the channel dropped, so
 *   the pipeline's retry does not leave half a batch — half a line — in front of the full copy.
 * - Rotation by others: before each batch the path's file key (device + inode) is compared with
 *   the open file's. If logrotate (or a person) renamed or deleted the file, the next batch goes
 *   to a new file at the path, as a well-behaved log writer does.
 * - A new file's directory is fsynced once, so the file itself survives a crash, not only its
 *   contents.
 * - One thread at a time (the sink's writer thread): no locking here.
 */

/** Appends byte batches to one file, following renames of that file. Not thread-safe. */
final class JsonlFileWriter implements AutoCloseable {

  private final Path path;
  private final boolean fsync;
  private FileChannel channel;
  private Object fileKey;
  private long reopens;

  JsonlFileWriter(Path path, boolean fsync) {
    this.path = Objects.requireNonNull(path, "path");
    this.fsync = fsync;
  }

  /** Opens (or creates) the file now, so that a bad path fails at start. */
  void open() throws IOException {
    ensureOpen();
  }

  /**
   * Writes {@code body} at the end of the file and, if configured, forces it to disk. On failure
   * the file is cut back to where it was and the exception is thrown.
   */
  void append(byte[] body) throws IOException {
    FileChannel ch = ensureOpen();
    long before = ch.size();
    try {
      ByteBuffer buf = ByteBuffer.wrap(body);
      while (buf.hasRemaining()) {
        ch.write(buf);
      }
      if (fsync) {
        ch.force(false);
      }
    } catch (IOException e) {
      try {
        ch.truncate(before);
      } catch (IOException | RuntimeException rollback) {
        e.addSuppressed(rollback);
      }
      closeChannel();
      throw e;
    }
  }

  /** How many times the file was opened anew after it had been renamed or deleted. */
  long reopens() {
    return reopens;
  }

  private FileChannel ensureOpen() throws IOException {
    if (channel != null && !samePathSameFile()) {
      closeChannel();
      reopens++;
    }
    if (channel == null) {
      boolean existed = Files.exists(path);
      FileChannel ch =
          FileChannel.open(
              path, StandardOpenOption.CREATE, StandardOpenOption.WRITE, StandardOpenOption.APPEND);
      try {
        fileKey = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
        if (!existed && fsync) {
          syncDirectory(path.toAbsolutePath().getParent());
        }
      } catch (IOException | RuntimeException e) {
        ch.close();
        throw e;
      }
      channel = ch;
    }
    return channel;
  }

  private boolean samePathSameFile() throws IOException {
    try {
      Object now = Files.readAttributes(path, BasicFileAttributes.class).fileKey();
      return now == null || now.equals(fileKey); // no file keys on this file system: trust it
    } catch (NoSuchFileException e) {
      return false;
    }
  }

  private static void syncDirectory(Path dir) throws IOException {
    if (dir == null) {
      return;
    }
    try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
      d.force(true);
    } catch (IOException e) {
      // some file systems cannot open a directory as a channel; the data itself is synced
    }
  }

  private void closeChannel() {
    if (channel != null) {
      try {
        channel.close();
      } catch (IOException e) {
        // nothing was left to flush: every batch was forced or failed already
      }
      channel = null;
      fileKey = null;
    }
  }

  @Override
  public void close() {
    closeChannel();
  }
}
