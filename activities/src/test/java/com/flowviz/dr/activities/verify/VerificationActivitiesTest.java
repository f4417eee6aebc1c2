package com.flowviz.dr.activities.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.postgres.TableStatistics;
import com.flowviz.dr.activities.storage.BackupManifest;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class VerificationActivitiesTest {

  @Test
  void passesWhenEveryCountMatchesTheManifest() throws Exception {
    String db = TestPostgres.newSampleDatabase("verify", 100);
    VerificationReport report = verifier(List.of()).verifyRestoredDatabase(db, manifestOf(db), null);
    assertTrue(report.passed(), () -> report.failedChecks().toString());
    assertTrue(report.comparedWithManifest());
    assertEquals(10, report.latestLots().size());
    assertEquals(Long.valueOf(100), report.tableCounts().stream().filter(t -> t.table().equals("lots")).findFirst().orElseThrow().expectedRows());
    assertEquals(150L, report.qcDecisionsByType().values().stream().mapToLong(Long::longValue).sum());
  }

  @Test
  void failsWhenRowsAreMissingComparedWithTheManifest() throws Exception {
    String db = TestPostgres.newSampleDatabase("verify", 100);
    BackupManifest manifest = manifestOf(db);
    TestPostgres.execute(db, "DELETE FROM temperature_logs WHERE id IN (SELECT id FROM temperature_logs ORDER BY created_at LIMIT 50)");
    VerificationReport report = verifier(List.of()).verifyRestoredDatabase(db, manifest, null);
    assertFalse(report.passed());
    assertEquals(List.of("row count temperature_logs"), report.failedChecks().stream().map(VerificationCheck::name).toList());
  }

  @Test
  void failsWithoutAManifestWhenARunbookTableIsMissing() {
    String db = TestPostgres.newSampleDatabase("verify", 20);
    TestPostgres.execute(db, "DROP TABLE qc_decisions");
    VerificationReport report = verifier(List.of()).verifyRestoredDatabase(db, null, null);
    assertFalse(report.passed());
    assertEquals(List.of("table qc_decisions present"), report.failedChecks().stream().map(VerificationCheck::name).toList());
  }

  @Test
  void waitsForAnEndpointToTurnHealthyWithinTheDeadline() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/api/v1/health", exchange -> {
      int status = calls.incrementAndGet() < 3 ? 503 : 200;
      byte[] body = ("{\"status\":\"" + (status == 200 ? "ok" : "starting") + "\"}").getBytes();
      exchange.sendResponseHeaders(status, body.length);
      exchange.getResponseBody().write(body);
      exchange.close();
    });
    server.start();
    try {
      URI health = URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/health");
      ConnectivityReport report = verifier(List.of(health)).checkApplicationConnectivity();
      assertTrue(report.healthy());
      assertEquals(200, report.endpoints().get(0).status());
      assertTrue(calls.get() >= 3);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void reportsAnUnreachableApplicationWithoutThrowing() {
    ConnectivityReport report =
        new VerificationActivitiesImpl(TestPostgres.servers(), List.of(URI.create("http://127.0.0.1:9/api/v1/health")), Duration.ZERO)
            .checkApplicationConnectivity();
    assertTrue(report.configured());
    assertFalse(report.healthy());
    assertTrue(report.endpoints().get(0).detail().contains("ConnectException"), report.endpoints().get(0).detail());
  }

  @Test
  void thePublicHealthProbeReportsAServiceThatNeverTurnsGreenWithWhatItSaw() throws Exception {
    HttpServer server = server(exchange -> respond(exchange, 503, "{\"status\":\"degraded\",\"db\":\"connecting\"}"));
    try {
      HealthReport report = verifier(List.of()).probeHealth(url(server), Duration.ofSeconds(3));
      assertFalse(report.healthy());
      assertTrue(report.probes() >= 2);
      assertEquals(503, report.observations().get(report.observations().size() - 1).status());
      assertTrue(report.observations().get(0).detail().contains("degraded"));
    } finally {
      server.stop(0);
    }
  }

  @Test
  void thePublicHealthProbeWaitsForAServiceThatComesUp() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    HttpServer server = server(exchange -> respond(exchange, calls.incrementAndGet() < 3 ? 502 : 200, "ok"));
    try {
      HealthReport report = verifier(List.of()).probeHealth(url(server), Duration.ofSeconds(30));
      assertTrue(report.healthy());
      assertEquals(3, report.probes());
      assertTrue(report.healthyAfterMillis() >= 0);
    } finally {
      server.stop(0);
    }
  }

  @Test
  void aSlowAnswerCountsAsNoAnswer() throws Exception {
    HttpServer server = server(exchange -> {
      try {
        Thread.sleep(7000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
      respond(exchange, 200, "late");
    });
    try {
      HealthReport report = verifier(List.of()).probeHealth(url(server), Duration.ofSeconds(2));
      assertFalse(report.healthy());
      assertTrue(report.observations().get(0).detail().contains("no answer within"), report.observations().get(0).detail());
    } finally {
      server.stop(0);
    }
  }

  private static HttpServer server(com.sun.net.httpserver.HttpHandler handler) throws java.io.IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(java.util.concurrent.Executors.newCachedThreadPool());
    server.createContext("/health", handler);
    server.start();
    return server;
  }

  private static String url(HttpServer server) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/health";
  }

  private static void respond(com.sun.net.httpserver.HttpExchange exchange, int status, String body) throws java.io.IOException {
    byte[] bytes = body.getBytes();
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private static VerificationActivitiesImpl verifier(List<URI> endpoints) {
    return new VerificationActivitiesImpl(TestPostgres.servers(), endpoints, Duration.ofSeconds(30));
  }

  private static BackupManifest manifestOf(String db) throws Exception {
    try (Connection c = TestPostgres.client().connect(db)) {
      return new BackupManifest(1, "k", Instant.now(), db, "15", "15", 0, 0, "", "", TableStatistics.collect(c));
    }
  }
}
