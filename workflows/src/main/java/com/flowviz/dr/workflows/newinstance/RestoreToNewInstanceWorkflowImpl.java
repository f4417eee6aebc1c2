package com.flowviz.dr.workflows.newinstance;

import static com.flowviz.dr.workflows.newinstance.NewInstanceSteps.APPROVE_REPOINT;
import static com.flowviz.dr.workflows.newinstance.NewInstanceSteps.CHECK_VERSIONS;
import static com.flowviz.dr.workflows.newinstance.NewInstanceSteps.CREATE_EXTENSIONS;
import static com.flowviz.dr.workflows.newinstance.NewInstanceSteps.PROCEDURE;
import static com.flowviz.dr.workflows.newinstance.NewInstanceSteps.PROVISION;
import static com.flowviz.dr.workflows.newinstance.NewInstanceSteps.READ_ARCHIVE_HEADER;
import static com.flowviz.dr.workflows.newinstance.NewInstanceSteps.REQUESTED;
import static com.flowviz.dr.workflows.newinstance.NewInstanceSteps.RESOLVE_BACKUP;
import static com.flowviz.dr.workflows.newinstance.NewInstanceSteps.RESTORE;
import static com.flowviz.dr.workflows.newinstance.NewInstanceSteps.TEARDOWN;
import static com.flowviz.dr.workflows.newinstance.NewInstanceSteps.WAIT_READY;

import com.flowviz.dr.activities.crypto.ArchiveHeader;
import com.flowviz.dr.activities.crypto.BackupDecryptionActivities;
import com.flowviz.dr.activities.postgres.PostgresActivities;
import com.flowviz.dr.activities.postgres.ServerInfo;
import com.flowviz.dr.activities.provision.ProvisionActivities;
import com.flowviz.dr.activities.provision.ProvisionedInstance;
import com.flowviz.dr.activities.storage.BackupManifest;
import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.activities.storage.BackupSelector;
import com.flowviz.dr.activities.storage.BackupStorageActivities;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.common.ActivityTimeouts;
import com.flowviz.dr.workflows.common.ApplicationRepoint;
import com.flowviz.dr.workflows.common.ApprovalGates;
import com.flowviz.dr.workflows.common.AuditTrail;
import com.flowviz.dr.workflows.common.Decision;
import com.flowviz.dr.workflows.common.Detached;
import com.flowviz.dr.workflows.common.ProcedureEnvelope;
import com.flowviz.dr.workflows.common.RunSearchAttributes;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.common.StepTracker;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow;
import com.flowviz.dr.workflows.restore.RestoreRequest;
import com.flowviz.dr.workflows.restore.RestoreResult;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

public class RestoreToNewInstanceWorkflowImpl implements RestoreToNewInstanceWorkflow {

  private final BackupStorageActivities storage =
      Workflow.newActivityStub(BackupStorageActivities.class, ActivityTimeouts.QUICK);
  private final BackupDecryptionActivities decryption =
      Workflow.newActivityStub(BackupDecryptionActivities.class, ActivityTimeouts.QUICK);
  private final PostgresActivities postgres =
      Workflow.newActivityStub(PostgresActivities.class, ActivityTimeouts.DATABASE);
  private final ApplicationRepoint repointing = new ApplicationRepoint();
  private final ProvisionActivities provisioning =
      Workflow.newActivityStub(ProvisionActivities.class, ActivityTimeouts.PROVISIONING);

  private NewInstancePlan plan;
  private StepTracker steps;
  private BackupObject backup;
  private ProvisionedInstance instance;
  private String restoreWorkflowId;
  private final ApprovalGates gates = new ApprovalGates(Decision.REPOINT);
  private boolean repointGate;

