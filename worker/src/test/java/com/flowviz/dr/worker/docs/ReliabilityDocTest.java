package com.flowviz.dr.worker.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * docs/reliability.md points readers at the tests that prove each claim; a renamed or removed test
 * would leave the claim without its proof, so every test class the document names must exist.
 */
class ReliabilityDocTest {

  private static final Path REPOSITORY = Path.of("..");
  private static final Pattern TEST_CLASS = Pattern.compile("\\b[A-Z][A-Za-z0-9]*Test\\b");

  @Test
  void everyTestClassTheReliabilityDocNamesExists() throws IOException {
    String doc = Files.readString(REPOSITORY.resolve("docs/reliability.md"));
    Set<String> named = new TreeSet<>();
    Matcher m = TEST_CLASS.matcher(doc);
    while (m.find()) {
      named.add(m.group());
    }
    assertFalse(named.isEmpty(), "docs/reliability.md names no test class: is it the right file?");

    Set<String> sources = testSources();
    List<String> missing =
        named.stream().filter(name -> !sources.contains(name)).collect(Collectors.toList());
    assertEquals(List.of(), missing, "test classes docs/reliability.md names but nobody wrote");
  }

  private static Set<String> testSources() throws IOException {
    try (Stream<Path> files = Files.walk(REPOSITORY)) {
      return files
          .filter(p -> p.toString().contains("/src/test/java/"))
          .map(p -> p.getFileName().toString())
          .filter(f -> f.endsWith(".java"))
          .map(f -> f.substring(0, f.length() - ".java".length()))
          .collect(Collectors.toSet());
    }
  }
}
