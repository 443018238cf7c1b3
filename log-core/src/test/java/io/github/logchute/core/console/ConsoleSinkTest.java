package io.github.logchute.core.console;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogRecord;
import io.github.logchute.core.LogSource;
import io.github.logchute.core.LogStream;
import io.github.logchute.core.Severity;
import io.github.logchute.core.SourceMetadata;
import io.github.logchute.core.spi.EncodedBatch;
import io.github.logchute.core.spi.SendOutcome;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsoleSinkTest {

  private static final String ID =
      "4b5a3e1d2c0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d";
  private static final LogSource SOURCE =
      LogSource.of(Path.of("/var/log/containers/web-1_prod_app-" + ID + ".log"), FileIdentity.NONE);

  @Test
  void writesOneJsonObjectPerRecordPerLine() throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ConsoleSink sink = new ConsoleSink(out, ConsoleSink.defaultLimits());
    LogRecord plain =
        LogRecord.of(
            SOURCE,
            LogStream.STDERR,
            1_475_713_029_669_794_202L,
            "quote \" backslash \\ newline \n tab \t 日本 🌍".getBytes(StandardCharsets.UTF_8),
            0,
            80,
            LogRecord.TRUNCATED);
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("user_id", 123);
    fields.put("nested", Map.of("ok", true));
    fields.put("list", List.of(1.5, "x"));
    fields.put("nothing", null);
    LogRecord structured =
        LogRecord.of(
                SOURCE,
                SourceMetadata.builder().put("k8s.node.name", "node-1").build(),
                LogStream.STDOUT,
                1_475_713_029_000_000_000L,
                "{\"user_id\":123}".getBytes(StandardCharsets.UTF_8),
                80,
                120,
                0)
            .withFields(fields, Severity.WARNING);
    EncodedBatch batch = sink.encode(List.of(plain, structured));
    assertThat(batch.recordCount()).isEqualTo(2);
    assertThat(sink.send(batch).toCompletableFuture().join()).isEqualTo(SendOutcome.accepted());

    String[] lines = out.toString(StandardCharsets.UTF_8).split("\n", -1);
    assertThat(lines).hasSize(3);
    assertThat(lines[2]).isEmpty();
    Map<String, String> first = flatten(lines[0]);
    assertThat(first)
        .containsEntry("time", "2016-10-06T00:17:09.669794202Z")
        .containsEntry("stream", "stderr")
        .containsEntry("message", "quote \" backslash \\ newline \n tab \t 日本 🌍")
        .containsEntry("path", SOURCE.path().toString())
        .containsEntry("offset", "0")
        .containsEntry("truncated", "true")
        .containsEntry("container.pod", "web-1")
        .containsEntry("container.namespace", "prod")
        .containsEntry("container.name", "app")
        .containsEntry("container.id", ID)
        .doesNotContainKey("severity");
    Map<String, String> second = flatten(lines[1]);
    assertThat(second)
        .containsEntry("time", "2016-10-06T00:17:09Z")
        .containsEntry("severity", "warning")
        .containsEntry("metadata.k8s.node.name", "node-1")
        .containsEntry("fields.user_id", "123")
        .containsEntry("fields.nested.ok", "true")
        .containsEntry("fields.list", "x")
        .containsEntry("fields.nothing", "null")
        .doesNotContainKey("truncated");
  }

  @Test
  void aFailedWriteIsRetriedNotLost() {
    OutputStream broken =
        new OutputStream() {
          @Override
          public void write(int b) throws IOException {
            throw new IOException("stdout closed");
          }
        };
    ConsoleSink sink = new ConsoleSink(broken, ConsoleSink.defaultLimits());
    LogRecord r = LogRecord.of(SOURCE, LogStream.STDOUT, 0, new byte[] {'x'}, 0, 2, 0);
    SendOutcome outcome = sink.send(sink.encode(List.of(r))).toCompletableFuture().join();
    assertThat(outcome).isInstanceOf(SendOutcome.Retry.class);
    assertThat(((SendOutcome.Retry) outcome).reason()).contains("stdout closed");
  }

  /** Parses one JSON line into dotted keys (array elements collapse to their last scalar). */
  private static Map<String, String> flatten(String line) throws IOException {
    Map<String, String> out = new LinkedHashMap<>();
    try (JsonParser p = new JsonFactory().createParser(line)) {
      java.util.Deque<String> path = new java.util.ArrayDeque<>();
      String field = null;
      JsonToken t;
      while ((t = p.nextToken()) != null) {
        switch (t) {
          case FIELD_NAME:
            field = p.currentName();
            break;
          case START_OBJECT:
            if (field != null) {
              path.addLast(field);
            }
            field = null;
            break;
          case END_OBJECT:
            if (!path.isEmpty()) {
              path.removeLast();
            }
            break;
          case START_ARRAY:
          case END_ARRAY:
            break;
          default:
            String prefix = path.isEmpty() ? "" : String.join(".", path) + ".";
            if (field != null) {
              out.put(prefix + field, p.getValueAsString(p.getText()));
            }
        }
      }
      assertThat(p.currentToken()).isNull();
    }
    return out;
  }
}
