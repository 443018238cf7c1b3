package io.github.logchute.sink.stackdriver;

import java.net.URI;

/** Value checks of {@link StackdriverConfig}'s builder. */
final class ConfigChecks {

  private ConfigChecks() {}

  /**
   * Why {@code logId} is not a valid log id (SPECS.md 3.1: characters {@code [A-Za-z0-9/_.-]},
   * fewer than 512), or null when it is.
   */
  static String logIdProblem(String logId) {
    if (logId.length() >= 512) {
      return "must be shorter than 512 characters";
    }
    for (int i = 0; i < logId.length(); i++) {
      char c = logId.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '/'
              || c == '_'
              || c == '.'
              || c == '-';
      if (!ok) {
        return "may only hold A-Z a-z 0-9 / _ . - (got '" + logId + "')";
      }
    }
    return null;
  }

  /** {@code value} as an http(s) URL without trailing slashes, or null when it is not one. */
  static URI httpUrl(String value) {
    String v = value == null ? "" : value.trim();
    while (v.endsWith("/")) {
      v = v.substring(0, v.length() - 1);
    }
    URI u;
    try {
      u = URI.create(v);
    } catch (IllegalArgumentException e) {
      return null;
    }
    boolean http = "http".equals(u.getScheme()) || "https".equals(u.getScheme());
    return http && u.getHost() != null ? u : null;
  }
}
