package com.flowviz.dr.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.audit.AuditEntry;
import com.flowviz.dr.activities.audit.AuditStore;
import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.backup.BackupRequest;
import com.flowviz.dr.workflows.backup.BackupWorkflow;
import com.flowviz.dr.workflows.incident.HandleIncidentWorkflow;
import com.flowviz.dr.workflows.incident.IncidentRequest;
import com.flowviz.dr.workflows.incident.IncidentResult;
import com.flowviz.dr.workflows.incident.RecoveryChoice;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow;
import com.flowviz.dr.workflows.restore.RestoreRequest;
import com.flowviz.dr.workflows.restore.RestoreResult;
import io.temporal.client.WorkflowClient;
import io.temporal.client.WorkflowFailedException;
import io.temporal.client.WorkflowOptions;
import io.temporal.client.WorkflowStub;
import io.temporal.failure.ApplicationFailure;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * One recovery per database (issue 14, item 5) and a database a dead swap left closed (item 7), on
 * the real worker, the Temporal dev server, PostgreSQL, moto and gpg. Two operators really race:
 * both restores are started before either has run a step. Time budget: about 60 s in all (a few
 * restores of 200-lot databases on the shared stacks).
 */
class OneRecoveryPerDatabaseTest {

  /**
   * Two restores of one target started together: one runs, the other is refused at once naming it.
   */
  @Test
  void twoRestoresOfOneDatabaseStartedTogetherOneRunsTheOtherIsRefusedNamingIt() throws Exception {
    WorkerTestStack stack = WorkerTestStack.get();
    String live = TestPostgres.newSampleDatabase("raced", 200);
    String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
    Restores.backup(live, bucket);

    String idA = "restore-" + live + "-alice";
    String idB = "restore-" + live + "-bob";
    RestoreFromBackupWorkflow a =
        stack.client.newWorkflowStub(RestoreFromBackupWorkflow.class, options(idA));
    RestoreFromBackupWorkflow b =
        stack.client.newWorkflowStub(RestoreFromBackupWorkflow.class, options(idB));
    WorkflowClient.start(a::restore, request(bucket, live, null));
    WorkflowClient.start(b::restore, request(bucket, live, null));

    Outcome outA = outcome(WorkflowStub.fromTyped(a));
    Outcome outB = outcome(WorkflowStub.fromTyped(b));
    Outcome ran = outA.result != null ? outA : outB;
    Outcome refused = ran == outA ? outB : outA;
    String winner = ran == outA ? idA : idB;
    assertEquals(
        RestoreResult.RESTORED,
        ran.result == null ? null : ran.result.outcome(),
        "one of the two restores ran");
    assertTrue(refused.failure != null, "the other was refused");
    assertEquals(FailureTypes.DATABASE_BUSY, refused.failure.getType());
    assertTrue(refused.failure.isNonRetryable());
    assertTrue(
        refused
            .failure
            .getOriginalMessage()
            .contains("being changed by " + winner + " (RestoreFromBackup"),
        refused.failure.getOriginalMessage());
    assertTrue(
        refused.elapsed.compareTo(Duration.ofSeconds(15)) < 0,
        "refused at once, not after the other finished: " + refused.elapsed);
    assertEquals(
        1, TestPostgres.databasesLike(live + "_replaced_%").size(), "only one swap happened");
  }

