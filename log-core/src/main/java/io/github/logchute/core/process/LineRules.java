package io.github.logchute.core.process;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.github.logchute.core.ContainerRef;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.metrics.MetricsRegistry;
import java.lang.System.Logger.Level;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * Line rules, the Datadog Agent's {@code log_processing_rules}: {@code exclude_at_match} drops a
 * record whose message has a match of the pattern, {@code include_at_match} drops one that has
 * none, {@code mask_sequences} replaces every match with {@code replace_placeholder} — in the
 * message and in the string values of parsed fields. Rules come from the configuration (for every
 * record) and from the source's pod, in this order:
 *
 * <ul>
 *   <li>the annotation {@code logchute.io/rules} (the whole pod) and {@code
 *       logchute.io/<container>.rules}: a JSON list of rules;
 *   <li>{@code ad.datadoghq.com/<container>.logs}: the {@code log_processing_rules} of its log
 *       configurations, so pods annotated for the Datadog Agent work unchanged.
 * </ul>
 *
 * <p>A rule is {@code {"type": "exclude_at_match", "name": "no_health", "pattern": "GET
 * /healthz"}}. An invalid list is reported once (a log line naming the pod, and {@code
 * logchute_rules_invalid_total}) and ignored; it never stops the pod's other logs. Patterns are
 * Java regular expressions run under a step budget: a match that takes longer than the budget on
 * pathological input is abandoned ({@code logchute_rules_timeouts_total}) — the record is kept by
 * an exclude or include rule, and replaced whole by the placeholder for a mask (a secret is never
 * let through because its pattern was slow). Counted per rule kind and pod in {@code
 * logchute_rules_records_total}.
 */
public final class LineRules implements RecordProcessor {

  /** What a rule does. */
  public enum Kind {
    EXCLUDE_AT_MATCH,
    INCLUDE_AT_MATCH,
    MASK_SEQUENCES;

    String wireName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** One rule; {@code replacement} only for masks. */
  public record Rule(Kind kind, String name, Pattern pattern, String replacement) {}

  /** The pod annotation holding a JSON list of rules for all of its containers. */
  public static final String POD_ANNOTATION = "logchute.io/rules";

  /** Character reads a pattern may take per record: beyond, the match is abandoned. */
  static final long STEP_BUDGET_BASE = 200_000;

  static final long STEP_BUDGET_PER_CHAR = 100;

  private static final JsonFactory JSON = new JsonFactory();
  private static final RateLimitedLogger LOG =
      RateLimitedLogger.every10Seconds(LineRules.class.getName());
  private static final int CACHE_SIZE = 1024;

  private final List<Rule> global;
  private final MetricsRegistry metrics;
  private final Map<String, List<Rule>> compiled =
      Collections.synchronizedMap(
          new LinkedHashMap<>(64, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, List<Rule>> eldest) {
              return size() > CACHE_SIZE;
            }
          });

  /**
   * @param global rules for every record, before the pod's own
   * @param metrics where the counters go
   */
  public LineRules(List<Rule> global, MetricsRegistry metrics) {
    this.global = List.copyOf(global);
    this.metrics = metrics;
  }

  /**
   * Parses a JSON list of rules.
   *
   * @throws IllegalArgumentException saying what is wrong
   */
  public static List<Rule> parse(String json) {
    Object list = read(json);
    if (!(list instanceof List<?> items)) {
      throw new IllegalArgumentException("expected a JSON list of rules");
    }
    List<Rule> out = new ArrayList<>();
    for (Object r : items) {
      out.add(rule(r));
    }
    return out;
  }

  /** {@code json} as maps, lists, strings, numbers, booleans and nulls. */
  static Object read(String json) {
    try (JsonParser p = JSON.createParser(json)) {
      JsonToken t = p.nextToken();
      if (t == null) {
        throw new IllegalArgumentException("not JSON: empty");
      }
      Object v = value(p, t);
      if (p.nextToken() != null) {
        throw new IllegalArgumentException("not JSON: more after the value");
      }
      return v;
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("not JSON: " + e.getMessage());
    }
  }

  private static Object value(JsonParser p, JsonToken t) throws java.io.IOException {
    switch (t) {
      case START_ARRAY -> {
        List<Object> l = new ArrayList<>();
        for (JsonToken n = p.nextToken(); n != JsonToken.END_ARRAY; n = p.nextToken()) {
          l.add(value(p, n));
        }
        return l;
      }
      case START_OBJECT -> {
        Map<String, Object> m = new LinkedHashMap<>();
        for (JsonToken n = p.nextToken(); n != JsonToken.END_OBJECT; n = p.nextToken()) {
          String name = p.currentName();
          m.put(name, value(p, p.nextToken()));
        }
        return m;
      }
      case VALUE_STRING -> {
        return p.getText();
      }
      case VALUE_NULL -> {
        return null;
      }
      default -> {
        return p.getText(); // numbers and booleans: their text
      }
    }
  }

