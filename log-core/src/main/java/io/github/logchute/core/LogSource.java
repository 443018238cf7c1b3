package io.github.logchute.core;

import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * Where records come from: one container log file (or, for other {@code Tailer}s, one stream of
 * lines). Immutable; equal when path and identity are equal. A file that the kubelet rotates keeps
 * its identity under its new name, so the tailing engine keeps one {@code LogSource} for it until
 * it has been drained; the new live file is a new source.
 *
 * <p>Enrichers key their caches on {@link #container()} (what the file name says) rather than on
 * the source, so rotation does not cost a lookup.
 */
public final class LogSource {

  private final Path path;
  private final FileIdentity identity;
  private final ContainerRef container;

  private LogSource(Path path, FileIdentity identity, ContainerRef container) {
    this.path = Objects.requireNonNull(path, "path");
    this.identity = Objects.requireNonNull(identity, "identity");
    this.container = container;
  }

  /**
   * A source for a file found at {@code path}, its container parsed from the file name when the
   * name has the kubelet's {@code <pod>_<namespace>_<container>-<id>.log} shape.
   */
  public static LogSource of(Path path, FileIdentity identity) {
    Path name = path.getFileName();
    ContainerRef ref =
        name == null ? null : ContainerRef.parseFileName(name.toString()).orElse(null);
    return new LogSource(path, identity, ref);
  }

  /** A source with an explicitly given container (for tailers that know it by other means). */
  public static LogSource of(Path path, FileIdentity identity, ContainerRef container) {
    return new LogSource(path, identity, container);
  }

  /** The path the file was discovered at (for Kubernetes, the {@code /var/log/containers} link). */
  public Path path() {
    return path;
  }

  /** The file's device and inode when it was opened. */
  public FileIdentity identity() {
    return identity;
  }

  /** The container parsed from the file name, when the name has the kubelet's shape. */
  public Optional<ContainerRef> container() {
    return Optional.ofNullable(container);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof LogSource other
        && path.equals(other.path)
        && identity.equals(other.identity);
  }

  @Override
  public int hashCode() {
    return path.hashCode() * 31 + identity.hashCode();
  }

  @Override
  public String toString() {
    return path + " (" + identity + ")";
  }
}
