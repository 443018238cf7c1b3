package io.github.logchute.sink.datadog;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;

/**
 * The pre-encoded constant members of every log of one source: {@code
 * "ddsource":…,"service":…,"hostname":…,"ddtags":…,} as UTF-8 JSON bytes (with the trailing comma,
 * ready to be copied after a log's opening brace), and the source's path, escaped once.
 *
 * @param json the members, JSON-escaped, ending with {@code ,}
 * @param path the file path as a pre-escaped string
 * @param tags what was encoded (for tests and logs)
 */
record ConstantPart(byte[] json, SerializedString path, SourceTags tags) {

  static ConstantPart encode(JsonFactory factory, SourceTags tags, String path) {
    ByteBuf buf = new ByteBuf(512);
    try (JsonGenerator g = factory.createGenerator(buf)) {
      g.writeStartObject();
      g.writeStringField("ddsource", tags.source());
      g.writeStringField("service", tags.service());
      if (tags.hostname() != null) {
        g.writeStringField("hostname", tags.hostname());
      }
      g.writeStringField("ddtags", tags.ddtags());
      g.writeEndObject();
    } catch (IOException e) {
      throw new UncheckedIOException("encoding to memory failed", e);
    }
    // {"ddsource":…,"ddtags":"…"}  →  "ddsource":…,"ddtags":"…",
    byte[] members = Arrays.copyOfRange(buf.array(), 1, buf.size());
    members[members.length - 1] = ',';
    return new ConstantPart(members, new SerializedString(path), tags);
  }
}
