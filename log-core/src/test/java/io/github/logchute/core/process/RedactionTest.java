package io.github.logchute.core.process;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.logchute.core.LogRecord;
import io.github.logchute.core.metrics.MetricsRegistry;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RedactionTest {

  private final MetricsRegistry metrics = new MetricsRegistry();
  private final Redaction all = new Redaction(EnumSet.allOf(Redaction.Kind.class), metrics);

  private static final io.github.logchute.core.SourceMetadata POD =
      io.github.logchute.core.SourceMetadata.builder()
          .put(io.github.logchute.core.MetadataKeys.K8S_NAMESPACE, "shop")
          .put(io.github.logchute.core.MetadataKeys.K8S_POD_NAME, "pay-1")
          .build();

  private String redact(String line) {
    return all.process(Lines.record(line, POD)).messageText();
  }

  @Test
  void secretsAndPersonalDataAreMaskedAndTheRestOfTheLineKept() {
    assertThat(redact("paid with 4111 1111 1111 1111 ok"))
        .isEqualTo("paid with [REDACTED:card] ok");
    // not a card: fails the Luhn check, or an order number of the wrong length
    assertThat(redact("order 4111111111111112 shipped"))
        .isEqualTo("order 4111111111111112 shipped");
    assertThat(redact("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.e30.abc-def_1"))
        .isEqualTo("Authorization: Bearer [REDACTED]");
    assertThat(redact("GET /x?api_key=s3cr3t&page=2 password=hunter2"))
        .isEqualTo("GET /x?api_key=[REDACTED]&page=2 password=[REDACTED]");
    assertThat(redact("{\"apiKey\": \"k-123\"}")).isEqualTo("{\"apiKey\": \"[REDACTED]\"}");
    assertThat(redact("key id AKIAIOSFODNN7EXAMPLE used")).isEqualTo("key id [REDACTED:aws] used");
    assertThat(redact("aws_secret_access_key=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY ok"))
        .isEqualTo("aws_secret_access_key=[REDACTED:aws] ok");
    assertThat(
            redact(
                "got -----BEGIN RSA PRIVATE KEY-----\nMIIEow\nabc\n-----END RSA PRIVATE KEY-----"
                    + " end"))
        .isEqualTo("got [REDACTED:private-key] end");
    assertThat(redact("mail jane.doe+x@example.co.uk now")).isEqualTo("mail [REDACTED:email] now");
    assertThat(redact("nothing to hide here")).isEqualTo("nothing to hide here");
    assertThat(
            metrics.value(
                "logchute_redactions_total", "kind", "cards", "namespace", "shop", "pod", "pay-1"))
        .isEqualTo(1);
  }

  @Test
  void parsedFieldsAreMaskedTooAndUnchangedRecordsAreReturnedAsTheyWere() {
    LogRecord in =
        Lines.record("{}")
            .withFields(
                Map.of("user", Map.of("email", "jane@example.com"), "tags", List.of("ok")),
                io.github.logchute.core.Severity.INFO);
    LogRecord out = all.process(in);
    assertThat(out.fields().get("user")).isEqualTo(Map.of("email", "[REDACTED:email]"));
    assertThat(out.fields().get("tags")).isSameAs(in.fields().get("tags"));
    LogRecord clean = Lines.record("fine");
    assertThat(all.process(clean)).isSameAs(clean);
    Redaction none = new Redaction(EnumSet.noneOf(Redaction.Kind.class), metrics);
    LogRecord withMail = Lines.record("jane@example.com");
    assertThat(none.process(withMail)).isSameAs(withMail);
  }

  @Test
  void kindsAreChosenByName() {
    assertThat(Redaction.parse(List.of("all"))).isEqualTo(EnumSet.allOf(Redaction.Kind.class));
    assertThat(Redaction.parse(List.of("cards", "private-keys")))
        .containsExactlyInAnyOrder(Redaction.Kind.CARDS, Redaction.Kind.PRIVATE_KEYS);
    assertThatThrownBy(() -> Redaction.parse(List.of("ssn"))).hasMessageContaining("ssn");
    assertThat(Redaction.luhn("4111111111111111")).isTrue();
    assertThat(Redaction.luhn("4111111111111112")).isFalse();
  }

  /**
   * Each kind first checks for a word or character its pattern cannot match without (so most lines
   * never run a regular expression): that check must not let a secret through in any letter case or
   * position.
   */
  @Test
  void theQuickChecksBeforeEachPatternLetNoSecretThrough() {
    assertThat(redact("AUTHORIZATION: BEARER abc.def"))
        .isEqualTo("AUTHORIZATION: BEARER [REDACTED]");
    assertThat(redact("x BeArEr tok123")).isEqualTo("x BeArEr [REDACTED]");
    assertThat(redact("PassWord=hunter2")).isEqualTo("PassWord=[REDACTED]");
    assertThat(redact("PWD: hunter2")).isEqualTo("PWD: [REDACTED]");
    assertThat(redact("X-Api-KEY: k1")).isEqualTo("X-Api-KEY: [REDACTED]");
    assertThat(redact("Client_Secret = s3")).isEqualTo("Client_Secret = [REDACTED]");
    assertThat(redact("AUTH-TOKEN:t9")).isEqualTo("AUTH-TOKEN:[REDACTED]");
    assertThat(redact("AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"))
        .isEqualTo("AWS_SECRET_ACCESS_KEY=[REDACTED:aws]");
    assertThat(redact("a@b.io")).isEqualTo("[REDACTED:email]");
    assertThat(redact("4111-1111-1111-1111")).isEqualTo("[REDACTED:card]");
    // and what the checks turn away really has nothing
    assertThat(Redaction.cardRuns("at 2026-01-01T12:00:00.123456789Z id 123456")).isNull();
    assertThat(Redaction.cardRuns("x 4111 1111-1111 1111 y")).containsExactly(2, 22);
    assertThat(Redaction.emailRuns("@home a.b@c.io, @x")).containsExactly(6, 14);
    assertThat(Redaction.mayHoldAKey("the key to success")).isFalse(); // no : or =
    assertThat(Redaction.mayHoldAKey("status=ok path=/x")).isFalse();
    assertThat(Redaction.mayHoldAKey("the keys are: many")).isFalse(); // "keys" is not a keyword
    assertThat(Redaction.mayHoldAKey("{\"passwd\" : 1}")).isTrue();
    assertThat(Redaction.mayHoldAKey("a=1 b=2 user: x, api_key=z")).isTrue(); // not the first sep
    assertThat(Redaction.mayHoldAKey("{\"tokens_used\": 3}")).isTrue(); // the pattern decides
    assertThat(redact("{\"tokens_used\": 3}")).isEqualTo("{\"tokens_used\": 3}");
    assertThat(Redaction.indexOfIgnoreCase("x Bearer y", "bearer")).isEqualTo(2);
    assertThat(Redaction.indexOfIgnoreCase("b be bea", "bearer")).isEqualTo(-1);
    // checked on the UTF-8 bytes before decoding: non-ASCII text around a secret changes nothing
    assertThat(redact("élève 数据 password = hunter2 数据"))
        .isEqualTo("élève 数据 password = [REDACTED] 数据");
    assertThat(redact("数据 jane@example.com é")).isEqualTo("数据 [REDACTED:email] é");
    assertThat(redact("数据 4111 1111 1111 1111 é")).isEqualTo("数据 [REDACTED:card] é");
    assertThat(redact("数据 Authorization: BEARER abc é"))
        .isEqualTo("数据 Authorization: BEARER [REDACTED] é");
  }

  /**
   * Epoch timestamps (13 digits in milliseconds, 16 in microseconds, 19 in nanoseconds) pass Luhn's
   * check one time in ten; they begin with 1, which no card network's numbers do.
   */
  @Test
  void epochTimestampsAreNotCardsButACardAfterANumberIs() {
    int luhnValid = 0;
    for (long ms = 1_732_530_902_000L; ms < 1_732_530_902_100L; ms++) {
      for (String ts : List.of("" + ms, ms + "123", ms + "123456")) {
        luhnValid += Redaction.luhn(ts) ? 1 : 0;
        String line = "{\"ts\":" + ts + ",\"msg\":\"ok\"}";
        assertThat(redact(line)).isEqualTo(line);
      }
    }
    assertThat(luhnValid).isGreaterThan(10); // so the loop did meet Luhn-valid timestamps
    assertThat(redact("paid 1 4111 1111 1111 1111 ok")).isEqualTo("paid 1 [REDACTED:card] ok");
    assertThat(redact("amex 378282246310005")).isEqualTo("amex [REDACTED:card]");
    assertThat(redact("mc 5555555555554444")).isEqualTo("mc [REDACTED:card]");
    assertThat(redact("discover 6011111111111117")).isEqualTo("discover [REDACTED:card]");
  }

  /** The card scan looks at every 13th character only: it must find every run a full scan finds. */
  @Test
  void theSampledCardScanFindsWhatAFullScanFinds() {
    java.util.Random rnd = new java.util.Random(13);
    String alphabet = "0123456789012345678901234567  --ab";
    int found = 0;
    for (int n = 0; n < 20_000; n++) {
      StringBuilder b = new StringBuilder();
      int len = rnd.nextInt(90);
      for (int i = 0; i < len; i++) {
        b.append(alphabet.charAt(rnd.nextInt(alphabet.length())));
      }
      String t = b.toString();
      int[] expected = fullScan(t);
      assertThat(Redaction.cardRuns(t)).as(t).isEqualTo(expected);
      found += expected == null ? 0 : 1;
    }
    assertThat(found).isGreaterThan(1000);
  }

  /** Runs of digits, blanks and dashes, from their first digit, with 13 digits and an issuer. */
  private static int[] fullScan(String t) {
    List<Integer> out = new java.util.ArrayList<>();
    int i = 0;
    while (i < t.length()) {
      if (!Character.isDigit(t.charAt(i))) {
        i++;
        continue;
      }
      int start = i;
      int digits = 0;
      boolean issuer = false;
      while (i < t.length() && "0123456789 -".indexOf(t.charAt(i)) >= 0) {
        char c = t.charAt(i);
        if (Character.isDigit(c)) {
          digits++;
          issuer |= c >= '2' && c <= '6' && (i == start || t.charAt(i - 1) == ' ');
        }
        i++;
      }
      if (digits >= 13 && issuer) {
        out.add(start);
        out.add(i);
      }
    }
    return out.isEmpty() ? null : out.stream().mapToInt(Integer::intValue).toArray();
  }
}
