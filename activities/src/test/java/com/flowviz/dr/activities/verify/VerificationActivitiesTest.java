package com.flowviz.dr.activities.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.postgres.PgConnectionSettings;
import com.flowviz.dr.activities.postgres.PgServers;
import com.flowviz.dr.activities.postgres.TableStatistics;
import com.flowviz.dr.activities.provision.local.LocalPostgresCluster;
import com.flowviz.dr.activities.secrets.LocalSecretStore;
import com.flowviz.dr.activities.storage.BackupManifest;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.workflows.FailureTypes;
import com.sun.net.httpserver.HttpServer;
import io.temporal.failure.ApplicationFailure;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;

class VerificationActivitiesTest {

  @Test
  void passesWhenEveryCountMatchesTheManifest() throws Exception {
    String db = TestPostgres.newSampleDatabase("verify", 100);
    VerificationReport report =
        verifier(List.of()).verifyRestoredDatabase(db, manifestOf(db), null);
    assertTrue(report.passed(), () -> report.failedChecks().toString());
    assertTrue(report.comparedWithManifest());
    assertEquals(10, report.latestLots().size());
    assertEquals(
        Long.valueOf(100),
        report.tableCounts().stream()
            .filter(t -> t.table().equals("lots"))
            .findFirst()
            .orElseThrow()
            .expectedRows());
    assertEquals(
        150L, report.qcDecisionsByType().values().stream().mapToLong(Long::longValue).sum());
  }

  @Test
  void failsWhenRowsAreMissingComparedWithTheManifest() throws Exception {
    String db = TestPostgres.newSampleDatabase("verify", 100);
    BackupManifest manifest = manifestOf(db);
    TestPostgres.execute(
        db,
        "DELETE FROM temperature_logs WHERE id IN (SELECT id FROM temperature_logs ORDER BY"
            + " created_at LIMIT 50)");
    VerificationReport report = verifier(List.of()).verifyRestoredDatabase(db, manifest, null);
    assertFalse(report.passed());
    assertEquals(
        List.of("row count temperature_logs"),
        report.failedChecks().stream().map(VerificationCheck::name).toList());
  }

  @Test
  void failsWithoutAManifestWhenARunbookTableIsMissing() {
    String db = TestPostgres.newSampleDatabase("verify", 20);
    TestPostgres.execute(db, "DROP TABLE qc_decisions");
    VerificationReport report = verifier(List.of()).verifyRestoredDatabase(db, null, null);
    assertFalse(report.passed());
    assertEquals(
        List.of("table qc_decisions present"),
        report.failedChecks().stream().map(VerificationCheck::name).toList());
  }

  @Test
  void aSchemaThatDriftedInTheSourceTooPassesWithAFindingAndNoError() throws Exception {
    String db = TestPostgres.newSampleDatabase("verify", 30);
    // The application renamed the column the runbook's 5.2 query names; the backup has the new
    // name.
    TestPostgres.execute(
        db,
        "ALTER TABLE lots RENAME COLUMN updated_at TO modified_at",
        "ALTER TABLE qc_decisions RENAME COLUMN decision_type TO verdict");
    VerificationReport report =
        verifier(List.of()).verifyRestoredDatabase(db, manifestOf(db), null);
    assertTrue(report.passed(), () -> report.failedChecks().toString());
    assertEquals(10, report.latestLots().size(), "5.2's newest lots are still listed");
    assertTrue(
        report.latestLots().stream()
            .allMatch(l -> l.lotCode() != null && l.createdAt() != null && l.updatedAt() == null));
    assertEquals(2, report.findings().size(), report.findings()::toString);
    assertTrue(
        report.findings().get(0).contains("lots.updated_at")
            && report.findings().get(0).contains("neither the backup's source nor the restore"),
        report.findings()::toString);
    assertTrue(
        report.findings().get(1).contains("qc_decisions.decision_type"),
        report.findings()::toString);
    assertEquals(Map.of(), report.qcDecisionsByType());
  }

  @Test
  void aDriftedSchemaWithoutAManifestIsAdaptedAndSaysTheSourceIsUnknown() {
    String db = TestPostgres.newSampleDatabase("verify", 12);
    TestPostgres.execute(db, "ALTER TABLE lots RENAME COLUMN updated_at TO modified_at");
    VerificationReport report = verifier(List.of()).verifyRestoredDatabase(db, null, null);
    assertTrue(report.passed(), () -> report.failedChecks().toString());
    assertEquals(10, report.latestLots().size());
    assertEquals(1, report.findings().size(), report.findings()::toString);
    assertTrue(
        report.findings().get(0).contains("there is no manifest"), report.findings()::toString);
  }

