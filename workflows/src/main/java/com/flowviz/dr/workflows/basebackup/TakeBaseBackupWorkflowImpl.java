package com.flowviz.dr.workflows.basebackup;

import static com.flowviz.dr.workflows.basebackup.TakeBaseBackupSteps.BASE_BACKUP;
import static com.flowviz.dr.workflows.basebackup.TakeBaseBackupSteps.CHECK_ARCHIVING;
import static com.flowviz.dr.workflows.basebackup.TakeBaseBackupSteps.EXPIRE_ARCHIVE;
import static com.flowviz.dr.workflows.basebackup.TakeBaseBackupSteps.TAKE_BASE_BACKUP;

import com.flowviz.dr.activities.physical.ArchiveExpiry;
import com.flowviz.dr.activities.physical.ArchiveExpirySpec;
import com.flowviz.dr.activities.physical.ArchivingCheck;
import com.flowviz.dr.activities.physical.ArchivingCluster;
import com.flowviz.dr.activities.physical.BaseBackupActivities;
import com.flowviz.dr.activities.physical.BaseBackupSpec;
import com.flowviz.dr.activities.physical.BaseBackupTaken;
import com.flowviz.dr.activities.physical.PhysicalArchiveLayout;
import com.flowviz.dr.workflows.common.ActivityTimeouts;
import com.flowviz.dr.workflows.common.AuditTrail;
import com.flowviz.dr.workflows.common.Failures;
import com.flowviz.dr.workflows.common.ProcedureEnvelope;
import com.flowviz.dr.workflows.common.RunSearchAttributes;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.common.StepTracker;
import io.temporal.failure.ActivityFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

public class TakeBaseBackupWorkflowImpl implements TakeBaseBackupWorkflow {

  static final String BASE_BACKUP_FAILED = "BaseBackupFailed";

  private final BaseBackupActivities checks =
      Workflow.newActivityStub(BaseBackupActivities.class, ActivityTimeouts.QUICK);
  private final BaseBackupActivities retention =
      Workflow.newActivityStub(BaseBackupActivities.class, ActivityTimeouts.CLEANUP);
  private StepTracker steps;

  @Override
  public TakeBaseBackupResult takeBaseBackup(TakeBaseBackupRequest request) {
    TakeBaseBackupPlan plan = TakeBaseBackupPlan.from(request);
    Instant startedAt = now();
    AuditTrail trail = new AuditTrail(plan.operator());
    RunSearchAttributes.tag("base backup", plan.operator(), null);
    steps = new StepTracker(trail);
    try {
      return ProcedureEnvelope.run(
          BASE_BACKUP_FAILED,
          () -> backUpAndExpire(plan, trail, steps, startedAt),
          failure -> trail.record(BASE_BACKUP, failure.stepStatus(), failure.message()));
    } finally {
      trail.awaitAll();
    }
  }

