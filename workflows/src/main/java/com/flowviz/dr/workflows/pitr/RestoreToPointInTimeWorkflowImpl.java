package com.flowviz.dr.workflows.pitr;

import static com.flowviz.dr.workflows.pitr.RestoreToPointInTimeSteps.APPROVE_REPOINT;
import static com.flowviz.dr.workflows.pitr.RestoreToPointInTimeSteps.AWAIT_AVAILABLE;
import static com.flowviz.dr.workflows.pitr.RestoreToPointInTimeSteps.CHECK_RESTORABLE_WINDOW;
import static com.flowviz.dr.workflows.pitr.RestoreToPointInTimeSteps.CHOOSE_BASE_BACKUP;
import static com.flowviz.dr.workflows.pitr.RestoreToPointInTimeSteps.POINT_IN_TIME_RECOVERY;
import static com.flowviz.dr.workflows.pitr.RestoreToPointInTimeSteps.RECOVER;
import static com.flowviz.dr.workflows.pitr.RestoreToPointInTimeSteps.RESTORE_BASE_BACKUP;
import static com.flowviz.dr.workflows.pitr.RestoreToPointInTimeSteps.START_MANAGED_RESTORE;
import static com.flowviz.dr.workflows.pitr.RestoreToPointInTimeSteps.VERIFY;

import com.flowviz.dr.activities.managed.ManagedPointInTimeActivities;
import com.flowviz.dr.activities.managed.ManagedRestoreSpec;
import com.flowviz.dr.activities.managed.ManagedRestoreWindow;
import com.flowviz.dr.activities.managed.ManagedRestored;
import com.flowviz.dr.activities.physical.BaseBackupRestoreSpec;
import com.flowviz.dr.activities.physical.BaseBackupRestored;
import com.flowviz.dr.activities.physical.PointInTimeActivities;
import com.flowviz.dr.activities.physical.RecoveryChoice;
import com.flowviz.dr.activities.physical.RecoveryChoiceSpec;
import com.flowviz.dr.activities.physical.RecoveryReached;
import com.flowviz.dr.activities.physical.RecoverySpec;
import com.flowviz.dr.activities.postgres.PgServer;
import com.flowviz.dr.activities.verify.VerificationActivities;
import com.flowviz.dr.activities.verify.VerificationCheck;
import com.flowviz.dr.activities.verify.VerificationReport;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.common.ActivityTimeouts;
import com.flowviz.dr.workflows.common.ApplicationRepoint;
import com.flowviz.dr.workflows.common.ApprovalGates;
import com.flowviz.dr.workflows.common.AuditTrail;
import com.flowviz.dr.workflows.common.Decision;
import com.flowviz.dr.workflows.common.ProcedureEnvelope;
import com.flowviz.dr.workflows.common.RunSearchAttributes;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.common.StepTracker;
import com.flowviz.dr.workflows.common.WorkHost;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;
import java.util.stream.Collectors;

public class RestoreToPointInTimeWorkflowImpl implements RestoreToPointInTimeWorkflow {

  static final String RECOVERY_FAILED = "PointInTimeRecoveryFailed";

  /**
   * Workflow.getVersion change id: after promotion, runbook 5.1/5.2 on the recovered instance and,
   * when asked, the repoint behind its gate.
   */
  static final String VERIFY_AND_REPOINT = "pitr-verify-and-repoint";

  private final PointInTimeActivities archive =
      Workflow.newActivityStub(PointInTimeActivities.class, ActivityTimeouts.QUICK);
  private final ManagedPointInTimeActivities managed =
      Workflow.newActivityStub(ManagedPointInTimeActivities.class, ActivityTimeouts.QUICK);

  /** A restore of a large database takes the service hours; it heartbeats its status meanwhile. */
  private final ManagedPointInTimeActivities awaitingService =
      Workflow.newActivityStub(
          ManagedPointInTimeActivities.class,
          ActivityTimeouts.streaming(
              RestoreToPointInTimePlan.RESTORE_ATTEMPT, "Await the restored database"));

  private final VerificationActivities verification =
      Workflow.newActivityStub(VerificationActivities.class, ActivityTimeouts.VERIFY);

  private StepTracker steps;
  private final ApprovalGates gates = new ApprovalGates(Decision.REPOINT, Decision.SWAP);
  private boolean repointAsked;
  private boolean copyAsked;

