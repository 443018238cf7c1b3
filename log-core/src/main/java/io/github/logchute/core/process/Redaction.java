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
    /**
     * Payment card numbers of 13 to 19 digits (spaces or dashes between) that begin as the major
     * networks' do (2 to 6: Mastercard, Amex, Diners, JCB, Visa, Discover, UnionPay, Maestro) and
     * pass Luhn's check. A number beginning with 1 — epoch timestamps in milliseconds, microseconds
     * or nanoseconds — is never taken for a card.
     */
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

  /**
   * Where a pattern can match in a text. Every check is on ASCII characters only (as the patterns
   * are), so it gives the same yes or no on a message's UTF-8 bytes read as ISO-8859-1 (a copy,
   * each byte one character: ASCII stays itself, no other byte becomes ASCII) as on its decoded
   * text: most messages are turned away without decoding them.
   */
  @FunctionalInterface
  private interface Windows {
    /** Start, end pairs in order; null if the pattern cannot match anywhere. */
    int[] find(CharSequence text);
  }

  /** The whole text when {@code test} passes, else none. */
  private static Windows wholeIf(java.util.function.Predicate<CharSequence> test) {
    return t -> test.test(t) ? new int[] {0, t.length()} : null;
  }

  private static int indexOf(CharSequence t, char c, int from) {
    if (t instanceof String s) {
      return s.indexOf(c, from);
    }
    for (int i = Math.max(from, 0); i < t.length(); i++) {
      if (t.charAt(i) == c) {
        return i;
      }
    }
    return -1;
  }

  private static boolean contains(CharSequence t, String word) {
    if (t instanceof String s) {
      return s.contains(word);
    }
    for (int i = indexOf(t, word.charAt(0), 0); i >= 0; i = indexOf(t, word.charAt(0), i + 1)) {
      if (asciiAt(t, i, word, t.length())) {
        return true;
      }
    }
    return false;
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
                    Redaction::cardRuns,
                    Pattern.compile("(?<![\\d-])[2-6](?:[ -]?\\d){12,18}(?![\\d-])"),
                    m -> luhn(m.group()) ? k.placeholder : m.group()));
        case BEARER ->
            steps.add(
                new Step(
                    k,
                    wholeIf(t -> indexOfIgnoreCase(t, "bearer") >= 0),
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
                  wholeIf(t -> contains(t, "AKIA") || contains(t, "ASIA")),
                  Pattern.compile("\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b"),
                  m -> k.placeholder));
          steps.add(
              new Step(
                  k,
                  wholeIf(t -> indexOfIgnoreCase(t, "aws_secret_access_key") >= 0),
                  Pattern.compile(
                      "(?i)(aws_secret_access_key\"?\\s*[:=]\\s*\"?)[A-Za-z0-9/+=]{40}"),
                  m -> m.group(1) + k.placeholder));
        }
        case PRIVATE_KEYS ->
            steps.add(
                new Step(
                    k,
                    wholeIf(t -> contains(t, "PRIVATE KEY-----")),
                    Pattern.compile(
                        "-----BEGIN [A-Z ]*PRIVATE KEY-----[\\s\\S]*?-----END [A-Z ]*PRIVATE"
                            + " KEY-----"),
                    m -> k.placeholder));
        case EMAILS ->
            steps.add(
                new Step(
                    k,
                    Redaction::emailRuns,
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
    String text = null;
    String masked = null;
    if (mayMatch(new String(r.message(), StandardCharsets.ISO_8859_1))) {
      text = r.messageText();
      masked = redact(text, r);
    }
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
   * Runs of digits, spaces and dashes holding at least 13 digits and a digit 2 to 6 where a number
   * can begin (where a card number can be), as start, end pairs; null if none.
   */
  static int[] cardRuns(CharSequence t) {
    int[] out = null;
    int n = 0;
    int len = t.length();
    // A run that can hold 13 digits is at least 13 characters long, so it covers one of every 13
    // consecutive positions: only those are looked at until one is a digit, space or dash, and
    // only then is the run around it measured.
    for (int j = 12; j < len; j += 13) {
      if (!cardChar(t.charAt(j))) {
        continue;
      }
      int a = j;
      while (a > 0 && cardChar(t.charAt(a - 1))) {
        a--;
      }
      int b = j + 1;
      while (b < len && cardChar(t.charAt(b))) {
        b++;
      }
      int first = -1;
      int digits = 0;
      boolean issuer = false; // a digit 2-6 where a number can begin (the run's start, or a blank)
      for (int i = a; i < b; i++) {
        char c = t.charAt(i);
        if (c >= '0' && c <= '9') {
          if (first < 0) {
            first = i;
          }
          digits++;
          issuer |= c >= '2' && c <= '6' && (i == first || t.charAt(i - 1) == ' ');
        }
      }
      if (digits >= 13 && issuer) {
        out = add(out, n, first, b);
        n += 2;
      }
      j = b; // t[b] ends the run: the next run starts after it
    }
    return trim(out, n);
  }

  private static boolean cardChar(char c) {
    return (c >= '0' && c <= '9') || c == ' ' || c == '-';
  }

  /**
   * Runs of the characters an e-mail address is made of that hold an {@code @} after their first
   * character, as start, end pairs; null if none.
   */
  static int[] emailRuns(CharSequence t) {
    int[] out = null;
    int n = 0;
    int from = 0;
    int at;
    while ((at = indexOf(t, '@', from)) >= 0) {
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
   * Whether {@code t} may hold a {@link Kind#KEYS} value: every keyword of the pattern holds one of
   * the stems and is followed by an optional quote, blanks and {@code :} or {@code =}. So only the
   * word before each {@code :} and {@code =} is looked at (a few per line), not the whole text once
   * per stem.
   */
  static boolean mayHoldAKey(CharSequence t) {
    int colon = indexOf(t, ':', 0);
    int equals = indexOf(t, '=', 0);
    while (colon >= 0 || equals >= 0) {
      int sep;
      if (colon >= 0 && (equals < 0 || colon < equals)) {
        sep = colon;
        colon = indexOf(t, ':', colon + 1);
      } else {
        sep = equals;
        equals = indexOf(t, '=', equals + 1);
      }
      int end = sep;
      while (end > 0 && blank(t.charAt(end - 1))) {
        end--;
      }
      if (end > 0 && t.charAt(end - 1) == '"') {
        end--;
      }
      int start = end;
      while (start > 0 && end - start < 32 && keyChar(t.charAt(start - 1))) {
        start--;
      }
      for (int k = start; k < end; k++) {
        char c = (char) (t.charAt(k) | 0x20); // ASCII letters in lower case
        if (c == 'k' || c == 't' || c == 's' || c == 'p') {
          for (String stem : KEY_STEMS) {
            if (stem.charAt(0) == c && asciiAt(t, k, stem, end)) {
              return true;
            }
          }
        }
      }
    }
    return false;
  }

  /** {@code \\s} of the patterns: ASCII blanks only. */
  private static boolean blank(char c) {
    return c == ' ' || c == '\t' || c == '\n' || c == 0x0B || c == '\f' || c == '\r';
  }

  private static boolean keyChar(char c) {
    return (c >= 'a' && c <= 'z')
        || (c >= 'A' && c <= 'Z')
        || (c >= '0' && c <= '9')
        || c == '_'
        || c == '-';
  }

  /**
   * The first index of {@code word} (lower-case ASCII letters and {@code _}) in {@code t} in any
   * case, or -1; without lower-casing {@code t}.
   */
  static int indexOfIgnoreCase(CharSequence t, String word) {
    int anchor = word.indexOf('_'); // rarer in text than any letter: looked for instead
    if (anchor > 0) {
      for (int at = indexOf(t, '_', anchor); at >= 0; at = indexOf(t, '_', at + 1)) {
        if (asciiAt(t, at - anchor, word, t.length())) {
          return at - anchor;
        }
      }
      return -1;
    }
    char lower = word.charAt(0);
    char upper = Character.toUpperCase(lower);
    int l = indexOf(t, lower, 0);
    int u = indexOf(t, upper, 0);
    while (l >= 0 || u >= 0) {
      int at;
      if (l >= 0 && (u < 0 || l < u)) {
        at = l;
        l = indexOf(t, lower, l + 1);
      } else {
        at = u;
        u = indexOf(t, upper, u + 1);
      }
      if (asciiAt(t, at, word, t.length())) {
        return at;
      }
    }
    return -1;
  }

  /**
   * Whether {@code t} holds {@code word} (lower-case ASCII letters, digits, {@code _}) at {@code
   * at}, in any letter case, ending by {@code end}. As the patterns' {@code (?i)}: ASCII only.
   */
  private static boolean asciiAt(CharSequence t, int at, String word, int end) {
    if (at + word.length() > end) {
      return false;
    }
    for (int i = 0; i < word.length(); i++) {
      char w = word.charAt(i);
      char c = t.charAt(at + i);
      if (c != w && !(w >= 'a' && w <= 'z' && c == w - 32)) {
        return false;
      }
    }
    return true;
  }

  /** Whether any kind can match in {@code t} (a message's bytes: checked before decoding it). */
  private boolean mayMatch(CharSequence t) {
    for (Step step : steps) {
      if (step.windows().find(t) != null) {
        return true;
      }
    }
    return false;
  }

  /** {@code text} with every kind applied; the same instance when nothing was found. */
  private String redact(String text, LogRecord r) {
    String s = text;
    for (Step step : steps) {
      int[] windows = step.windows().find(s);
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
