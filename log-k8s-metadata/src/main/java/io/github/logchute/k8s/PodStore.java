package io.github.logchute.k8s;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Expiry;
import com.github.benmanes.caffeine.cache.Policy;
import io.github.logchute.core.Clock;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.RateLimitedLogger;
import io.github.logchute.core.SourceMetadata;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * The pods of this node as the watch sees them, the pods deleted lately, and the sources the engine
 * asked about — the state behind {@link KubernetesEnricher}.
 */
final class PodStore implements Reflector.Handler<PodInfo> {

  /*
   * Design notes.
   *
   * Keys. Pods are keyed by their *path uid*: the uid in /var/log/pods/<ns>_<pod>_<uid>/, which is
   * the pod's uid except for static pods, whose mirror pod in the API has another uid and names the
   * path's in its kubernetes.io/config.mirror annotation. A source whose path told its uid is
   * looked up by uid only — a pod re-created under the same name is another pod; a source whose
   * link target could not be read falls back to namespace/name.
   *
   * Live pods are an exact mirror of the watch in a plain map: its size is the node's pod count,
   * bounded by the kubelet (maxPods), and an evicting cache would lose pods the watch will not send
   * again. Deleted pods move to a Caffeine cache bounded in size whose entries expire on the
   * injected clock: `grace` after the deletion, except while the engine still has a source of the
   * pod open (registered and not yet released) — then the entry is pinned, and released sources
   * give it back the rest of its grace. A tombstone keeps a copy of its namespace's labels.
   *
   * Waiting. whenReady registers the source and, when its pod is unknown, returns a future kept
   * per source; a pod event that matches completes it (the engine then enriches). Sources that are
   * not waiting get the listener instead (onChange), when what they would be enriched with changed.
   * Futures are completed and listeners called outside this store's lock.
   */

  private static final System.Logger LOG = System.getLogger(PodStore.class.getName());
  private static final Duration PINNED = Duration.ofDays(36_500);

  /** A deleted pod, with its namespace's labels at the time. */
  private record Tombstone(PodInfo pod, Map<String, String> namespace, long deletedAt) {}

  /** What a lookup found: a pod and, for a deleted one, its namespace's labels. */
  record Found(PodInfo pod, Map<String, String> namespace) {}

  private final Object lock = new Object();
  private final Map<String, PodInfo> live = new HashMap<>();
  private final Map<String, String> uidByName = new HashMap<>();
  private final Cache<String, Tombstone> deleted;
  private final Policy.VarExpiration<String, Tombstone> deletedExpiry;
  private final Map<LogSource, SourceInfo> sources = new HashMap<>();
  private final Map<String, Set<LogSource>> sourcesByUid = new HashMap<>();
  private final Map<String, Set<LogSource>> sourcesByName = new HashMap<>();
  private final Map<LogSource, CompletableFuture<Void>> waiting = new HashMap<>();
  private final Set<LogSource> countedMissing = new HashSet<>();
  private final NamespaceStore namespaces;
  private final KubeMetrics metrics;
  private final long graceNanos;
  private final Clock clock;
  private final RateLimitedLogger listenerLog;
  private volatile Consumer<LogSource> listener = s -> {};

  PodStore(
      Duration grace, int maxDeletedPods, int maxNamespaces, Clock clock, KubeMetrics metrics) {
    this.graceNanos = grace.toNanos();
    this.clock = clock;
    this.metrics = metrics;
    this.namespaces = new NamespaceStore(maxNamespaces, this::namespaceChanged);
    this.deleted =
        Caffeine.newBuilder()
            .maximumSize(maxDeletedPods)
            .ticker(clock::nanoTime)
            .executor(Runnable::run)
            .expireAfter(
                new Expiry<String, Tombstone>() {
                  @Override
                  public long expireAfterCreate(String key, Tombstone value, long currentTime) {
                    return graceNanos;
                  }

                  @Override
                  public long expireAfterUpdate(
                      String key, Tombstone value, long currentTime, long currentDuration) {
                    return currentDuration;
                  }

                  @Override
                  public long expireAfterRead(
                      String key, Tombstone value, long currentTime, long currentDuration) {
                    return currentDuration;
                  }
                })
            .build();
    this.deletedExpiry = deleted.policy().expireVariably().orElseThrow();
    this.listenerLog = new RateLimitedLogger(LOG, 10_000_000_000L, clock);
  }

