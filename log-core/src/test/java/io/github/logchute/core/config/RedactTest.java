package io.github.logchute.core.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import org.junit.jupiter.api.Test;

class RedactTest {

  @Test
  void userInfoAndSecretLookingParametersAreMaskedTheRestKept() {
    assertThat(Redact.url(URI.create("https://ops:hunter2@intake.example:8443/api/v2/logs")))
        .isEqualTo("https://****@intake.example:8443/api/v2/logs");
    assertThat(Redact.url("https://intake.example/api/v2/logs?dd-api-key=abc123&ddsource=java"))
        .isEqualTo("https://intake.example/api/v2/logs?dd-api-key=****&ddsource=java");
    assertThat(
            Redact.url(
                "http://127.0.0.1:1/x?access_token=t0k&X-Amz-Signature=s1g&sig=s2&page=2#frag"))
        .isEqualTo(
            "http://127.0.0.1:1/x?access_token=****&X-Amz-Signature=****&sig=****&page=2#frag");
    assertThat(Redact.url("https://logging.googleapis.com"))
        .isEqualTo("https://logging.googleapis.com");
  }

  @Test
  void textThatIsNotAWellFormedUrlIsMaskedAlike() {
    // as echoed in a configuration error: a URL with a space is no URI, its secrets still go
    assertThat(Redact.url("not a url: https://me:pw@host/ x?apikey=k y"))
        .isEqualTo("not a url: https://****@host/ x?apikey=**** y");
    assertThat(Redact.url(null)).isEqualTo("null");
  }
}
