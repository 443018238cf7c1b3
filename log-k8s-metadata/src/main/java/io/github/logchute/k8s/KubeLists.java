package io.github.logchute.k8s;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.List;
import java.util.function.Function;

/**
 * Reads a Kubernetes list response ({@code {"kind":"PodList","metadata":{"resourceVersion":...},
 * "items":[...]}}) item by item, so that only one item's tree is in memory at a time.
 */
final class KubeLists {

  private KubeLists() {}

  /**
   * Converts each item with {@code convert} (nulls skipped) into {@code out}.
   *
   * @return the list's {@code metadata.resourceVersion}
   * @throws IOException if the body is not a list object or has no version
   */
  static <T> String parse(
      ObjectMapper mapper, byte[] body, Function<JsonNode, T> convert, List<T> out)
      throws IOException {
    String rv = null;
    try (JsonParser p = mapper.createParser(body)) {
      if (p.nextToken() != JsonToken.START_OBJECT) {
        throw new IOException("not a JSON object");
      }
      while (p.nextToken() == JsonToken.FIELD_NAME) {
        String field = p.currentName();
        JsonToken t = p.nextToken();
        if (field.equals("items") && t == JsonToken.START_ARRAY) {
          while (p.nextToken() == JsonToken.START_OBJECT) {
            T item = convert.apply(mapper.readTree(p));
            if (item != null) {
              out.add(item);
            }
          }
        } else if (field.equals("metadata") && t == JsonToken.START_OBJECT) {
          rv = PodParser.text(mapper.readTree(p), "resourceVersion");
        } else {
          p.skipChildren();
        }
      }
    }
    if (rv == null) {
      throw new IOException("the list has no metadata.resourceVersion");
    }
    return rv;
  }
}