  NamespaceStore namespaces() {
    return namespaces;
  }

  void listener(Consumer<LogSource> l) {
    this.listener = l;
  }

  /** Remembers {@code source} (idempotent); completes when its pod is known. */
  CompletableFuture<Void> whenKnown(LogSource source, SourceInfo info) {
    synchronized (lock) {
      register(source, info);
      if (findLocked(info) != null) {
        return CompletableFuture.completedFuture(null);
      }
      return waiting.computeIfAbsent(source, s -> new CompletableFuture<>());
    }
  }

  /**
   * Adds the pod's attributes for {@code source} to {@code m}.
   *
   * @return false when the pod is unknown
   */
  boolean enrich(LogSource source, SourceInfo info, SourceMetadata.Builder m) {
    Found f;
    boolean firstMiss = false;
    synchronized (lock) {
      register(source, info);
      f = findLocked(info);
      if (f == null) {
        firstMiss = countedMissing.add(source);
      }
    }
    if (f == null) {
      metrics.cacheMisses.increment();
      if (firstMiss) {
        metrics.withoutMetadata.increment();
      }
      return false;
    }
    metrics.cacheHits.increment();
    f.pod().enrich(info, m);
    m.putAll(f.namespace() != null ? f.namespace() : namespaces.attributes(f.pod().namespace()));
    return true;
  }

  /** The pod of {@code info}, live or deleted within its retention, or null. */
  Found find(SourceInfo info) {
    synchronized (lock) {
      return findLocked(info);
    }
  }

  private Found findLocked(SourceInfo info) {
    if (info.uid() != null) {
      PodInfo p = live.get(info.uid());
      if (p != null) {
        return new Found(p, null);
      }
      Tombstone t = deleted.getIfPresent(info.uid());
      return t == null ? null : new Found(t.pod(), t.namespace());
    }
    if (info.namespace() == null || info.pod() == null) {
      return null;
    }
    String uid = uidByName.get(nameKey(info.namespace(), info.pod()));
    if (uid != null) {
      return new Found(live.get(uid), null);
    }
    Tombstone latest = null;
    for (Tombstone t : deleted.asMap().values()) {
      if (info.pod().equals(t.pod().name())
          && info.namespace().equals(t.pod().namespace())
          && (latest == null || t.deletedAt() - latest.deletedAt() > 0)) {
        latest = t;
      }
    }
    return latest == null ? null : new Found(latest.pod(), latest.namespace());
  }

  private void register(LogSource source, SourceInfo info) {
    if (sources.putIfAbsent(source, info) != null) {
      return;
    }
    if (info.uid() != null) {
      sourcesByUid.computeIfAbsent(info.uid(), k -> new LinkedHashSet<>()).add(source);
      if (deleted.getIfPresent(info.uid()) != null) {
        deletedExpiry.setExpiresAfter(info.uid(), PINNED);
      }
    } else {
      sourcesByName
          .computeIfAbsent(nameKey(info.namespace(), info.pod()), k -> new LinkedHashSet<>())
          .add(source);
    }
  }

  /** Forgets {@code source}; a deleted pod with no source left gets the rest of its grace. */
  void release(LogSource source) {
    CompletableFuture<Void> w;
    synchronized (lock) {
      SourceInfo info = sources.remove(source);
      if (info == null) {
        return;
      }
      countedMissing.remove(source);
      w = waiting.remove(source);
      if (info.uid() != null) {
        if (unindex(sourcesByUid, info.uid(), source)) {
          Tombstone t = deleted.getIfPresent(info.uid());
          if (t != null) {
            long rest = t.deletedAt() + graceNanos - clock.nanoTime();
            if (rest > 0) {
              deletedExpiry.setExpiresAfter(info.uid(), Duration.ofNanos(rest));
            } else {
              deleted.invalidate(info.uid());
            }
          }
        }
      } else {
        unindex(sourcesByName, nameKey(info.namespace(), info.pod()), source);
      }
    }
    if (w != null) {
      w.complete(null);
    }
  }

