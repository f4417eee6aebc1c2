package com.flowviz.dr.worker.e2e;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.postgres.PgConnectionSettings;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.services.secretsmanager.SecretsManagerClient;

/**
 * Stands in for the FlowViz API: it reads its database credentials from the Secrets Manager secret
 * when it starts and when it is restarted ({@code POST /restart}, what the restart command calls),
 * and its health endpoint answers 200 only while those credentials open the database.
 */
final class TestApplication implements AutoCloseable {

  private final HttpServer server;
  private final SecretsManagerClient secrets;
  private final String secretId;
  private final AtomicReference<JsonNode> credentials = new AtomicReference<>();
  final AtomicInteger restarts = new AtomicInteger();

  TestApplication(SecretsManagerClient secrets, String secretId) {
    this.secrets = secrets;
    this.secretId = secretId;
    try {
      server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    server.createContext(
        "/restart",
        exchange -> {
          restarts.incrementAndGet();
          answer(exchange, loadCredentials() ? 200 : 500);
        });
    // Runbook 5.3 pipes the answer into jq: the health endpoint answers JSON, as FlowViz's does.
    server.createContext(
        "/api/v1/health",
        exchange -> {
          boolean works = databaseWorks();
          byte[] body =
              ("{\"status\":\"" + (works ? "ok" : "unavailable") + "\"}")
                  .getBytes(java.nio.charset.StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(works ? 200 : 503, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
  }

  String url(String path) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + path;
  }

  /** What the application process does when it starts. */
  boolean loadCredentials() {
    try {
      credentials.set(
          new ObjectMapper()
              .readTree(
                  secrets
                      .getSecretValue(b -> b.secretId(secretId).versionStage("AWSCURRENT"))
                      .secretString()));
      return true;
    } catch (RuntimeException | IOException e) {
      return false;
    }
  }

  boolean databaseWorks() {
    JsonNode c = credentials.get();
    if (c == null) {
      return false;
    }
    PgClient pg =
        new PgClient(
            new PgConnectionSettings(
                c.get("host").asText(),
                c.get("port").asInt(),
                c.get("username").asText(),
                c.get("password").asText(),
                null));
    try (Connection connection = pg.connect(c.get("dbname").asText())) {
      return connection.isValid(2);
    } catch (java.sql.SQLException e) {
      return false;
    }
  }

  private static void answer(HttpExchange exchange, int status) throws IOException {
    exchange.sendResponseHeaders(status, -1);
    exchange.close();
  }

  @Override
  public void close() {
    server.stop(0);
  }
}
