package io.github.logchute.sink.kafka;

import static io.github.logchute.sink.kafka.TestRecords.containerId;
import static io.github.logchute.sink.kafka.TestRecords.kubelet;
import static io.github.logchute.sink.kafka.TestRecords.metadata;
import static io.github.logchute.sink.kafka.TestRecords.readAll;
import static io.github.logchute.sink.kafka.TestRecords.record;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.github.logchute.core.Await;
import io.github.logchute.core.Clock;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.LogStream;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.config.ConfigSection;
import io.github.logchute.core.metrics.MetricsRegistry;
import io.github.logchute.core.pipeline.Pipeline;
import io.github.logchute.core.pipeline.RetryPolicy;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The broker is killed ({@code kill -9}) and started again while the pipeline keeps sending: every
 * record arrives at least once, and every record the pipeline acknowledged is in the topic.
 */
class KafkaBrokerRestartTest {

  private static final int TOTAL = 30_000;
  private static final int CHUNK = 100;
  private static final String TOPIC = "restart";

  @TempDir Path dir;

  @Test
  void aBrokerKilledAndRestartedMidStreamLosesNothingAcknowledgedAndEveryRecordArrives()
      throws Exception {
    try (KafkaBroker broker = KafkaBroker.start(dir.resolve("broker"))) {
      broker
          .admin()
          .createTopics(List.of(new NewTopic(TOPIC, 3, (short) 1)))
          .all()
          .get(30, TimeUnit.SECONDS);
      Map<String, Object> settings = new LinkedHashMap<>();
      settings.put("bootstrapServers", broker.bootstrap());
      settings.put("topic", TOPIC);
      settings.put("linger", "20ms");
      settings.put("maxBatchRecords", 250);
      settings.put(
          "producer",
          Map.of(
              "request.timeout.ms", "3000",
              "delivery.timeout.ms", "8000",
              "max.block.ms", "500",
              "reconnect.backoff.max.ms", "200"));
      MetricsRegistry metrics = new MetricsRegistry();
      KafkaSink sink =
          new KafkaSink(
              KafkaSinkProvider.config(ConfigSection.of("sinks.kafka", settings)),
              metrics,
              Clock.system());
      Set<Integer> acked = ConcurrentHashMap.newKeySet();
      Pipeline pipeline =
          Pipeline.builder()
              .sink("kafka", sink)
              .metrics(metrics)
              .maxQueuedBytes(1024 * 1024) // the emitter keeps pace with the deliveries
              .retry(new RetryPolicy(Duration.ofMillis(100), Duration.ofSeconds(1)))
              .acknowledgeTo(rs -> rs.forEach(r -> acked.add(seq(r))))
              .build()
              .start();

      List<LogSource> sources = new ArrayList<>();
      List<SourceMetadata> metas = new ArrayList<>();
      for (int c = 0; c < 4; c++) {
        String pod = "pod-" + c;
        sources.add(kubelet(pod, "ns", "app", containerId(c)));
        metas.add(metadata(pod, "ns", "app", containerId(c)));
      }
      AtomicInteger emitted = new AtomicInteger();
      AtomicReference<Throwable> emitError = new AtomicReference<>();
      Thread emitter =
          new Thread(
              () -> {
                try {
                  for (int from = 0; from < TOTAL; from += CHUNK) {
                    List<LogRecord> chunk = new ArrayList<>(CHUNK);
                    for (int n = from; n < from + CHUNK; n++) {
                      int c = n % sources.size();
                      chunk.add(
                          record(
                              sources.get(c),
                              metas.get(c),
                              LogStream.STDOUT,
                              1_767_225_600_000_000_000L + n,
                              "seq " + n + " padding to look like a log line of some length",
                              n * 100L));
                    }
                    pipeline.emit(chunk);
                    emitted.addAndGet(CHUNK);
                  }
                } catch (Throwable t) {
                  emitError.set(t);
                }
              },
              "emitter");
      emitter.start();

      Await.until("a sixth acknowledged", Duration.ofSeconds(60), () -> acked.size() >= TOTAL / 6);
      broker.kill();
      int ackedAtKill = acked.size();
      int emittedAtKill = emitted.get();
      broker.restart();
      Await.until(
          "every record acknowledged",
          Duration.ofSeconds(90),
          () -> acked.size() == TOTAL || emitError.get() != null);
      emitter.join(10_000);
      assertThat(emitError.get()).isNull();
      assertThat(pipeline.close(Duration.ofSeconds(10))).isTrue();
      assertThat(ackedAtKill).as("killed mid-stream").isLessThan(TOTAL);
      assertThat(emittedAtKill).as("killed mid-stream").isLessThan(TOTAL);

      ObjectMapper json = new ObjectMapper();
      Map<Integer, Integer> copies = new HashMap<>();
      List<ConsumerRecord<byte[], byte[]>> all =
          readAll(broker.bootstrap(), TOPIC, Duration.ofSeconds(60));
      for (ConsumerRecord<byte[], byte[]> cr : all) {
        String message = json.readTree(cr.value()).get("message").asText();
        copies.merge(Integer.parseInt(message.split(" ")[1]), 1, Integer::sum);
      }
      List<Integer> missing = new ArrayList<>();
      for (int n = 0; n < TOTAL; n++) {
        if (!copies.containsKey(n)) {
          missing.add(n);
        }
      }
      assertThat(missing).as("records not in the topic").isEmpty();
      assertThat(acked).hasSize(TOTAL);
      assertThat(copies.keySet()).containsAll(acked);
      long duplicates = all.size() - copies.size();
      System.err.printf(
          "restart test: %d records, %d acknowledged before the kill (%d emitted), %d messages in"
              + " the topic, %d duplicates, %d batches retried%n",
          TOTAL,
          ackedAtKill,
          emittedAtKill,
          all.size(),
          duplicates,
          metrics.value("logchute_kafka_requests_total", "result", "retry"));
      assertThat(all.size()).isEqualTo(copies.values().stream().mapToInt(i -> i).sum());
    }
  }

  private static int seq(LogRecord r) {
    String m = new String(r.message(), StandardCharsets.UTF_8);
    return Integer.parseInt(m.split(" ")[1]);
  }
}