  /**
   * A manual restore while an incident on the same database runs: refused naming the incident; with
   * a wait, it runs after it.
   */
  @Test
  void aRestoreDuringAnIncidentOnTheSameDatabaseIsRefusedNamingItOrWaitsWhenAsked()
      throws Exception {
    IncidentTestStack incidents = IncidentTestStack.get();
    WorkflowClient client = incidents.worker.client;
    String database = TestPostgres.newSampleDatabase("contested", 200);
    String bucket = TestMoto.newBucket(incidents.worker.s3, "flowviz-backups");
    client
        .newWorkflowStub(BackupWorkflow.class, options("backup-" + database))
        .backup(
            BackupRequest.builder()
                .sourceDatabase(database)
                .bucket(bucket)
                .operator("test-operator")
                .reason("before the incident")
                .build());
    Thread.sleep(1100);
    Instant deletedAt = Instant.now();
    TestPostgres.execute(database, "TRUNCATE temperature_logs");
    String incidentId = "incident-2-3-" + UUID.randomUUID().toString().substring(0, 8);
    HandleIncidentWorkflow incident =
        client.newWorkflowStub(
            HandleIncidentWorkflow.class,
            WorkflowOptions.newBuilder()
                .setTaskQueue(TaskQueues.DR)
                .setWorkflowId(incidentId)
                .build());
    WorkflowClient.start(
        incident::handle,
        IncidentRequest.builder()
            .scenario("2.3")
            .damageStartedAt(deletedAt.toString())
            .operator("dave")
            .notes("temperature_logs truncated")
            .targetDatabase(database)
            .bucket(bucket)
            .decisionTimeout("PT10M")
            .build());
    awaitChoicePending(incident);

    WorkflowFailedException refused =
        assertThrows(
            WorkflowFailedException.class,
            () ->
                client
                    .newWorkflowStub(
                        RestoreFromBackupWorkflow.class, options("restore-" + database))
                    .restore(request(bucket, database, null)));
    ApplicationFailure failure = assertInstanceOf(ApplicationFailure.class, refused.getCause());
    assertEquals(FailureTypes.DATABASE_BUSY, failure.getType());
    assertTrue(
        failure
            .getOriginalMessage()
            .contains("being changed by " + incidentId + " (HandleIncident"),
        failure.getOriginalMessage());

    RestoreFromBackupWorkflow waiting =
        client.newWorkflowStub(
            RestoreFromBackupWorkflow.class, options("restore-waiting-" + database));
    WorkflowClient.start(waiting::restore, request(bucket, database, "PT5M"));
    Thread.sleep(3000);
    assertEquals(
        List.of(),
        TestPostgres.databasesLike(database + "_replaced_%"),
        "the waiting restore changed nothing yet");

    incident.chooseRecovery(RecoveryChoice.of("abandon", "dave", "the restore behind it will do"));
    IncidentResult closed = WorkflowStub.fromTyped(incident).getResult(IncidentResult.class);
    assertEquals(IncidentResult.ABANDONED, closed.outcome());
    RestoreResult after = WorkflowStub.fromTyped(waiting).getResult(RestoreResult.class);
    assertEquals(
        RestoreResult.RESTORED,
        after.outcome(),
        "the waiting restore ran once the incident let the database go");
    assertEquals(
        200, Long.parseLong(TestPostgres.query(database, "SELECT count(*) FROM lots").get(0)));
  }