  @Override
  public RestoreToPointInTimeResult restoreToPointInTime(RestoreToPointInTimeRequest request) {
    RestoreToPointInTimePlan plan = RestoreToPointInTimePlan.from(request);
    repointAsked = plan.repoint();
    copyAsked = plan.intoLive();
    Instant startedAt = Instant.ofEpochMilli(Workflow.currentTimeMillis());
    AuditTrail trail = new AuditTrail(plan.operator());
    RunSearchAttributes.tag("point-in-time recovery", plan.operator(), null);
    steps = new StepTracker(trail);
    try {
      return ProcedureEnvelope.run(
          RECOVERY_FAILED,
          () ->
              plan.managedSource() != null
                  ? recoverManaged(plan, startedAt)
                  : recover(plan, startedAt),
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
                            .sourceServer(plan.sourceServer())
                            .build()),
            RestoreToPointInTimeWorkflowImpl::describe);
    RestoreToPointInTimeResultBuilder result =
        RestoreToPointInTimeResult.builder()
            .instance(plan.instance())
            .target(plan.target().describe())
            .choice(choice)
            .restored(restored)
            .reached(reached);
    int version = Workflow.getVersion(VERIFY_AND_REPOINT, Workflow.DEFAULT_VERSION, 1);
    if (version == Workflow.DEFAULT_VERSION || reached.server() == null) {
      // A recovery a worker from before this change finished names no server to verify: checking
      // "no server" would check production instead.
      return result.elapsed(since(startedAt)).build();
    }
    return verifyAndRepoint(
        plan, result, reached.server(), onHostVerification(host), () -> host, startedAt);
  }

