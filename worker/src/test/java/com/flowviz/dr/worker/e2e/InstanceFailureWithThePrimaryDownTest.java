package com.flowviz.dr.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.flowviz.dr.activities.audit.AuditEntry;
import com.flowviz.dr.activities.audit.AuditStore;
import com.flowviz.dr.activities.audit.ChainVerification;
import com.flowviz.dr.activities.audit.S3AuditCopy;
import com.flowviz.dr.activities.postgres.PgBinaries;
import com.flowviz.dr.activities.postgres.PgClient;
import com.flowviz.dr.activities.provision.local.LocalPostgresCluster;
import com.flowviz.dr.activities.testing.HttpInbox;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.incident.HandleIncidentWorkflow;
import com.flowviz.dr.workflows.incident.IncidentRequest;
import com.flowviz.dr.workflows.incident.IncidentResult;
import com.flowviz.dr.workflows.newinstance.TeardownInstanceRequest;
import com.flowviz.dr.workflows.newinstance.TeardownInstanceWorkflow;
import io.temporal.client.WorkflowOptions;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Runbook 2.2 with the primary really down: the production server's postmaster and the audit
 * server's are both stopped ({@code pg_ctl stop}) before the incident is declared. The incident
 * still completes (new instance, backup restored, application repointed), the page goes out though
 * the delivery ledger is unreachable, the worker's /health stays UP, and once the audit server is
 * started again the entries kept in the compliance bucket reach it exactly once, in chain order.
 *
 * <p>Time budget: 3 minutes on 2 busy cores (measured 180 s with the shared stack's start for the
 * backup; the incident itself about 40 s): two private clusters, a Temporal dev server and worker
 * of its own, a restore into a new local instance, up to 30 s of forwarder backoff.
 */
class InstanceFailureWithThePrimaryDownTest {

  private static final String PASSWORD = "pw-" + UUID.randomUUID();

