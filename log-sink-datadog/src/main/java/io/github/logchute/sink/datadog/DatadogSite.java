package io.github.logchute.sink.datadog;

import java.net.URI;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * The Datadog sites and their logs intake (SPECS.md §2.1, from the API page "Send logs"): {@code
 * POST https://http-intake.logs.<site>/api/v2/logs}, the way Vector builds it ({@code
 * logs_endpoint}) and the Datadog Agent's {@code buildURL}.
 *
 * <p>A site is what users put in {@code DD_SITE} ({@code datadoghq.com}, {@code datadoghq.eu},
 * {@code us3.datadoghq.com}, ...). Sites not in the table are accepted only under one of Datadog's
 * domains (a new region); anything else is a configuration error pointing at {@code url}, so that a
 * typo ({@code datadog.com}) fails at start instead of sending logs nowhere.
 */
public final class DatadogSite {

  /** The path of the v2 intake (SPECS.md §2.1). */
  public static final String INTAKE_PATH = "/api/v2/logs";

  /** Sites of SPECS.md §2.1, by {@code DD_SITE} value, with the region name Datadog gives them. */
  static final Map<String, String> KNOWN =
      Map.of(
          "datadoghq.com", "US1",
          "us3.datadoghq.com", "US3",
          "us5.datadoghq.com", "US5",
          "datadoghq.eu", "EU1",
          "ap1.datadoghq.com", "AP1",
          "ap2.datadoghq.com", "AP2",
          "uk1.datadoghq.com", "UK1",
          "ddog-gov.com", "US1-FED",
          "us2.ddog-gov.com", "US2-FED");

  private static final String[] DATADOG_DOMAINS = {
    ".datadoghq.com", ".datadoghq.eu", ".ddog-gov.com"
  };

  private DatadogSite() {}

  /**
   * The intake URL of {@code site}.
   *
   * @throws IllegalArgumentException naming the known sites when {@code site} is not a Datadog site
   */
  public static URI intakeUri(String site) {
    String s = normalize(site);
    return URI.create("https://http-intake.logs." + s + INTAKE_PATH);
  }

  /** The site in canonical form (lower case, no {@code app.} prefix), validated. */
  static String normalize(String site) {
    if (site == null || site.isBlank()) {
      throw new IllegalArgumentException("a site is required, e.g. datadoghq.com");
    }
    String s = site.trim().toLowerCase(Locale.ROOT);
    if (s.contains("://") || s.contains("/")) {
      throw new IllegalArgumentException(
          "expected a site name such as datadoghq.eu, not a URL ('"
              + site
              + "'); a full intake URL goes into 'url' (LOGCHUTE_DATADOG_URL)");
    }
    if (s.startsWith("http-intake.logs.")) {
      s = s.substring("http-intake.logs.".length());
    } else if (s.startsWith("app.")) {
      s = s.substring("app.".length()); // app.datadoghq.com is how users see US1
    }
    if (KNOWN.containsKey(s)) {
      return s;
    }
    for (String domain : DATADOG_DOMAINS) {
      if (s.endsWith(domain) && isHostName(s)) {
        return s; // a region newer than our table
      }
    }
    throw new IllegalArgumentException(
        "unknown Datadog site '"
            + site
            + "'; known sites: "
            + new TreeMap<>(KNOWN).keySet()
            + " (any other intake goes into 'url' / LOGCHUTE_DATADOG_URL)");
  }

  private static boolean isHostName(String s) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '.' || c == '-')) {
        return false;
      }
    }
    return !s.contains("..");
  }
}
