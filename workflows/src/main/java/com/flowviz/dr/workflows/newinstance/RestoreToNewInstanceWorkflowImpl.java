package com.flowviz.dr.workflows.newinstance;

import com.flowviz.dr.activities.app.ApplicationActivities;
import com.flowviz.dr.activities.app.PublishOutcome;
import com.flowviz.dr.activities.app.RestartOutcome;
import com.flowviz.dr.activities.crypto.ArchiveHeader;
import com.flowviz.dr.activities.crypto.BackupDecryptionActivities;
import com.flowviz.dr.activities.postgres.PostgresActivities;
import com.flowviz.dr.activities.postgres.ServerInfo;
import com.flowviz.dr.activities.provision.InstanceSpec;
import com.flowviz.dr.activities.provision.ProvisionActivities;
import com.flowviz.dr.activities.provision.ProvisionedInstance;
import com.flowviz.dr.activities.storage.BackupManifest;
import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.activities.storage.BackupSelector;
import com.flowviz.dr.activities.storage.BackupStorageActivities;
import com.flowviz.dr.activities.verify.ConnectivityReport;
import com.flowviz.dr.activities.verify.VerificationActivities;
import com.flowviz.dr.workflows.Defaults;
import com.flowviz.dr.workflows.DurationInput;
import com.flowviz.dr.workflows.InputValidation;
import com.flowviz.dr.workflows.InstantInput;
import com.flowviz.dr.workflows.RegionInput;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.common.ActivityTimeouts;
import com.flowviz.dr.workflows.common.ApprovalGates;
import com.flowviz.dr.workflows.common.AuditTrail;
import com.flowviz.dr.workflows.common.Decision;
import com.flowviz.dr.workflows.common.Detached;
import com.flowviz.dr.workflows.common.Failures;
import com.flowviz.dr.workflows.common.Names;
import com.flowviz.dr.workflows.common.RunSearchAttributes;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.common.StepTracker;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow;
import com.flowviz.dr.workflows.restore.RestoreRequest;
import com.flowviz.dr.workflows.restore.RestoreResult;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;

public class RestoreToNewInstanceWorkflowImpl implements RestoreToNewInstanceWorkflow {

  static final String RESOLVE_BACKUP = "resolve-backup";
  static final String READ_ARCHIVE_HEADER = "read-archive-header";
  static final String PROVISION = "provision-instance";
  static final String WAIT_READY = "wait-until-ready";
  static final String CHECK_VERSIONS = "check-versions";
  static final String CREATE_EXTENSIONS = "create-extensions";
  static final String RESTORE = "restore-with-runbook-4.1";
  static final String REPOINT = "repoint-application";
  static final String RESTART = "restart-application";
  static final String APPROVE_REPOINT = "approve-repoint";
  static final String CONNECTIVITY = "application-connectivity-test";
  static final String TEARDOWN = "teardown-instance";

  private final BackupStorageActivities storage =
      Workflow.newActivityStub(BackupStorageActivities.class, ActivityTimeouts.QUICK);
  private final BackupDecryptionActivities decryption =
      Workflow.newActivityStub(BackupDecryptionActivities.class, ActivityTimeouts.QUICK);
  private final PostgresActivities postgres =
      Workflow.newActivityStub(PostgresActivities.class, ActivityTimeouts.DATABASE);
  private final VerificationActivities verification =
      Workflow.newActivityStub(VerificationActivities.class, ActivityTimeouts.APPLICATION);
  private final ApplicationActivities application =
      Workflow.newActivityStub(ApplicationActivities.class, ActivityTimeouts.APPLICATION);
  private final ProvisionActivities provisioning =
      Workflow.newActivityStub(ProvisionActivities.class, ActivityTimeouts.PROVISIONING);

  private StepTracker steps;
  private BackupObject backup;
  private ProvisionedInstance instance;
  private String restoreWorkflowId;
  private final ApprovalGates gates = new ApprovalGates(Decision.REPOINT);
  private boolean repointGate;