  @Override
  public NewInstanceResult restore(NewInstanceRequest input) {
    Instant startedAt = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    // Input first: bad input changes nothing.
    plan = NewInstancePlan.from(input, Workflow.getInfo().getWorkflowId());
    acceptUnsigned = plan.acceptUnsigned();
    repointGate = plan.repointGate();
    AuditTrail trail = new AuditTrail(plan.operator());
    RunSearchAttributes.tag("4.3", plan.operator(), plan.database());
    steps = new StepTracker(trail);
    trail.record(
        REQUESTED,
        StepRecord.RUNNING,
        "restore "
            + (plan.key() == null ? "newest backup under " + plan.prefix() : plan.key())
            + " into new instance "
            + plan.instanceName()
            + " database "
            + plan.database()
            + (plan.reason().isEmpty() ? "" : "; reason: " + plan.reason()));
    try {
      return ProcedureEnvelope.run(
          "NewInstanceRestoreFailed",
          () -> restoreOnNewInstance(startedAt, trail),
          failure -> {
            if (plan.keepOnFailure()) {
              steps.skip(
                  TEARDOWN,
                  "instance " + plan.instanceName() + " kept for inspection as requested");
            } else {
              // Anything this run may have made goes, even if provisioning itself failed half way.
              Detached.run(
                  () ->
                      steps.run(
                          TEARDOWN,
                          () -> provisioning.teardownInstance(plan.spec()),
                          removed ->
                              removed
                                  ? "removed instance " + plan.instanceName()
                                  : "no instance to remove"));
            }
            trail.record(PROCEDURE, failure.stepStatus(), failure.message());
          });
    } finally {
      trail.awaitAll();
    }
  }

  /** Runbook 4.3 from the backup to the repointed application. */
  private NewInstanceResult restoreOnNewInstance(Instant startedAt, AuditTrail trail) {
    backup =
        steps.run(
            RESOLVE_BACKUP,
            () ->
                storage.resolveBackup(
                    new BackupSelector(
                        plan.bucket(),
                        plan.prefix(),
                        plan.key(),
                        plan.before(),
                        null,
                        plan.source())),
            b -> b.uri());
    trail.backupKey(backup.key());
    RunSearchAttributes.backupKey(backup.key());
    BackupManifest manifest = storage.readManifest(backup);
    // Before any instance exists or any gigabyte moves: which PostgreSQL wrote this backup?
    ArchiveHeader archive =
        steps.run(
            READ_ARCHIVE_HEADER,
            () -> decryption.readArchiveHeader(backup, manifest),
            a ->
                a == null
                    ? "not readable before retrieval; checked before pg_restore"
                    : "pg_dump "
                        + a.pgDumpVersion()
                        + " of PostgreSQL "
                        + a.serverVersion()
                        + " ("
                        + a.source()
                        + ")");
    instance =
        steps.run(
            PROVISION,
            () -> provisioning.provisionInstance(plan.spec()),
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
            () -> postgres.awaitServerReady(instance.server(), plan.readiness()),
            s -> "PostgreSQL " + s.version() + " ready after " + s.waitedMillis() + " ms");
    steps.run(
        CHECK_VERSIONS,
        () -> postgres.checkRestoreCompatibility(archive, instance.server()),
        archive == null
            ? "no header to check yet"
            : "backup from PostgreSQL "
                + archive.serverVersion()
                + " fits server "
                + server.version());
    steps.run(
        CREATE_EXTENSIONS,
        () -> postgres.createDatabaseWithExtensions("template1", instance.server()),
        "extensions created in template1, so every database on the instance has them");
    RestoreResult restored =
        steps.run(
            RESTORE,
            () ->
                restoreWithRunbook41(
                    plan.database(), plan.operator(), plan.reason(), plan.incidentAt()),
            r ->
                r.outcome()
                    + ", verification "
                    + (r.verification().passed() ? "passed" : "FAILED"));
    if (repointGate) {
      // A policy holds the one step that moves the application for a person; the instance and
      // its verified restore stay whatever the answer, for the operator to use or tear down.
      Decision decision =
          steps.run(
              APPROVE_REPOINT,
              () ->
                  gates.await(
                      Decision.REPOINT,
                      plan.approvalTimeout(),
                      "instance "
                          + instance.name()
                          + " at "
                          + instance.server().describe()
                          + " holds "
                          + backup.key()
                          + " (verification "
                          + (restored.verification().passed() ? "passed" : "FAILED")
                          + "). Approve pointing the application at it: `flowviz-dr approve "
                          + Workflow.getInfo().getWorkflowId()
                          + " --gate repoint --by NAME`, or reject to leave the application as it"
                          + " is."),
              ApprovalGates::describe);
      if (decision == null || !decision.approve()) {
        trail.record(
            PROCEDURE,
            NewInstanceResult.NOT_REPOINTED,
            "instance "
                + instance.name()
                + " holds the restore; application not repointed: "
                + ApprovalGates.describe(decision));
        return NewInstanceResult.builder()
            .outcome(NewInstanceResult.NOT_REPOINTED)
            .instance(instance)
            .server(server)
            .archive(archive)
            .restore(restored)
            .steps(steps.steps())
            .elapsed(
                Duration.between(startedAt, Instant.ofEpochMilli(Workflow.currentTimeMillis())))
            .repointDecision(decision)
            .build();
      }
    }
    // The same commands as before, now shared with the point-in-time recovery.
    ApplicationRepoint.Outcome repointed =
        repointing.repoint(steps, instance.server(), plan.database());
    String outcome = repointed.outcome();
    trail.record(
        PROCEDURE,
        StepRecord.SUCCEEDED,
        outcome + " on " + instance.name() + " at " + instance.server().describe());
    return NewInstanceResult.builder()
        .outcome(outcome)
        .instance(instance)
        .server(server)
        .archive(archive)
        .restore(restored)
        .published(repointed.published())
        .restart(repointed.restart())
        .connectivity(repointed.connectivity())
        .steps(steps.steps())
        .elapsed(Duration.between(startedAt, Instant.ofEpochMilli(Workflow.currentTimeMillis())))
        .repointDecision(gates.decisionFor(Decision.REPOINT))
        .build();
  }

