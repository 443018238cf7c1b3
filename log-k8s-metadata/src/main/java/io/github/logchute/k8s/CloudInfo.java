package io.github.logchute.k8s;

import java.util.Map;

/**
 * What the cloud's metadata service said about this instance.
 *
 * @param provider {@code aws} or {@code gcp}; null when nothing was detected
 * @param attributes the attributes ({@code cloud.*}, {@code host.id}, cluster name and location)
 * @param hostName the host name logs should carry (the EC2 instance id), or null
 */
record CloudInfo(String provider, Map<String, String> attributes, String hostName) {

  static final CloudInfo NONE = new CloudInfo(null, Map.of(), null);

  boolean detected() {
    return provider != null;
  }
}
