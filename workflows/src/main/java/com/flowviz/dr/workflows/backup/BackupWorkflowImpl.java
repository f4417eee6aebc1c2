package com.flowviz.dr.workflows.backup;

import com.flowviz.dr.activities.backup.BackupActivities;
import com.flowviz.dr.activities.backup.BackupSpec;
import com.flowviz.dr.activities.backup.BackupTaken;
import com.flowviz.dr.activities.storage.ArchiveActivities;
import com.flowviz.dr.activities.storage.RetentionReport;
import com.flowviz.dr.workflows.Defaults;
import com.flowviz.dr.workflows.InputValidation;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.common.ActivityTimeouts;
import com.flowviz.dr.workflows.common.AuditTrail;
import com.flowviz.dr.workflows.common.RunSearchAttributes;
import com.flowviz.dr.workflows.common.StepTracker;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;

public class BackupWorkflowImpl implements BackupWorkflow {

  static final String TAKE_BACKUP = "dump-encrypt-upload";
  static final String CHECK_RETENTION = "check-retention";

  private static boolean parseKind(String kind) {
    if (kind == null || kind.isBlank() || kind.equalsIgnoreCase("daily")) {
      return false;
    }
    if (kind.equalsIgnoreCase("weekly")) {
      return true;
    }
    throw InputValidation.invalid(
        "kind \"" + kind + "\" is not a backup kind; use \"daily\" or \"weekly\".");
  }

  @Override
  public BackupResult backup(BackupRequest request) {
    if (request == null) {
      request = BackupRequest.builder().build();
    }
    String database =
        InputValidation.databaseName(
            "sourceDatabase",
            request.sourceDatabase() == null ? Defaults.DATABASE : request.sourceDatabase());
    String bucket =
        request.bucket() == null
            ? Defaults.BUCKET
            : InputValidation.bucketName("bucket", request.bucket());
    String operator = InputValidation.operator(request.operator());
    InputValidation.freeText("reason", request.reason(), 2000);
    boolean weekly = parseKind(request.kind());
    String storageClass =
        StorageClasses.parse(request.storageClass(), weekly ? "DEEP_ARCHIVE" : "STANDARD");

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
              TAKE_BACKUP,
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
                CHECK_RETENTION,
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
