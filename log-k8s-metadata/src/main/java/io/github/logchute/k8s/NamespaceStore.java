package io.github.logchute.k8s;

import com.fasterxml.jackson.databind.JsonNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.github.logchute.core.MetadataKeys;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The namespaces' labels ({@code k8s.namespace.label.<key>} attributes), mirrored by a {@link
 * Reflector} into a size-bounded cache. A change of a namespace's labels is reported so that the
 * sources of that namespace are enriched again.
 */
final class NamespaceStore implements Reflector.Handler<NamespaceStore.Namespace> {

  /**
   * One namespace as it becomes metadata.
   *
   * @param name the namespace name
   * @param attributes its labels, as attributes
   */
  record Namespace(String name, Map<String, String> attributes) {

    /** From a namespace object of the API; null when it has no name. */
    static Namespace parse(JsonNode ns) {
      String name = PodParser.text(ns.path("metadata"), "name");
      if (name == null) {
        return null;
      }
      Map<String, String> a = new LinkedHashMap<>();
      PodParser.strings(ns.path("metadata").path("labels"))
          .forEach((k, v) -> a.put(MetadataKeys.K8S_NAMESPACE_LABEL_PREFIX + k, v));
      return new Namespace(name, Collections.unmodifiableMap(a));
    }
  }

  private final Cache<String, Namespace> namespaces;
  private final Consumer<String> changed;

  /**
   * @param maxNamespaces the cache's size bound
   * @param changed told the name of a namespace whose labels changed
   */
  NamespaceStore(int maxNamespaces, Consumer<String> changed) {
    this.namespaces =
        Caffeine.newBuilder().maximumSize(maxNamespaces).executor(Runnable::run).build();
    this.changed = changed;
  }

  /** The namespace's label attributes; empty when unknown. */
  Map<String, String> attributes(String namespace) {
    Namespace ns = namespace == null ? null : namespaces.getIfPresent(namespace);
    return ns == null ? Map.of() : ns.attributes();
  }

  long size() {
    return namespaces.estimatedSize();
  }

  @Override
  public void replace(List<Namespace> all) {
    Set<String> names = new HashSet<>();
    for (Namespace ns : all) {
      names.add(ns.name());
      apply("ADDED", ns);
    }
    for (String gone : Set.copyOf(namespaces.asMap().keySet())) {
      if (!names.contains(gone)) {
        namespaces.invalidate(gone);
      }
    }
  }

  @Override
  public void apply(String type, Namespace ns) {
    if (type.equals("DELETED")) {
      // Its pods are deleted too; their tombstones keep a copy of these labels.
      namespaces.invalidate(ns.name());
      return;
    }
    Namespace old = namespaces.asMap().put(ns.name(), ns);
    if (old != null && !old.attributes().equals(ns.attributes())) {
      changed.accept(ns.name());
    } else if (old == null && !ns.attributes().isEmpty()) {
      changed.accept(ns.name()); // known late: sources of it were enriched without its labels
    }
  }
}
