package com.flowviz.dr.workflows.incident;

import static com.flowviz.dr.workflows.incident.IncidentSteps.DROP_STAGING;
import static com.flowviz.dr.workflows.incident.IncidentSteps.RESTART_APPLICATION;
import static com.flowviz.dr.workflows.incident.IncidentSteps.SWAP;

import com.flowviz.dr.activities.app.RestartOutcome;
import com.flowviz.dr.activities.postgres.LiveFingerprint;
import com.flowviz.dr.activities.postgres.SwapOutcome;
import com.flowviz.dr.activities.postgres.SwapRequest;
import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.common.Detached;
import com.flowviz.dr.workflows.common.Names;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow;
import com.flowviz.dr.workflows.restore.RestoreRequest;
import com.flowviz.dr.workflows.restore.RestoreResult;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;

/** The steps the database scenarios share: the 4.1 restore, the swap, the staging, the restart. */
final class DatabaseRestores {

  /**
   * Workflow.getVersion change id: the live database is fingerprinted when compared, checked by the
   * swap.
   */
  static final String LIVE_FINGERPRINT = "live-fingerprint-before-approved-swap";

  private final IncidentContext ctx;
  private final IncidentPlan plan;

  DatabaseRestores(IncidentContext ctx) {
    this.ctx = ctx;
    this.plan = ctx.plan;
  }

  /** Runbook 4.1 as a child workflow: restored into the live database, or only staged. */
  RestoreResult restore(
      IdentifiedBackup identified,
      boolean stageOnly,
      boolean strictIntegrity,
      boolean applicationSteps) {
    ctx.procedureWorkflowId = plan.incidentId() + (stageOnly ? "-stage" : "-restore");
    RestoreFromBackupWorkflow child =
        Workflow.newChildWorkflowStub(
            RestoreFromBackupWorkflow.class,
            childOptions(
                ctx.procedureWorkflowId,
                IncidentText.restoreSummary(plan, stageOnly, identified.backup())));
    BackupObject b = identified.backup();
    return child.restore(
        RestoreRequest.builder()
            .backupKey(b.key())
            .bucket(b.bucket())
            .targetDatabase(plan.targetDatabase())
            .operator(plan.operator())
            .reason(plan.reason())
            .incidentAt(plan.damageStartedAt().toString())
            .applicationSteps(applicationSteps)
            .bucketRegion(b.region())
            .stageOnly(stageOnly)
            .strictIntegrity(strictIntegrity)
            .build());
  }

  String describe(RestoreResult r) {
    return IncidentText.describe(ctx.procedureWorkflowId, r);
  }

  /** A recovery by a restore: what the restore child reported, the rest named by the caller. */
  RecoveryBuilder recovery(String procedure, RestoreResult restored) {
    return Recovery.builder()
        .procedure(procedure)
        .procedureWorkflowId(ctx.procedureWorkflowId)
        .procedureOutcome(restored.outcome())
        .backup(restored.backup())
        .verification(restored.verification())
        .rpo(restored.rpo())
        .recoveredAt(IncidentContext.now())
        .liveDatabase(plan.targetDatabase());
  }

  /**
   * The live database as a person is about to judge it; an approved swap checks it is still that
   * (no other database put in its place, no rows written since). Null for runs from before.
   */
  LiveFingerprint fingerprintLive() {
    if (Workflow.getVersion(LIVE_FINGERPRINT, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      return null;
    }
    LiveFingerprint taken = ctx.stubs.postgres.fingerprintLiveDatabase(plan.targetDatabase(), null);
    if (taken != null) {
      ctx.trail.record(
          "fingerprint-live-database",
          StepRecord.SUCCEEDED,
          taken.describe() + "; the swap checks it is unchanged");
    }
    return taken;
  }

  /**
   * The live database is replaced by a verified restore, kept under a dated name; runs to its end
   * once begun.
   */
  SwapOutcome swapStagedIntoLive(String staging, String what, LiveFingerprint expectedLive) {
    return Detached.call(
        () ->
            ctx.steps.run(
                SWAP,
                () ->
                    ctx.stubs.postgres.swapIntoLive(
                        new SwapRequest(
                            staging,
                            plan.targetDatabase(),
                            Names.replacedDatabase(plan.targetDatabase(), IncidentContext.now()),
                            "flowviz-dr incident " + plan.incidentId() + " " + what,
                            expectedLive),
                        null),
                IncidentText::describeSwap));
  }

  void dropStaging(String staging) {
    Detached.run(
        () ->
            ctx.steps.run(
                DROP_STAGING,
                () -> ctx.stubs.postgres.dropStagingDatabase(staging, null),
                dropped -> dropped ? "dropped " + staging : "no staging database to drop"));
  }

  RestartOutcome restartApplication() {
    RestartOutcome restart = ctx.stubs.application.restartApplication();
    if (restart.configured()) {
      ctx.steps.run(
          RESTART_APPLICATION, () -> restart, r -> r.command() + " exited " + r.exitCode());
    } else {
      ctx.steps.skip(RESTART_APPLICATION, "no restart command configured");
    }
    return restart;
  }

  /** True when the application came back, or there is no restart command to judge by. */
  static boolean restarted(RestartOutcome restart) {
    return !restart.configured() || restart.exitCode() == 0;
  }

  static ChildWorkflowOptions childOptions(String workflowId, String summary) {
    return ChildWorkflowOptions.newBuilder()
        .setWorkflowId(workflowId)
        .setTaskQueue(TaskQueues.DR)
        .setStaticSummary(summary)
        .build();
  }
}
