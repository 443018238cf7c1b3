package io.github.logchute.core.config;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Secrets out of what is printed. A URL may carry one — {@code https://user:password@host}, {@code
 * ?dd-api-key=…}, {@code ?token=…} — and URLs end up in start-up lines, error messages and {@code
 * --check-config}: every place that prints one passes it through {@link #url}.
 */
public final class Redact {

  /** What a secret is replaced with. */
  public static final String MASK = "****";

  private static final Pattern USER_INFO = Pattern.compile("(?<=//)[^/?#@\\s]*@");
  private static final Pattern PARAMETER = Pattern.compile("([?&;])([^=&#;\\s]*)=([^&#;\\s]*)");

  private Redact() {}

  /**
   * {@code url} (a URL, or text that may hold one, well-formed or not) with its user info and the
   * values of query parameters whose names look secret ({@link #secretName}) masked; the scheme,
   * host, port, path and other parameters are kept, so the URL still tells where.
   */
  public static String url(Object url) {
    if (url == null) {
      return "null";
    }
    String s = USER_INFO.matcher(url.toString()).replaceAll(MASK + "@");
    Matcher m = PARAMETER.matcher(s);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String value = secretName(m.group(2)) ? MASK : m.group(3);
      m.appendReplacement(out, Matcher.quoteReplacement(m.group(1) + m.group(2) + "=" + value));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * Whether a setting or parameter called {@code name} holds a secret: its name contains key,
   * token, secret, password, passwd, signature, sig, auth or credential (any case; {@code
   * dd-api-key}, {@code access_token}, {@code X-Amz-Signature}, …).
   */
  public static boolean secretName(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    for (String word : WORDS) {
      if (n.contains(word)) {
        return true;
      }
    }
    return n.equals("sig") || n.endsWith("-sig") || n.endsWith("_sig");
  }

  private static final String[] WORDS = {
    "key", "token", "secret", "password", "passwd", "signature", "auth", "credential"
  };
}
