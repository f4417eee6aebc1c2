package com.flowviz.dr.workflows.backup;

import com.flowviz.dr.activities.backup.BackupActivities;
import com.flowviz.dr.activities.backup.BackupSpec;
import com.flowviz.dr.activities.backup.BackupTaken;
import com.flowviz.dr.workflows.Defaults;
import com.flowviz.dr.workflows.InputValidation;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.common.ActivityTimeouts;
import com.flowviz.dr.workflows.common.AuditTrail;
import com.flowviz.dr.workflows.common.StepTracker;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;

public class BackupWorkflowImpl implements BackupWorkflow {

  static final String TAKE_BACKUP = "dump-encrypt-upload";

  @Override
  public BackupResult backup(BackupRequest request) {
    if (request == null) {
      request = new BackupRequest(null, null, null, null);
    }
    String database =
        InputValidation.databaseName(
            "sourceDatabase", request.sourceDatabase() == null ? Defaults.DATABASE : request.sourceDatabase());
    String bucket =
        request.bucket() == null ? Defaults.BUCKET : InputValidation.bucketName("bucket", request.bucket());
    String operator = InputValidation.operator(request.operator());
    InputValidation.freeText("reason", request.reason(), 2000);

    // The key comes from the workflow's start time, so every retry writes the same object.
    Instant takenAt = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    String key = BackupKeys.daily(database, takenAt);

    AuditTrail trail = new AuditTrail(operator);
    trail.backupKey(key);
    StepTracker steps = new StepTracker(trail);
    BackupActivities backups =
        Workflow.newActivityStub(
            BackupActivities.class,
            ActivityTimeouts.hostWork(TaskQueues.DR, Duration.ofHours(6), Duration.ofHours(1), "Back up " + database + " to s3://" + bucket + "/" + key));
    try {
      BackupTaken taken =
          steps.run(
              TAKE_BACKUP,
              () -> backups.takeBackup(new BackupSpec(database, bucket, key, "STANDARD", takenAt)),
              t -> t.manifest().encryptedBytes() + " encrypted bytes, sha256 " + t.manifest().sha256());
      return new BackupResult(
          taken.bucket(),
          taken.key(),
          taken.manifestKey(),
          taken.manifest(),
          Duration.ofMillis(Workflow.currentTimeMillis() - takenAt.toEpochMilli()));
    } finally {
      trail.awaitAll();
    }
  }
}