  private static Rule rule(Object o) {
    if (!(o instanceof Map<?, ?> r)) {
      throw new IllegalArgumentException("a rule is an object, got " + o);
    }
    String type = text(r, "type");
    Kind kind = null;
    for (Kind k : Kind.values()) {
      if (k.wireName().equals(type)) {
        kind = k;
      }
    }
    if (kind == null) {
      throw new IllegalArgumentException(
          "type must be exclude_at_match, include_at_match or mask_sequences, got '" + type + "'");
    }
    String name = text(r, "name");
    if (name.isBlank()) {
      throw new IllegalArgumentException("a " + type + " rule needs a name");
    }
    String pattern = text(r, "pattern");
    if (pattern.isEmpty()) {
      throw new IllegalArgumentException("rule '" + name + "' needs a pattern");
    }
    Pattern p;
    try {
      p = Pattern.compile(pattern);
    } catch (PatternSyntaxException e) {
      throw new IllegalArgumentException(
          "rule '" + name + "': not a valid pattern: " + e.getDescription());
    }
    String replacement = null;
    if (kind == Kind.MASK_SEQUENCES) {
      if (r.get("replace_placeholder") == null) {
        throw new IllegalArgumentException("mask rule '" + name + "' needs replace_placeholder");
      }
      replacement = String.valueOf(r.get("replace_placeholder"));
    }
    return new Rule(kind, name, p, replacement);
  }

  private static String text(Map<?, ?> m, String key) {
    Object v = m.get(key);
    return v == null ? "" : String.valueOf(v);
  }

  @Override
  public LogRecord process(LogRecord record) {
    List<Rule> own = ofSource(record);
    if (global.isEmpty() && own.isEmpty()) {
      return record;
    }
    LogRecord r = record;
    for (List<Rule> rules : List.of(global, own)) {
      for (Rule rule : rules) {
        r = apply(rule, r);
        if (r == null) {
          return null;
        }
      }
    }
    return r;
  }

  private LogRecord apply(Rule rule, LogRecord r) {
    String text = r.messageText();
    switch (rule.kind()) {
      case EXCLUDE_AT_MATCH -> {
        Boolean found = find(rule, r, text);
        if (Boolean.TRUE.equals(found)) {
          count(rule, r);
          return null;
        }
        return r;
      }
      case INCLUDE_AT_MATCH -> {
        Boolean found = find(rule, r, text);
        if (Boolean.FALSE.equals(found)) {
          count(rule, r);
          return null;
        }
        return r;
      }
      default -> {
        String masked = mask(rule, r, text);
        Map<String, Object> fields = r.fields().isEmpty() ? r.fields() : maskFields(rule, r);
        if (masked == text && fields == r.fields()) {
          return r;
        }
        count(rule, r);
        LogRecord out = masked == text ? r : r.withMessage(masked.getBytes(StandardCharsets.UTF_8));
        return fields == r.fields() ? out : out.withFields(fields, r.severity());
      }
    }
  }

  /** True or false, or null if the pattern ran out of its budget. */
  private Boolean find(Rule rule, LogRecord r, String text) {
    try {
      return rule.pattern().matcher(new Budgeted(text)).find();
    } catch (Budgeted.OutOfSteps e) {
      timeout(rule, r);
      return null;
    }
  }

