package com.flowviz.dr.workflows.restore;

import static com.flowviz.dr.workflows.restore.RestoreSteps.*;

import com.flowviz.dr.activities.app.ApplicationActivities;
import com.flowviz.dr.activities.app.ApplicationProfile;
import com.flowviz.dr.activities.app.RestartOutcome;
import com.flowviz.dr.activities.crypto.DecryptedBackup;
import com.flowviz.dr.activities.crypto.TransferredBackup;
import com.flowviz.dr.activities.postgres.PgRestoreOutcome;
import com.flowviz.dr.activities.postgres.PostgresActivities;
import com.flowviz.dr.activities.postgres.SwapOutcome;
import com.flowviz.dr.activities.postgres.SwapRequest;
import com.flowviz.dr.activities.storage.BackupManifest;
import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.activities.storage.BackupStorageActivities;
import com.flowviz.dr.activities.storage.DownloadedBackup;
import com.flowviz.dr.activities.verify.ConnectivityReport;
import com.flowviz.dr.activities.verify.VerificationActivities;
import com.flowviz.dr.activities.verify.VerificationReport;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.common.ActivityTimeouts;
import com.flowviz.dr.workflows.common.AuditTrail;
import com.flowviz.dr.workflows.common.Decision;
import com.flowviz.dr.workflows.common.Detached;
import com.flowviz.dr.workflows.common.Failures;
import com.flowviz.dr.workflows.common.ProcedureEnvelope;
import com.flowviz.dr.workflows.common.RpoAssessment;
import com.flowviz.dr.workflows.common.RunSearchAttributes;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.common.StepTracker;
import com.flowviz.dr.workflows.common.WorkHost;
import com.flowviz.dr.workflows.lease.AbandonedDatabases;
import com.flowviz.dr.workflows.lease.DatabaseLease;
import io.temporal.failure.ApplicationFailure;
import io.temporal.failure.TemporalFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.CancellationScope;
import io.temporal.workflow.Promise;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Collectors;

public class RestoreFromBackupWorkflowImpl implements RestoreFromBackupWorkflow {

  /** How many hosts a restore tries before giving up, when a host vanishes with its work files. */
  private static final int MAX_WORK_HOSTS = 3;

  /** The failure type of a restore whose root cause carries none. */
  private static final String RESTORE_FAILED = "RestoreFailed";

  private final BackupStorageActivities storage =
      Workflow.newActivityStub(BackupStorageActivities.class, ActivityTimeouts.QUICK);
  private final PostgresActivities postgres =
      Workflow.newActivityStub(PostgresActivities.class, ActivityTimeouts.DATABASE);
  private final VerificationActivities verification =
      Workflow.newActivityStub(VerificationActivities.class, ActivityTimeouts.VERIFY);
  private final ApplicationActivities application =
      Workflow.newActivityStub(ApplicationActivities.class, ActivityTimeouts.APPLICATION);
  private final RowLossGate rowLoss = new RowLossGate(verification);

  private RestorePlan plan;
  private CancellationScope workflowScope;
  private StepTracker steps;
  private BackupObject backup;

  /** The host whose work files the restore discards at its end, once claimed. */
  private WorkHost host;

  /** Set at the point of no return: from then on a failure leaves the staging database alone. */
  private boolean swapped;

  @Override
  public RestoreResult restore(RestoreRequest request) {
    Instant startedAt = now();
    workflowScope = CancellationScope.current();
    plan = RestorePlan.from(request, Workflow.getInfo().getWorkflowId(), startedAt);
    AuditTrail trail = new AuditTrail(plan.operator());
    RunSearchAttributes.tag("4.1", plan.operator(), plan.targetDatabase());
    steps = new StepTracker(trail);
    trail.record(REQUESTED, StepRecord.RUNNING, describeRequest());
    DatabaseLease lease = null;
    try {
      if (Workflow.getVersion(DatabaseLease.CHANGE_ID, Workflow.DEFAULT_VERSION, 1)
              != Workflow.DEFAULT_VERSION
          && !plan.stageOnly()) {
        // A staging-only restore leaves the live database to its caller, which holds the lease.
        lease = takeLease(trail);
        AbandonedDatabases.reopen(trail, plan.targetDatabase(), plan.server());
      }
      return restoreWith(trail, startedAt);
    } finally {
      if (lease != null) {
        lease.release();
      }
      trail.awaitAll();
    }
  }

