package com.flowviz.dr.activities.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Copies the provider-free test configurations (and the Route53 change batches) somewhere writable.
 */
public final class TerraformConfigurations {
  private TerraformConfigurations() {}

  /** Copies src/test/resources/terraform into the directory; returns it. */
  public static Path copyTo(Path target) {
    return copy("/terraform/local-instance/main.tf", 2, target);
  }

  /**
   * Copies src/test/resources/dns (dr-failover-dns.json, dr-failback-dns.json) into the directory.
   */
  public static Path changeBatchesTo(Path target) {
    return copy("/dns/dr-failover-dns.json", 1, target);
  }

  private static Path copy(String marker, int levelsUp, Path target) {
    try {
      URI uri = TerraformConfigurations.class.getResource(marker).toURI();
      if (uri.getScheme().equals("jar")) {
        // From the activities test-jar, as the worker's tests see it.
        try {
          FileSystems.getFileSystem(uri);
        } catch (FileSystemNotFoundException e) {
          FileSystems.newFileSystem(uri, Map.of());
        }
      }
      Path source = Path.of(uri);
      for (int i = 0; i < levelsUp; i++) {
        source = source.getParent();
      }
      Path root = source;
      try (Stream<Path> files = Files.walk(root)) {
        for (Path file : (Iterable<Path>) files::iterator) {
          Path to =
              target.resolve(
                  root.relativize(file)
                      .toString()
                      .replace(root.getFileSystem().getSeparator(), "/"));
          if (Files.isDirectory(file)) {
            Files.createDirectories(to);
          } else if (!file.toString().contains(".terraform")) {
            Files.createDirectories(to.getParent());
            Files.copy(file, to);
            to.toFile().setExecutable(file.toString().endsWith(".sh"));
          }
        }
      }
      return target;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
