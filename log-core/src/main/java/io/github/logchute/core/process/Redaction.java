package io.github.logchute.core.process;

import io.github.logchute.core.ContainerRef;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.metrics.MetricsRegistry;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.regex.MatchResult;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Built-in redaction an operator switches on for everything collected: secrets and personal data
 * are masked in the message and in every string of the parsed fields, before any sink sees the
 * record. Each kind is one pattern, run under the same step budget as {@link LineRules} (a match
 * abandoned on pathological input masks the whole message: fail closed). Counted per kind in {@code
 * logchute_redactions_total}.
 */
public final class Redaction implements RecordProcessor {

  /** What can be redacted. */
  public enum Kind {
    /** Payment card numbers of 13 to 19 digits (spaces or dashes between), Luhn-checked. */
    CARDS("[REDACTED:card]"),
    /** {@code Authorization: Bearer <token>} and {@code bearer <token>}. */
    BEARER("[REDACTED]"),
    /** {@code api_key=…}, {@code apiKey: …}, {@code X-API-Key: …}, {@code token=…}, password… */
    KEYS("[REDACTED]"),
    /** AWS access key ids ({@code AKIA…}, {@code ASIA…}) and {@code aws_secret_access_key=…}. */
    AWS("[REDACTED:aws]"),
    /** PEM private key blocks. */
    PRIVATE_KEYS("[REDACTED:private-key]"),
    /** E-mail addresses. */
    EMAILS("[REDACTED:email]");

    final String placeholder;

    Kind(String placeholder) {
      this.placeholder = placeholder;
    }

    /** The configuration name: {@code cards}, {@code bearer}, {@code keys}, … */
    public String configName() {
      return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
  }

  /**
   * One pattern, and where in a text it can match at all: {@code windows} gives the regions (start,
   * end pairs, in order) that can hold a match — found with a plain scan for a character or a word
   * the pattern cannot match without — or null when there are none. Most lines have none, so the
   * regular expression never runs on them, and where it runs it runs only on the regions.
   */
  private record Step(
      Kind kind, Windows windows, Pattern pattern, Function<MatchResult, String> replacement) {}

  /** Where a pattern can match in a text, also given in lower case (for words in any case). */
  @FunctionalInterface
  private interface Windows {
    /** Start, end pairs in order; null if the pattern cannot match anywhere. */
    int[] find(String text, String lower);
  }

  /** The whole text when {@code test} passes, else none. */
  private static Windows wholeIf(java.util.function.BiPredicate<String, String> test) {
    return (t, lower) -> test.test(t, lower) ? new int[] {0, t.length()} : null;
  }

  private final List<Step> steps = new ArrayList<>();
  private final MetricsRegistry metrics;

  public Redaction(Set<Kind> kinds, MetricsRegistry metrics) {
    this.metrics = metrics;
    for (Kind k : EnumSet.copyOf(kinds.isEmpty() ? EnumSet.noneOf(Kind.class) : kinds)) {
      switch (k) {
        case CARDS ->
            steps.add(
                new Step(
                    k,
                    (t, lower) -> cardRuns(t),
                    Pattern.compile("(?<![\\d-])\\d(?:[ -]?\\d){12,18}(?![\\d-])"),
                    m -> luhn(m.group()) ? k.placeholder : m.group()));
        case BEARER ->
            steps.add(
                new Step(
                    k,
                    wholeIf((t, lower) -> lower.contains("bearer")),
                    Pattern.compile("(?i)(\\bbearer\\s+)[A-Za-z0-9\\-._~+/]+=*"),
                    m -> m.group(1) + k.placeholder));
        case KEYS ->
            steps.add(
                new Step(
                    k,
                    wholeIf(Redaction::mayHoldAKey),
                    Pattern.compile(
                        "(?i)(\\b(?:x-)?(?:api[_-]?key|apikey|access[_-]?token|auth[_-]?token|token"
                            + "|secret|client[_-]?secret|password|passwd|pwd)\\b\"?\\s*[:=]\\s*"
                            + "\"?)[^\\s\"'&,;]+"),
                    m -> m.group(1) + k.placeholder));
        case AWS -> {
          steps.add(
              new Step(
                  k,
                  wholeIf((t, lower) -> t.contains("AKIA") || t.contains("ASIA")),
                  Pattern.compile("\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b"),
                  m -> k.placeholder));
          steps.add(
              new Step(
                  k,
                  wholeIf((t, lower) -> lower.contains("aws_secret_access_key")),
                  Pattern.compile(
                      "(?i)(aws_secret_access_key\"?\\s*[:=]\\s*\"?)[A-Za-z0-9/+=]{40}"),
                  m -> m.group(1) + k.placeholder));
        }
        case PRIVATE_KEYS ->
            steps.add(
                new Step(
                    k,
                    wholeIf((t, lower) -> t.contains("PRIVATE KEY-----")),
                    Pattern.compile(
                        "-----BEGIN [A-Z ]*PRIVATE KEY-----[\\s\\S]*?-----END [A-Z ]*PRIVATE"
                            + " KEY-----"),
                    m -> k.placeholder));
        case EMAILS ->
            steps.add(
                new Step(
                    k,
                    (t, lower) -> emailRuns(t),
                    Pattern.compile("[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\\.[A-Za-z]{2,}"),
                    m -> k.placeholder));
        default -> throw new AssertionError(k);
      }
    }
  }