  @Test
  void theIncidentCompletesWhileTheAuditEntriesWaitInTheBucketAndReachTheAuditStoreOnceItIsBack()
      throws Exception {
    String database = TestPostgres.newSampleDatabase("lost", 200);
    String backups = TestMoto.newBucket(WorkerTestStack.get().s3, "flowviz-backups");
    Restores.backup(database, backups);

    LocalPostgresCluster primary = cluster("primary");
    LocalPostgresCluster auditServer = cluster("audit");
    HttpInbox inbox = HttpInbox.start();
    try {
      String compliance = TestMoto.newBucket(WorkerTestStack.get().s3, "flowviz-compliance");
      Path pgpass =
          Files.createTempFile(
              "flowviz-dr-pgpass",
              "",
              PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
      Files.writeString(
          pgpass,
          "127.0.0.1:"
              + primary.port()
              + ":*:admin:"
              + PASSWORD
              + "\n127.0.0.1:"
              + auditServer.port()
              + ":*:admin:"
              + PASSWORD
              + "\n");
      Map<String, Object> properties = new HashMap<>();
      properties.put("flowviz.worker.host-name", "primary-down-host");
      properties.put("flowviz.pg.host", "127.0.0.1");
      properties.put("flowviz.pg.port", primary.port());
      properties.put("flowviz.pg.passfile", pgpass.toString());
      properties.put("flowviz.audit.host", "127.0.0.1");
      properties.put("flowviz.audit.port", auditServer.port());
      properties.put("flowviz.audit.passfile", pgpass.toString());
      properties.put("flowviz.audit.bucket", compliance);
      properties.put("flowviz.notify.webhooks", List.of("generic=" + inbox.url("/generic")));
      properties.put("flowviz.incident.report-bucket", compliance);
      WorkerTestStack stack = WorkerTestStack.withSettings(properties);

      primary.stop();
      auditServer.stop();
      assertFalse(primary.isRunning() || auditServer.isRunning(), "both postmasters are stopped");

      String id = "incident-2-2-primary-down-" + UUID.randomUUID().toString().substring(0, 8);
      long started = System.nanoTime();
      IncidentResult result =
          stack
              .client
              .newWorkflowStub(
                  HandleIncidentWorkflow.class,
                  WorkflowOptions.newBuilder()
                      .setTaskQueue(TaskQueues.DR)
                      .setWorkflowId(id)
                      .build())
              .handle(
                  IncidentRequest.builder()
                      .scenario("instance-failure")
                      .operator("bob")
                      .notes("primary postmaster stopped")
                      .targetDatabase(database)
                      .bucket(backups)
                      .build());
      Duration took = Duration.ofNanos(System.nanoTime() - started);
      try {
        assertEquals(id + "-new-instance", result.procedureWorkflowId());
        // Audit entries waiting for their database are a note, not a finding about the recovered
        // system.
        assertEquals(
            IncidentResult.RECOVERED,
            result.outcome(),
            result.postRecoveryChecks() + " " + result.steps());
        var auditStep =
            result.steps().stream()
                .filter(s -> s.step().equals("verify-audit-trail"))
                .findFirst()
                .orElseThrow();
        assertTrue(
            auditStep.detail().contains("pending forwarding")
                && auditStep.detail().contains("chain not verified"),
            auditStep.detail());
        String env = Files.readString(stack.applicationEnvFile);
        assertTrue(
            env.contains("DB_NAME=" + database + "\n")
                && !env.contains("DB_PORT=" + primary.port() + "\n"),
            "the application points at the new instance: " + env);
        HttpInbox.Received page =
            inbox.await(
                "/generic",
                b -> b.contains(id) && b.contains("\"severity\""),
                Duration.ofSeconds(10));
        assertTrue(page.body().contains(id), page.body());

        HttpResponse<String> health =
            HttpClient.newHttpClient()
                .send(
                    HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + stack.httpPort() + "/health"))
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                    HttpResponse.BodyHandlers.ofString());
        assertEquals(200, health.statusCode(), health.body());
        JsonNode body = new ObjectMapper().readTree(health.body());
        assertEquals("UP", body.path("status").asText(), health.body());
        assertFalse(
            body.path("details")
                .path("postgresql")
                .path("details")
                .path("reachable")
                .asBoolean(true),
            health.body());

        // Every entry is in the bucket copy; none in the audit database yet (it is down).
        S3AuditCopy copy = new S3AuditCopy(stack.s3, compliance, "audit-trail/");
        List<AuditEntry> kept =
            copy.entriesOfIncident(id).stream()
                .filter(e -> !e.workflowId().equals(result.followUpWorkflowId()))
                .toList(); // still running: forwarded when it ends
        assertTrue(
            kept.stream()
                .anyMatch(
                    e ->
                        e.workflowId().equals(id + "-new-instance-restore")
                            || e.workflowId().startsWith(id + "-new-instance")),
            "the procedure's entries are kept too: " + kept);
        assertTrue(
            kept.stream().anyMatch(e -> e.step().equals("incident")),
            "the incident's own closing entry");

        LocalPostgresCluster.start(
            auditServer.home(), auditServer.port(), "admin", PASSWORD, PgBinaries.locate(null));
        AuditStore store = new AuditStore(new PgClient(auditServer.settings()), "flowviz_dr_audit");
        List<AuditEntry> stored = List.of();
        long until = System.nanoTime() + Duration.ofSeconds(75).toNanos();
        while (System.nanoTime() < until) {
          try {
            stored =
                store.entriesOfIncident(id).stream()
                    .filter(e -> !e.workflowId().equals(result.followUpWorkflowId()))
                    .toList();
          } catch (java.sql.SQLException notYet) {
            // the server is still starting
          }
          if (stored.size() >= kept.size()) {
            break;
          }
          Thread.sleep(500);
        }
        Thread.sleep(3000); // a duplicate would show now
        stored =
            store.entriesOfIncident(id).stream()
                .filter(e -> !e.workflowId().equals(result.followUpWorkflowId()))
                .toList();
        assertEquals(keys(kept), keys(stored), "every kept entry reached the audit store");
        assertEquals(kept.size(), stored.size(), "exactly once");
        Map<String, Integer> lastSequence = new HashMap<>();
        for (AuditEntry e : stored) { // entriesOfIncident reads in chain order
          int last = lastSequence.getOrDefault(e.workflowId() + "/" + e.runId(), 0);
          assertTrue(
              e.sequence() > last,
              "chain order within " + e.workflowId() + ": " + e.sequence() + " after " + last);
          lastSequence.put(e.workflowId() + "/" + e.runId(), e.sequence());
        }
        ChainVerification chain = store.verifyChain();
        assertTrue(chain.intact(), chain.finding());
        System.out.println(
            "2.2 with the primary down: incident took "
                + took
                + ", "
                + kept.size()
                + " audit entries forwarded");
      } finally {
        stack
            .repointApplicationAway(); // the application uses the new instance: teardown refuses it
        // until then
        stack
            .client
            .newWorkflowStub(
                TeardownInstanceWorkflow.class,
                WorkflowOptions.newBuilder()
                    .setTaskQueue(TaskQueues.DR)
                    .setWorkflowId("teardown-" + id)
                    .build())
            .teardown(
                TeardownInstanceRequest.builder()
                    .instanceName(
                        "flowviz-db-"
                            + com.flowviz.dr.workflows.common.Names.shortHash(id + "-new-instance"))
                    .operator("bob")
                    .reason("test")
                    .build());
        if (result.followUpWorkflowId() != null) {
          stack.client.newUntypedWorkflowStub(result.followUpWorkflowId()).terminate("test done");
        }
      }
    } finally {
      inbox.close();
      primary.destroy();
      auditServer.destroy();
    }
  }

  private static Set<String> keys(List<AuditEntry> entries) {
    Set<String> keys = new HashSet<>();
    entries.forEach(e -> keys.add(AuditStore.key(e)));
    return keys;
  }

  private static LocalPostgresCluster cluster(String name) throws Exception {
    Path home = Files.createTempDirectory(Path.of("/tmp"), "flowviz-dr-" + name + "-pg-");
    Files.setPosixFilePermissions(home, PosixFilePermissions.fromString("rwxr-xr-x"));
    return LocalPostgresCluster.start(home, 0, "admin", PASSWORD, PgBinaries.locate(null));
  }
}
