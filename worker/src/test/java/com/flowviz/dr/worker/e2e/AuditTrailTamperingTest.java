package com.flowviz.dr.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.audit.AuditActivitiesImpl;
import com.flowviz.dr.activities.audit.AuditEntry;
import com.flowviz.dr.activities.audit.AuditStore;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.starter.StarterCommand;
import com.flowviz.dr.worker.dev.LoopbackTemporalServer;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.compliance.VerifyAuditTrailWorkflowImpl;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowClientOptions;
import io.temporal.serviceclient.WorkflowServiceStubs;
import io.temporal.serviceclient.WorkflowServiceStubsOptions;
import io.temporal.worker.WorkerFactory;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * Runbook section 7's tamper evidence, from the operator's side: {@code flowviz-dr verify-audit}
 * against a trail in PostgreSQL in which one row was edited past the append-only trigger. The trail
 * is a database of its own, so the edit cannot disturb the other tests' trail.
 */
class AuditTrailTamperingTest {

  @Test
  void verifyAuditNamesTheEditedEntryAndExitsWithSix() throws Exception {
    String database = TestPostgres.newDatabaseName("audit");
    AuditStore store = new AuditStore(TestPostgres.client(), database);
    for (int i = 1; i <= 4; i++) {
      store.append(
          new AuditEntry(
              Instant.parse("2026-11-30T09:00:0" + i + "Z"),
              "alice",
              "incident-t",
              "run-1",
              "HandleIncident",
              i,
              "step-" + i,
              "daily/flowviz_daily_20261130_020000.dump.gpg",
              "SUCCEEDED",
              "verification passed, 0 rows lost"));
    }
    try (LoopbackTemporalServer temporal = LoopbackTemporalServer.start(0)) {
      WorkflowServiceStubs stubs =
          WorkflowServiceStubs.newServiceStubs(
              WorkflowServiceStubsOptions.newBuilder().setTarget(temporal.address()).build());
      WorkerFactory factory =
          WorkerFactory.newInstance(
              WorkflowClient.newInstance(
                  stubs, WorkflowClientOptions.newBuilder().setNamespace("default").build()));
      var worker = factory.newWorker(TaskQueues.DR);
      worker.registerWorkflowImplementationTypes(VerifyAuditTrailWorkflowImpl.class);
      worker.registerActivitiesImplementations(new AuditActivitiesImpl(store));
      factory.start();
      try {
        StringWriter intact = new StringWriter();
        assertEquals(
            0,
            StarterCommand.run(
                new PrintWriter(intact),
                new PrintWriter(new StringWriter()),
                "verify-audit",
                "--address",
                temporal.address()));
        assertTrue(
            intact.toString().startsWith("INTACT: all 4 entries chain correctly"),
            intact.toString());

        long edited =
            Long.parseLong(
                TestPostgres.query(
                        database, "SELECT id FROM recovery_audit_trail WHERE sequence = 2")
                    .get(0));
        TestPostgres.execute(
            database,
            "ALTER TABLE recovery_audit_trail DISABLE TRIGGER recovery_audit_trail_no_update",
            "UPDATE recovery_audit_trail SET details = 'verification passed, 0 rows lost (edited)'"
                + " WHERE id = "
                + edited,
            "ALTER TABLE recovery_audit_trail ENABLE TRIGGER recovery_audit_trail_no_update");

        StringWriter broken = new StringWriter();
        assertEquals(
            6,
            StarterCommand.run(
                new PrintWriter(broken),
                new PrintWriter(new StringWriter()),
                "verify-audit",
                "--address",
                temporal.address()));
        assertTrue(
            broken
                .toString()
                .startsWith(
                    "BROKEN at entry "
                        + edited
                        + ": entry "
                        + edited
                        + " (incident-t, step-2) was changed"),
            broken.toString());
      } finally {
        factory.shutdownNow();
        stubs.shutdownNow();
      }
    }
  }
}
