package com.flowviz.dr.activities.app;

import com.fasterxml.jackson.databind.JsonNode;
import com.flowviz.dr.activities.json.Json;
import com.flowviz.dr.activities.secrets.SecretStore;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Where the application is told its database is: the env file and the application's secret that
 * runbook 4.3 step 5 writes. Read back so that nothing tears down the instance the application uses
 * now.
 */
public final class PublishedEndpoints {
  private final Path envFile;
  private final SecretStore secrets;
  private final String secretId;

  /**
   * @param envFile null for none; @param secretId null for none
   */
  public PublishedEndpoints(Path envFile, SecretStore secrets, String secretId) {
    this.envFile = envFile;
    this.secrets = secrets;
    this.secretId = secretId;
  }

  public static PublishedEndpoints none() {
    return new PublishedEndpoints(null, null, null);
  }

  /**
   * Where an endpoint at that host and port is published ("env file ..."), empty when it is not.
   */
  public Optional<String> publishedAt(String host, int port) {
    List<String> where = new ArrayList<>();
    if (envFile != null && Files.isRegularFile(envFile)) {
      try {
        String shownHost = null;
        String shownPort = null;
        for (String line : Files.readAllLines(envFile)) {
          if (line.startsWith("DB_HOST=")) {
            shownHost = line.substring("DB_HOST=".length()).trim();
          } else if (line.startsWith("DB_PORT=")) {
            shownPort = line.substring("DB_PORT=".length()).trim();
          }
        }
        if (host.equalsIgnoreCase(shownHost) && Integer.toString(port).equals(shownPort)) {
          where.add("env file " + envFile);
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read the application's env file " + envFile, e);
      }
    }
    if (secretId != null) {
      Optional<String> secret = secrets.read(secretId);
      if (secret.isPresent()) {
        try {
          JsonNode node = Json.MAPPER.readTree(secret.get());
          if (host.equalsIgnoreCase(node.path("host").asText())
              && node.path("port").asInt() == port) {
            where.add("secret " + secretId);
          }
        } catch (IOException e) {
          // Not the RDS shape this tool writes: it cannot name our instance.
        }
      }
    }
    return where.isEmpty() ? Optional.empty() : Optional.of(String.join(" and ", where));
  }
}
