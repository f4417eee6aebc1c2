package com.flowviz.dr.activities.verify;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.secrets.LocalSecretStore;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

/**
 * Runbook 5.3 and 6.1 as the application sees them: the three API probes judged by what they answer
 * (a real HTTP server), and a lot's traceability read as a least-privilege application role (a real
 * PostgreSQL role with only the grants the application has).
 */
class ApplicationChecksTest {

  @Test
  void theRunbooksThreeProbesPassOnlyWhenEachAnswersWhatTheRunbookExpects() throws Exception {
    assertEquals(
        List.of(),
        unhealthy(
            Map.of(
                "/api/v1/health", "{\"status\":\"ok\"}",
                "/api/v1/lots", "{\"items\":[{\"lot_code\":\"L-1\"}]}",
                "/api/v1/traceability/graph", "{\"nodes\":[{\"id\":1}],\"edges\":[]}")));
    assertEquals(
        List.of("/api/v1/health: health does not report ok (status degraded)"),
        unhealthy(
            Map.of(
                "/api/v1/health", "{\"status\":\"degraded\"}",
                "/api/v1/lots", "[{\"lot_code\":\"L-1\"}]",
                "/api/v1/traceability/graph", "{\"nodes\":[{\"id\":1}]}")));
    assertEquals(
        List.of(
            "/api/v1/lots: lots?limit=1 returned 0 lots, not one",
            "/api/v1/traceability/graph: the traceability graph has no nodes"),
        unhealthy(
            Map.of(
                "/api/v1/health", "{\"status\":\"ok\"}",
                "/api/v1/lots", "{\"items\":[]}",
                "/api/v1/traceability/graph", "{\"nodes\":[]}")));
    assertEquals(
        List.of("/api/v1/health: not JSON"),
        unhealthy(
            Map.of(
                "/api/v1/health", "<html>ok</html>",
                "/api/v1/lots", "{\"data\":[{\"lot_code\":\"L-1\"}]}",
                "/api/v1/traceability/graph", "{\"nodes\":[{\"id\":1}]}")));
  }

  @Test
  void aLotIsTracedAsTheApplicationsRoleAndAMissingGrantIsNamed() throws Exception {
    String db = TestPostgres.newSampleDatabase("trace", 30);
    String role = TestPostgres.newDatabaseName("flowviz_app");
    TestPostgres.execute("postgres", "CREATE ROLE " + role + " LOGIN PASSWORD 'app-secret-pw'");
    TestPostgres.execute(
        db, "GRANT SELECT ON lots, products, qc_decisions, users, temperature_logs TO " + role);
    LocalSecretStore secrets = new LocalSecretStore(Files.createTempDirectory("app-secret"));
    secrets.write(
        "flowviz/app/database",
        "{\"engine\":\"postgres\",\"username\":\"" + role + "\",\"password\":\"app-secret-pw\"}");
    VerificationActivitiesImpl verifier =
        new VerificationActivitiesImpl(
            TestPostgres.servers(),
            List.of(),
            Duration.ZERO,
            new ApplicationLogin(role, "flowviz/app/database", secrets));

    TraceabilityCheck traced = verifier.checkLotTraceability(db, null);
    assertTrue(traced.passed(), traced::describe);
    assertTrue(traced.asApplicationRole());
    assertEquals(role, traced.role());
    assertTrue(traced.temperatureReadings() > 0, traced::describe);
    assertEquals(
        TestPostgres.query(db, "SELECT lot_code FROM lots ORDER BY created_at DESC LIMIT 1").get(0),
        traced.lotCode());

    // What a restore with --no-privileges leaves behind: the tables are there, the grants are not.
    TestPostgres.execute(db, "REVOKE SELECT ON temperature_logs FROM " + role);
    TraceabilityCheck denied = verifier.checkLotTraceability(db, null);
    assertFalse(denied.passed());
    assertTrue(
        denied.problem().contains("may not read") && denied.problem().contains("temperature_logs"),
        denied.problem());

    secrets.write(
        "flowviz/app/database",
        "{\"username\":\"" + role + "\",\"password\":\"a-rotated-password\"}");
    TraceabilityCheck locked = verifier.checkLotTraceability(db, null);
    assertFalse(locked.passed());
    assertTrue(
        locked.problem().startsWith("cannot log in to " + db + " as " + role), locked.problem());
  }

  @Test
  void withNoApplicationRoleTheWorkersRoleTracesAndSaysSo() {
    String db = TestPostgres.newSampleDatabase("trace", 10);
    TraceabilityCheck traced =
        new VerificationActivitiesImpl(TestPostgres.servers(), List.of(), Duration.ZERO)
            .checkLotTraceability(db, null);
    assertTrue(traced.passed(), traced::describe);
    assertFalse(traced.asApplicationRole());
    assertTrue(
        traced
            .describe()
            .contains(
                "as the worker's role "
                    + TestPostgres.SUPERUSER
                    + " (no application role configured)"),
        traced.describe());
  }

  @Test
  void anEmptyLotsTableIsAFailedTraceNotAPass() {
    String db = TestPostgres.newSampleDatabase("trace", 5);
    TestPostgres.execute(db, "TRUNCATE lots CASCADE");
    TraceabilityCheck traced =
        new VerificationActivitiesImpl(TestPostgres.servers(), List.of(), Duration.ZERO)
            .checkLotTraceability(db, null);
    assertFalse(traced.passed());
    assertTrue(traced.problem().startsWith("lots is empty"), traced.problem());
  }

  /**
   * Serves the bodies, probes the runbook's three URLs once, and returns "path: problem" for each
   * unhealthy one.
   */
  private static List<String> unhealthy(Map<String, String> bodies) throws Exception {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    bodies.forEach(
        (path, body) ->
            server.createContext(
                path,
                exchange -> {
                  byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
                  exchange.getResponseHeaders().add("Content-Type", "application/json");
                  exchange.sendResponseHeaders(200, bytes.length);
                  exchange.getResponseBody().write(bytes);
                  exchange.close();
                }));
    server.start();
    try {
      ConnectivityReport report =
          new VerificationActivitiesImpl(
                  TestPostgres.servers(),
                  RunbookProbes.under("http://127.0.0.1:" + server.getAddress().getPort() + "/"),
                  Duration.ZERO)
              .checkApplicationConnectivity();
      assertEquals(3, report.endpoints().size());
      return report.endpoints().stream()
          .filter(e -> !e.healthy())
          .map(
              e ->
                  URI.create(e.url()).getPath()
                      + ": "
                      + e.detail().substring(0, e.detail().indexOf(':')))
          .collect(Collectors.toList());
    } finally {
      server.stop(0);
    }
  }
}
