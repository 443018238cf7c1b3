package io.github.logchute.core.process;

import io.github.logchute.core.Severity;
import java.util.List;
import java.util.Map;

/**
 * The well-known member names of structured (JSON, logfmt) messages: where the level, the message
 * text and the event time are. {@link io.github.logchute.core.LogRecord#fields()} keeps every
 * member as written; processors read these keys to set the record's severity and (optionally) time,
 * and sinks use them to map fields to their own format (for example Datadog's {@code message} and
 * {@code status}). Names are compared ignoring ASCII case; when several are present the first one
 * in the list order wins.
 */
public final class StructuredKeys {

  /**
   * Level keys, by priority: {@code level} (logrus, zap, pino, slog, winston, logstash encoder),
   * {@code severity} (Cloud Logging), {@code log_level}, {@code lvl}, {@code status} (Datadog),
   * {@code levelname} (python-json-logger), {@code log.level} (Elastic Common Schema).
   */
  public static final List<String> LEVEL_KEYS =
      List.of("level", "severity", "log_level", "lvl", "status", "levelname", "log.level");

  /** Message keys, by priority. */
  public static final List<String> MESSAGE_KEYS = List.of("message", "msg");

  /** Time keys, by priority. */
  public static final List<String> TIME_KEYS = List.of("time", "timestamp", "ts", "@timestamp");

  private StructuredKeys() {}

  /** The first of {@link #LEVEL_KEYS} present in {@code fields} as it is spelt there, or null. */
  public static String levelKey(Map<String, ?> fields) {
    return find(fields, LEVEL_KEYS);
  }

  /** The first of {@link #MESSAGE_KEYS} present in {@code fields} as spelt there, or null. */
  public static String messageKey(Map<String, ?> fields) {
    return find(fields, MESSAGE_KEYS);
  }

  /** The first of {@link #TIME_KEYS} present in {@code fields} as spelt there, or null. */
  public static String timeKey(Map<String, ?> fields) {
    return find(fields, TIME_KEYS);
  }

  /**
   * The severity named by the highest-priority level key whose value is a level ({@link
   * Levels#fromValue}); a numeric {@code status} is ignored (an HTTP status, not a level). {@link
   * Severity#UNSPECIFIED} when there is none.
   */
  public static Severity severity(Map<String, ?> fields) {
    Severity best = Severity.UNSPECIFIED;
    int bestRank = Integer.MAX_VALUE;
    for (Map.Entry<String, ?> e : fields.entrySet()) {
      String key = e.getKey();
      int n = key.length();
      if (n < 3 || n > 9) {
        continue;
      }
      for (int r = 0; r < bestRank && r < LEVEL_KEYS.size(); r++) {
        String candidate = LEVEL_KEYS.get(r);
        if (candidate.equalsIgnoreCase(key)) {
          Object v = e.getValue();
          Severity s =
              candidate.equals("status") && !(v instanceof String)
                  ? Severity.UNSPECIFIED
                  : Levels.fromValue(v);
          if (s != Severity.UNSPECIFIED) {
            best = s;
            bestRank = r;
          }
          break;
        }
      }
    }
    return best;
  }

  /**
   * The keys of {@code fields} matching {@code candidates} (ignoring case), in the candidates'
   * order; one pass over the fields.
   */
  static String find(Map<String, ?> fields, List<String> candidates) {
    String best = null;
    int bestRank = Integer.MAX_VALUE;
    for (String key : fields.keySet()) {
      int n = key.length();
      if (n < 2 || n > 10) {
        continue;
      }
      for (int r = 0; r < bestRank && r < candidates.size(); r++) {
        if (candidates.get(r).equalsIgnoreCase(key)) {
          best = key;
          bestRank = r;
          break;
        }
      }
    }
    return best;
  }
}