  /** The text with every match replaced; the same instance if nothing matched. */
  private String mask(Rule rule, LogRecord r, String text) {
    try {
      Matcher m = rule.pattern().matcher(new Budgeted(text));
      if (!m.find()) {
        return text;
      }
      return m.replaceAll(Matcher.quoteReplacement(rule.replacement()));
    } catch (Budgeted.OutOfSteps e) {
      timeout(rule, r);
      return rule.replacement();
    }
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> maskFields(Rule rule, LogRecord r) {
    return (Map<String, Object>) FieldStrings.map(r.fields(), t -> mask(rule, r, t));
  }

  /** The rules of the record's pod and container, compiled once per distinct annotation text. */
  private List<Rule> ofSource(LogRecord r) {
    SourceMetadata m = r.metadata();
    String container = m.get(MetadataKeys.K8S_CONTAINER_NAME);
    if (container == null) {
      container = r.source().container().map(ContainerRef::container).orElse(null);
    }
    String pod = m.get(MetadataKeys.K8S_POD_ANNOTATION_PREFIX + POD_ANNOTATION);
    String own =
        container == null
            ? null
            : m.get(MetadataKeys.K8S_POD_ANNOTATION_PREFIX + "logchute.io/" + container + ".rules");
    String datadog =
        container == null
            ? null
            : m.get(
                MetadataKeys.K8S_POD_ANNOTATION_PREFIX + "ad.datadoghq.com/" + container + ".logs");
    if (pod == null && own == null && datadog == null) {
      return List.of();
    }
    String key = pod + "\u0000" + own + "\u0000" + datadog;
    List<Rule> rules = compiled.get(key);
    if (rules == null) {
      rules = compile(r, pod, own, datadog);
      compiled.put(key, rules);
    }
    return rules;
  }

  private List<Rule> compile(LogRecord r, String pod, String own, String datadog) {
    List<Rule> out = new ArrayList<>();
    add(out, r, POD_ANNOTATION, pod);
    add(out, r, "logchute.io/<container>.rules", own);
    if (datadog != null) {
      String where = "ad.datadoghq.com/<container>.logs";
      try {
        Object configs = read(datadog);
        for (Object c : configs instanceof List<?> l ? l : List.of(configs)) {
          if (c instanceof Map<?, ?> m && m.get("log_processing_rules") instanceof List<?> rs) {
            for (Object rule : rs) {
              out.add(rule(rule));
            }
          }
        }
      } catch (IllegalArgumentException e) {
        invalid(r, where, e.getMessage());
      }
    }
    return List.copyOf(out);
  }

  private void add(List<Rule> out, LogRecord r, String where, String json) {
    if (json == null) {
      return;
    }
    try {
      out.addAll(parse(json));
    } catch (IllegalArgumentException e) {
      invalid(r, where, e.getMessage());
    }
  }

  private void invalid(LogRecord r, String where, String why) {
    String ns = namespace(r);
    String pod = pod(r);
    metrics
        .counter(
            "logchute_rules_invalid_total",
            "Invalid rule lists in pod annotations (each ignored), by pod.",
            "namespace",
            ns,
            "pod",
            pod)
        .increment();
    LOG.logFor(
        ns + "/" + pod + "/" + where,
        Level.WARNING,
        "pod {0}/{1}: the rules in {2} are ignored: {3}",
        ns,
        pod,
        where,
        why);
  }

  private void count(Rule rule, LogRecord r) {
    metrics
        .counter(
            "logchute_rules_records_total",
            "Records a line rule excluded, did not include, or masked, by rule kind and pod.",
            "kind",
            rule.kind().wireName(),
            "namespace",
            namespace(r),
            "pod",
            pod(r))
        .increment();
  }

  private void timeout(Rule rule, LogRecord r) {
    metrics
        .counter(
            "logchute_rules_timeouts_total",
            "Pattern matches abandoned after their step budget (pathological input), by pod.",
            "namespace",
            namespace(r),
            "pod",
            pod(r))
        .increment();
    LOG.logFor(
        rule.name(),
        Level.WARNING,
        "rule {0} ({1}) ran out of its step budget on a record of {2}; "
            + (rule.kind() == Kind.MASK_SEQUENCES
                ? "the whole message is replaced by the placeholder"
                : "the record is kept"),
        rule.name(),
        rule.kind().wireName(),
        r.source().path());
  }

  private static String namespace(LogRecord r) {
    String ns = r.metadata().get(MetadataKeys.K8S_NAMESPACE);
    return ns != null ? ns : r.source().container().map(ContainerRef::namespace).orElse("");
  }

  private static String pod(LogRecord r) {
    String pod = r.metadata().get(MetadataKeys.K8S_POD_NAME);
    return pod != null ? pod : r.source().container().map(ContainerRef::pod).orElse("");
  }

  /** A message whose characters may be read a bounded number of times. */
  static final class Budgeted implements CharSequence {

    static final class OutOfSteps extends RuntimeException {
      private static final long serialVersionUID = 1L;

      OutOfSteps() {
        super(null, null, false, false);
      }
    }

    private final String text;
    private final long[] left;
    private final int start;
    private final int end;

    Budgeted(String text) {
      this(
          text,
          new long[] {STEP_BUDGET_BASE + STEP_BUDGET_PER_CHAR * text.length()},
          0,
          text.length());
    }

    private Budgeted(String text, long[] left, int start, int end) {
      this.text = text;
      this.left = left;
      this.start = start;
      this.end = end;
    }

    @Override
    public int length() {
      return end - start;
    }

    @Override
    public char charAt(int index) {
      if (--left[0] < 0) {
        throw new OutOfSteps();
      }
      return text.charAt(start + index);
    }

    @Override
    public CharSequence subSequence(int from, int to) {
      return new Budgeted(text, left, start + from, start + to);
    }

    @Override
    public String toString() {
      return text.substring(start, end);
    }
  }
}
