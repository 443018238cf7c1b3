package io.github.logchute.k8s;

/**
 * Derives the controller above a pod's direct owner from names alone, without asking the API for
 * ReplicaSets or Jobs (which would need more RBAC and more requests).
 */
final class Owners {

  /**
   * The characters of a {@code pod-template-hash} ({@code k8s.io/apimachinery} {@code
   * rand.SafeEncodeString}: no vowels, no confusable characters).
   */
  private static final String HASH_ALPHABET = "bcdfghjklmnpqrstvwxz2456789";

  private Owners() {}

  /**
   * The Deployment owning ReplicaSet {@code replicaSet}: the name without its {@code
   * -<pod-template-hash>} suffix. The pod's {@code pod-template-hash} label, when given, names the
   * suffix exactly; otherwise a last segment of 6 to 10 hash characters is taken for it.
   *
   * @return the deployment name, or null when the name has no such suffix (a bare ReplicaSet)
   */
  static String deploymentOf(String replicaSet, String podTemplateHash) {
    if (podTemplateHash != null && !podTemplateHash.isEmpty()) {
      int cut = replicaSet.length() - podTemplateHash.length() - 1;
      if (cut > 0 && replicaSet.endsWith(podTemplateHash) && replicaSet.charAt(cut) == '-') {
        return replicaSet.substring(0, cut);
      }
      return null;
    }
    int dash = replicaSet.lastIndexOf('-');
    int len = replicaSet.length() - dash - 1;
    if (dash <= 0 || len < 6 || len > 10) {
      return null;
    }
    for (int i = dash + 1; i < replicaSet.length(); i++) {
      if (HASH_ALPHABET.indexOf(replicaSet.charAt(i)) < 0) {
        return null;
      }
    }
    return replicaSet.substring(0, dash);
  }

  /**
   * The CronJob that created Job {@code job}: the CronJob controller names its Jobs {@code
   * <cronjob>-<scheduled time in minutes since the epoch>} (older versions: seconds), so a last
   * segment of at least 8 digits is taken for that suffix.
   *
   * @return the cronjob name, or null when the Job name has no such suffix
   */
  static String cronJobOf(String job) {
    int dash = job.lastIndexOf('-');
    if (dash <= 0 || job.length() - dash - 1 < 8) {
      return null;
    }
    for (int i = dash + 1; i < job.length(); i++) {
      char c = job.charAt(i);
      if (c < '0' || c > '9') {
        return null;
      }
    }
    return job.substring(0, dash);
  }
}
