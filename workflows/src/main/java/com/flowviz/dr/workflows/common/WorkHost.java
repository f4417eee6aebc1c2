package com.flowviz.dr.workflows.common;

import com.flowviz.dr.activities.crypto.BackupDecryptionActivities;
import com.flowviz.dr.activities.postgres.PostgresActivities;
import com.flowviz.dr.activities.storage.BackupStorageActivities;
import com.flowviz.dr.activities.workhost.WorkHostActivities;
import io.temporal.api.enums.v1.TimeoutType;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.TimeoutFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;

/**
 * The host that holds a restore's work files, and stubs of the activities that must run there.
 * Claimed through the shared queue; its own queue is polled only by workers on that host.
 */
public final class WorkHost {

  private static final Duration DOWNLOAD_TIMEOUT = Duration.ofHours(6);

  /** As long as a download: decryption follows the download as it arrives. */
  private static final Duration DECRYPT_TIMEOUT = DOWNLOAD_TIMEOUT;

  private static final Duration PG_RESTORE_TIMEOUT = Duration.ofHours(8);

  private final String taskQueue;
  private final String backupKey;
  private final Duration pickupTimeout;

  private WorkHost(String taskQueue, String backupKey, Duration pickupTimeout) {
    this.taskQueue = taskQueue;
    this.backupKey = backupKey;
    this.pickupTimeout = pickupTimeout;
  }

  /**
   * @param pickupTimeout how long the host may leave its work unclaimed before it counts as lost
   */
  public static WorkHost claim(String backupKey, Duration pickupTimeout) {
    WorkHostActivities any =
        Workflow.newActivityStub(WorkHostActivities.class, ActivityTimeouts.QUICK);
    return new WorkHost(any.claimWorkHost(), backupKey, pickupTimeout);
  }

  public String taskQueue() {
    return taskQueue;
  }

  public BackupStorageActivities download() {
    return Workflow.newActivityStub(
        BackupStorageActivities.class,
        ActivityTimeouts.hostWork(
            taskQueue, DOWNLOAD_TIMEOUT, pickupTimeout, "Download " + backupKey));
  }

  public BackupDecryptionActivities decrypt() {
    return Workflow.newActivityStub(
        BackupDecryptionActivities.class,
        ActivityTimeouts.hostWork(
            taskQueue, DECRYPT_TIMEOUT, pickupTimeout, "Decrypt " + backupKey));
  }

  public PostgresActivities pgRestore(String database) {
    return Workflow.newActivityStub(
        PostgresActivities.class,
        ActivityTimeouts.hostWork(
            taskQueue,
            PG_RESTORE_TIMEOUT,
            pickupTimeout,
            "pg_restore " + backupKey + " into " + database));
  }

  /** Removes this workflow's files from the host; runs to the end even during cancellation. */
  public void discardWorkFiles() {
    String workflowId = Workflow.getInfo().getWorkflowId();
    Detached.run(
        () ->
            Workflow.newActivityStub(
                    WorkHostActivities.class, ActivityTimeouts.hostQuick(taskQueue, pickupTimeout))
                .discardWorkFiles(workflowId));
  }

  /** True when the failure means no worker on the host picked the work up: the host is gone. */
  public static boolean isLost(Throwable failure) {
    return failure instanceof ActivityFailure
        && failure.getCause() instanceof TimeoutFailure timeout
        && timeout.getTimeoutType() == TimeoutType.TIMEOUT_TYPE_SCHEDULE_TO_START;
  }
}
