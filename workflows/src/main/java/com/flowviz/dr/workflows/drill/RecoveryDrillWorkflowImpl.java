package com.flowviz.dr.workflows.drill;

import static com.flowviz.dr.workflows.drill.DrillSteps.*;

import com.flowviz.dr.activities.crypto.ArchiveHeader;
import com.flowviz.dr.activities.crypto.BackupDecryptionActivities;
import com.flowviz.dr.activities.drill.DrillActivities;
import com.flowviz.dr.activities.drill.DrillReport;
import com.flowviz.dr.activities.drill.DrillStep;
import com.flowviz.dr.activities.postgres.PostgresActivities;
import com.flowviz.dr.activities.postgres.ServerInfo;
import com.flowviz.dr.activities.provision.ProvisionActivities;
import com.flowviz.dr.activities.provision.ProvisionedInstance;
import com.flowviz.dr.activities.storage.BackupManifest;
import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.activities.storage.BackupStorageActivities;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.RecoveryObjectives;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.archive.RestoreFromWeeklyBackupWorkflow;
import com.flowviz.dr.workflows.archive.WeeklyRestoreRequest;
import com.flowviz.dr.workflows.common.ActivityTimeouts;
import com.flowviz.dr.workflows.common.AuditTrail;
import com.flowviz.dr.workflows.common.Detached;
import com.flowviz.dr.workflows.common.Failures;
import com.flowviz.dr.workflows.common.Notifier;
import com.flowviz.dr.workflows.common.RpoAssessment;
import com.flowviz.dr.workflows.common.RtoAssessment;
import com.flowviz.dr.workflows.common.RunSearchAttributes;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.common.StepTracker;
import com.flowviz.dr.workflows.pitr.RestoreToPointInTimeRequest;
import com.flowviz.dr.workflows.pitr.RestoreToPointInTimeResult;
import com.flowviz.dr.workflows.pitr.RestoreToPointInTimeWorkflow;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow;
import com.flowviz.dr.workflows.restore.RestoreRequest;
import com.flowviz.dr.workflows.restore.RestoreResult;
import com.flowviz.dr.workflows.restore.RestoreSteps;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.CanceledFailure;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

public class RecoveryDrillWorkflowImpl implements RecoveryDrillWorkflow {

  private final BackupStorageActivities storage =
      Workflow.newActivityStub(BackupStorageActivities.class, ActivityTimeouts.QUICK);
  private final BackupDecryptionActivities decryption =
      Workflow.newActivityStub(BackupDecryptionActivities.class, ActivityTimeouts.QUICK);
  private final PostgresActivities postgres =
      Workflow.newActivityStub(PostgresActivities.class, ActivityTimeouts.DATABASE);
  private final DrillActivities drills =
      Workflow.newActivityStub(DrillActivities.class, ActivityTimeouts.QUICK);
  private final ProvisionActivities provisioning =
      Workflow.newActivityStub(ProvisionActivities.class, ActivityTimeouts.PROVISIONING);

  /** Storage classes that must be retrieved before a byte can be read. */
  private static final Set<String> ARCHIVED = Set.of("GLACIER", "DEEP_ARCHIVE");

  private StepTracker steps;
  private BackupObject backup;
  private ProvisionedInstance scratch;
  private String restoreWorkflowId;

  /** Set when a "pitr" drill found its scratch name owned by another recovery. */
  private boolean scratchOwnedElsewhere;

  /** The point-in-time recovery of a "pitr" drill, once it ended. */
  private RestoreToPointInTimeResult recovered;

