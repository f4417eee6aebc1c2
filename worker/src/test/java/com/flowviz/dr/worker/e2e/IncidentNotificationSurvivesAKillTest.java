package com.flowviz.dr.worker.e2e;

import static com.flowviz.dr.worker.e2e.SeparateWorkerStack.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.flowviz.dr.activities.testing.HttpInbox;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.workflows.backup.BackupRequest;
import com.flowviz.dr.workflows.backup.BackupWorkflow;
import com.flowviz.dr.workflows.incident.HandleIncidentWorkflow;
import com.flowviz.dr.workflows.incident.IncidentRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An incident's first notification, with the worker SIGKILLed after it reached every channel and
 * before Temporal heard of it: the Notifier's next try (a new activity, which sees no heartbeat of
 * the last one) finds the deliveries in the ledger and sends nothing twice.
 */
class IncidentNotificationSurvivesAKillTest {

  @TempDir Path dir;

  @Test
  void eachChannelGetsTheDeclaredEventOnceAcrossAKillAfterTheSend() throws Exception {
    String live = TestPostgres.newSampleDatabase("flowviz", 100);
    Path crashPoints = dir.resolve("crash-points");
    try (SeparateWorkerStack stack = new SeparateWorkerStack(dir);
        HttpInbox inbox = HttpInbox.start()) {
      stack.property(CrashPoints.DIRECTORY, crashPoints);
      String audit = TestPostgres.newDatabaseName("audit");
      stack.property("flowviz.pg.audit-database", audit);
      stack.property(
          "flowviz.notify.webhooks",
          "generic=" + inbox.url("/ops") + ",generic=" + inbox.url("/quality"));
      String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
      stack.property(
          "flowviz.incident.report-bucket", TestMoto.newBucket(stack.s3, "flowviz-compliance"));
      WorkerProcess worker = stack.startWorker();
      try {
        stack
            .client
            .newWorkflowStub(
                BackupWorkflow.class, SeparateWorkerStack.options("backup-" + System.nanoTime()))
            .backup(
                BackupRequest.builder()
                    .sourceDatabase(live)
                    .bucket(bucket)
                    .operator("schedule")
                    .build());
        String id = CrashPoints.workflowId("Notify");
        HandleIncidentWorkflow incident =
            stack.client.newWorkflowStub(
                HandleIncidentWorkflow.class, SeparateWorkerStack.options(id));
        WorkflowClient.start(
            incident::handle,
            IncidentRequest.builder()
                .scenario("2.1")
                .damageStartedAt(Instant.now().toString())
                .operator("alice")
                .notes("kill drill")
                .targetDatabase(live)
                .bucket(bucket)
                .build());

        await(
            "the first notification reached both channels and froze",
            Duration.ofMinutes(2),
            () ->
                CrashPoints.frozen(crashPoints, id)
                    && declared(inbox, "/ops", id) == 1
                    && declared(inbox, "/quality", id) == 1);
        worker.kill();
        worker = stack.startWorker();
        try {
          // The incident's end waits for its notifications, so this returns after the Notifier's
          // next try.
          stack
              .client
              .newUntypedWorkflowStub(id, Optional.empty(), Optional.empty())
              .getResult(6, TimeUnit.MINUTES, Object.class);
        } catch (WorkflowException e) {
          // The recovery itself may fail on this bare stack; the deliveries are what this test is
          // about.
        }

        assertEquals(1, declared(inbox, "/ops", id), "ops had the declared event once");
        assertEquals(1, declared(inbox, "/quality", id), "quality had the declared event once");
        assertEquals(
            List.of("2"),
            TestPostgres.query(
                audit,
                "SELECT count(*) FROM notification_deliveries WHERE event_id = '"
                    + id
                    + ":declared'"),
            "both deliveries are in the ledger");
        assertEquals(
            List.of("1"),
            TestPostgres.query(
                audit,
                "SELECT count(*) FROM recovery_audit_trail WHERE workflow_id = '"
                    + id
                    + "' AND step = 'notification' AND outcome = 'SUCCEEDED' AND details LIKE"
                    + " '%detected%'"),
            "the declared notification is on record as delivered, after the kill");
      } catch (AssertionError | RuntimeException e) {
        System.out.println("Worker log:\n" + worker.log());
        throw e;
      } finally {
        worker.close();
      }
    }
  }

  private static long declared(HttpInbox inbox, String path, String incidentId) {
    return inbox.received(path).stream()
        .filter(r -> r.body().contains(incidentId + ":declared"))
        .count();
  }
}
