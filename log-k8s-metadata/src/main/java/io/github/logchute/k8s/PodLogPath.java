package io.github.logchute.k8s;

import java.nio.file.Path;

/**
 * What the kubelet encodes in the real path of a container log file, {@code
 * /var/log/pods/<namespace>_<pod>_<uid>/<container>/<restartCount>.log} (rotated siblings carry a
 * suffix after {@code .log}). Older kubelets used {@code /var/log/pods/<uid>/<container>/<n>.log}:
 * then only the uid is known and namespace and pod are null.
 *
 * <p>Parsed without a regular expression: namespace and pod names cannot contain {@code _}, so the
 * directory name splits at its first two {@code _} and the uid is the rest.
 *
 * @param namespace the namespace, or null for the legacy layout
 * @param pod the pod name, or null for the legacy layout
 * @param uid the pod uid (for a static pod: the hash the kubelet uses, also found in the mirror
 *     pod's {@code kubernetes.io/config.mirror} annotation)
 * @param container the container name
 * @param restartCount the container's restart count ({@code <n>} of {@code <n>.log})
 */
record PodLogPath(String namespace, String pod, String uid, String container, int restartCount) {

  private static final String LOG = ".log";

  /**
   * Parses {@code path} (its last three elements).
   *
   * @return the parsed path, or null when it does not have the kubelet's shape
   */
  static PodLogPath parse(Path path) {
    int n = path.getNameCount();
    if (n < 3) {
      return null;
    }
    int restart = restartCount(path.getName(n - 1).toString());
    String container = path.getName(n - 2).toString();
    String podDir = path.getName(n - 3).toString();
    if (restart < 0 || container.isEmpty()) {
      return null;
    }
    int first = podDir.indexOf('_');
    if (first < 0) {
      // Legacy layout: the directory is the uid alone.
      return isUid(podDir) ? new PodLogPath(null, null, podDir, container, restart) : null;
    }
    int second = podDir.indexOf('_', first + 1);
    if (first == 0
        || second < 0
        || second == first + 1
        || podDir.indexOf('_', second + 1) >= 0
        || !isUid(podDir.substring(second + 1))) {
      return null;
    }
    return new PodLogPath(
        podDir.substring(0, first),
        podDir.substring(first + 1, second),
        podDir.substring(second + 1),
        container,
        restart);
  }

  /** {@code <n>.log} or {@code <n>.log.<suffix>} → n; -1 otherwise. */
  private static int restartCount(String file) {
    int i = 0;
    long n = 0;
    while (i < file.length() && file.charAt(i) >= '0' && file.charAt(i) <= '9') {
      n = n * 10 + (file.charAt(i) - '0');
      if (n > Integer.MAX_VALUE) {
        return -1;
      }
      i++;
    }
    if (i == 0 || !file.startsWith(LOG, i)) {
      return -1;
    }
    int end = i + LOG.length();
    return end == file.length() || file.charAt(end) == '.' ? (int) n : -1;
  }

  /** A uid: letters, digits and {@code -} (a UUID, or a static pod's hex hash). */
  private static boolean isUid(String s) {
    if (s.isEmpty() || s.length() > 64) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '-')) {
        return false;
      }
    }
    return true;
  }
}