  @Override
  public DrillReport drill(DrillRequest request) {
    Instant startedAt = now();
    String drillId = Workflow.getInfo().getWorkflowId();
    // Input first: bad input provisions nothing.
    DrillPlan plan = DrillPlan.from(request, drillId);
    AuditTrail trail = new AuditTrail(plan.operator());
    RunSearchAttributes.tag("drill", plan.operator(), plan.database());
    steps = new StepTracker(trail);
    Notifier notifier = new Notifier(trail, drillId);
    trail.record(
        DrillSteps.REQUESTED,
        StepRecord.RUNNING,
        "restore "
            + (plan.selector().key() == null
                ? "the newest backup under " + plan.selector().prefix()
                : plan.selector().key())
            + " onto scratch instance "
            + plan.scratch().name()
            + (plan.reason().isEmpty() ? "" : "; reason: " + plan.reason()));

    RestoreResult restored = null;
    recovered = null;
    Instant verifiedAt = null;
    String failure = null;
    boolean cancelled = false;
    try {
      if (plan.pointInTime()) {
        recovered =
            steps.run(
                RECOVER_TO_POINT_IN_TIME,
                () -> recoverOnScratch(plan),
                r ->
                    "recovered "
                        + r.choice().backupPrefix()
                        + " and its WAL: "
                        + r.reached().stoppedAt()
                        + "; verification "
                        + (r.verification().passed() ? "passed" : "FAILED"));
        verifiedAt = now();
      } else {
        backup =
            steps.run(
                RESOLVE_BACKUP,
                () -> storage.resolveBackup(plan.selector()),
                b -> b.uri() + " taken " + b.takenAt() + " (" + b.storageClass() + ")");
        trail.backupKey(backup.key());
        RunSearchAttributes.backupKey(backup.key());
        BackupManifest manifest = storage.readManifest(backup);
        ArchiveHeader archive =
            steps.run(
                READ_ARCHIVE_HEADER,
                () -> decryption.readArchiveHeader(backup, manifest),
                a ->
                    a == null
                        ? "not readable before retrieval; checked before pg_restore"
                        : "pg_dump " + a.pgDumpVersion() + " of PostgreSQL " + a.serverVersion());
        scratch =
            steps.run(
                PROVISION,
                () -> provisioning.provisionInstance(plan.scratch()),
                i ->
                    (i.reused() ? "reused " : "provisioned ")
                        + i.provisioner()
                        + " instance "
                        + i.name()
                        + " at "
                        + i.server().describe());
        ServerInfo server =
            steps.run(
                WAIT_READY,
                () -> postgres.awaitServerReady(scratch.server(), plan.readinessTimeout()),
                s -> "PostgreSQL " + s.version() + " ready after " + s.waitedMillis() + " ms");
        steps.run(
            CHECK_VERSIONS,
            () -> postgres.checkRestoreCompatibility(archive, scratch.server()),
            archive == null
                ? "no header to check yet"
                : "backup from PostgreSQL "
                    + archive.serverVersion()
                    + " fits server "
                    + server.version());
        steps.run(
            CREATE_EXTENSIONS,
            () -> postgres.createDatabaseWithExtensions("template1", scratch.server()),
            "extensions created in template1");
        restored =
            steps.run(
                RESTORE,
                () -> restoreOnScratch(plan),
                r ->
                    r.outcome()
                        + " into "
                        + r.targetDatabase()
                        + ", verification "
                        + (r.verification().passed() ? "passed" : "FAILED"));
        verifiedAt = now();
      }
    } catch (RuntimeException e) {
      cancelled = StepTracker.isCancellation(e);
      failure = cancelled ? "cancelled" : Failures.rootMessage(e);
      // A PITR drill refused an instance another recovery owns: that instance is not the drill's
      // to tear down.
      scratchOwnedElsewhere =
          plan.pointInTime() && FailureTypes.INSTANCE_CLAIMED.equals(Failures.rootType(e));
    }

    // The scratch instance goes whatever happened, unless the operator asked to keep it; and the
    // report is kept and sent even when the drill was cancelled.
    RestoreResult finalRestore = restored;
    Instant finalVerifiedAt = verifiedAt;
    String finalFailure = failure;
    DrillReport report =
        Detached.call(
            () ->
                finish(
                    drillId,
                    plan,
                    startedAt,
                    finalVerifiedAt,
                    finalRestore,
                    finalFailure,
                    trail,
                    notifier));
    if (failure != null) {
      if (cancelled) {
        throw new CanceledFailure(
            "drill cancelled; scratch instance " + (report.scratchTornDown() ? "removed" : "kept"));
      }
      throw ApplicationFailure.newNonRetryableFailure(
          "Recovery drill failed: "
              + failure
              + (report.scratchTornDown()
                  ? "; the scratch instance was removed"
                  : "; the scratch instance " + plan.scratch().name() + " was kept"),
          "DrillFailed",
          report);
    }
    return report;
  }

