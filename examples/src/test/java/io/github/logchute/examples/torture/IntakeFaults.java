package io.github.logchute.examples.torture;

import io.github.logchute.core.http.FakeHttpServer.Request;
import io.github.logchute.core.http.FakeHttpServer.Response;
import io.github.logchute.sink.datadog.FakeDatadogIntake;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

/**
 * The strict Datadog intake double behind a fault schedule: each request, by its number, is
 * answered normally or with a fault — a 500 or 503, a 429 with {@code Retry-After}, a connection
 * reset, or a slow answer (accepted, then answered late). 413s come from the intake itself ({@link
 * FakeDatadogIntake#tooLargeAbove}), so that only a batch that can be split gets one.
 */
final class IntakeFaults implements Function<Request, Response> {

  /** What one request gets. */
  enum Fault {
    NONE,
    SERVER_ERROR,
    UNAVAILABLE,
    TOO_MANY_REQUESTS,
    RESET,
    SLOW
  }

  /** Which fault request {@code n} (1 for the first) gets. */
  @FunctionalInterface
  interface Plan {
    Fault next(long n);

    Plan NONE = n -> Fault.NONE;

    /** Every {@code nth} request gets {@code fault}. */
    static Plan every(int nth, Fault fault) {
      return n -> n % nth == 0 ? fault : Fault.NONE;
    }

    /** Every request gets {@code fault} (an outage). */
    static Plan always(Fault fault) {
      return n -> fault;
    }

    /** Request {@code n} gets a fault drawn from {@code odds} by a random seeded by n and seed. */
    static Plan random(long seed, Map<Fault, Double> odds) {
      return n -> {
        double x = new SplittableRandom(seed ^ (n * 0x9E3779B97F4A7C15L)).nextDouble();
        for (Map.Entry<Fault, Double> e : odds.entrySet()) {
          x -= e.getValue();
          if (x < 0) {
            return e.getKey();
          }
        }
        return Fault.NONE;
      };
    }
  }

  private final FakeDatadogIntake intake;
  private final AtomicLong requests = new AtomicLong();
  private final Map<Fault, AtomicLong> injected = new EnumMap<>(Fault.class);
  private volatile Plan plan = Plan.NONE;
  private volatile Duration slow = Duration.ofSeconds(2);
  private volatile int retryAfterSeconds = 1;

  IntakeFaults(FakeDatadogIntake intake) {
    this.intake = intake;
    for (Fault f : Fault.values()) {
      injected.put(f, new AtomicLong());
    }
  }

  void plan(Plan p) {
    plan = p;
  }

  /** How late a slow answer comes (keep it below the sink's request timeout). */
  void slow(Duration d) {
    slow = d;
  }

  void retryAfterSeconds(int s) {
    retryAfterSeconds = s;
  }

  FakeDatadogIntake intake() {
    return intake;
  }

  /** Faults injected so far, by kind. */
  Map<Fault, Long> injected() {
    Map<Fault, Long> out = new EnumMap<>(Fault.class);
    injected.forEach((k, v) -> out.put(k, v.get()));
    return out;
  }

  @Override
  public Response apply(Request request) {
    Fault f = plan.next(requests.incrementAndGet());
    injected.get(f).incrementAndGet();
    switch (f) {
      case SERVER_ERROR:
        return Response.json(500, "{\"errors\":[\"Internal Server Error\"]}");
      case UNAVAILABLE:
        return Response.json(503, "{\"errors\":[\"Service Unavailable\"]}");
      case TOO_MANY_REQUESTS:
        return Response.json(429, "{\"errors\":[\"Too Many Requests\"]}")
            .withHeader("Retry-After", Integer.toString(retryAfterSeconds));
      case RESET:
        return Response.reset();
      case SLOW:
        return intake.apply(request).delayed(slow);
      default:
        return intake.apply(request);
    }
  }
}
