package io.github.logchute.examples.torture;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Every message the fake intakes accepted, per sink, with when: the token it starts with, whether
 * its content is exactly a message the simulator could have written ({@link Messages#content}), and
 * its length (compared with the written length by the checker). Text is kept only for deliveries
 * that are not such a message (a piece of a split line delivered alone, altered content).
 */
final class Deliveries {

  /**
   * One accepted message.
   *
   * @param sink which fake accepted it
   * @param container the container of its token, or null if it has none
   * @param seq the sequence number of its token
   * @param nanos when it was accepted ({@link System#nanoTime})
   * @param length its length in characters
   * @param wellFormed whether it is exactly the message its token names, at this length
   * @param text the text, if not well formed (first 20,000 characters)
   */
  record Delivery(
      String sink,
      String container,
      long seq,
      long nanos,
      int length,
      boolean wellFormed,
      String text) {}

  private final Messages messages;
  private final List<Delivery> all = new ArrayList<>();
  private final Map<String, AtomicLong> counts = new HashMap<>();
  private final Map<String, Map<String, BitSet>> seen = new HashMap<>();
  private final Map<String, AtomicLong> distinct = new HashMap<>();
  private volatile long lastNanos = System.nanoTime();

  Deliveries(Messages messages) {
    this.messages = messages;
  }

  /** Records a message {@code sink} accepted (called on the fake's server threads). */
  void record(String sink, String text) {
    long now = System.nanoTime();
    Messages.Token t = Messages.parse(text);
    Delivery d;
    if (t == null) {
      d = new Delivery(sink, null, -1, now, text.length(), false, clip(text));
    } else {
      boolean ok = text.equals(messages.content(t.container(), t.seq(), text.length()));
      d =
          new Delivery(
              sink, t.container(), t.seq(), now, text.length(), ok, ok ? null : clip(text));
    }
    synchronized (this) {
      all.add(d);
      counts.computeIfAbsent(sink, k -> new AtomicLong()).incrementAndGet();
      if (d.wellFormed() && d.seq() <= Integer.MAX_VALUE) {
        BitSet bits =
            seen.computeIfAbsent(sink, k -> new HashMap<>())
                .computeIfAbsent(d.container(), k -> new BitSet());
        if (!bits.get((int) d.seq())) {
          bits.set((int) d.seq());
          distinct.computeIfAbsent(sink, k -> new AtomicLong()).incrementAndGet();
        }
      }
    }
    lastNanos = now;
  }

  private static String clip(String text) {
    return text.length() > 20_000 ? text.substring(0, 20_000) : text;
  }

  /** Deliveries accepted by {@code sink} so far. */
  synchronized long count(String sink) {
    AtomicLong n = counts.get(sink);
    return n == null ? 0 : n.get();
  }

  /** Distinct well-formed messages (container, seq) {@code sink} accepted so far. */
  synchronized long distinct(String sink) {
    AtomicLong n = distinct.get(sink);
    return n == null ? 0 : n.get();
  }

  /** When the last delivery arrived ({@link System#nanoTime}). */
  long lastNanos() {
    return lastNanos;
  }

  synchronized List<Delivery> all() {
    return List.copyOf(all);
  }
}