  /**
   * Is the server's WAL archived? Then the base backup, the WAL it needs archived before it counts
   * as taken; then the archive's expiry, which may fail without undoing the backup.
   */
  private TakeBaseBackupResult backUpAndExpire(
      TakeBaseBackupPlan plan, AuditTrail trail, StepTracker steps, Instant startedAt) {
    ArchivingCluster cluster =
        steps.run(
            CHECK_ARCHIVING,
            () -> checks.checkArchiving(ArchivingCheck.builder().server(plan.server()).build()),
            TakeBaseBackupWorkflowImpl::describe);

    BaseBackupActivities backups =
        Workflow.newActivityStub(
            BaseBackupActivities.class,
            ActivityTimeouts.streaming(
                TakeBaseBackupPlan.ATTEMPT,
                "Base backup of "
                    + plan.server()
                    + " to s3://"
                    + plan.bucket()
                    + "/"
                    + PhysicalArchiveLayout.basePrefix(cluster.systemIdentifier())));
    BaseBackupTaken taken =
        steps.run(
            TAKE_BASE_BACKUP,
            () ->
                backups.takeBaseBackup(
                    BaseBackupSpec.builder()
                        .server(plan.server())
                        .bucket(plan.bucket())
                        .systemIdentifier(cluster.systemIdentifier())
                        .storageClass(TakeBaseBackupPlan.STORAGE_CLASS)
                        .build()),
            TakeBaseBackupWorkflowImpl::describe);
    trail.backupKey(taken.prefix());
    RunSearchAttributes.backupKey(taken.prefix());

    ArchiveExpiry expiry = null;
    String expiryFailure = null;
    try {
      expiry =
          steps.run(
              EXPIRE_ARCHIVE,
              () ->
                  retention.expireArchive(
                      ArchiveExpirySpec.builder()
                          .bucket(plan.bucket())
                          .systemIdentifier(cluster.systemIdentifier())
                          .keepBaseBackups(plan.keepBaseBackups())
                          .keepFor(plan.keepFor())
                          .incompleteAfter(plan.incompleteAfter())
                          .build()),
              TakeBaseBackupWorkflowImpl::describe);
    } catch (ActivityFailure e) {
      if (StepTracker.isCancellation(e)) {
        throw e;
      }
      // The backup is complete and restorable whatever the expiry did: it is reported taken, and
      // the archive keeps more than it must until the next run's expiry succeeds.
      expiryFailure = Failures.rootMessage(e);
    }

    return TakeBaseBackupResult.builder()
        .outcome(
            expiryFailure == null
                ? TakeBaseBackupResult.TAKEN
                : TakeBaseBackupResult.TAKEN_NOT_EXPIRED)
        .server(plan.server())
        .bucket(taken.bucket())
        .archiving(cluster)
        .prefix(taken.prefix())
        .dataKey(taken.dataKey())
        .pgManifestKey(taken.pgManifestKey())
        .manifestKey(taken.manifestKey())
        .manifest(taken.manifest())
        .expiry(expiry)
        .expiryFailure(expiryFailure)
        .elapsed(Duration.between(startedAt, now()))
        .build();
  }

  @Override
  public List<StepRecord> progress() {
    return steps == null ? List.of() : steps.steps();
  }

  private static String describe(ArchivingCluster c) {
    String archiver =
        c.lastArchivedWal() == null
            ? "nothing archived yet"
            : "last archived " + c.lastArchivedWal() + " at " + c.lastArchivedAt();
    boolean failing =
        c.lastFailedWal() != null
            && (c.lastArchivedWal() == null
                || c.lastFailedWal().compareTo(c.lastArchivedWal()) > 0);
    return "system "
        + c.systemIdentifier()
        + ", timeline "
        + c.timeline()
        + ", PostgreSQL "
        + c.serverVersion()
        + ", wal_level "
        + c.walLevel()
        + ", archive_mode "
        + c.archiveMode()
        + "; "
        + archiver
        + ", "
        + c.failedCount()
        + " failed attempts"
        + (failing
            ? "; ARCHIVING IS FAILING at "
                + c.lastFailedWal()
                + ": the backup waits at its end until its WAL is archived"
            : "");
  }

  private static String describe(BaseBackupTaken t) {
    return t.prefix()
        + ": "
        + t.manifest().tarBytes()
        + " bytes of tar, "
        + t.manifest().encryptedBytes()
        + " encrypted, sha256 "
        + t.manifest().sha256()
        + "; needs WAL "
        + t.manifest().startWalFile()
        + " to "
        + t.manifest().stopWalFile()
        + " (LSN "
        + t.manifest().startLsn()
        + " to "
        + t.manifest().stopLsn()
        + ")";
  }

  private static String describe(ArchiveExpiry e) {
    return "kept "
        + count(e.keptBackups())
        + " base backups, removed "
        + count(e.deletedBackups())
        + " and "
        + count(e.deletedIncomplete())
        + " incomplete ones, "
        + e.deletedWalFiles()
        + " WAL files; WAL kept from "
        + e.oldestKeptWalFile();
  }

  private static int count(List<String> names) {
    return names == null ? 0 : names.size();
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
