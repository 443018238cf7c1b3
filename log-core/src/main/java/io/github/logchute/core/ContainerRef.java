package io.github.logchute.core;

import java.util.Objects;
import java.util.Optional;

/**
 * The container a log file belongs to, as the kubelet encodes it in the name of the symbolic link
 * {@code /var/log/containers/<pod>_<namespace>_<container>-<containerId>.log}.
 *
 * <p>The kubelet truncates that name to 255 bytes (ext4's limit) keeping the {@code .log} suffix,
 * so for very long pod and container names the container id is cut short or missing: {@link
 * #containerIdTruncated()} tells. Pod and namespace names never contain {@code _}, container names
 * never contain {@code _} either, and the id is hexadecimal, which is what makes parsing without a
 * regular expression safe: split at the first two {@code _} and at the last {@code -}.
 *
 * @param pod the pod name
 * @param namespace the namespace name
 * @param container the container name
 * @param containerId the runtime's container id without a {@code containerd://} prefix; possibly a
 *     prefix of the real id, possibly empty
 * @param containerIdTruncated true when the file name was cut at 255 bytes, so the id (and, rarely,
 *     the container name) may be incomplete
 */
public record ContainerRef(
    String pod,
    String namespace,
    String container,
    String containerId,
    boolean containerIdTruncated) {

  /** Length in bytes at which the kubelet truncates symbolic link names. */
  static final int MAX_LINK_NAME_BYTES = 255;

  private static final String SUFFIX = ".log";
  private static final int FULL_ID_LENGTH = 64;

  public ContainerRef {
    Objects.requireNonNull(pod, "pod");
    Objects.requireNonNull(namespace, "namespace");
    Objects.requireNonNull(container, "container");
    Objects.requireNonNull(containerId, "containerId");
  }

  /**
   * Parses a {@code /var/log/containers} file name (the last path element, with or without
   * directories before it).
   *
   * @return the container, or empty when the name does not have the kubelet's shape
   */
  public static Optional<ContainerRef> parseFileName(String name) {
    int slash = name.lastIndexOf('/');
    String file = slash >= 0 ? name.substring(slash + 1) : name;
    if (!file.endsWith(SUFFIX)) {
      return Optional.empty();
    }
    String stem = file.substring(0, file.length() - SUFFIX.length());
    int first = stem.indexOf('_');
    if (first <= 0) {
      return Optional.empty();
    }
    int second = stem.indexOf('_', first + 1);
    if (second <= first + 1 || second == stem.length() - 1 || stem.indexOf('_', second + 1) >= 0) {
      return Optional.empty();
    }
    String pod = stem.substring(0, first);
    String namespace = stem.substring(first + 1, second);
    String rest = stem.substring(second + 1);
    boolean truncated = utf8Length(file) >= MAX_LINK_NAME_BYTES;
    int dash = rest.lastIndexOf('-');
    String container;
    String id;
    if (dash > 0 && isHex(rest, dash + 1)) {
      container = rest.substring(0, dash);
      id = rest.substring(dash + 1);
    } else if (truncated) {
      // Cut inside the container name or right after it: no id left.
      container = dash == rest.length() - 1 ? rest.substring(0, dash) : rest;
      id = "";
    } else {
      return Optional.empty();
    }
    if (id.length() > FULL_ID_LENGTH || (!truncated && id.length() != FULL_ID_LENGTH)) {
      return Optional.empty();
    }
    return Optional.of(
        new ContainerRef(pod, namespace, container, id, truncated && id.length() < FULL_ID_LENGTH));
  }

  private static boolean isHex(String s, int from) {
    if (from >= s.length()) {
      return false;
    }
    for (int i = from; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) {
        return false;
      }
    }
    return true;
  }

  private static int utf8Length(String s) {
    int n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c)) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }
}
