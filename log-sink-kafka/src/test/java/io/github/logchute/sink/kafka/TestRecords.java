package io.github.logchute.sink.kafka;

import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.LogStream;
import io.github.logchute.core.MetadataKeys;
import io.github.logchute.core.SourceMetadata;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/** Records as the tailer makes them, and a consumer that reads a whole topic back. */
final class TestRecords {

  private TestRecords() {}

  /** A container id: 64 hex digits from {@code n}. */
  static String containerId(int n) {
    return String.format("%064x", 0xabc0000L + n);
  }

  /** A source as the kubelet names it: {@code /var/log/containers/<pod>_<ns>_<c>-<id>.log}. */
  static LogSource kubelet(String pod, String namespace, String container, String id) {
    return LogSource.of(
        Path.of(
            "/var/log/containers/" + pod + "_" + namespace + "_" + container + "-" + id + ".log"),
        new FileIdentity(2049, Math.abs((long) (pod + container).hashCode())));
  }

  /** The metadata the Kubernetes enricher gives such a source. */
  static SourceMetadata metadata(String pod, String namespace, String container, String id) {
    return SourceMetadata.builder()
        .put(MetadataKeys.K8S_NAMESPACE, namespace)
        .put(MetadataKeys.K8S_POD_NAME, pod)
        .put(MetadataKeys.K8S_CONTAINER_NAME, container)
        .put(MetadataKeys.CONTAINER_ID, "containerd://" + id)
        .put(MetadataKeys.K8S_NODE_NAME, "node-1")
        .put(MetadataKeys.HOST_NAME, "i-0abc")
        .put("k8s.pod.label.app", pod.replaceAll("-.*", ""))
        .build();
  }

  static LogRecord record(
      LogSource source,
      SourceMetadata metadata,
      LogStream stream,
      long nanos,
      String message,
      long offset) {
    byte[] m = message.getBytes(StandardCharsets.UTF_8);
    return LogRecord.of(source, metadata, stream, nanos, m, offset, offset + m.length + 1, 0);
  }

  /** A consumer of {@code bootstrap} with byte[] keys and values, no group. */
  static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
    Properties p = new Properties();
    p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
    p.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
    p.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "5000");
    p.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_uncommitted");
    return new KafkaConsumer<>(p, new ByteArrayDeserializer(), new ByteArrayDeserializer());
  }

  /**
   * Every record of {@code topic} from its beginning to its end as of now, in partition order:
   * polls until the consumer's position reached each partition's end offset, or fails after {@code
   * timeout}.
   */
  static List<ConsumerRecord<byte[], byte[]>> readAll(
      String bootstrap, String topic, Duration timeout) {
    try (KafkaConsumer<byte[], byte[]> c = consumer(bootstrap)) {
      List<TopicPartition> partitions = new ArrayList<>();
      for (PartitionInfo p : c.partitionsFor(topic, timeout)) {
        partitions.add(new TopicPartition(topic, p.partition()));
      }
      c.assign(partitions);
      c.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = new HashMap<>(c.endOffsets(partitions, timeout));
      List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
      long deadline = System.nanoTime() + timeout.toNanos();
      while (!reached(c, end)) {
        if (System.nanoTime() - deadline > 0) {
          throw new AssertionError(
              "reading " + topic + " did not reach its end " + end + " within " + timeout);
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
          out.add(r);
        }
      }
      return out;
    }
  }

  private static boolean reached(KafkaConsumer<?, ?> c, Map<TopicPartition, Long> end) {
    for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
      if (c.position(e.getKey()) < e.getValue()) {
        return false;
      }
    }
    return true;
  }
}