  /** Removes {@code source} from its index set; true if the set became empty. */
  private static boolean unindex(Map<String, Set<LogSource>> index, String key, LogSource source) {
    Set<LogSource> set = index.get(key);
    if (set == null) {
      return true;
    }
    set.remove(source);
    if (set.isEmpty()) {
      index.remove(key);
      return true;
    }
    return false;
  }

  @Override
  public void replace(List<PodInfo> pods) {
    List<Runnable> after = new ArrayList<>();
    synchronized (lock) {
      Set<String> present = new HashSet<>();
      for (PodInfo p : pods) {
        present.add(p.pathUid());
        upsert(p, after);
      }
      for (String uid : List.copyOf(live.keySet())) {
        if (!present.contains(uid)) {
          remove(live.get(uid), after); // deleted while no watch was open
        }
      }
    }
    after.forEach(Runnable::run);
  }

  @Override
  public void apply(String type, PodInfo pod) {
    List<Runnable> after = new ArrayList<>();
    synchronized (lock) {
      if (type.equals("DELETED")) {
        remove(pod, after);
      } else {
        upsert(pod, after);
      }
    }
    after.forEach(Runnable::run);
  }

  private void upsert(PodInfo p, List<Runnable> after) {
    String key = p.pathUid();
    PodInfo old = live.put(key, p);
    uidByName.put(nameKey(p.namespace(), p.name()), key);
    if (old == null) {
      deleted.invalidate(key);
    }
    if (!p.equals(old)) {
      changed(p, after);
    }
  }

  private void remove(PodInfo p, List<Runnable> after) {
    String key = p.pathUid();
    PodInfo old = live.remove(key);
    uidByName.remove(nameKey(p.namespace(), p.name()), key);
    boolean pinned = sourcesByUid.containsKey(key);
    deletedExpiry.put(
        key,
        new Tombstone(p, namespaces.attributes(p.namespace()), clock.nanoTime()),
        pinned ? PINNED : Duration.ofNanos(graceNanos));
    if (old != null && !p.equals(old)) {
      changed(p, after); // its final state (phase Succeeded, ...)
    }
  }

  /** Wakes the sources of {@code p}: completes their wait, or tells the listener. */
  private void changed(PodInfo p, List<Runnable> after) {
    Set<LogSource> affected = new LinkedHashSet<>();
    affected.addAll(sourcesByUid.getOrDefault(p.pathUid(), Set.of()));
    affected.addAll(sourcesByName.getOrDefault(nameKey(p.namespace(), p.name()), Set.of()));
    for (LogSource s : affected) {
      wake(s, after);
    }
  }

  private void wake(LogSource s, List<Runnable> after) {
    CompletableFuture<Void> w = waiting.remove(s);
    if (w != null) {
      after.add(() -> w.complete(null));
    } else {
      after.add(() -> fire(s));
    }
  }

  /** The labels of {@code namespace} changed: its sources are enriched again. */
  private void namespaceChanged(String namespace) {
    List<Runnable> after = new ArrayList<>();
    synchronized (lock) {
      for (Map.Entry<LogSource, SourceInfo> e : sources.entrySet()) {
        if (namespace.equals(e.getValue().namespace()) && !waiting.containsKey(e.getKey())) {
          after.add(() -> fire(e.getKey()));
        }
      }
    }
    after.forEach(Runnable::run);
  }

  private void fire(LogSource s) {
    try {
      listener.accept(s);
    } catch (RuntimeException e) {
      listenerLog.log(Level.WARNING, "the metadata change listener failed on {0}: {1}", s, e);
    }
  }

  /** Completes every wait (on close). */
  void completeAll() {
    List<CompletableFuture<Void>> all;
    synchronized (lock) {
      all = new ArrayList<>(waiting.values());
      waiting.clear();
    }
    all.forEach(w -> w.complete(null));
  }

  int livePods() {
    synchronized (lock) {
      return live.size();
    }
  }

  long deletedPods() {
    deleted.cleanUp();
    return deleted.estimatedSize();
  }

  int sources() {
    synchronized (lock) {
      return sources.size();
    }
  }

  private static String nameKey(String namespace, String pod) {
    return namespace + "/" + pod;
  }
}