  @Test
  void aColumnTheSourceHadAndTheRestoreLacksFailsNamingIt() throws Exception {
    String db = TestPostgres.newSampleDatabase("verify", 30);
    BackupManifest source = manifestOf(db);
    TestPostgres.execute(db, "ALTER TABLE lots DROP COLUMN updated_at");
    VerificationReport report = verifier(List.of()).verifyRestoredDatabase(db, source, null);
    assertFalse(report.passed());
    assertEquals(
        List.of("column lots.updated_at present"),
        report.failedChecks().stream().map(VerificationCheck::name).toList());
    assertEquals(List.of(), report.findings(), "what the source had is a failure, not a finding");
    assertEquals(10, report.latestLots().size(), "the rest of 5.2 still ran");
  }

  @Test
  void aTableTheSourceHadAndTheRestoreLacksFailsNamingItOnce() throws Exception {
    String db = TestPostgres.newSampleDatabase("verify", 20);
    BackupManifest source = manifestOf(db);
    TestPostgres.execute(db, "DROP TABLE qc_decisions CASCADE");
    VerificationReport report = verifier(List.of()).verifyRestoredDatabase(db, source, null);
    assertFalse(report.passed());
    assertEquals(
        List.of("table qc_decisions present"),
        report.failedChecks().stream().map(VerificationCheck::name).toList());
  }

  @Test
  void aRoleThatMayNotReadATableFailsAtOnceWithoutRetrying() {
    String db = TestPostgres.newSampleDatabase("verify", 10);
    String role = TestPostgres.newDatabaseName("reader");
    TestPostgres.execute(
        db,
        "CREATE ROLE " + role + " LOGIN PASSWORD 'reader-pw'",
        "GRANT SELECT ON ALL TABLES IN SCHEMA public TO " + role,
        "REVOKE SELECT ON lots FROM " + role);
    var asReader =
        new PgServers(
            new PgClient(
                new PgConnectionSettings(
                    TestPostgres.settings().host(),
                    TestPostgres.settings().port(),
                    role,
                    "reader-pw",
                    null)),
            new LocalSecretStore(
                Path.of(System.getProperty("java.io.tmpdir"), "flowviz-dr-test-secrets")));
    var e =
        Assertions.assertThrows(
            ApplicationFailure.class,
            () ->
                new VerificationActivitiesImpl(asReader, List.of(), Duration.ZERO)
                    .verifyRestoredDatabase(db, null, null));
    assertTrue(e.isNonRetryable());
    assertEquals(FailureTypes.CONFIGURATION, e.getType());
    assertTrue(
        e.getOriginalMessage().contains("42501")
            && e.getOriginalMessage().contains("lots")
            && e.getOriginalMessage().contains("Grant"),
        e.getOriginalMessage());
  }

  @Test
  void aStoppedServerIsRetried() throws Exception {
    Path home = Files.createTempDirectory(Path.of("/tmp"), "flowviz-dr-test-stopped-");
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    var cluster =
        LocalPostgresCluster.start(home, 0, "admin", "stopped-pw", PgBinaries.locate(null));
    try {
      var servers =
          new PgServers(
              new PgClient(cluster.settings()), new LocalSecretStore(home.resolve("secrets")));
      cluster.stop();
      var e =
          Assertions.assertThrows(
              ApplicationFailure.class,
              () ->
                  new VerificationActivitiesImpl(servers, List.of(), Duration.ZERO)
                      .verifyRestoredDatabase("postgres", null, null));
      assertFalse(e.isNonRetryable(), e.getOriginalMessage());
      assertEquals(FailureTypes.DATABASE_UNAVAILABLE, e.getType());
      assertTrue(e.getOriginalMessage().contains("SQLSTATE 08"), e.getOriginalMessage());
    } finally {
      cluster.destroy();
    }
  }