  private DrillReport finish(
      String drillId,
      DrillPlan plan,
      Instant startedAt,
      Instant verifiedAt,
      RestoreResult restored,
      String failure,
      AuditTrail trail,
      Notifier notifier) {
    boolean tornDown = tearDown(plan);
    DrillReport report = report(drillId, plan, startedAt, verifiedAt, restored, failure, tornDown);
    steps.run(RECORD_REPORT, () -> drills.recordDrillReport(report), "kept in the audit store");
    trail.record(DrillSteps.PROCEDURE, report.outcome(), summary(report));
    if (failure != null) {
      notifier.send(
          "failed",
          "critical",
          "trigger",
          "Recovery drill " + drillId + " FAILED: " + failure,
          details(report));
    } else if (RpoAssessment.ABOVE_MAXIMUM.equals(report.rtoVerdict())) {
      notifier.send(
          "rto-above-maximum",
          "warning",
          "trigger",
          "Recovery drill "
              + drillId
              + ": the restore took "
              + report.rto()
              + ", beyond the RTO maximum of "
              + report.rtoMaximum(),
          details(report));
    }
    notifier.awaitDeliveries(Duration.ofHours(1));
    trail.awaitAll();
    return report;
  }

  /**
   * The physical archive's path: RestoreToPointInTime onto the scratch instance, which restores the
   * newest base backup before the target with its WAL, recovers, promotes and verifies (5.1/5.2).
   */
  private RestoreToPointInTimeResult recoverOnScratch(DrillPlan plan) {
    restoreWorkflowId = Workflow.getInfo().getWorkflowId() + "-pitr";
    RestoreToPointInTimeWorkflow pitr =
        Workflow.newChildWorkflowStub(
            RestoreToPointInTimeWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(restoreWorkflowId)
                .setTaskQueue(TaskQueues.DR)
                .setStaticSummary(
                    "Drill: point-in-time recovery onto scratch instance " + plan.scratch().name())
                .build());
    return pitr.restoreToPointInTime(
        RestoreToPointInTimeRequest.builder()
            .instance(plan.scratch().name())
            .bucket(plan.selector().bucket())
            .targetTime(plan.targetTime())
            .latest(plan.targetTime() == null ? Boolean.TRUE : null)
            .databaseName(plan.database())
            .sourceServer(plan.sourceServer())
            .operator(plan.operator())
            .reason(
                plan.reason().isEmpty()
                    ? "recovery drill (pitr) on " + plan.scratch().name()
                    : plan.reason())
            .build());
  }

  private RestoreResult restoreOnScratch(DrillPlan plan) {
    restoreWorkflowId = Workflow.getInfo().getWorkflowId() + "-restore";
    String reason = plan.reason().isEmpty() ? "recovery drill on " + scratch.name() : plan.reason();
    ChildWorkflowOptions options =
        ChildWorkflowOptions.newBuilder()
            .setWorkflowId(restoreWorkflowId)
            .setTaskQueue(TaskQueues.DR)
            .setStaticSummary(
                "Drill: restore " + backup.key() + " onto scratch instance " + scratch.name())
            .build();
    if (plan.weekly() || ARCHIVED.contains(backup.storageClass())) {
      // A weekly backup sits in Glacier or Deep Archive: its retrieval is part of the time to
      // recover.
      RestoreFromWeeklyBackupWorkflow weekly =
          Workflow.newChildWorkflowStub(RestoreFromWeeklyBackupWorkflow.class, options);
      return weekly
          .restore(
              WeeklyRestoreRequest.builder()
                  .backupKey(backup.key())
                  .bucket(backup.bucket())
                  .operator(plan.operator())
                  .reason(reason)
                  .targetServer(scratch.server())
                  .build())
          .restore();
    }
    RestoreFromBackupWorkflow daily =
        Workflow.newChildWorkflowStub(RestoreFromBackupWorkflow.class, options);
    return daily.restore(
        RestoreRequest.builder()
            .backupKey(backup.key())
            .bucket(backup.bucket())
            .targetDatabase(plan.database())
            .operator(plan.operator())
            .reason(reason)
            .targetServer(scratch.server())
            .applicationSteps(false)
            .bucketRegion(backup.region())
            .build());
  }

