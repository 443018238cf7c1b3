package io.github.logchute.k8s;

import java.util.Locale;

/** Which cloud's instance metadata {@link CloudEnricher} asks ({@code LOGCHUTE_CLOUD}). */
public enum CloudProvider {
  /** Probe EC2 and GCE at once, but only inside Kubernetes (never on a laptop). */
  AUTO,
  /** EC2 instance metadata (IMDSv2) only. */
  AWS,
  /** GCE metadata server only. */
  GCP,
  /** No cloud metadata; nothing is probed. */
  NONE;

  /**
   * {@code auto}, {@code aws}, {@code gcp} or {@code none}, in any case.
   *
   * @throws IllegalArgumentException for anything else
   */
  public static CloudProvider parse(String s) {
    switch (s.strip().toLowerCase(Locale.ROOT)) {
      case "auto":
        return AUTO;
      case "aws":
        return AWS;
      case "gcp":
        return GCP;
      case "none":
        return NONE;
      default:
        throw new IllegalArgumentException("expected auto, aws, gcp or none, got '" + s + "'");
    }
  }
}
