package io.github.logchute.core;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import java.io.StringWriter;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FieldsJsonTest {

  private static String json(Object v) throws Exception {
    StringWriter w = new StringWriter();
    try (JsonGenerator g = new JsonFactory().createGenerator(w)) {
      FieldsJson.write(g, v);
    }
    return w.toString();
  }

  @Test
  void writesEveryJsonLikeValueInOrder() throws Exception {
    Map<String, Object> fields = new LinkedHashMap<>();
    fields.put("msg", "caf\u00e9 \"quoted\"");
    fields.put("n", 7L);
    fields.put("big", new BigInteger("123456789012345678901234567890"));
    fields.put("dec", new BigDecimal("0.10"));
    fields.put("ok", true);
    fields.put("none", null);
    fields.put("list", Arrays.asList(1, 2.5, "x", null));
    fields.put("nested", Map.of("k", List.of()));
    assertThat(json(fields))
        .isEqualTo(
            "{\"msg\":\"caf\u00e9 \\\"quoted\\\"\",\"n\":7,"
                + "\"big\":123456789012345678901234567890,\"dec\":0.10,\"ok\":true,\"none\":null,"
                + "\"list\":[1,2.5,\"x\",null],\"nested\":{\"k\":[]}}");
  }

  @Test
  void nonFiniteNumbersAndUnknownTypesStayValidJson() throws Exception {
    assertThat(json(List.of(Double.NaN, Double.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY)))
        .isEqualTo("[\"NaN\",\"Infinity\",\"-Infinity\"]");
    assertThat(json(new StringBuilder("sb"))).isEqualTo("\"sb\"");
  }
}