  private boolean tearDown(DrillPlan plan) {
    if (scratchOwnedElsewhere) {
      steps.skip(
          TEARDOWN,
          "instance " + plan.scratch().name() + " belongs to another recovery: left as it is");
      return false;
    }
    if (plan.keepScratch()) {
      steps.skip(TEARDOWN, "scratch instance " + plan.scratch().name() + " kept as requested");
      return false;
    }
    try {
      // Also when provisioning failed half way: anything made under the name goes.
      steps.run(
          TEARDOWN,
          () -> provisioning.teardownInstance(plan.scratch()),
          removed ->
              removed
                  ? "removed scratch instance " + plan.scratch().name()
                  : "no scratch instance to remove");
      return true;
    } catch (RuntimeException e) {
      return false;
    }
  }

  private DrillReport report(
      String drillId,
      DrillPlan plan,
      Instant startedAt,
      Instant verifiedAt,
      RestoreResult restored,
      String failure,
      boolean tornDown) {
    if (plan.pointInTime()) {
      return pointInTimeReport(drillId, plan, startedAt, verifiedAt, failure, tornDown);
    }
    RtoAssessment rto = verifiedAt == null ? null : RtoAssessment.of(startedAt, verifiedAt);
    RpoAssessment age = backup == null ? null : RpoAssessment.of(startedAt, backup.takenAt());
    List<DrillStep> measured = new ArrayList<>();
    for (StepRecord s : steps.steps()) {
      if (s.step().equals(RESTORE) && restored != null) {
        for (StepRecord r : restored.steps()) {
          measured.add(step(RESTORE_STEP_PREFIX + r.step(), r, bytesOf(r.step(), restored)));
        }
      }
      measured.add(step(s.step(), s, null));
    }
    return new DrillReport(
        drillId,
        failure == null ? DrillReport.PASSED : DrillReport.FAILED,
        plan.operator(),
        startedAt,
        now(),
        backup == null ? null : backup.uri(),
        backup == null ? null : backup.takenAt(),
        backup == null ? null : backup.sizeBytes(),
        age == null ? null : age.gap(),
        age == null ? null : age.verdict(),
        rto == null ? null : rto.achieved(),
        rto == null ? null : rto.verdict(),
        RecoveryObjectives.RTO_TARGET,
        RecoveryObjectives.RTO_MAXIMUM,
        restored == null ? null : restored.verification().passed(),
        restored == null
            ? List.of()
            : restored.verification().failedChecks().stream()
                .map(c -> c.name() + ": expected " + c.expected() + ", found " + c.actual())
                .toList(),
        plan.scratch().name(),
        scratch == null ? null : scratch.provisioner(),
        tornDown,
        restoreWorkflowId,
        measured,
        failure,
        DrillPlan.DUMP);
  }

