package com.flowviz.dr.workflows.pitr;

import static com.flowviz.dr.workflows.pitr.RestoreToPointInTimeSteps.CHOOSE_BASE_BACKUP;
import static com.flowviz.dr.workflows.pitr.RestoreToPointInTimeSteps.POINT_IN_TIME_RECOVERY;
import static com.flowviz.dr.workflows.pitr.RestoreToPointInTimeSteps.RECOVER;
import static com.flowviz.dr.workflows.pitr.RestoreToPointInTimeSteps.RESTORE_BASE_BACKUP;

import com.flowviz.dr.activities.physical.BaseBackupRestoreSpec;
import com.flowviz.dr.activities.physical.BaseBackupRestored;
import com.flowviz.dr.activities.physical.PointInTimeActivities;
import com.flowviz.dr.activities.physical.RecoveryChoice;
import com.flowviz.dr.activities.physical.RecoveryChoiceSpec;
import com.flowviz.dr.activities.physical.RecoveryReached;
import com.flowviz.dr.activities.physical.RecoverySpec;
import com.flowviz.dr.workflows.common.ActivityTimeouts;
import com.flowviz.dr.workflows.common.AuditTrail;
import com.flowviz.dr.workflows.common.ProcedureEnvelope;
import com.flowviz.dr.workflows.common.RunSearchAttributes;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.common.StepTracker;
import com.flowviz.dr.workflows.common.WorkHost;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

public class RestoreToPointInTimeWorkflowImpl implements RestoreToPointInTimeWorkflow {

  static final String RECOVERY_FAILED = "PointInTimeRecoveryFailed";

  private final PointInTimeActivities archive =
      Workflow.newActivityStub(PointInTimeActivities.class, ActivityTimeouts.QUICK);
  private StepTracker steps;

  @Override
  public RestoreToPointInTimeResult restoreToPointInTime(RestoreToPointInTimeRequest request) {
    RestoreToPointInTimePlan plan = RestoreToPointInTimePlan.from(request);
    Instant startedAt = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    AuditTrail trail = new AuditTrail(plan.operator());
    RunSearchAttributes.tag("point-in-time recovery", plan.operator(), null);
    steps = new StepTracker(trail);
    try {
      return ProcedureEnvelope.run(
          RECOVERY_FAILED,
          () -> recover(plan, startedAt),
          failure -> trail.record(POINT_IN_TIME_RECOVERY, failure.stepStatus(), failure.message()));
    } finally {
      trail.awaitAll();
    }
  }

  /**
   * The newest base backup before the target; laid down on the instance's host with its WAL spooled
   * beside it; recovered to the target and promoted.
   */
  private RestoreToPointInTimeResult recover(RestoreToPointInTimePlan plan, Instant startedAt) {
    RecoveryChoice choice =
        steps.run(
            CHOOSE_BASE_BACKUP,
            () ->
                archive.chooseBaseBackup(
                    RecoveryChoiceSpec.builder()
                        .bucket(plan.bucket())
                        .systemIdentifier(plan.systemIdentifier())
                        .target(plan.target())
                        .build()),
            RestoreToPointInTimeWorkflowImpl::describe);
    RunSearchAttributes.backupKey(choice.backupPrefix());

    // The instance's data directory is on one host: restore and recovery both run there.
    WorkHost host = WorkHost.claim(choice.backupPrefix(), RestoreToPointInTimePlan.PICKUP);
    BaseBackupRestored restored =
        steps.run(
            RESTORE_BASE_BACKUP,
            () ->
                onHost(
                        host,
                        RestoreToPointInTimePlan.RESTORE_ATTEMPT,
                        "Restore " + choice.backupPrefix())
                    .restoreBaseBackup(
                        BaseBackupRestoreSpec.builder()
                            .bucket(plan.bucket())
                            .instance(plan.instance())
                            .backupPrefix(choice.backupPrefix())
                            .manifest(choice.manifest())
                            .build()),
            RestoreToPointInTimeWorkflowImpl::describe);
    RecoveryReached reached =
        steps.run(
            RECOVER,
            () ->
                onHost(
                        host,
                        RestoreToPointInTimePlan.RECOVERY_ATTEMPT,
                        "Recover " + plan.instance())
                    .recover(
                        RecoverySpec.builder()
                            .instance(plan.instance())
                            .target(plan.target())
                            .build()),
            RestoreToPointInTimeWorkflowImpl::describe);
    return RestoreToPointInTimeResult.builder()
        .instance(plan.instance())
        .target(plan.target().describe())
        .choice(choice)
        .restored(restored)
        .reached(reached)
        .elapsed(Duration.between(startedAt, Instant.ofEpochMilli(Workflow.currentTimeMillis())))
        .build();
  }

  private static PointInTimeActivities onHost(WorkHost host, Duration attempt, String summary) {
    return Workflow.newActivityStub(
        PointInTimeActivities.class,
        ActivityTimeouts.hostWork(
            host.taskQueue(), attempt, RestoreToPointInTimePlan.PICKUP, summary));
  }

  @Override
  public List<StepRecord> progress() {
    return steps == null ? List.of() : steps.steps();
  }

  private static String describe(RecoveryChoice c) {
    return c.backupPrefix()
        + " (ended "
        + c.manifest().stopTime()
        + ", WAL from "
        + c.manifest().startWalFile()
        + "); the archive reaches from "
        + c.earliestReachable()
        + " to "
        + c.newestWalArchivedAt()
        + " ("
        + c.newestWalFile()
        + ")";
  }

  private static String describe(BaseBackupRestored r) {
    return r.dataDirectory()
        + ": "
        + r.tarBytes()
        + " bytes of tar (sha256 "
        + r.tarSha256()
        + "), "
        + r.walFilesSpooled()
        + " WAL files spooled up to "
        + r.newestSpooledWal()
        + "; pg_verifybackup: "
        + r.verifyBackup();
  }

  private static String describe(RecoveryReached r) {
    return r.stoppedAt()
        + "; last replayed commit "
        + r.lastReplayedCommit()
        + "; promoted onto timeline "
        + r.timeline()
        + ", listening on "
        + r.host()
        + ":"
        + r.port();
  }
}