  @Override
  public NewInstanceResult restore(NewInstanceRequest input) {
    Instant startedAt = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    NewInstanceRequest request = input == null ? NewInstanceRequest.builder().build() : input;
    // Input first: bad input changes nothing.
    String workflowId = Workflow.getInfo().getWorkflowId();
    String database =
        InputValidation.databaseName(
            "databaseName",
            request.databaseName() == null ? Defaults.DATABASE : request.databaseName());
    String instanceName =
        InputValidation.instanceName(
            "instanceName",
            request.instanceName() == null
                ? "flowviz-db-" + Names.shortHash(workflowId)
                : request.instanceName());
    RegionInput.forInstance("region", request.region());
    String bucket =
        request.bucket() == null
            ? Defaults.BUCKET
            : InputValidation.bucketName("bucket", request.bucket());
    String prefix =
        request.backupPrefix() == null
            ? Defaults.DAILY_PREFIX
            : InputValidation.prefix("backupPrefix", request.backupPrefix());
    String key =
        request.backupKey() == null || Defaults.LATEST.equalsIgnoreCase(request.backupKey().trim())
            ? null
            : InputValidation.backupKey("backupKey", request.backupKey());
    Instant before = InstantInput.parse("restorePointBefore", request.restorePointBefore());
    // "latest" is the newest backup of the database restored, never another's that shares the
    // prefix.
    String source =
        request.sourceDatabase() == null
            ? (key == null ? database : null)
            : InputValidation.databaseName("sourceDatabase", request.sourceDatabase());
    InstantInput.parse("incidentAt", request.incidentAt());
    Duration readiness =
        DurationInput.parse(
            "readinessTimeout",
            request.readinessTimeout(),
            Duration.ofMinutes(5),
            Duration.ofSeconds(10),
            Duration.ofHours(1));
    String operator = InputValidation.operator(request.operator());
    String reason = InputValidation.freeText("reason", request.reason(), 2000);
    // Checked here too, so bad input fails before an instance is made.
    String unsignedReason =
        com.flowviz.dr.workflows.restore.UnsignedBackups.reason(
            request.acceptUnsigned(), request.unsignedReason(), false);
    acceptUnsigned = Boolean.TRUE.equals(request.acceptUnsigned()) ? unsignedReason : null;
    boolean keepOnFailure = Boolean.TRUE.equals(request.keepOnFailure());
    repointGate = repointRequired(request.repointApproval());
    Duration approvalTimeout =
        DurationInput.parse(
            "approvalTimeout",
            request.approvalTimeout(),
            Duration.ofDays(1),
            Duration.ofMinutes(1),
            Duration.ofDays(30));
    InstanceSpec spec = new InstanceSpec(instanceName, request.region());

    AuditTrail trail = new AuditTrail(operator);
    RunSearchAttributes.tag("4.3", operator, database);
    steps = new StepTracker(trail);
    trail.record(
        "new-instance-restore-requested",
        StepRecord.RUNNING,
        "restore "
            + (key == null ? "newest backup under " + prefix : key)
            + " into new instance "
            + instanceName
            + " database "
            + database
            + (reason.isEmpty() ? "" : "; reason: " + reason));
    try {
      backup =
          steps.run(
              RESOLVE_BACKUP,
              () ->
                  storage.resolveBackup(
                      new BackupSelector(bucket, prefix, key, before, null, source)),
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
              () -> provisioning.provisionInstance(spec),
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
              () -> postgres.awaitServerReady(instance.server(), readiness),
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
              () -> restoreWithRunbook41(database, operator, reason, request.incidentAt()),
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
                        approvalTimeout,
                        "instance "
                            + instance.name()
                            + " at "
                            + instance.server().describe()
                            + " holds "
                            + backup.key()
                            + " (verification "
                            + (restored.verification().passed() ? "passed" : "FAILED")
                            + "). Approve pointing the application at it: `flowviz-dr approve "
                            + workflowId
                            + " --gate repoint --by NAME`, or reject to leave the application as it"
                            + " is."),
                ApprovalGates::describe);
        if (decision == null || !decision.approve()) {
          trail.record(
              "new-instance-restore",
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
      // Each activity runs whatever is configured (the same commands as before); a step records
      // SKIPPED when nothing was configured to do, FAILED when what ran failed.
      PublishOutcome published = application.publishDatabaseEndpoint(instance.server(), database);
      if (published.configured()) {
        steps.run(REPOINT, () -> published, p -> "wrote " + p.locations());
      } else {
        steps.skip(
            REPOINT,
            "FINDING: no endpoint publisher configured (flowviz.application.env-file or secret-id):"
                + " repoint the application at "
                + instance.server().describe()
                + " by hand");
      }
      RestartOutcome restart = application.restartApplication();
      boolean restartFailed = restart.configured() && restart.exitCode() != 0;
      if (restart.configured()) {
        steps.runJudged(
            RESTART,
            () -> restart,
            r -> r.exitCode() == 0,
            r ->
                r.command()
                    + " exited "
                    + r.exitCode()
                    + (r.exitCode() == 0 || r.outputTail().isBlank() ? "" : ": " + r.outputTail()));
      } else {
        steps.skip(
            RESTART,
            "no restart command configured (flowviz.application.restart-command): restart the"
                + " application by hand");
      }
      ConnectivityReport connectivity = verification.checkApplicationConnectivity();
      if (connectivity.configured()) {
        steps.runJudged(
            CONNECTIVITY,
            () -> connectivity,
            ConnectivityReport::healthy,
            c ->
                c.healthy()
                    ? "all " + c.endpoints().size() + " endpoints healthy"
                    : "UNHEALTHY: " + c.endpoints());
      } else {
        steps.skip(
            CONNECTIVITY,
            "no endpoints configured (flowviz.application.base-url or health-endpoints): the"
                + " application's connectivity was NOT tested");
      }
      // A failed restart is not rolled back: the application stays pointed at the verified
      // instance.
      String outcome =
          restartFailed || (connectivity.configured() && !connectivity.healthy())
              ? RestoreResult.RESTORED_APPLICATION_UNHEALTHY
              : RestoreResult.RESTORED;
      trail.record(
          "new-instance-restore",
          StepRecord.SUCCEEDED,
          outcome + " on " + instance.name() + " at " + instance.server().describe());
      return NewInstanceResult.builder()
          .outcome(outcome)
          .instance(instance)
          .server(server)
          .archive(archive)
          .restore(restored)
          .published(published)
          .restart(restart)
          .connectivity(connectivity)
          .steps(steps.steps())
          .elapsed(Duration.between(startedAt, Instant.ofEpochMilli(Workflow.currentTimeMillis())))
          .repointDecision(gates.decisionFor(Decision.REPOINT))
          .build();
    } catch (RuntimeException e) {
      boolean cancelled = StepTracker.isCancellation(e);
      if (keepOnFailure) {
        steps.skip(TEARDOWN, "instance " + instanceName + " kept for inspection as requested");
      } else {
        // Anything this run may have made goes, even if provisioning itself failed half way.
        Detached.run(
            () ->
                steps.run(
                    TEARDOWN,
                    () -> provisioning.teardownInstance(spec),
                    removed ->
                        removed ? "removed instance " + instanceName : "no instance to remove"));
      }
      trail.record(
          "new-instance-restore",
          cancelled ? StepRecord.CANCELLED : StepRecord.FAILED,
          Failures.rootMessage(e));
      if (cancelled || e instanceof ApplicationFailure) {
        throw e;
      }
      String type = Failures.rootType(e);
      throw ApplicationFailure.newNonRetryableFailureWithCause(
          Failures.rootMessage(e), type == null ? "NewInstanceRestoreFailed" : type, e);
    } finally {
      trail.awaitAll();
    }
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
        new RestoreRequest(
                backup.key(),
                null,
                null,
                backup.bucket(),
                database,
                operator,
                reason.isEmpty() ? "restore to new instance " + instance.name() : reason,
                incidentAt,
                null,
                null,
                instance.server(),
                false)
            .acceptingUnsigned(acceptUnsigned == null ? null : Boolean.TRUE, acceptUnsigned));
  }

  /** The reason an unsigned backup may be restored, when the request accepted one; else null. */
  private String acceptUnsigned;

  private static boolean repointRequired(String mode) {
    if (mode == null || mode.isBlank() || mode.trim().equalsIgnoreCase("automatic")) {
      return false;
    }
    if (mode.trim().equalsIgnoreCase("required")) {
      return true;
    }
    throw InputValidation.invalid(
        "repointApproval \""
            + InputValidation.printable(mode)
            + "\" is neither \"required\" nor \"automatic\".");
  }

  @Override
  public String decide(Decision decision) {
    Decision recorded = gates.offer(decision);
    return (recorded.approve() ? "Approved" : "Rejected")
        + " repoint by "
        + recorded.by()
        + (gates.waitingAt(Decision.REPOINT)
            ? "; "
                + (recorded.approve()
                    ? "repointing the application now."
                    : "the application stays where it is.")
            : "; it applies when the restore reaches the gate.");
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
        steps == null ? java.util.List.of() : steps.steps());
  }
}
