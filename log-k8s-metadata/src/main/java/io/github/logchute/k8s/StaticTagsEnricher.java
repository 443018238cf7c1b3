package io.github.logchute.k8s;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.spi.MetadataEnricher;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Static tags applied to every record ({@code DD_TAGS}): written to {@link
 * MetadataKeys#STATIC_TAGS} as {@code key:value} items joined with {@code ,}, in the order given,
 * duplicates dropped. Items without a {@code :} are kept as they are (a bare tag).
 */
public final class StaticTagsEnricher implements MetadataEnricher {

  private static final ObjectMapper MAPPER = new ObjectMapper();

  private final List<String> tags;
  private final String joined;

  private StaticTagsEnricher(List<String> tags) {
    this.tags = tags;
    this.joined = String.join(",", tags);
  }

  /**
   * The tags {@code items}, each trimmed, blanks dropped.
   *
   * @throws IllegalArgumentException for an item containing {@code ,} or white space
   */
  public static StaticTagsEnricher of(List<String> items) {
    Set<String> out = new LinkedHashSet<>();
    for (String item : items) {
      String t = item == null ? "" : item.strip();
      if (t.isEmpty()) {
        continue;
      }
      for (int i = 0; i < t.length(); i++) {
        if (t.charAt(i) == ',' || Character.isWhitespace(t.charAt(i))) {
          throw new IllegalArgumentException(
              "tag '" + t + "' contains a comma or a space; give one key:value per item");
        }
      }
      out.add(t);
    }
    return new StaticTagsEnricher(List.copyOf(out));
  }

  /**
   * Parses {@code DD_TAGS}: a JSON list ({@code ["env:test", "kube_cluster:k8s1"]}) or items
   * separated by spaces and/or commas ({@code env:test kube_cluster:k8s1}, {@code
   * env:test,team:a}).
   *
   * @throws IllegalArgumentException for a JSON list that does not parse or holds a non-string
   */
  public static StaticTagsEnricher parse(String value) {
    return of(parseItems(value));
  }

  static List<String> parseItems(String value) {
    String v = value == null ? "" : value.strip();
    List<String> items = new ArrayList<>();
    if (v.startsWith("[")) {
      JsonNode list;
      try {
        list = MAPPER.readTree(v);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException(
            "expected a JSON list of strings such as [\"env:test\"], got '" + v + "'");
      }
      if (!list.isArray()) {
        throw new IllegalArgumentException("expected a JSON list of strings, got '" + v + "'");
      }
      for (JsonNode item : list) {
        if (!item.isTextual()) {
          throw new IllegalArgumentException("expected a JSON list of strings, got '" + v + "'");
        }
        items.add(item.textValue());
      }
      return items;
    }
    int start = -1;
    for (int i = 0; i <= v.length(); i++) {
      boolean sep = i == v.length() || v.charAt(i) == ',' || Character.isWhitespace(v.charAt(i));
      if (sep && start >= 0) {
        items.add(v.substring(start, i));
        start = -1;
      } else if (!sep && start < 0) {
        start = i;
      }
    }
    return items;
  }

  /** The tags, in order. */
  public List<String> tags() {
    return tags;
  }

  @Override
  public void enrich(LogSource source, SourceMetadata.Builder metadata) {
    if (!joined.isEmpty()) {
      metadata.put(MetadataKeys.STATIC_TAGS, joined);
    }
  }

  @Override
  public String toString() {
    return "StaticTagsEnricher" + tags;
  }
}
