package com.flowviz.dr.worker.e2e;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow;
import com.flowviz.dr.workflows.restore.RestoreRequest;
import com.flowviz.dr.workflows.restore.RestoreResult;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Runbook 4.1 step 5 when the restart command fails, through a real worker running a real command
 * that exits 1: the step is FAILED, the outcome RESTORED_APPLICATION_UNHEALTHY, and the verified
 * restore stays live (no rollback). A restore into a side database on the same worker never runs
 * the command at all. Budget: about 25 s (its own worker and dev server, stopped with the JVM like
 * every stack).
 */
class ApplicationRestartFailsEndToEndTest {

  private static String live;
  private static WorkerTestStack stack;

  @BeforeAll
  static void startWorker() {
    live = TestPostgres.newSampleDatabase("flowviz_app", 300);
    stack =
        WorkerTestStack.withSettings(
            Map.of(
                "flowviz.worker.host-name",
                "restart-fails-host",
                "flowviz.incident.application-database",
                live,
                "flowviz.application.restart-command",
                List.of("sh", "-c", "echo 'no such service: api' >&2; exit 1")));
  }

  @Test
  void aRestartThatExitsOneIsAFailedStepAndTheVerifiedRestoreStaysLive() {
    String bucket = TestMoto.newBucket(WorkerTestStack.get().s3, "flowviz-backups");
    Map<String, String> original = TestPostgres.fingerprint(live);
    Restores.backup(live, bucket);
    TestPostgres.execute(live, "DELETE FROM qc_decisions WHERE decision_type = 'reject'");

    RestoreResult result =
        stack
            .client
            .newWorkflowStub(RestoreFromBackupWorkflow.class, Restores.options("restore-" + live))
            .restore(Restores.latest(bucket, live));

    assertEquals(RestoreResult.RESTORED_APPLICATION_UNHEALTHY, result.outcome());
    StepRecord restart = step(result, "restart-application");
    assertEquals(StepRecord.FAILED, restart.outcome());
    assertTrue(
        restart.detail().contains("exited 1") && restart.detail().contains("no such service: api"),
        restart.detail());
    assertEquals(
        StepRecord.SKIPPED,
        step(result, "application-connectivity-test").outcome(),
        "no endpoints are configured");
    assertEquals(
        original, TestPostgres.fingerprint(live), "no rollback: the verified restore is live");
  }

  @Test
  void aRestoreIntoASideDatabaseNeverRunsTheRestartCommand() {
    String bucket = TestMoto.newBucket(WorkerTestStack.get().s3, "flowviz-backups");
    Restores.backup(live, bucket);
    String side = TestPostgres.newDatabaseName("flowviz_audit");

    RestoreResult result =
        stack
            .client
            .newWorkflowStub(RestoreFromBackupWorkflow.class, Restores.options("restore-" + side))
            .restore(
                // live's newest backup, restored under another name
                RestoreRequest.builder()
                    .backupKey("latest")
                    .bucket(bucket)
                    .targetDatabase(side)
                    .operator("test-operator")
                    .reason("audit copy")
                    .sourceDatabase(live)
                    .build());

    assertEquals(RestoreResult.RESTORED, result.outcome());
    StepRecord restart = step(result, "restart-application");
    assertEquals(StepRecord.SKIPPED, restart.outcome());
    assertTrue(
        restart.detail().contains("not the application's database (" + live + ")"),
        restart.detail());
  }

  private static StepRecord step(RestoreResult result, String name) {
    return result.steps().stream()
        .filter(s -> s.step().equals(name))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no step " + name + " in " + result.steps()));
  }
}
