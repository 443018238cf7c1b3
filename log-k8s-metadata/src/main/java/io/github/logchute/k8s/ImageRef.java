package io.github.logchute.k8s;

/**
 * A container image reference split the way tags want it: {@code
 * registry.example:5000/team/app:1.2@sha256:...} → name {@code registry.example:5000/team/app}, tag
 * {@code 1.2}, short name {@code app}. A reference with neither tag nor digest has the tag {@code
 * latest} (what the runtime pulls); one with a digest only has no tag.
 *
 * @param name the image without tag or digest
 * @param tag the tag, or null
 * @param shortName the last path segment of the name
 */
record ImageRef(String name, String tag, String shortName) {

  static final String DEFAULT_TAG = "latest";

  /** Parses {@code image}; null for a null or blank reference. */
  static ImageRef parse(String image) {
    if (image == null || image.isBlank()) {
      return null;
    }
    String s = image.trim();
    int at = s.indexOf('@');
    boolean digest = at >= 0;
    if (digest) {
      s = s.substring(0, at);
    }
    int slash = s.lastIndexOf('/');
    int colon = s.lastIndexOf(':');
    String tag = null;
    if (colon > slash) {
      tag = s.substring(colon + 1);
      s = s.substring(0, colon);
    }
    if ((tag == null || tag.isEmpty()) && !digest) {
      tag = DEFAULT_TAG;
    }
    return new ImageRef(s, tag == null || tag.isEmpty() ? null : tag, s.substring(slash + 1));
  }
}