  /**
   * One procedure at a time changes the target database; refused at once, or after the wait asked
   * for.
   */
  private DatabaseLease takeLease(AuditTrail trail) {
    try {
      DatabaseLease lease =
          DatabaseLease.acquire(
              plan.server(), plan.targetDatabase(), "restore from backup (4.1)", plan.leaseWait());
      trail.record(DATABASE_LEASE, StepRecord.SUCCEEDED, lease.describe());
      return lease;
    } catch (RuntimeException e) {
      trail.record(RESTORE, StepRecord.FAILED, Failures.rootMessage(e));
      throw e;
    }
  }

  @Override
  public RestoreProgress progress() {
    return new RestoreProgress(
        steps == null ? null : steps.current(),
        backup == null ? null : backup.key(),
        plan == null ? null : plan.targetDatabase(),
        plan == null ? null : plan.stagingDatabase(),
        steps == null ? List.of() : steps.steps(),
        backup == null ? null : backup.sizeBytes(),
        rowLoss.awaiting());
  }

  @Override
  public String decide(Decision decision) {
    return rowLoss.decide(decision);
  }

  @Override
  public void validateDecision(Decision decision) {
    rowLoss.validate(decision);
  }

  @Override
  public void decision(Decision decision) {
    rowLoss.offer(decision);
  }

  /**
   * Runs the restore; on failure the staging database goes (unless the swap happened or asked
   * otherwise) before the failure is recorded, and the work host's files go last in any case.
   */
  private RestoreResult restoreWith(AuditTrail trail, Instant startedAt) {
    try {
      return ProcedureEnvelope.run(
          RESTORE_FAILED,
          () -> restoreVerifiedBackup(trail, startedAt),
          failure -> {
            if (!swapped && backup != null) {
              discardStaging(failure.cancelled());
            }
            trail.record(RESTORE, failure.stepStatus(), failure.message());
          });
    } finally {
      if (host != null) {
        host.discardWorkFiles();
      }
    }
  }

  private RestoreResult restoreVerifiedBackup(AuditTrail trail, Instant startedAt) {
    backup =
        steps.run(
            RESOLVE_BACKUP,
            () -> storage.resolveBackup(plan.selector()),
            b ->
                b.uri()
                    + " taken "
                    + b.takenAt()
                    + " ("
                    + b.sizeBytes()
                    + " bytes, "
                    + b.storageClass()
                    + ")");
    trail.backupKey(backup.key());
    RunSearchAttributes.backupKey(backup.key());
    BackupManifest manifest = storage.readManifest(backup);
    if (Workflow.getVersion(BackupAuthenticity.CHANGE_ID, Workflow.DEFAULT_VERSION, 1)
        != Workflow.DEFAULT_VERSION) {
      authenticity = new BackupAuthenticity(plan, steps, trail, backup);
      manifest = authenticity.verifiedManifest(manifest);
    }
    requireProvableIntegrity(manifest);
    VerificationReport report = restoreIntoStagingOnAWorkHost(trail, manifest);
    requirePassed(report);

    if (plan.stageOnly()) {
      return staged(trail, startedAt, report);
    }
    rowLoss.holdSwapIfRowsWouldBeLost(steps, plan.targetDatabase());
    // The point of no return: from here on the steps run to their end even if a cancellation
    // arrives, so the live database is never left half swapped.
    SwapOutcome swap = Detached.call(this::swapIntoLive);
    swapped = true;
    return Detached.call(() -> finishAfterSwap(trail, startedAt, report, swap));
  }