  /**
   * A "pitr" drill's report: the base backup it started from and, as the data an incident now would
   * lose, the age of the newest archived WAL when the drill began.
   */
  private DrillReport pointInTimeReport(
      String drillId,
      DrillPlan plan,
      Instant startedAt,
      Instant verifiedAt,
      String failure,
      boolean tornDown) {
    RtoAssessment rto = verifiedAt == null ? null : RtoAssessment.of(startedAt, verifiedAt);
    RestoreToPointInTimeResult r = recovered;
    RpoAssessment age =
        r == null ? null : RpoAssessment.of(startedAt, r.choice().newestWalArchivedAt());
    List<DrillStep> measured = new ArrayList<>();
    for (StepRecord s : steps.steps()) {
      measured.add(
          step(
              s.step(),
              s,
              s.step().equals(RECOVER_TO_POINT_IN_TIME) && r != null
                  ? r.restored().tarBytes()
                  : null));
    }
    return new DrillReport(
        drillId,
        failure == null ? DrillReport.PASSED : DrillReport.FAILED,
        plan.operator(),
        startedAt,
        now(),
        r == null ? null : "s3://" + plan.selector().bucket() + "/" + r.choice().backupPrefix(),
        r == null ? null : r.choice().manifest().stopTime(),
        r == null ? null : r.restored().tarBytes(),
        age == null ? null : age.gap(),
        age == null ? null : age.verdict(),
        rto == null ? null : rto.achieved(),
        rto == null ? null : rto.verdict(),
        RecoveryObjectives.RTO_TARGET,
        RecoveryObjectives.RTO_MAXIMUM,
        r == null ? null : r.verification().passed(),
        r == null
            ? List.of()
            : r.verification().failedChecks().stream()
                .map(c -> c.name() + ": expected " + c.expected() + ", found " + c.actual())
                .toList(),
        plan.scratch().name(),
        r == null ? null : "local",
        tornDown,
        restoreWorkflowId,
        measured,
        failure,
        DrillPlan.PITR);
  }

  /** The transfer moves the encrypted object; pg_restore reads the archive it became. */
  private Long bytesOf(String restoreStep, RestoreResult restored) {
    if (restoreStep.equals(RestoreSteps.DOWNLOAD)
        || restoreStep.equals(RestoreSteps.DOWNLOAD_AND_DECRYPT)) {
      return backup.sizeBytes();
    }
    if (restoreStep.equals(RestoreSteps.PG_RESTORE) || restoreStep.equals(RestoreSteps.DECRYPT)) {
      return restored.dumpBytes();
    }
    return null;
  }

  private static DrillStep step(String name, StepRecord s, Long bytes) {
    Duration duration =
        s.startedAt() == null || s.finishedAt() == null
            ? null
            : Duration.between(s.startedAt(), s.finishedAt());
    Double rate =
        bytes == null || duration == null || duration.isZero()
            ? null
            : bytes / (duration.toMillis() / 1000.0);
    return new DrillStep(
        name, s.outcome(), s.startedAt(), s.finishedAt(), duration, bytes, rate, s.detail());
  }

  private static String summary(DrillReport r) {
    return r.outcome()
        + (r.rto() == null ? "" : "; RTO " + r.rto() + " (" + r.rtoVerdict() + ")")
        + (r.backupAge() == null
            ? ""
            : "; backup age " + r.backupAge() + " (" + r.rpoVerdict() + ")")
        + "; scratch "
        + (r.scratchTornDown() ? "removed" : "kept")
        + (r.failure() == null ? "" : "; " + r.failure());
  }

  private static Map<String, String> details(DrillReport r) {
    Map<String, String> details = new LinkedHashMap<>();
    details.put("backup", r.backupUri() == null ? "not resolved" : r.backupUri());
    details.put("outcome", r.outcome());
    if (r.rto() != null) {
      details.put("rto", r.rto() + " " + r.rtoVerdict());
    }
    if (r.failure() != null) {
      details.put("failure", r.failure());
    }
    details.put("scratch", r.scratchInstance() + (r.scratchTornDown() ? " (removed)" : " (kept)"));
    return details;
  }

  @Override
  public DrillProgress progress() {
    return new DrillProgress(
        steps == null ? null : steps.current(),
        backup == null ? null : backup.key(),
        scratch,
        restoreWorkflowId,
        steps == null ? List.of() : steps.steps());
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