  /**
   * Runbook 5.1/5.2 on the recovered database; then, when asked, the repoint behind its gate and
   * 4.3's last three steps.
   */
  private RestoreToPointInTimeResult verifyAndRepoint(
      RestoreToPointInTimePlan plan,
      RestoreToPointInTimeResultBuilder result,
      PgServer server,
      VerificationActivities verification,
      Supplier<WorkHost> nearCopy,
      Instant startedAt) {
    VerificationReport verified =
        steps.runJudged(
            VERIFY,
            () -> verification.verifyRestoredDatabase(plan.database(), null, server),
            VerificationReport::passed,
            RestoreToPointInTimeWorkflowImpl::describe);
    result.verification(verified);
    if (!verified.passed()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "Runbook 5.1/5.2 on the recovered instance "
              + plan.instance()
              + " failed: "
              + verified.failedChecks().stream()
                  .map(c -> c.name() + " (expected " + c.expected() + ", found " + c.actual() + ")")
                  .collect(Collectors.joining("; "))
              + ". The application was not repointed; the instance is kept for inspection (tear it"
              + " down with teardown-instance).",
          FailureTypes.VERIFICATION_FAILED);
    }
    if (plan.intoLive()) {
      return new LiveCopy(steps, gates, plan)
          .copyIntoLive(result, server, nearCopy.get(), startedAt);
    }
    if (!plan.repoint()) {
      return result.outcome(RestoreToPointInTimeResult.RECOVERED).elapsed(since(startedAt)).build();
    }
    Decision decision =
        steps.run(
            APPROVE_REPOINT,
            () ->
                gates.await(
                    Decision.REPOINT,
                    plan.approvalTimeout(),
                    "instance "
                        + plan.instance()
                        + " at "
                        + server.describe()
                        + " holds "
                        + plan.database()
                        + " as of "
                        + plan.target().describe()
                        + " (verification passed). Approve pointing the application at it:"
                        + " `flowviz-dr approve "
                        + Workflow.getInfo().getWorkflowId()
                        + " --gate repoint --by NAME`, or reject to leave the application as it"
                        + " is."),
            ApprovalGates::describe);
    result.repointDecision(decision);
    if (decision == null || !decision.approve()) {
      return result.outcome(RestoreToPointInTimeResult.RECOVERED).elapsed(since(startedAt)).build();
    }
    ApplicationRepoint.Outcome repointed =
        new ApplicationRepoint().repoint(steps, server, plan.database());
    return result
        .outcome(repointed.outcome())
        .published(repointed.published())
        .restart(repointed.restart())
        .connectivity(repointed.connectivity())
        .elapsed(since(startedAt))
        .build();
  }

  /**
   * A managed database (RDS, Aurora): the service's own point-in-time restore into a new instance,
   * awaited until available; then the same verification and repoint. Nothing is downloaded.
   */
  private RestoreToPointInTimeResult recoverManaged(
      RestoreToPointInTimePlan plan, Instant startedAt) {
    ManagedRestoreSpec spec =
        ManagedRestoreSpec.builder()
            .source(plan.managedSource())
            .target(plan.instance())
            .recoveryTarget(plan.target())
            .sourceServer(plan.sourceServer())
            .build();
    ManagedRestoreWindow window =
        steps.run(
            CHECK_RESTORABLE_WINDOW,
            () -> managed.restorableWindow(plan.managedSource()),
            w ->
                w.engine()
                    + " "
                    + w.engineVersion()
                    + " "
                    + w.identifier()
                    + " restorable from "
                    + w.earliest()
                    + " to "
                    + w.latest());
    ManagedRestored started =
        steps.run(
            START_MANAGED_RESTORE,
            () -> managed.startRestore(spec),
            r ->
                (r.alreadyExisted() ? "found the restore this recovery started: " : "started: ")
                    + r.identifier()
                    + " as of "
                    + r.restoredTo()
                    + " ("
                    + r.status()
                    + ")");
    ManagedRestored available =
        steps.run(
            AWAIT_AVAILABLE,
            () -> awaitingService.awaitAvailable(spec),
            r -> r.identifier() + " available at " + r.host() + ":" + r.port());
    RestoreToPointInTimeResultBuilder result =
        RestoreToPointInTimeResult.builder()
            .instance(plan.instance())
            .target(plan.target().describe())
            .managed(available.toBuilder().restoredTo(started.restoredTo()).build())
            .managedWindow(window);
    // The restored database is on the network: any host can dump it for a copy into live.
    return verifyAndRepoint(
        plan,
        result,
        available.server(),
        verification,
        () -> WorkHost.claim(plan.instance(), RestoreToPointInTimePlan.PICKUP),
        startedAt);
  }

  private static Duration since(Instant startedAt) {
    return Duration.between(startedAt, Instant.ofEpochMilli(Workflow.currentTimeMillis()));
  }

  /** The instance listens on its host's loopback only: it is verified from that host. */
  private static VerificationActivities onHostVerification(WorkHost host) {
    return Workflow.newActivityStub(
        VerificationActivities.class,
        ActivityTimeouts.hostWork(
            host.taskQueue(),
            ActivityTimeouts.VERIFY.getStartToCloseTimeout(),
            RestoreToPointInTimePlan.PICKUP,
            "Verify the recovered instance"));
  }

  @Override
  public String decide(Decision decision) {
    if (Decision.SWAP.equals(decision.gate())) {
      Decision recorded = gates.offer(decision);
      return (recorded.approve() ? "Approved" : "Rejected")
          + " swap by "
          + recorded.by()
          + (gates.waitingAt(Decision.SWAP)
              ? (recorded.approve()
                  ? "; swapping the copy into the live database now."
                  : "; the live database stays as it is.")
              : "; it applies when the copy reaches the gate.");
    }
    return gates.answerRepoint(decision, "recovery");
  }

  @Override
  public void validateDecision(Decision decision) {
    gates.validate(decision);
    if (Decision.SWAP.equals(decision.gate()) && !copyAsked) {
      throw new IllegalArgumentException(
          "This recovery was not asked to copy into the live database (intoLive=true): there is"
              + " no swap gate to decide.");
    }
    if (Decision.REPOINT.equals(decision.gate()) && !repointAsked) {
      throw new IllegalArgumentException(
          "This recovery was not asked to repoint the application (repoint=true): there is no"
              + " gate to decide.");
    }
  }

  @Override
  public void decision(Decision decision) {
    gates.offer(decision);
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
        + ")"
        + (c.timelineHistory() == null ? "" : "; " + c.timelineHistory());
  }

  private static String describe(BaseBackupRestored r) {
    return r.dataDirectory()
        + ": "
        + r.tarBytes()
        + " bytes of tar ("
        + (r.tarSha256() != null
            ? "sha256 " + r.tarSha256()
            : r.filesChecked() + " files checked against the signed backup_manifest")
        + "), "
        + r.walFilesSpooled()
        + " WAL files spooled up to "
        + r.newestSpooledWal()
        + "; pg_verifybackup: "
        + r.verifyBackup();
  }

  private static String describe(VerificationReport v) {
    return (v.passed() ? "passed" : "FAILED")
        + ": "
        + v.checks().size()
        + " checks on "
        + v.database()
        + (v.passed()
            ? ""
            : "; failed: "
                + v.failedChecks().stream()
                    .map(VerificationCheck::name)
                    .collect(Collectors.joining(", ")));
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
