package io.github.logchute.examples;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/** logchute-bom pins every library module of the build, at the build's version. */
class BomTest {

  private static Document read(Path pom) throws Exception {
    return DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(pom.toFile());
  }

  private static String child(Element e, String name) {
    for (Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c && c.getTagName().equals(name)) {
        return c.getTextContent().trim();
      }
    }
    return null;
  }

  @Test
  void theBomListsEveryLibraryModuleAtTheBuildsVersion() throws Exception {
    Document root = read(Path.of("../pom.xml"));
    String version = child(root.getDocumentElement(), "version");
    List<String> libraries = new ArrayList<>();
    var modules = root.getElementsByTagName("module");
    for (int i = 0; i < modules.getLength(); i++) {
      String m = modules.item(i).getTextContent().trim();
      Document pom = read(Path.of("..", m, "pom.xml"));
      String id = child(pom.getDocumentElement(), "artifactId");
      String packaging = child(pom.getDocumentElement(), "packaging");
      // the libraries users depend on: jars, not the benchmarks nor the examples
      if (id.startsWith("log-") && !id.equals("log-bench") && packaging == null) {
        libraries.add(id);
      }
    }
    assertThat(libraries).contains("log-core", "log-sink-datadog");

    Document bom = read(Path.of("../logchute-bom/pom.xml"));
    assertThat(child(bom.getDocumentElement(), "version")).isEqualTo(version);
    assertThat(bom.getElementsByTagName("parent").getLength()).as("no parent").isZero();
    List<String> pinned = new ArrayList<>();
    var deps = bom.getElementsByTagName("dependency");
    for (int i = 0; i < deps.getLength(); i++) {
      Element d = (Element) deps.item(i);
      assertThat(child(d, "groupId")).isEqualTo("io.github.logchute");
      assertThat(child(d, "version")).isEqualTo("${project.version}");
      pinned.add(child(d, "artifactId"));
    }
    assertThat(pinned).containsExactlyInAnyOrderElementsOf(libraries);
  }
}
