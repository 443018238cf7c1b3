package io.github.logchute.core.checkpoint;

import java.util.Objects;

/**
 * Where reading of one file may resume, and how to recognise that file again.
 *
 * @param path the path the file was discovered at (for Kubernetes, the {@code /var/log/containers}
 *     link)
 * @param device the file's device
 * @param inode the file's inode
 * @param offset the first byte not yet delivered to every sink
 * @param fingerprintLength how many leading bytes {@code fingerprint} covers (at most 1 KiB)
 * @param fingerprint CRC-32C of the file's first {@code fingerprintLength} bytes: an inode reused
 *     by another file will not match
 * @param tailLength how many bytes just before {@code offset} {@code tailHash} covers
 * @param tailHash CRC-32C of the {@code tailLength} bytes before {@code offset}: a file that was
 *     truncated and rewritten (copytruncate) will not match
 * @param updatedEpochMillis when this entry was last written
 * @param size the file's length when the entry was written (-1: unknown): how much a file that
 *     cannot be found again at the next start held at least
 * @param file the real file the path led to when the entry was written (null: unknown), so a file
 *     whose link was removed while logchute was down can still be drained
 */
public record FileCheckpoint(
    String path,
    long device,
    long inode,
    long offset,
    int fingerprintLength,
    long fingerprint,
    int tailLength,
    long tailHash,
    long updatedEpochMillis,
    long size,
    String file) {

  /** An entry without size or real file. */
  public FileCheckpoint(
      String path,
      long device,
      long inode,
      long offset,
      int fingerprintLength,
      long fingerprint,
      int tailLength,
      long tailHash,
      long updatedEpochMillis) {
    this(
        path,
        device,
        inode,
        offset,
        fingerprintLength,
        fingerprint,
        tailLength,
        tailHash,
        updatedEpochMillis,
        -1,
        null);
  }

  public FileCheckpoint {
    Objects.requireNonNull(path, "path");
    if (offset < 0 || fingerprintLength < 0 || tailLength < 0) {
      throw new IllegalArgumentException("negative offset or length in checkpoint of " + path);
    }
  }
}
