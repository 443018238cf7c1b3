package io.github.logchute.k8s;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.logchute.core.FileIdentity;
import io.github.logchute.core.LogSource;
import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Pod and namespace objects as the API serves them, and kubelet-style log files for them. */
final class TestPods {

  static final String NODE = "node-1";

  private TestPods() {}

  /** A running pod on {@code node} with one container {@code app} (image {@code nginx:1.25}). */
  static ObjectNode pod(String namespace, String name, String uid, String node) {
    ObjectNode p = FakeKubeApi.JSON.createObjectNode();
    p.put("kind", "Pod").put("apiVersion", "v1");
    ObjectNode m = p.putObject("metadata");
    m.put("name", name).put("namespace", namespace).put("uid", uid);
    m.putObject("labels").put("app", name);
    m.putObject("annotations");
    ObjectNode spec = p.putObject("spec");
    spec.put("nodeName", node);
    spec.putArray("containers").addObject().put("name", "app").put("image", "nginx:1.25");
    ObjectNode status = p.putObject("status");
    status.put("phase", "Running").put("podIP", "10.1.2.3").put("qosClass", "BestEffort");
    status
        .putArray("containerStatuses")
        .addObject()
        .put("name", "app")
        .put("containerID", "containerd://" + hexId(uid, "app"))
        .put("restartCount", 0);
    return p;
  }

  static ObjectNode namespace(String name, String... labels) {
    ObjectNode n = FakeKubeApi.JSON.createObjectNode();
    n.put("kind", "Namespace").put("apiVersion", "v1");
    ObjectNode l =
        n.putObject("metadata").put("name", name).put("uid", "ns-" + name).putObject("labels");
    for (int i = 0; i < labels.length; i += 2) {
      l.put(labels[i], labels[i + 1]);
    }
    return n;
  }

  /** A 64-hex container id derived from the pod uid and container name. */
  static String hexId(String uid, String container) {
    StringBuilder sb = new StringBuilder();
    String seed = uid + "/" + container;
    int h = seed.hashCode();
    while (sb.length() < 64) {
      h = h * 31 + 17;
      sb.append(Integer.toHexString(h & 0xf));
    }
    return sb.toString();
  }

  /**
   * Lays out {@code root/pods/<ns>_<pod>_<uid>/<container>/<restart>.log} and the link {@code
   * root/containers/<pod>_<ns>_<container>-<id>.log} to it (absolute target), and returns the
   * link's source.
   */
  static LogSource logFile(
      Path root, String namespace, String pod, String uid, String container, int restart)
      throws IOException {
    Path dir = root.resolve("pods").resolve(namespace + "_" + pod + "_" + uid).resolve(container);
    Files.createDirectories(dir);
    Path file = dir.resolve(restart + ".log");
    if (!Files.exists(file)) {
      Files.writeString(file, "2026-01-01T00:00:00.000000000Z stdout F hello\n");
    }
    Path links = Files.createDirectories(root.resolve("containers"));
    Path link =
        links.resolve(
            pod + "_" + namespace + "_" + container + "-" + hexId(uid, container) + ".log");
    Files.deleteIfExists(link);
    Files.createSymbolicLink(link, file);
    return LogSource.of(link, FileIdentity.of(link));
  }

  static Path resource(String name) {
    try {
      return Path.of(TestPods.class.getResource(name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