  /**
   * The kinds named in {@code names} ({@code all}, or some of {@code cards, bearer, keys, aws,
   * private-keys, emails}).
   *
   * @throws IllegalArgumentException naming an unknown one
   */
  public static Set<Kind> parse(List<String> names) {
    Set<Kind> out = EnumSet.noneOf(Kind.class);
    for (String n : names) {
      String name = n.strip().toLowerCase(Locale.ROOT);
      if (name.equals("all")) {
        out.addAll(EnumSet.allOf(Kind.class));
        continue;
      }
      Kind found = null;
      for (Kind k : Kind.values()) {
        if (k.configName().equals(name)) {
          found = k;
        }
      }
      if (found == null) {
        throw new IllegalArgumentException(
            "expected all, cards, bearer, keys, aws, private-keys or emails, got '" + n + "'");
      }
      out.add(found);
    }
    return out;
  }

  /** Luhn's check over the digits of {@code s}. */
  static boolean luhn(String s) {
    int sum = 0;
    boolean twice = false;
    int digits = 0;
    for (int i = s.length() - 1; i >= 0; i--) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        continue;
      }
      int d = c - '0';
      if (twice) {
        d *= 2;
        if (d > 9) {
          d -= 9;
        }
      }
      sum += d;
      twice = !twice;
      digits++;
    }
    return digits >= 13 && sum % 10 == 0;
  }

  @Override
  public LogRecord process(LogRecord r) {
    if (steps.isEmpty()) {
      return r;
    }
    String text = r.messageText();
    String masked = redact(text, r);
    Object fields =
        r.fields().isEmpty() ? r.fields() : FieldStrings.map(r.fields(), s -> redact(s, r));
    if (masked == text && fields == r.fields()) {
      return r;
    }
    LogRecord out = masked == text ? r : r.withMessage(masked.getBytes(StandardCharsets.UTF_8));
    @SuppressWarnings("unchecked")
    Map<String, Object> f = (Map<String, Object>) fields;
    return f == r.fields() ? out : out.withFields(f, r.severity());
  }

  /**
   * Runs of digits, spaces and dashes holding at least 13 digits (where a card number can be), as
   * start, end pairs; null if none.
   */
  static int[] cardRuns(String t) {
    int[] out = null;
    int n = 0;
    int len = t.length();
    int i = 0;
    while (i < len) {
      char c = t.charAt(i);
      if (c < '0' || c > '9') {
        i++;
        continue;
      }
      int start = i;
      int digits = 0;
      while (i < len) {
        c = t.charAt(i);
        if (c >= '0' && c <= '9') {
          digits++;
        } else if (c != ' ' && c != '-') {
          break;
        }
        i++;
      }
      if (digits >= 13) {
        out = add(out, n, start, i);
        n += 2;
      }
    }
    return trim(out, n);
  }

  /**
   * Runs of the characters an e-mail address is made of that hold an {@code @} after their first
   * character, as start, end pairs; null if none.
   */
  static int[] emailRuns(String t) {
    int[] out = null;
    int n = 0;
    int from = 0;
    int at;
    while ((at = t.indexOf('@', from)) >= 0) {
      int start = at;
      while (start > 0 && emailChar(t.charAt(start - 1))) {
        start--;
      }
      int end = at + 1;
      while (end < t.length() && (emailChar(t.charAt(end)) || t.charAt(end) == '@')) {
        end++;
      }
      if (start < at && (n == 0 || start >= out[n - 1])) {
        out = add(out, n, start, end);
        n += 2;
      }
      from = end;
    }
    return trim(out, n);
  }

  private static boolean emailChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '.'
        || c == '_'
        || c == '%'
        || c == '+'
        || c == '-';
  }

  private static int[] add(int[] out, int n, int start, int end) {
    if (out == null) {
      out = new int[4];
    } else if (n + 2 > out.length) {
      out = java.util.Arrays.copyOf(out, out.length * 2);
    }
    out[n] = start;
    out[n + 1] = end;
    return out;
  }

  private static int[] trim(int[] out, int n) {
    return out == null || out.length == n ? out : java.util.Arrays.copyOf(out, n);
  }

  private static final String[] KEY_STEMS = {"key", "token", "secret", "pass", "pwd"};

  /**
   * Whether {@code t} may hold a {@link Kind#KEYS} value: every keyword of the pattern ends in (or,
   * for {@code password}/{@code passwd}, a few letters after) one of the stems, and is followed by
   * an optional quote, blanks and {@code :} or {@code =}.
   */
  static boolean mayHoldAKey(String t) {
    return mayHoldAKey(t, t.toLowerCase(Locale.ROOT));
  }

  private static boolean mayHoldAKey(String t, String lower) {
    if (t.indexOf('=') < 0 && t.indexOf(':') < 0) {
      return false;
    }
    if (lower.length() != t.length()) {
      return true; // lower-casing changed the length: indices differ, let the pattern decide
    }
    for (String stem : KEY_STEMS) {
      int i = 0;
      while ((i = lower.indexOf(stem, i)) >= 0) {
        int j = i + stem.length();
        int letters = 0;
        while (j < t.length() && letters < 4 && Character.isLetter(t.charAt(j))) {
          j++;
          letters++;
        }
        if (j < t.length() && t.charAt(j) == '"') {
          j++;
        }
        while (j < t.length() && Character.isWhitespace(t.charAt(j))) {
          j++;
        }
        if (j < t.length() && (t.charAt(j) == ':' || t.charAt(j) == '=')) {
          return true;
        }
        i++;
      }
    }
    return false;
  }

  /** {@code text} with every kind applied; the same instance when nothing was found. */
  private String redact(String text, LogRecord r) {
    String s = text;
    String lower = null;
    for (Step step : steps) {
      if (lower == null) {
        lower = s.toLowerCase(Locale.ROOT); // s itself when it has no upper case
      }
      int[] windows = step.windows().find(s, lower);
      if (windows == null) {
        continue;
      }
      try {
        Matcher m = step.pattern().matcher(new LineRules.Budgeted(s));
        m.useTransparentBounds(true).useAnchoringBounds(false);
        StringBuilder out = null;
        int last = 0;
        for (int i = 0; i < windows.length; i += 2) {
          m.region(windows[i], windows[i + 1]);
          while (m.find()) {
            String replacement = step.replacement().apply(m);
            if (out == null) {
              out = new StringBuilder(s.length());
            }
            out.append(s, last, m.start()).append(replacement);
            last = m.end();
          }
        }
        if (out != null) {
          String next = out.append(s, last, s.length()).toString();
          if (!next.equals(s)) {
            count(step.kind(), r);
            s = next;
            lower = null;
          }
        }
      } catch (LineRules.Budgeted.OutOfSteps e) {
        count(step.kind(), r);
        return step.kind().placeholder; // fail closed
      }
    }
    return s.equals(text) ? text : s;
  }

  private void count(Kind kind, LogRecord r) {
    String ns = r.metadata().get(MetadataKeys.K8S_NAMESPACE);
    String pod = r.metadata().get(MetadataKeys.K8S_POD_NAME);
    ContainerRef ref = r.source().container().orElse(null);
    metrics
        .counter(
            "logchute_redactions_total",
            "Values masked by built-in redaction, by kind and pod.",
            "kind",
            kind.configName(),
            "namespace",
            ns != null ? ns : ref == null ? "" : ref.namespace(),
            "pod",
            pod != null ? pod : ref == null ? "" : ref.pod())
        .increment();
  }
}
