package com.flowviz.dr.workflows.backup;

import com.flowviz.dr.activities.backup.BackupActivities;
import com.flowviz.dr.activities.backup.BackupSpec;
import com.flowviz.dr.activities.backup.BackupTaken;
import com.flowviz.dr.activities.storage.ArchiveActivities;
import com.flowviz.dr.activities.storage.RetentionReport;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.common.ActivityTimeouts;
import com.flowviz.dr.workflows.common.AuditTrail;
import com.flowviz.dr.workflows.common.RunSearchAttributes;
import com.flowviz.dr.workflows.common.StepTracker;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;

public class BackupWorkflowImpl implements BackupWorkflow {

  @Override
  public BackupResult backup(BackupRequest request) {
    BackupPlan plan = BackupPlan.from(request);
    String database = plan.database();
    String bucket = plan.bucket();
    String operator = plan.operator();
    boolean weekly = plan.weekly();
    String storageClass = plan.storageClass();

    // The key comes from the workflow's start time, so every retry writes the same object.
    Instant takenAt = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    String key =
        weekly ? BackupKeys.weekly(database, takenAt) : BackupKeys.daily(database, takenAt);

    AuditTrail trail = new AuditTrail(operator);
    trail.backupKey(key);
    RunSearchAttributes.tag(weekly ? "backup weekly" : "backup daily", operator, database);
    RunSearchAttributes.backupKey(key);
    StepTracker steps = new StepTracker(trail);
    BackupActivities backups =
        Workflow.newActivityStub(
            BackupActivities.class,
            ActivityTimeouts.hostWork(
                TaskQueues.DR,
                Duration.ofHours(6),
                Duration.ofHours(1),
                "Back up " + database + " to s3://" + bucket + "/" + key));
    try {
      BackupTaken taken =
          steps.run(
              BackupSteps.TAKE_BACKUP,
              () ->
                  backups.takeBackup(new BackupSpec(database, bucket, key, storageClass, takenAt)),
              t ->
                  t.manifest().encryptedBytes()
                      + " encrypted bytes in "
                      + storageClass
                      + ", sha256 "
                      + t.manifest().sha256());
      RetentionReport retention = null;
      if (weekly) {
        // Weekly backups carry HACCP data for 7 years: say at once if the bucket would not keep
        // them.
        ArchiveActivities archive =
            Workflow.newActivityStub(ArchiveActivities.class, ActivityTimeouts.QUICK);
        retention =
            steps.run(
                BackupSteps.CHECK_RETENTION,
                () -> archive.checkRetention(bucket),
                r ->
                    r.compliant()
                        ? "compliant with runbook section 7"
                        : "NOT compliant: "
                            + r.findings().stream()
                                .filter(f -> f.severity().equals("VIOLATION"))
                                .map(f -> f.finding())
                                .toList());
      }
      return BackupResult.builder()
          .bucket(taken.bucket())
          .key(taken.key())
          .manifestKey(taken.manifestKey())
          .storageClass(storageClass)
          .manifest(taken.manifest())
          .retention(retention)
          .elapsed(Duration.ofMillis(Workflow.currentTimeMillis() - takenAt.toEpochMilli()))
          .build();
    } finally {
      trail.awaitAll();
    }
  }
}