  @Test
  void waitsForAnEndpointToTurnHealthyWithinTheDeadline() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/api/v1/health",
        exchange -> {
          int status = calls.incrementAndGet() < 3 ? 503 : 200;
          byte[] body = ("{\"status\":\"" + (status == 200 ? "ok" : "starting") + "\"}").getBytes();
          exchange.sendResponseHeaders(status, body.length);
          exchange.getResponseBody().write(body);
          exchange.close();
        });
    server.start();
    try {
      URI health =
          URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/health");
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
        new VerificationActivitiesImpl(
                TestPostgres.servers(),
                List.of(URI.create("http://127.0.0.1:9/api/v1/health")),
                Duration.ZERO)
            .checkApplicationConnectivity();
    assertTrue(report.configured());
    assertFalse(report.healthy());
    assertTrue(
        report.endpoints().get(0).detail().contains("ConnectException"),
        report.endpoints().get(0).detail());
  }

  @Test
  void thePublicHealthProbeReportsAServiceThatNeverTurnsGreenWithWhatItSaw() throws Exception {
    HttpServer server =
        server(
            exchange -> respond(exchange, 503, "{\"status\":\"degraded\",\"db\":\"connecting\"}"));
    try {
      HealthReport report = verifier(List.of()).probeHealth(url(server), Duration.ofSeconds(3));
      assertFalse(report.healthy());
      assertTrue(report.probes() >= 2);
      assertEquals(503, report.observations().get(report.observations().size() - 1).status());
      assertFalse(
          report.observations().get(0).detail().contains("degraded"),
          "the body of an error answer stays out of history");
    } finally {
      server.stop(0);
    }
  }

  /**
   * The probe of an input's URL follows no redirect: what it points at is never asked, and not
   * kept.
   */
  @Test
  void thePublicHealthProbeFollowsNoRedirect() throws Exception {
    AtomicInteger followed = new AtomicInteger();
    HttpServer server =
        server(
            exchange -> {
              exchange
                  .getResponseHeaders()
                  .add(
                      "Location",
                      "http://127.0.0.1:" + exchange.getLocalAddress().getPort() + "/elsewhere");
              respond(exchange, 302, "moved");
            });
    server.createContext(
        "/elsewhere",
        exchange -> {
          followed.incrementAndGet();
          respond(exchange, 200, "{\"AccessKeyId\":\"secret\"}");
        });
    try {
      HealthReport report = verifier(List.of()).probeHealth(url(server), Duration.ofSeconds(2));
      assertFalse(report.healthy());
      assertEquals(302, report.observations().get(0).status());
      assertEquals("redirect not followed", report.observations().get(0).detail());
      assertEquals(0, followed.get());
    } finally {
      server.stop(0);
    }
  }

  @Test
  void theHealthUrlRulesRefuseMetadataForeignHostsPlainHttpAndRedirects() throws Exception {
    AtomicInteger asked = new AtomicInteger();
    HttpServer redirecting =
        server(
            exchange -> {
              asked.incrementAndGet();
              exchange
                  .getResponseHeaders()
                  .add("Location", "http://169.254.169.254/latest/meta-data/");
              respond(exchange, 301, "");
            });
    HealthUrlRules rules =
        new HealthUrlRules(
            List.of("127.0.0.1", "api.flowviz.test", "169.254.169.254"), List.of("127.0.0.1"));
    try {
      Map<String, String> refused =
          Map.of(
              "https://169.254.169.254/latest/meta-data/",
              "cloud metadata address",
              "https://[fd00:ec2::254]/latest/meta-data/",
              "cloud metadata address",
              "https://attacker.example/health",
              "not in flowviz.failover.health-hosts",
              "http://api.flowviz.test/health",
              "must be https",
              "https://user:pw@api.flowviz.test/health",
              "user info",
              "ftp://api.flowviz.test/health",
              "not an http(s) URL",
              url(redirecting),
              "redirects are not followed");
      refused.forEach(
          (url, why) -> {
            ApplicationFailure e =
                Assertions.assertThrows(ApplicationFailure.class, () -> rules.check(url), url);
            assertTrue(e.isNonRetryable(), url);
            assertEquals(FailureTypes.INVALID_INPUT, e.getType(), url);
            assertTrue(e.getOriginalMessage().contains(why), url + ": " + e.getOriginalMessage());
          });
      assertEquals(1, asked.get(), "only the allowed URL was asked, once");
      rules.check(
          "http://127.0.0.1:9/health"); // allowed; nothing answers there yet, which is why there is
      // a failover
    } finally {
      redirecting.stop(0);
    }
  }

  @Test
  void thePublicHealthProbeWaitsForAServiceThatComesUp() throws Exception {
    AtomicInteger calls = new AtomicInteger();
    HttpServer server =
        server(exchange -> respond(exchange, calls.incrementAndGet() < 3 ? 502 : 200, "ok"));
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
    HttpServer server =
        server(
            exchange -> {
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
      assertTrue(
          report.observations().get(0).detail().contains("no answer within"),
          report.observations().get(0).detail());
    } finally {
      server.stop(0);
    }
  }

  private static HttpServer server(com.sun.net.httpserver.HttpHandler handler) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.setExecutor(Executors.newCachedThreadPool());
    server.createContext("/health", handler);
    server.start();
    return server;
  }

  private static String url(HttpServer server) {
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/health";
  }

  private static void respond(com.sun.net.httpserver.HttpExchange exchange, int status, String body)
      throws IOException {
    byte[] bytes = body.getBytes();
    exchange.sendResponseHeaders(status, bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  private static VerificationActivitiesImpl verifier(List<URI> endpoints) {
    return new VerificationActivitiesImpl(
        TestPostgres.servers(), endpoints, Duration.ofSeconds(30));
  }

  private static BackupManifest manifestOf(String db) throws Exception {
    try (Connection c = TestPostgres.client().connect(db)) {
      return new BackupManifest(
          1, "k", Instant.now(), db, "15", "15", 0, 0, "", "", TableStatistics.collect(c));
    }
  }
}
