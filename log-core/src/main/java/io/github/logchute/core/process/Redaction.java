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

  private record Step(Kind kind, Pattern pattern, Function<MatchResult, String> replacement) {}

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
                    Pattern.compile("(?<![\\d-])\\d(?:[ -]?\\d){12,18}(?![\\d-])"),
                    m -> luhn(m.group()) ? k.placeholder : m.group()));
        case BEARER ->
            steps.add(
                new Step(
                    k,
                    Pattern.compile("(?i)(\\bbearer\\s+)[A-Za-z0-9\\-._~+/]+=*"),
                    m -> m.group(1) + k.placeholder));
        case KEYS ->
            steps.add(
                new Step(
                    k,
                    Pattern.compile(
                        "(?i)(\\b(?:x-)?(?:api[_-]?key|apikey|access[_-]?token|auth[_-]?token|token"
                            + "|secret|client[_-]?secret|password|passwd|pwd)\\b\"?\\s*[:=]\\s*"
                            + "\"?)[^\\s\"'&,;]+"),
                    m -> m.group(1) + k.placeholder));
        case AWS -> {
          steps.add(
              new Step(k, Pattern.compile("\\b(?:AKIA|ASIA)[0-9A-Z]{16}\\b"), m -> k.placeholder));
          steps.add(
              new Step(
                  k,
                  Pattern.compile(
                      "(?i)(aws_secret_access_key\"?\\s*[:=]\\s*\"?)[A-Za-z0-9/+=]{40}"),
                  m -> m.group(1) + k.placeholder));
        }
        case PRIVATE_KEYS ->
            steps.add(
                new Step(
                    k,
                    Pattern.compile(
                        "-----BEGIN [A-Z ]*PRIVATE KEY-----[\\s\\S]*?-----END [A-Z ]*PRIVATE"
                            + " KEY-----"),
                    m -> k.placeholder));
        case EMAILS ->
            steps.add(
                new Step(
                    k,
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

  /** {@code text} with every kind applied; the same instance when nothing was found. */
  private String redact(String text, LogRecord r) {
    String s = text;
    for (Step step : steps) {
      try {
        Matcher m = step.pattern().matcher(new LineRules.Budgeted(s));
        if (!m.find()) {
          continue;
        }
        m.reset();
        String next = m.replaceAll(res -> Matcher.quoteReplacement(step.replacement().apply(res)));
        if (!next.equals(s)) {
          count(step.kind(), r);
          s = next;
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