  /**
   * The verified data stays in the staging database: the caller compares it with the live database
   * and decides what to do with it.
   */
  private RestoreResult staged(AuditTrail trail, Instant startedAt, VerificationReport report) {
    Duration elapsed = Duration.between(startedAt, now());
    trail.record(
        RESTORE,
        StepRecord.SUCCEEDED,
        "verified backup staged in " + plan.stagingDatabase() + "; live database untouched");
    return RestoreResult.builder()
        .outcome(RestoreResult.STAGED)
        .backup(backup)
        .targetDatabase(plan.targetDatabase())
        .verification(report)
        .rpo(RpoAssessment.of(plan.incidentAt(), backup.takenAt()))
        .steps(steps.steps())
        .elapsed(elapsed)
        .stagingDatabase(plan.stagingDatabase())
        .dumpBytes(dumpBytes)
        .build();
  }

  private SwapOutcome swapIntoLive() {
    return steps.run(
        SWAP,
        () ->
            postgres.swapIntoLive(
                new SwapRequest(
                    plan.stagingDatabase(),
                    plan.targetDatabase(),
                    plan.replacedDatabase(),
                    "flowviz-dr restore "
                        + Workflow.getInfo().getWorkflowId()
                        + " of "
                        + backup.key()),
                plan.server()),
        s ->
            s.retiredDatabase() == null
                ? "no live database existed; restored data is now " + s.liveDatabase()
                : "live database kept as "
                    + s.retiredDatabase()
                    + "; "
                    + s.terminatedSessions()
                    + " sessions ended");
  }

  /** Strict integrity (a breach): only a backup whose manifest gives its SHA-256 is used. */
  private void requireProvableIntegrity(BackupManifest manifest) {
    if (plan.strictIntegrity() && (manifest == null || manifest.sha256() == null)) {
      throw ApplicationFailure.newNonRetryableFailure(
          "The backup "
              + backup.uri()
              + " has no manifest with a SHA-256 beside it, and this restore accepts only backups"
              + " whose integrity can be proven. Choose a backup that has its "
              + BackupManifest.SUFFIX
              + " (every backup"
              + " flowviz-dr takes has one). Nothing was changed.",
          FailureTypes.BACKUP_INTEGRITY_FAILED);
    }
  }

  /**
   * Download, decrypt, pg_restore and verify on a work host; a host that never picks up its work is
   * taken as lost and another is claimed, up to {@link #MAX_WORK_HOSTS}.
   */
  private VerificationReport restoreIntoStagingOnAWorkHost(
      AuditTrail trail, BackupManifest manifest) {
    VerificationReport report = null;
    for (int hostAttempt = 1; report == null; hostAttempt++) {
      host = WorkHost.claim(backup.key(), plan.workHostPickupTimeout());
      try {
        report = restoreIntoStagingOn(host, manifest);
      } catch (TemporalFailure e) {
        if (!WorkHost.isLost(e) || hostAttempt == MAX_WORK_HOSTS) {
          throw e;
        }
        trail.record(
            WORK_HOST_LOST,
            StepRecord.FAILED,
            host.taskQueue() + " did not pick up work; claiming another host");
      }
    }
    return report;
  }

