package com.flowviz.dr.worker.e2e;

import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.backup.BackupRequest;
import com.flowviz.dr.workflows.backup.BackupResult;
import com.flowviz.dr.workflows.backup.BackupWorkflow;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow;
import com.flowviz.dr.workflows.restore.RestoreRequest;
import com.flowviz.dr.workflows.restore.RestoreResult;
import io.temporal.api.enums.v1.EventType;
import io.temporal.api.history.v1.HistoryEvent;
import io.temporal.client.WorkflowOptions;
import java.util.UUID;

/** Starting the procedures the way the starter and the Temporal UI do. */
final class Restores {
  private Restores() {}

  static BackupResult backup(String database, String bucket) {
    return WorkerTestStack.get()
        .client
        .newWorkflowStub(BackupWorkflow.class, options("backup-" + database))
        .backup(
            BackupRequest.builder()
                .sourceDatabase(database)
                .bucket(bucket)
                .operator("test-operator")
                .reason("end-to-end test")
                .build());
  }

  static RestoreResult restore(String workflowId, RestoreRequest request) {
    return WorkerTestStack.get()
        .client
        .newWorkflowStub(RestoreFromBackupWorkflow.class, options(workflowId))
        .restore(request);
  }

  static RestoreRequest latest(String bucket, String target) {
    return RestoreRequest.builder()
        .backupKey("latest")
        .bucket(bucket)
        .targetDatabase(target)
        .operator("test-operator")
        .reason("end-to-end test")
        .build();
  }

  /**
   * "latest" of {@code source}'s backups restored into {@code target}: backups are chosen per
   * database.
   */
  static RestoreRequest latestOf(String bucket, String source, String target) {
    return RestoreRequest.builder()
        .backupKey("latest")
        .bucket(bucket)
        .targetDatabase(target)
        .operator("test-operator")
        .reason("end-to-end test")
        .sourceDatabase(source)
        .build();
  }

  static WorkflowOptions options(String prefix) {
    return WorkflowOptions.newBuilder()
        .setTaskQueue(TaskQueues.DR)
        .setWorkflowId(prefix + "-" + UUID.randomUUID())
        .build();
  }

  /**
   * The highest attempt number of any activity in the workflow's history: 1 means nothing was
   * retried.
   */
  static int maxActivityAttempt(String workflowId) {
    int max = 0;
    for (HistoryEvent event :
        WorkerTestStack.get().client.fetchHistory(workflowId).getHistory().getEventsList()) {
      if (event.getEventType() == EventType.EVENT_TYPE_ACTIVITY_TASK_STARTED) {
        max = Math.max(max, event.getActivityTaskStartedEventAttributes().getAttempt());
      }
    }
    return max;
  }
}
