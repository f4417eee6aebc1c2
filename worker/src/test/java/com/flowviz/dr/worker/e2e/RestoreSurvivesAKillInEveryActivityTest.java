package com.flowviz.dr.worker.e2e;

import static com.flowviz.dr.worker.e2e.SeparateWorkerStack.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.flowviz.dr.activities.testing.TestMoto;
import com.flowviz.dr.activities.testing.TestPostgres;
import com.flowviz.dr.workflows.backup.BackupRequest;
import com.flowviz.dr.workflows.backup.BackupWorkflow;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow;
import com.flowviz.dr.workflows.restore.RestoreResult;
import com.flowviz.dr.workflows.restore.RestoreSteps;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runbook 4.1 with the worker SIGKILLed inside each of its activities, after the activity's work is
 * done and before Temporal hears of it: the new worker process finishes every restore with the same
 * verified result, and every side effect happened once. One restore per activity runs at the same
 * time, so the whole suite costs one kill and the longest activity timeout, not their sum.
 */
class RestoreSurvivesAKillInEveryActivityTest {

  @TempDir Path dir;

  private record Run(String activity, String workflowId, String live, Map<String, String> before) {}

  @Test
  void everyActivityDoesItsWorkOnceAcrossAKillBeforeItReportsIt() throws Exception {
    String source = TestPostgres.newSampleDatabase("flowviz", 300);
    Map<String, String> backedUp = TestPostgres.fingerprint(source);
    Path crashPoints = dir.resolve("crash-points");
    String audit = TestPostgres.newDatabaseName("audit");
    try (SeparateWorkerStack stack = new SeparateWorkerStack(dir)) {
      stack.property(CrashPoints.DIRECTORY, crashPoints);
      stack.property("flowviz.pg.audit-database", audit);
      // Each frozen activity holds an execution slot until the kill; the rest must still run.
      stack.property("flowviz.worker.max-concurrent-activities", 64);
      String bucket = TestMoto.newBucket(stack.s3, "flowviz-backups");
      WorkerProcess worker = stack.startWorker();
      try {
        stack
            .client
            .newWorkflowStub(
                BackupWorkflow.class, SeparateWorkerStack.options("backup-" + System.nanoTime()))
            .backup(
                BackupRequest.builder()
                    .sourceDatabase(source)
                    .bucket(bucket)
                    .operator("schedule")
                    .build());

        // A restore without a kill names the activities of runbook 4.1, in the order they run.
        String referenceId = "reference-" + System.nanoTime();
        RestoreResult reference =
            stub(stack, referenceId)
                .restore(
                    Restores.latestOf(
                        bucket, source, TestPostgres.newSampleDatabase("flowviz", 20)));
        assertEquals(RestoreResult.RESTORED, reference.outcome());
        List<String> activities = activityTypes(stack.client, referenceId);
        assertTrue(activities.size() >= 10, "the restore's activities: " + activities);

        List<Run> runs = new ArrayList<>();
        for (String activity : activities) {
          String live = TestPostgres.newSampleDatabase("flowviz", 20);
          Run run =
              new Run(
                  activity, CrashPoints.workflowId(activity), live, TestPostgres.fingerprint(live));
          WorkflowClient.start(
              stub(stack, run.workflowId())::restore, Restores.latestOf(bucket, source, live));
          runs.add(run);
        }
        await(
            "every restore is frozen inside its activity",
            Duration.ofMinutes(3),
            () -> runs.stream().allMatch(r -> CrashPoints.frozen(crashPoints, r.workflowId())));
        worker.kill();
        worker = stack.startWorker();

        for (Run run : runs) {
          RestoreResult result =
              stack
                  .client
                  .newUntypedWorkflowStub(run.workflowId(), Optional.empty(), Optional.empty())
                  .getResult(8, TimeUnit.MINUTES, RestoreResult.class);
          String killedIn = "killed in " + run.activity();
          assertEquals(RestoreResult.RESTORED, result.outcome(), killedIn);
          assertTrue(result.verification().passed(), killedIn);
          assertTrue(
              attempts(stack.client, run.workflowId(), run.activity()) >= 2,
              killedIn + ": the activity ran again after the kill");
          assertEquals(
              backedUp,
              TestPostgres.fingerprint(run.live()),
              killedIn + ": the live database holds the backup");
          assertEquals(
              List.of(result.replacedDatabase()),
              TestPostgres.databasesLike(run.live() + "_replaced_%"),
              killedIn + ": one swap");
          assertEquals(
              run.before(),
              TestPostgres.fingerprint(result.replacedDatabase()),
              killedIn + ": the replaced database is kept as it was");
          assertEquals(
              List.of(),
              TestPostgres.databasesLike(run.live() + "_staging_%"),
              killedIn + ": no staging database left");
          assertEquals(
              List.of("1"),
              TestPostgres.query(
                  audit,
                  "SELECT count(*) FROM recovery_audit_trail WHERE workflow_id = '"
                      + run.workflowId()
                      + "' AND step = '"
                      + RestoreSteps.SWAP
                      + "' AND outcome = '"
                      + StepRecord.SUCCEEDED
                      + "'"),
              killedIn + ": one swap in the audit trail");
        }
        assertEquals(0, stack.workFiles(), "no backup file, encrypted or plain, is left on disk");
      } catch (AssertionError | RuntimeException e) {
        System.out.println("Worker log:\n" + worker.log());
        throw e;
      } finally {
        worker.close();
      }
    }
  }

  private static RestoreFromBackupWorkflow stub(SeparateWorkerStack stack, String workflowId) {
    return stack.client.newWorkflowStub(
        RestoreFromBackupWorkflow.class, SeparateWorkerStack.options(workflowId));
  }

  private static List<String> activityTypes(WorkflowClient client, String workflowId) {
    Set<String> types = new LinkedHashSet<>();
    for (HistoryEvent event : client.fetchHistory(workflowId).getHistory().getEventsList()) {
      if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        types.add(event.getActivityTaskScheduledEventAttributes().getActivityType().getName());
      }
    }
    return List.copyOf(types);
  }

  private static int attempts(WorkflowClient client, String workflowId, String activityType) {
    Map<Long, String> scheduled = new LinkedHashMap<>();
    int max = 0;
    for (HistoryEvent event : client.fetchHistory(workflowId).getHistory().getEventsList()) {
      if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_SCHEDULED) {
        scheduled.put(
            event.getEventId(),
            event.getActivityTaskScheduledEventAttributes().getActivityType().getName());
      } else if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED
          && activityType.equals(
              scheduled.get(event.getActivityTaskStartedEventAttributes().getScheduledEventId()))) {
        max = Math.max(max, event.getActivityTaskStartedEventAttributes().getAttempt());
      }
    }
    return max;
  }
}