  /** A restore whose verification failed stops here: the live database is not touched. */
  private void requirePassed(VerificationReport report) {
    if (!report.passed()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "Verification of the restored data failed, so the live database \""
              + plan.targetDatabase()
              + "\" was not touched: "
              + report.failedChecks().stream()
                  .map(c -> c.name() + " (expected " + c.expected() + ", found " + c.actual() + ")")
                  .collect(Collectors.joining("; "))
              + ". Check the backup with `flowviz-dr list` and restore an earlier one.",
          FailureTypes.VERIFICATION_FAILED,
          report);
    }
  }

  /** Workflow.getVersion change id: one activity downloads and decrypts, overlapped. */
  static final String DOWNLOAD_AND_DECRYPT_OVERLAPPED = "download-and-decrypt-overlapped";

  /** The size of the archive pg_restore read, for the result (a drill's throughput). */
  private Long dumpBytes;

  private VerificationReport restoreIntoStagingOn(WorkHost host, BackupManifest manifest) {
    DecryptedBackup decrypted;
    if (Workflow.getVersion(DOWNLOAD_AND_DECRYPT_OVERLAPPED, Workflow.DEFAULT_VERSION, 1)
            == Workflow.DEFAULT_VERSION
        || plan.strictIntegrity()) {
      // Strict integrity (a breach): no byte of the object is processed before its signature is
      // proven.
      decrypted = downloadThenDecrypt(host, manifest);
      prepareStaging();
    } else {
      // The staging database is made while the backup arrives. Detached: a cancellation must not
      // leave it being created while the cleanup drops it.
      Promise<Void> staging = Detached.call(() -> Async.procedure(this::prepareStaging));
      try {
        decrypted = downloadAndDecrypt(host, manifest);
      } catch (RuntimeException e) {
        Detached.run(() -> Workflow.await(staging::isCompleted));
        throw e;
      }
      staging.get();
    }
    dumpBytes = decrypted.bytes();
    steps.run(
        PG_RESTORE,
        () ->
            host.pgRestore(plan.stagingDatabase())
                .restoreIntoStaging(decrypted.path(), plan.stagingDatabase(), plan.server()),
        (PgRestoreOutcome r) ->
            "pg_restore -j "
                + r.jobs()
                + " in "
                + r.millis()
                + " ms"
                + (r.targetSpace() == null ? "" : "; " + r.targetSpace())
                + (r.fidelity() == null
                    ? ""
                    : r.fidelity().isEmpty()
                        ? "; owners, grants and database settings as in the archive"
                        : "; " + String.join("; ", r.fidelity())));
    return steps.run(
        VERIFY,
        () ->
            rowLoss.judge(
                verification.verifyRestoredDatabase(
                    plan.stagingDatabase(), manifest, plan.server()),
                plan,
                backup,
                manifest),
        r ->
            (r.passed() ? "passed" : "FAILED")
                + ", "
                + r.checks().size()
                + " checks"
                + (r.comparedWithManifest() ? " against the manifest" : "")
                + (r.findings().isEmpty() ? "" : "; findings: " + String.join(" ", r.findings())));
  }

  /** Version 0: the whole object on disk first, then decryption. */
  private DecryptedBackup downloadThenDecrypt(WorkHost host, BackupManifest manifest) {
    DownloadedBackup downloaded =
        steps.run(
            DOWNLOAD,
            () -> host.download().downloadBackup(backup),
            d ->
                d.bytes()
                    + " bytes to "
                    + host.taskQueue()
                    + (d.resumedFromOffset() > 0 ? ", resumed at " + d.resumedFromOffset() : ""));
    checkAgainstManifest(downloaded, manifest);
    verifySignatureIfRequired(host, downloaded);
    return steps.run(
        DECRYPT,
        () -> host.decrypt().decryptBackup(downloaded),
        d ->
            d.bytes()
                + " bytes, pg_dump archive "
                + d.archiveVersion()
                + " from PostgreSQL "
                + d.dumpedFromVersion());
  }

  /**
   * One activity downloads and decrypts as the bytes arrive: the two take as long as the slower of
   * them rather than their sum. Nothing reaches the database before the whole object is there,
   * matches its manifest and, when required, its signature.
   */
  private DecryptedBackup downloadAndDecrypt(WorkHost host, BackupManifest manifest) {
    TransferredBackup transferred =
        steps.run(
            DOWNLOAD_AND_DECRYPT,
            () -> host.decrypt().downloadAndDecryptBackup(backup),
            t ->
                t.downloaded().bytes()
                    + " bytes to "
                    + host.taskQueue()
                    + (t.downloaded().resumedFromOffset() > 0
                        ? " (resumed at " + t.downloaded().resumedFromOffset() + ")"
                        : "")
                    + ", decrypted as they arrived: "
                    + t.decrypted().bytes()
                    + " bytes, pg_dump archive "
                    + t.decrypted().archiveVersion()
                    + " from PostgreSQL "
                    + t.decrypted().dumpedFromVersion());
    checkAgainstManifest(transferred.downloaded(), manifest);
    verifySignatureIfRequired(host, transferred.downloaded());
    return transferred.decrypted();
  }

  private void prepareStaging() {
    steps.run(
        PREPARE_STAGING,
        () -> postgres.prepareStagingDatabase(plan.stagingDatabase(), plan.server()),
        "created " + plan.stagingDatabase());
  }

  private void checkAgainstManifest(DownloadedBackup downloaded, BackupManifest manifest) {
    if (manifest != null
        && manifest.sha256() != null
        && !manifest.sha256().equalsIgnoreCase(downloaded.sha256())) {
      throw ApplicationFailure.newNonRetryableFailure(
          "The object "
              + backup.uri()
              + " does not match its manifest: SHA-256 "
              + downloaded.sha256()
              + ", manifest says "
              + manifest.sha256()
              + ". It was altered or replaced after the backup; do not use it, restore an earlier"
              + " backup.",
          FailureTypes.BACKUP_INTEGRITY_FAILED);
    }
  }

  /** Set when this run proves its backup authentic (issue 15); null in histories from before. */
  private BackupAuthenticity authenticity;

  private void verifySignatureIfRequired(WorkHost host, DownloadedBackup downloaded) {
    if (authenticity != null) {
      authenticity.verifyBackup(host, downloaded);
    } else if (plan.strictIntegrity()) {
      steps.run(
          VERIFY_SIGNATURE,
          () -> host.decrypt().verifyBackupSignature(downloaded, backup, true),
          c ->
              c.verified()
                  ? "signed by key " + c.signerKeyId() + " (" + c.signatureKey() + ")"
                  : "not signed; the manifest's SHA-256 matched");
    }
  }

  /** Workflow.getVersion change id: the application steps record only what happened (issue 14). */
  static final String APPLICATION_STEPS_AS_THEY_HAPPENED = "application-steps-as-they-happened";

  private RestoreResult finishAfterSwap(
      AuditTrail trail, Instant startedAt, VerificationReport report, SwapOutcome swap) {
    RestartOutcome restart;
    ConnectivityReport connectivity;
    boolean restartFailed = false;
    if (!plan.applicationSteps()) {
      // The calling procedure points the application at the new server first, then restarts it.
      restart = new RestartOutcome(false, "", 0, 0, "left to the calling procedure");
      connectivity = new ConnectivityReport(false, true, List.of());
    } else if (Workflow.getVersion(APPLICATION_STEPS_AS_THEY_HAPPENED, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      restart = application.restartApplication();
      if (restart.configured()) {
        steps.run(RESTART_APPLICATION, () -> restart, r -> r.command() + " exited " + r.exitCode());
      } else {
        steps.skip(RESTART_APPLICATION, "no restart command configured");
      }
      connectivity =
          steps.run(
              CONNECTIVITY_TEST,
              verification::checkApplicationConnectivity,
              c ->
                  !c.configured()
                      ? "no endpoints configured"
                      : (c.healthy() ? "all endpoints healthy" : "UNHEALTHY: " + c.endpoints()));
    } else {
      ApplicationProfile app = application.describeApplication();
      if (!app.serves(plan.targetDatabase())) {
        // A side copy (4.2's audit copy, a --target of its own): the production application does
        // not read it, so restarting or probing the application would prove nothing and disturb it.
        String why =
            plan.targetDatabase()
                + " is not the application's database ("
                + app.database()
                + "): the application was neither restarted nor probed";
        steps.skip(RESTART_APPLICATION, why);
        steps.skip(CONNECTIVITY_TEST, why);
        restart = new RestartOutcome(false, "", 0, 0, why);
        connectivity = new ConnectivityReport(false, true, List.of());
      } else {
        restart = restartApplication();
        restartFailed = restart.configured() && restart.exitCode() != 0;
        connectivity = testConnectivity();
      }
    }
    // A failed restart is not rolled back: the verified data stays live, the application needs a
    // person.
    String outcome =
        restartFailed || (connectivity.configured() && !connectivity.healthy())
            ? RestoreResult.RESTORED_APPLICATION_UNHEALTHY
            : RestoreResult.RESTORED;
    RpoAssessment rpo = RpoAssessment.of(plan.incidentAt(), backup.takenAt());
    Duration elapsed = Duration.between(startedAt, now());
    trail.record(
        RESTORE,
        StepRecord.SUCCEEDED,
        outcome
            + "; RPO gap "
            + rpo.gap()
            + " ("
            + rpo.verdict()
            + "); elapsed "
            + elapsed
            + (workflowScope.isCancelRequested()
                ? "; a cancellation arrived after the swap and was not applied"
                : ""));
    return RestoreResult.builder()
        .outcome(outcome)
        .backup(backup)
        .targetDatabase(plan.targetDatabase())
        .replacedDatabase(swap.retiredDatabase())
        .verification(report)
        .rpo(rpo)
        .restart(restart)
        .connectivity(connectivity)
        .steps(steps.steps())
        .elapsed(elapsed)
        .dumpBytes(dumpBytes)
        .build();
  }

  /** Runbook 4.1 step 5; a command that exits non-zero (or cannot run) is a FAILED step. */
  private RestartOutcome restartApplication() {
    RestartOutcome restart = application.restartApplication();
    if (!restart.configured()) {
      steps.skip(
          RESTART_APPLICATION,
          "no restart command configured (flowviz.application.restart-command): restart the"
              + " application by hand");
      return restart;
    }
    return steps.runJudged(
        RESTART_APPLICATION,
        () -> restart,
        r -> r.exitCode() == 0,
        r ->
            r.command()
                + " exited "
                + r.exitCode()
                + (r.exitCode() == 0 || r.outputTail().isBlank() ? "" : ": " + r.outputTail()));
  }

  /** Runbook 5.3; with no endpoints configured nothing was tested, and the step says so. */
  private ConnectivityReport testConnectivity() {
    ConnectivityReport connectivity = verification.checkApplicationConnectivity();
    if (!connectivity.configured()) {
      steps.skip(
          CONNECTIVITY_TEST,
          "no endpoints configured (flowviz.application.base-url or health-endpoints):"
              + " the application's connectivity was NOT tested");
      return connectivity;
    }
    return steps.runJudged(
        CONNECTIVITY_TEST,
        () -> connectivity,
        ConnectivityReport::healthy,
        c ->
            c.healthy()
                ? "all " + c.endpoints().size() + " endpoints healthy"
                : "UNHEALTHY: " + c.endpoints());
  }

  private void discardStaging(boolean cancelled) {
    if (plan.keepStagingOnFailure() && !cancelled) {
      steps.skip(
          CLEANUP,
          "staging database " + plan.stagingDatabase() + " kept for inspection as requested");
      return;
    }
    Detached.run(
        () ->
            steps.run(
                CLEANUP,
                () -> postgres.dropStagingDatabase(plan.stagingDatabase(), plan.server()),
                dropped ->
                    dropped ? "dropped " + plan.stagingDatabase() : "no staging database to drop"));
  }

  private String describeRequest() {
    return "restore "
        + plan.selector().describe()
        + " into "
        + plan.targetDatabase()
        + " via "
        + plan.stagingDatabase()
        + (plan.reason().isEmpty() ? "" : "; reason: " + plan.reason());
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