  /**
   * A swap that died after closing the live database, its workflow terminated: the database refuses
   * connections until the next procedure on that server opens it again and records it. A database
   * closed by a swap that still runs stays closed.
   */
  @Test
  void aTerminatedSwapLeavesTheDatabaseClosedAndTheNextRestoreReopensIt() throws Exception {
    WorkerTestStack stack = WorkerTestStack.get();
    String abandoned = TestPostgres.newSampleDatabase("abandoned", 50);
    String stillSwapping = TestPostgres.newSampleDatabase("swapping", 50);
    String live = TestPostgres.newSampleDatabase("next", 200);
    String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
    Restores.backup(live, bucket);

    // The swap of a restore of `abandoned` closed the database (the activity's own SQL), then its
    // workflow was terminated and never retried. Its workflow runs on a queue no worker polls, so
    // it
    // does nothing but exist until it is terminated.
    String dead = "restore-" + abandoned + "-terminated";
    WorkflowStub doomed = unpolledRestore(stack, dead);
    closeForSwap(abandoned, dead);
    doomed.terminate("worker lost mid-swap; nobody retried it");
    // A swap still under way: its workflow runs.
    String running = "restore-" + stillSwapping + "-running";
    WorkflowStub swapping = unpolledRestore(stack, running);
    closeForSwap(stillSwapping, running);
    SQLException refused = assertThrows(SQLException.class, () -> connect(abandoned));
    assertEquals(
        "55000",
        refused.getSQLState(),
        "the database refuses connections: " + refused.getMessage());

    String next = "restore-" + live + "-next";
    RestoreResult result =
        stack
            .client
            .newWorkflowStub(RestoreFromBackupWorkflow.class, options(next))
            .restore(request(bucket, live, null));

    assertEquals(RestoreResult.RESTORED, result.outcome());
    try (Connection c = connect(abandoned)) {
      assertTrue(c.isValid(5), "the abandoned database accepts connections again");
    }
    assertEquals(
        List.of("restored by hand"),
        TestPostgres.query(
            "postgres",
            "SELECT coalesce(shobj_description(oid, 'pg_database'), 'none') FROM pg_database WHERE"
                + " datname = '"
                + abandoned
                + "'"),
        "its comment is the one it had before the swap");
    List<AuditEntry> trail =
        new AuditStore(TestPostgres.client(), "flowviz_dr_audit").entriesOf(next);
    AuditEntry reopened =
        trail.stream()
            .filter(e -> e.step().equals("reopen-abandoned-database"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no reopen in the audit trail: " + trail));
    assertTrue(reopened.details().contains(abandoned + " (closed by " + dead), reopened.details());
    assertTrue(reopened.details().contains("no longer running"), reopened.details());
    assertTrue(
        trail.stream()
            .noneMatch(
                e -> e.details() != null && e.details().contains(stillSwapping + " (closed")),
        "the running swap's database was left alone");
    assertEquals(
        List.of("f"),
        TestPostgres.query(
            "postgres",
            "SELECT datallowconn FROM pg_database WHERE datname = '" + stillSwapping + "'"));
    TestPostgres.execute(
        "postgres", "ALTER DATABASE " + stillSwapping + " WITH ALLOW_CONNECTIONS true");
    swapping.terminate("test over");
  }

  private static WorkflowStub unpolledRestore(WorkerTestStack stack, String id) {
    WorkflowStub stub =
        stack.client.newUntypedWorkflowStub(
            "RestoreFromBackup",
            WorkflowOptions.newBuilder()
                .setTaskQueue("nobody-polls-this")
                .setWorkflowId(id)
                .build());
    stub.start(RestoreRequest.builder().targetDatabase("x").operator("test-operator").build());
    return stub;
  }

  /**
   * What swapIntoLive does first: the closing marker naming its workflow, then no new connections.
   */
  private static void closeForSwap(String database, String workflowId) {
    TestPostgres.execute(
        "postgres",
        "COMMENT ON DATABASE " + database + " IS 'restored by hand'",
        "COMMENT ON DATABASE "
            + database
            + " IS E'flowviz-dr: closed for a swap by workflow "
            + workflowId
            + "\\nprevious comment: restored by hand'",
        "ALTER DATABASE " + database + " WITH ALLOW_CONNECTIONS false");
  }

  private static Connection connect(String database) throws SQLException {
    return TestPostgres.client().connect(database);
  }

  private record Outcome(RestoreResult result, ApplicationFailure failure, Duration elapsed) {}

  private static Outcome outcome(WorkflowStub stub) {
    long started = System.nanoTime();
    try {
      RestoreResult r = stub.getResult(RestoreResult.class);
      return new Outcome(r, null, Duration.ofNanos(System.nanoTime() - started));
    } catch (WorkflowFailedException e) {
      return new Outcome(
          null,
          assertInstanceOf(ApplicationFailure.class, e.getCause()),
          Duration.ofNanos(System.nanoTime() - started));
    }
  }

  private static void awaitChoicePending(HandleIncidentWorkflow incident)
      throws InterruptedException {
    for (int i = 0; i < 1200; i++) {
      try {
        var p = incident.progress();
        if (p.awaiting() != null && p.dataGap() != null) {
          return;
        }
      } catch (RuntimeException notYetStarted) {
        // first workflow task not run yet
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the incident never asked for a choice");
  }

  private static WorkflowOptions options(String id) {
    // Database names are unique per run, so the ids derived from them are too.
    return WorkflowOptions.newBuilder().setTaskQueue(TaskQueues.DR).setWorkflowId(id).build();
  }

  private static RestoreRequest request(String bucket, String target, String waitForLease) {
    return RestoreRequest.builder()
        .backupKey("latest")
        .bucket(bucket)
        .targetDatabase(target)
        .operator("test-operator")
        .reason("end-to-end test")
        .applicationSteps(false)
        .waitForLease(waitForLease)
        .build();
  }
}
