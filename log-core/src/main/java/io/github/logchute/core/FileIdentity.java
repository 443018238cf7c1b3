package io.github.logchute.core;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Identity of a file on its file system: device and inode, as {@code stat(2)} reports them. A
 * renamed file keeps its identity; a file re-created under the same name gets a new one. Inodes are
 * reused once a file is deleted, so the tailing engine pairs this identity with a fingerprint of
 * the file's first bytes before it trusts a saved position.
 *
 * @param device the {@code st_dev} of the file system holding the file
 * @param inode the {@code st_ino} of the file
 */
public record FileIdentity(long device, long inode) {

  /** Identity for sources that are not files (a socket, journald) or whose identity is unknown. */
  public static final FileIdentity NONE = new FileIdentity(-1, -1);

  /**
   * Reads the identity of {@code path}, following symbolic links.
   *
   * @throws IOException if the file cannot be examined
   * @throws UnsupportedOperationException if the file system has no {@code unix} attribute view
   */
  public static FileIdentity of(Path path) throws IOException {
    long dev = ((Number) Files.getAttribute(path, "unix:dev")).longValue();
    long ino = ((Number) Files.getAttribute(path, "unix:ino")).longValue();
    return new FileIdentity(dev, ino);
  }

  @Override
  public String toString() {
    return "dev=" + device + ",ino=" + inode;
  }
}
