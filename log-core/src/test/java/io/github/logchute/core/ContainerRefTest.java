package io.github.logchute.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

class ContainerRefTest {

  private static final String ID =
      "4b5a3e1d2c0f9e8d7c6b5a4f3e2d1c0b9a8f7e6d5c4b3a2f1e0d9c8b7a6f5e4d";

  @Test
  void parsesTheKubeletLinkName() {
    ContainerRef ref =
        ContainerRef.parseFileName(
                "/var/log/containers/web-7d4b9c-x2x5z_prod-eu_my-app-" + ID + ".log")
            .orElseThrow();
    assertThat(ref).isEqualTo(new ContainerRef("web-7d4b9c-x2x5z", "prod-eu", "my-app", ID, false));
  }

  @Test
  void podNamesMayHoldDots() {
    ContainerRef ref =
        ContainerRef.parseFileName("coredns.v1.2-abc_kube-system_coredns-" + ID + ".log")
            .orElseThrow();
    assertThat(ref.pod()).isEqualTo("coredns.v1.2-abc");
    assertThat(ref.namespace()).isEqualTo("kube-system");
    assertThat(ref.container()).isEqualTo("coredns");
  }

  @Test
  void aNameCutAt255BytesKeepsWhatIsLeftOfTheId() {
    String pod = "p".repeat(120);
    String ns = "n".repeat(60);
    String container = "c".repeat(40);
    String full = pod + "_" + ns + "_" + container + "-" + ID;
    String linkName = full.substring(0, 255 - 4) + ".log";
    assertThat(linkName).hasSize(255);
    ContainerRef ref = ContainerRef.parseFileName(linkName).orElseThrow();
    assertThat(ref.pod()).isEqualTo(pod);
    assertThat(ref.namespace()).isEqualTo(ns);
    assertThat(ref.container()).isEqualTo(container);
    assertThat(ID).startsWith(ref.containerId());
    assertThat(ref.containerId()).hasSize(251 - 223);
    assertThat(ref.containerIdTruncated()).isTrue();
  }

  @Test
  void aNameCutRightAfterTheContainerHasAnEmptyId() {
    String pod = "p".repeat(150);
    String ns = "n".repeat(60);
    String container = "c".repeat(38);
    String linkName = pod + "_" + ns + "_" + container + "-.log";
    assertThat(linkName).hasSize(255);
    ContainerRef ref = ContainerRef.parseFileName(linkName).orElseThrow();
    assertThat(ref.container()).isEqualTo(container);
    assertThat(ref.containerId()).isEmpty();
    assertThat(ref.containerIdTruncated()).isTrue();
  }

  @Test
  void namesThatDoNotFitAreRejected() {
    assertThat(ContainerRef.parseFileName("syslog")).isEmpty();
    assertThat(ContainerRef.parseFileName("app.log")).isEmpty();
    assertThat(ContainerRef.parseFileName("pod_ns_container.log")).isEmpty();
    assertThat(ContainerRef.parseFileName("pod_ns_container-" + ID + ".txt")).isEmpty();
    assertThat(ContainerRef.parseFileName("pod_ns_container-" + ID.substring(1) + ".log"))
        .as("short id in a name that was not truncated")
        .isEmpty();
    assertThat(ContainerRef.parseFileName("pod_ns_container-" + ID.toUpperCase() + ".log"))
        .isEmpty();
    assertThat(ContainerRef.parseFileName("_ns_container-" + ID + ".log")).isEmpty();
    assertThat(ContainerRef.parseFileName("pod__container-" + ID + ".log")).isEmpty();
    assertThat(ContainerRef.parseFileName("pod_ns_x_container-" + ID + ".log")).isEmpty();
  }

  @Test
  void logSourceCarriesTheParsedContainerOrNone() {
    LogSource k8s =
        LogSource.of(Path.of("/var/log/containers/a_b_c-" + ID + ".log"), FileIdentity.NONE);
    assertThat(k8s.container()).map(ContainerRef::pod).contains("a");
    LogSource plain = LogSource.of(Path.of("/var/log/syslog"), FileIdentity.NONE);
    assertThat(plain.container()).isEmpty();
    assertThat(k8s).isEqualTo(LogSource.of(k8s.path(), FileIdentity.NONE));
    assertThat(k8s).isNotEqualTo(LogSource.of(k8s.path(), new FileIdentity(1, 2)));
  }
}