  private RestoreResult restoreWithRunbook41(
      String database, String operator, String reason, String incidentAt) {
    restoreWorkflowId = Workflow.getInfo().getWorkflowId() + "-restore";
    RestoreFromBackupWorkflow child =
        Workflow.newChildWorkflowStub(
            RestoreFromBackupWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(restoreWorkflowId)
                .setTaskQueue(TaskQueues.DR)
                .setStaticSummary(
                    "Restore "
                        + backup.key()
                        + " into "
                        + database
                        + " on "
                        + instance.server().describe())
                .build());
    return child.restore(
        RestoreRequest.builder()
            .backupKey(backup.key())
            .bucket(backup.bucket())
            .targetDatabase(database)
            .operator(operator)
            .reason(reason.isEmpty() ? "restore to new instance " + instance.name() : reason)
            .incidentAt(incidentAt)
            .targetServer(instance.server())
            .applicationSteps(false)
            .acceptUnsigned(acceptUnsigned == null ? null : Boolean.TRUE)
            .unsignedReason(acceptUnsigned)
            .build());
  }

  /** The reason an unsigned backup may be restored, when the request accepted one; else null. */
  private String acceptUnsigned;

  @Override
  public String decide(Decision decision) {
    return gates.answerRepoint(decision, "restore");
  }

  @Override
  public void validateDecision(Decision decision) {
    gates.validate(decision);
    if (!repointGate) {
      throw new IllegalArgumentException(
          "This restore has no repoint gate: its request lets it repoint the application without"
              + " one.");
    }
  }

  @Override
  public void decision(Decision decision) {
    gates.offer(decision);
  }

  @Override
  public NewInstanceProgress progress() {
    return new NewInstanceProgress(
        steps == null ? null : steps.current(),
        backup == null ? null : backup.key(),
        instance,
        restoreWorkflowId,
        steps == null ? List.of() : steps.steps());
  }
}
