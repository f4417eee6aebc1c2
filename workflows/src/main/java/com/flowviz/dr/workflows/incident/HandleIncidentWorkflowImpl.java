package com.flowviz.dr.workflows.incident;

import static com.flowviz.dr.workflows.incident.IncidentSteps.*;

import com.flowviz.dr.activities.app.ApplicationActivities;
import com.flowviz.dr.activities.app.RestartOutcome;
import com.flowviz.dr.activities.audit.AuditActivities;
import com.flowviz.dr.activities.audit.AuditTrailCheck;
import com.flowviz.dr.activities.audit.ChainVerification;
import com.flowviz.dr.activities.crypto.ArchiveHeader;
import com.flowviz.dr.activities.crypto.BackupDecryptionActivities;
import com.flowviz.dr.activities.crypto.BackupValidity;
import com.flowviz.dr.activities.incident.CredentialCheck;
import com.flowviz.dr.activities.incident.IncidentActivities;
import com.flowviz.dr.activities.incident.IncidentReport;
import com.flowviz.dr.activities.incident.IsolatedLocation;
import com.flowviz.dr.activities.incident.ReportLocation;
import com.flowviz.dr.activities.incident.RotationOutcome;
import com.flowviz.dr.activities.notify.NotifyActivities;
import com.flowviz.dr.activities.postgres.DataGap;
import com.flowviz.dr.activities.postgres.LiveFingerprint;
import com.flowviz.dr.activities.postgres.PostgresActivities;
import com.flowviz.dr.activities.postgres.ServerInfo;
import com.flowviz.dr.activities.postgres.SwapOutcome;
import com.flowviz.dr.activities.postgres.SwapRequest;
import com.flowviz.dr.activities.postgres.TableGap;
import com.flowviz.dr.activities.postgres.UndeleteOutcome;
import com.flowviz.dr.activities.storage.BackupManifest;
import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.activities.storage.BackupSelector;
import com.flowviz.dr.activities.storage.BackupStorageActivities;
import com.flowviz.dr.activities.storage.BucketFreshness;
import com.flowviz.dr.activities.verify.ConnectivityReport;
import com.flowviz.dr.activities.verify.TraceabilityCheck;
import com.flowviz.dr.activities.verify.VerificationActivities;
import com.flowviz.dr.activities.verify.VerificationReport;
import com.flowviz.dr.workflows.Defaults;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.common.ActivityTimeouts;
import com.flowviz.dr.workflows.common.ApprovalGates;
import com.flowviz.dr.workflows.common.AuditTrail;
import com.flowviz.dr.workflows.common.Decision;
import com.flowviz.dr.workflows.common.Detached;
import com.flowviz.dr.workflows.common.Failures;
import com.flowviz.dr.workflows.common.Names;
import com.flowviz.dr.workflows.common.Notifier;
import com.flowviz.dr.workflows.common.RpoAssessment;
import com.flowviz.dr.workflows.common.RtoAssessment;
import com.flowviz.dr.workflows.common.RunSearchAttributes;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.common.StepTracker;
import com.flowviz.dr.workflows.failover.CrossRegionFailoverWorkflow;
import com.flowviz.dr.workflows.failover.DnsApproval;
import com.flowviz.dr.workflows.failover.FailoverRequest;
import com.flowviz.dr.workflows.failover.FailoverResult;
import com.flowviz.dr.workflows.lease.AbandonedDatabases;
import com.flowviz.dr.workflows.lease.DatabaseLease;
import com.flowviz.dr.workflows.newinstance.NewInstanceRequest;
import com.flowviz.dr.workflows.newinstance.NewInstanceResult;
import com.flowviz.dr.workflows.newinstance.RestoreToNewInstanceWorkflow;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow;
import com.flowviz.dr.workflows.restore.RestoreRequest;
import com.flowviz.dr.workflows.restore.RestoreResult;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

public class HandleIncidentWorkflowImpl implements HandleIncidentWorkflow {

  private static final Set<String> CHOICES =
      Set.of(RecoveryChoice.SURGICAL, RecoveryChoice.FULL_RESTORE, RecoveryChoice.ABANDON);

  private final BackupStorageActivities storage =
      Workflow.newActivityStub(BackupStorageActivities.class, ActivityTimeouts.QUICK);
  private final BackupDecryptionActivities decryption =
      Workflow.newActivityStub(BackupDecryptionActivities.class, ActivityTimeouts.QUICK);

  /** Reads a whole backup from the store: as long as a download, heartbeating. */
  private final BackupDecryptionActivities wholeReads =
      Workflow.newActivityStub(BackupDecryptionActivities.class, ActivityTimeouts.VERIFY);

  private final PostgresActivities postgres =
      Workflow.newActivityStub(PostgresActivities.class, ActivityTimeouts.DATABASE);
  private final PostgresActivities comparison =
      Workflow.newActivityStub(PostgresActivities.class, ActivityTimeouts.VERIFY);
  private final VerificationActivities verification =
      Workflow.newActivityStub(VerificationActivities.class, ActivityTimeouts.VERIFY);
  private final VerificationActivities probes =
      Workflow.newActivityStub(VerificationActivities.class, ActivityTimeouts.APPLICATION);
  private final ApplicationActivities application =
      Workflow.newActivityStub(ApplicationActivities.class, ActivityTimeouts.APPLICATION);
  private final IncidentActivities incident =
      Workflow.newActivityStub(IncidentActivities.class, ActivityTimeouts.QUICK);
  private final IncidentActivities rotation =
      Workflow.newActivityStub(IncidentActivities.class, ActivityTimeouts.DATABASE);
  private final AuditActivities auditReader =
      Workflow.newActivityStub(AuditActivities.class, ActivityTimeouts.VERIFY);
  private final NotifyActivities channels =
      Workflow.newActivityStub(NotifyActivities.class, ActivityTimeouts.QUICK);

  /** Workflow.getVersion change id: 2.4 refuses to start without trusted signer keys (issue 15). */
  static final String BREACH_NEEDS_TRUSTED_SIGNERS = "breach-needs-trusted-signers";

  /**
   * Workflow.getVersion change id: notification and 6.1 steps record only what happened (issue 14).
   */
  static final String STEPS_AS_THEY_HAPPENED = "incident-steps-as-they-happened";

  private IncidentPlan plan;
  private AuditTrail trail;
  private StepTracker steps;
  private Notifier notifier;
  private BackupObject backup;
  private String procedureWorkflowId;
  private DataGap dataGap;
  private String awaiting;
  private boolean awaitingChoice;
  private RecoveryChoice choice;
  private String followUpWorkflowId;
  private final ApprovalGates gates = new ApprovalGates(Decision.SWAP);

  /** The configured notification channels; null in runs that predate STEPS_AS_THEY_HAPPENED. */
  private List<String> notificationChannels;

  /** The backup the checklist found, and what was learned about it. */
  private record IdentifiedBackup(
      BackupObject backup, BackupManifest manifest, ArchiveHeader header) {}

  @Override
  public IncidentResult handle(IncidentRequest request) {
    // Input first: bad input fails here, having told no one and changed nothing.
    plan = IncidentPlan.from(request, Workflow.getInfo().getWorkflowId(), now());
    if (plan.scenario() == Scenario.SECURITY_BREACH
        && Workflow.getVersion(BREACH_NEEDS_TRUSTED_SIGNERS, Workflow.DEFAULT_VERSION, 1)
            != Workflow.DEFAULT_VERSION
        && !decryption.trustedSignersConfigured()) {
      // After a breach only a backup proven authentic may be restored; without signer keys nothing
      // can be proven.
      throw ApplicationFailure.newNonRetryableFailure(
          "Scenario 2.4 restores only a backup proven authentic by a trusted signature, and this"
              + " worker has no trusted signer keys. Configure them"
              + " (flowviz.gpg.trusted-signers-file, flowviz.gpg.trusted-signers-secret-id or"
              + " flowviz.gpg.signer-public-key-file; see docs/key-rotation.md) and declare the"
              + " incident again. Nothing was done.",
          FailureTypes.CONFIGURATION);
    }
    trail = new AuditTrail(plan.operator());
    RunSearchAttributes.tag(plan.scenario().section(), plan.operator(), plan.targetDatabase());
    steps = new StepTracker(trail);
    notifier = new Notifier(trail, plan.incidentId());
    if (plan.trigger() != null) {
      trail.record(
          "declared-by-trigger",
          StepRecord.SUCCEEDED,
          plan.trigger().describe()
              + "; link "
              + plan.trigger().link()
              + "; approvals "
              + approvalsText());
    }
    DatabaseLease lease = null;
    try {
      lease = takeLease();
      IdentifiedBackup identified = runPreRecoveryChecklist();
      Recovery recovery =
          switch (plan.scenario()) {
            case DATABASE_CORRUPTION -> restoreBeforeCorruption(identified);
            case INSTANCE_FAILURE -> restoreToNewInstance(identified);
            case ACCIDENTAL_DELETION -> recoverDeletedRows(identified);
            case SECURITY_BREACH -> recoverFromBreach(identified);
            case REGIONAL_OUTAGE -> failOverToDrRegion();
          };
      return Detached.call(() -> finishAfterRecovery(recovery));
    } catch (RuntimeException e) {
      boolean cancelled = StepTracker.isCancellation(e);
      Detached.run(() -> recordFailure(e, cancelled));
      if (cancelled || e instanceof ApplicationFailure) {
        throw e;
      }
      String type = Failures.rootType(e);
      throw ApplicationFailure.newNonRetryableFailureWithCause(
          Failures.rootMessage(e), type == null ? "IncidentRecoveryFailed" : type, e);
    } finally {
      awaiting = null;
      if (lease != null) {
        lease.release();
      }
      // Deliveries still retrying get an hour more; what is left then is in the audit trail.
      notifier.awaitDeliveries(Duration.ofHours(1));
      trail.awaitAll();
    }
  }

  /**
   * One procedure at a time changes the database: the incident holds it for its whole course, and
   * its own restores share the lease. A database a dead swap left closed is opened again first (not
   * in 2.2 and 2.5, whose server is the one lost).
   */
  private DatabaseLease takeLease() {
    if (Workflow.getVersion(DatabaseLease.CHANGE_ID, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      return null;
    }
    DatabaseLease lease =
        DatabaseLease.acquire(
            null, plan.targetDatabase(), "incident " + plan.scenario().section(), plan.leaseWait());
    trail.record("database-lease", StepRecord.SUCCEEDED, lease.describe());
    if (plan.scenario() != Scenario.INSTANCE_FAILURE
        && plan.scenario() != Scenario.REGIONAL_OUTAGE) {
      AbandonedDatabases.reopen(trail, plan.targetDatabase(), null);
    }
    return lease;
  }

  // ---- Runbook section 3: the pre-recovery checklist ----

  private IdentifiedBackup runPreRecoveryChecklist() {
    steps.run(ASSESS, () -> scope(), s -> s);
    notifier.send(
        "declared",
        "critical",
        "trigger",
        "Incident "
            + plan.incidentId()
            + ": "
            + plan.scenario().describe()
            + " detected "
            + plan.detectedAt(),
        scopeDetails());
    if (Workflow.getVersion(STEPS_AS_THEY_HAPPENED, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      steps.run(
          NOTIFY,
          () ->
              "stakeholders notified on every configured channel (delivery continues in the"
                  + " background)",
          s -> s);
    } else {
      notificationChannels = channels.configuredChannels();
      if (notificationChannels.isEmpty()) {
        steps.skip(
            NOTIFY,
            "FINDING: no notification channel is configured (flowviz.notify): nobody was told;"
                + " alert the on-call engineer, team leads and management by hand");
      } else {
        steps.run(
            NOTIFY,
            () ->
                "sent to "
                    + String.join(", ", notificationChannels)
                    + " (delivery goes on in the background; each delivery and failure is in the"
                    + " audit trail)",
            s -> s);
      }
    }
    steps.run(
        INCIDENT_LOG,
        () ->
            "incident log "
                + plan.incidentId()
                + " opened; every step of the incident and its procedure is"
                + " appended to the hash-chained audit trail with its UTC time",
        s -> s);
    IdentifiedBackup identified = steps.run(IDENTIFY_BACKUP, this::identifyBackup, this::describe);
    prepareTargetEnvironment(identified);
    steps.run(
        CHECK_CREDENTIALS, () -> requireCredentials(incident.checkCredentials()), this::describe);
    return identified;
  }

  private String approvalsText() {
    Approvals a = plan.approvals();
    return "swap "
        + a.swap()
        + ", repoint "
        + a.repoint()
        + ", DNS switch "
        + a.dnsSwitch()
        + (a.policy().isEmpty() ? "" : " (policy " + a.policy() + ")");
  }

  private String scope() {
    return plan.scenario().describe()
        + "; detected "
        + plan.detectedAt()
        + (plan.damageStartedAt().equals(plan.detectedAt())
            ? ""
            : "; damage began " + plan.damageStartedAt())
        + "; database "
        + plan.targetDatabase()
        + "; procedure: "
        + plan.scenario().procedure()
        + (plan.notes().isEmpty() ? "" : "; notes: " + plan.notes());
  }

  private Map<String, String> scopeDetails() {
    Map<String, String> details = new LinkedHashMap<>();
    details.put("scenario", plan.scenario().describe());
    details.put("detected", plan.detectedAt().toString());
    details.put("operator", plan.operator());
    details.put("procedure", plan.scenario().procedure());
    if (!plan.notes().isEmpty()) {
      details.put("notes", plan.notes());
    }
    if (plan.trigger() != null) {
      details.put("declared by", plan.trigger().describe());
      details.put("approvals", approvalsText());
    }
    return details;
  }

  private IdentifiedBackup identifyBackup() {
    BackupObject found;
    if (plan.scenario() == Scenario.REGIONAL_OUTAGE) {
      FailoverRequest failover = failoverRequest();
      String bucket =
          failover.sourceBucket() != null ? failover.sourceBucket() : Defaults.DR_BUCKET;
      String region = failover.sourceRegion() != null ? failover.sourceRegion() : "us-west-2";
      BucketFreshness freshness = storage.newestBackup(bucket, region, Defaults.DAILY_PREFIX);
      if (freshness.newest() == null) {
        throw ApplicationFailure.newNonRetryableFailure(
            "No daily backup can be read in the DR bucket s3://"
                + bucket
                + " ("
                + region
                + "): "
                + (freshness.problem() == null ? "it is empty" : freshness.problem())
                + ". A failover has nothing to restore; check the bucket's replication.",
            FailureTypes.BACKUP_NOT_FOUND);
      }
      found = freshness.newest();
    } else {
      BackupSelector selector;
      if (plan.scenario() == Scenario.SECURITY_BREACH) {
        // After a breach only backups the attacker could not reach are trusted.
        IsolatedLocation isolated = incident.isolatedBackupLocation();
        selector =
            new BackupSelector(
                isolated.bucket(),
                isolated.prefix(),
                null,
                plan.damageStartedAt(),
                isolated.region(),
                plan.targetDatabase());
      } else if (plan.scenario() == Scenario.INSTANCE_FAILURE) {
        // The data was sound when the instance died: the newest backup is the best one.
        selector =
            new BackupSelector(
                plan.bucket(), Defaults.DAILY_PREFIX, null, null, null, plan.targetDatabase());
      } else {
        selector =
            new BackupSelector(
                plan.bucket(),
                Defaults.DAILY_PREFIX,
                null,
                plan.damageStartedAt(),
                null,
                plan.targetDatabase());
      }
      // 2.4 reads no byte of a backup before its signature is proven, which its restore does first.
      if (plan.scenario() != Scenario.SECURITY_BREACH
          && Workflow.getVersion(WALK_BACK_PAST_INVALID_BACKUPS, Workflow.DEFAULT_VERSION, 1)
              == 1) {
        return latestValidBackup(selector);
      }
      found = storage.resolveBackup(selector);
    }
    identified(found);
    BackupManifest manifest = storage.readManifest(found);
    ArchiveHeader header = decryption.readArchiveHeader(found, manifest);
    return new IdentifiedBackup(found, manifest, header);
  }

  private void identified(BackupObject found) {
    backup = found;
    trail.backupKey(found.key());
    RunSearchAttributes.backupKey(found.key());
  }

  /**
   * Workflow.getVersion change id: the checklist reads each candidate whole and walks back past
   * invalid ones (issue 15).
   */
  static final String WALK_BACK_PAST_INVALID_BACKUPS = "incident-walks-back-past-invalid-backups";

  /**
   * How many backups in a row the checklist passes over before it stops: by then the data lost
   * grows by days, which is a person's decision, not the workflow's.
   */
  static final int WALK_BACK_LIMIT = 5;

  /**
   * The backups the checklist passed over, each with why: for the step, the trail and the report.
   */
  private final List<String> passedOver = new ArrayList<>();

  /**
   * Section 3's "identify the latest valid backup": the newest candidate that reads whole, matches
   * its manifest and decrypts with its integrity check; one that fails is passed over, with the
   * reason in the audit trail, for the next older one.
   */
  private IdentifiedBackup latestValidBackup(BackupSelector selector) {
    BackupSelector looking = selector;
    for (int tried = 0; tried < WALK_BACK_LIMIT; tried++) {
      BackupObject candidate;
      try {
        candidate = storage.resolveBackup(looking);
      } catch (ActivityFailure e) {
        String type = Failures.rootType(e);
        if (passedOver.isEmpty()
            || !(FailureTypes.BACKUP_NOT_FOUND.equals(type)
                || FailureTypes.BACKUP_REFUSED.equals(type))) {
          throw e;
        }
        throw noValidBackup("no older backup can be chosen: " + Failures.rootMessage(e), e);
      }
      String problem;
      BackupManifest manifest = null;
      try {
        manifest = storage.readManifest(candidate);
        BackupValidity validity = wholeReads.checkBackupValidity(candidate, manifest);
        problem = validity.valid() ? null : validity.problem();
      } catch (ActivityFailure e) {
        if (!FailureTypes.BACKUP_CORRUPT.equals(Failures.rootType(e))) {
          throw e;
        }
        problem = Failures.rootMessage(e); // its manifest is unreadable
      }
      if (problem == null) {
        identified(candidate);
        ArchiveHeader header = decryption.readArchiveHeader(candidate, manifest);
        return new IdentifiedBackup(candidate, manifest, header);
      }
      passedOver.add(candidate.key() + " (taken " + candidate.takenAt() + "): " + problem);
      trail.record(
          "backup-passed-over",
          StepRecord.FAILED,
          candidate.uri() + " is not a valid backup: " + problem + "; trying the next older one");
      looking = looking.olderThan(candidate.takenAt());
    }
    throw noValidBackup(
        "the checklist stops after " + WALK_BACK_LIMIT + " invalid backups in a row", null);
  }

  private ApplicationFailure noValidBackup(String why, Exception cause) {
    String message =
        "No valid backup of "
            + plan.targetDatabase()
            + " was found: passed over "
            + String.join("; ", passedOver)
            + "; "
            + why
            + ". Nothing was changed. Find out what damaged the backups; restore an older one by"
            + " its key or from the weekly backups (runbook 4.2).";
    return cause == null
        ? ApplicationFailure.newNonRetryableFailure(message, FailureTypes.BACKUP_INTEGRITY_FAILED)
        : ApplicationFailure.newNonRetryableFailureWithCause(
            message, FailureTypes.BACKUP_INTEGRITY_FAILED, cause);
  }

  private String describe(IdentifiedBackup b) {
    RpoAssessment rpo = RpoAssessment.of(plan.damageStartedAt(), b.backup().takenAt());
    boolean predates = b.backup().takenAt().isBefore(plan.damageStartedAt());
    return b.backup().uri()
        + " taken "
        + b.backup().takenAt()
        + (predates
            ? ", " + rpo.gap() + " before the damage began (" + rpo.verdict() + ")"
            : ", AFTER the damage began")
        + "; manifest "
        + (b.manifest() == null
            ? "missing"
            : "present" + (b.manifest().sha256() == null ? " without SHA-256" : " with SHA-256"))
        + (b.header() == null
            ? ""
            : "; pg_dump "
                + b.header().pgDumpVersion()
                + " of PostgreSQL "
                + b.header().serverVersion())
        + (passedOver.isEmpty()
            ? ""
            : "; read whole and valid, after passing over "
                + passedOver.size()
                + " invalid newer backup"
                + (passedOver.size() == 1 ? "" : "s")
                + ": "
                + String.join("; ", passedOver));
  }

  private void prepareTargetEnvironment(IdentifiedBackup identified) {
    switch (plan.scenario()) {
      case INSTANCE_FAILURE ->
          steps.skip(
              PREPARE_TARGET, "runbook 4.3 provisions a new instance and waits until it is ready");
      case REGIONAL_OUTAGE ->
          steps.skip(
              PREPARE_TARGET,
              "runbook 4.4 provisions the DR stack with terraform and restores into it");
      default ->
          steps.run(
              PREPARE_TARGET,
              () -> checkTargetServer(identified.header()),
              s ->
                  "PostgreSQL "
                      + s.version()
                      + " accepts connections"
                      + (identified.header() == null ? "" : " and can take this backup"));
    }
  }

  private ServerInfo checkTargetServer(ArchiveHeader header) {
    try {
      ServerInfo server = postgres.awaitServerReady(null, Duration.ofSeconds(30));
      postgres.checkRestoreCompatibility(header, null);
      return server;
    } catch (ActivityFailure e) {
      throw ApplicationFailure.newNonRetryableFailureWithCause(
          "The target database server is not ready: "
              + Failures.rootMessage(e)
              + " If the instance itself is lost, declare a complete"
              + " instance failure (scenario 2.2) instead; nothing was changed.",
          FailureTypes.CONFIGURATION,
          e);
    }
  }

  private CredentialCheck requireCredentials(CredentialCheck check) {
    boolean needsDatabase =
        plan.scenario() != Scenario.INSTANCE_FAILURE && plan.scenario() != Scenario.REGIONAL_OUTAGE;
    if (!check.backupKeyReady() || (needsDatabase && !check.databaseReachable())) {
      throw ApplicationFailure.newNonRetryableFailure(
          "The credentials the recovery needs are not ready: "
              + String.join("; ", check.problems())
              + ". Fix them (runbook section 8) and declare the incident again; nothing was"
              + " changed.",
          FailureTypes.CREDENTIALS_UNAVAILABLE);
    }
    return check;
  }

  private String describe(CredentialCheck c) {
    return "backup key ready from "
        + c.keySource()
        + " ("
        + String.join(", ", c.keyIds())
        + ")"
        + (c.databaseReachable()
            ? "; database credentials work"
            : "; the database is not reachable (expected: the procedure builds a new one)");
  }

  // ---- The procedures of section 2 ----

  /** 2.1: runbook 4.1 with the newest backup taken before the corruption began. */
  private Recovery restoreBeforeCorruption(IdentifiedBackup identified) {
    if (plan.approvals().swapRequired()) {
      return stageThenSwapOnApproval(
          identified,
          false,
          "runbook 4.1, restore from the backup before the corruption",
          List.of());
    }
    RestoreResult restored =
        steps.run(PROCEDURE, () -> restoreChild(identified, false, false, true), this::describe);
    return fromRestore(
        "runbook 4.1, restore from the backup before the corruption", restored, null, List.of());
  }

  /** 2.2: runbook 4.3. */
  private Recovery restoreToNewInstance(IdentifiedBackup identified) {
    procedureWorkflowId = plan.incidentId() + "-new-instance";
    RestoreToNewInstanceWorkflow child =
        Workflow.newChildWorkflowStub(
            RestoreToNewInstanceWorkflow.class,
            childOptions(
                procedureWorkflowId,
                "Incident "
                    + plan.incidentId()
                    + ": restore "
                    + identified.backup().key()
                    + " to a new instance"));
    if (plan.approvals().repointRequired()) {
      awaiting =
          "The restore to a new instance "
              + procedureWorkflowId
              + " asks for approval before it repoints the application: `flowviz-dr approve "
              + procedureWorkflowId
              + " --gate repoint --by NAME` (or reject).";
    }
    NewInstanceResult result =
        steps.run(
            PROCEDURE,
            () ->
                child.restore(
                    new NewInstanceRequest(
                        identified.backup().key(),
                        null,
                        null,
                        identified.backup().bucket(),
                        null,
                        null,
                        plan.targetDatabase(),
                        plan.operator(),
                        reason(),
                        plan.damageStartedAt().toString(),
                        null,
                        null,
                        plan.approvals().repointRequired() ? Approvals.REQUIRED : null,
                        plan.approvals().repointRequired()
                            ? plan.decisionTimeout().toString()
                            : null)),
            r ->
                "runbook 4.3 ("
                    + procedureWorkflowId
                    + "): "
                    + r.outcome()
                    + " on instance "
                    + r.instance().name()
                    + " at "
                    + r.instance().server().describe());
    awaiting = null;
    RestoreResult restored = result.restore();
    if (NewInstanceResult.NOT_REPOINTED.equals(result.outcome())) {
      return new Recovery(
          "runbook 4.3, restore to a new instance (repoint not approved)",
          procedureWorkflowId,
          result.outcome(),
          restored.backup(),
          restored.verification(),
          restored.rpo(),
          now(),
          result.instance().server(),
          plan.targetDatabase(),
          null,
          null,
          null,
          null,
          null,
          List.of(
              "new instance "
                  + result.instance().name()
                  + " at "
                  + result.instance().server().describe()
                  + " holds the restore; the application"
                  + " was NOT repointed ("
                  + ApprovalGates.describe(result.repointDecision())
                  + ")"),
          true,
          true);
    }
    return new Recovery(
        "runbook 4.3, restore to a new instance",
        procedureWorkflowId,
        result.outcome(),
        restored.backup(),
        restored.verification(),
        restored.rpo(),
        now(),
        result.instance().server(),
        plan.targetDatabase(),
        null,
        null,
        null,
        null,
        null,
        List.of(
            "new instance "
                + result.instance().name()
                + " ("
                + result.instance().provisioner()
                + ") at "
                + result.instance().server().describe()
                + (result.published().configured()
                    ? "; application repointed via " + result.published().locations()
                    : "")),
        RestoreResult.RESTORED.equals(result.outcome()),
        false);
  }

  /** 2.3: stage the backup, show the data gap, and do what the operator chooses. */
  private Recovery recoverDeletedRows(IdentifiedBackup identified) {
    RestoreResult staged =
        steps.run(PROCEDURE, () -> restoreChild(identified, true, false, false), this::describe);
    String staging = staged.stagingDatabase();
    dataGap =
        steps.run(
            COMPARE_DATA,
            () -> comparison.compareDatabases(plan.targetDatabase(), staging, null),
            DataGap::describe);
    LiveFingerprint compared = fingerprintLive();
    awaiting =
        "Data gap: "
            + dataGap.describe()
            + ". Choose with `flowviz-dr choose "
            + plan.incidentId()
            + " surgical|full-restore|abandon --by NAME`: surgical puts back the "
            + dataGap.missingFromLive()
            + " deleted rows and keeps the "
            + dataGap.newInLive()
            + " rows written since the backup; full-restore replaces the database with the backup"
            + " and loses them.";
    notifier.send(
        "decision-needed",
        "warning",
        "trigger",
        "Incident " + plan.incidentId() + ": choose how to recover the deleted rows",
        gapDetails(dataGap));
    RecoveryChoice chosen =
        steps.run(
            AWAIT_CHOICE,
            this::awaitChoice,
            c ->
                c.choice()
                    + " chosen by "
                    + c.by()
                    + " at "
                    + c.at()
                    + (c.comment() == null || c.comment().isBlank() ? "" : ": " + c.comment())
                    + "; data gap was "
                    + dataGap.describe());
    awaiting = null;
    List<String> actions = new ArrayList<>();
    return switch (chosen.choice()) {
      case RecoveryChoice.SURGICAL -> {
        // Past the choice the work runs to its end even if a cancellation arrives.
        UndeleteOutcome undelete =
            Detached.call(
                () ->
                    steps.run(
                        SURGICAL_UNDELETE,
                        () ->
                            postgres.reinsertMissingRows(
                                plan.targetDatabase(), staging, plan.incidentId(), null),
                        u ->
                            "put back "
                                + u.total()
                                + " deleted rows in one transaction "
                                + u.inserted()
                                + (u.alreadyApplied() ? " (committed by an earlier attempt)" : "")
                                + "; rows written since the backup kept"));
        dropStaging(staging);
        actions.add(
            "surgical undelete chosen by "
                + chosen.by()
                + ": "
                + undelete.total()
                + " rows put back "
                + undelete.inserted()
                + "; "
                + dataGap.newInLive()
                + " rows written since the backup kept");
        yield new Recovery(
            "surgical undelete from the backup before the deletion",
            procedureWorkflowId,
            "UNDELETED",
            staged.backup(),
            staged.verification(),
            staged.rpo(),
            now(),
            null,
            plan.targetDatabase(),
            null,
            dataGap,
            chosen,
            undelete,
            null,
            actions,
            true,
            false);
      }
      case RecoveryChoice.FULL_RESTORE -> {
        SwapOutcome swap =
            swapStagedIntoLive(staging, "full restore of " + staged.backup().key(), compared);
        RestartOutcome restart = Detached.call(this::restartApplication);
        actions.add(
            "full restore chosen by "
                + chosen.by()
                + ": "
                + dataGap.missingFromLive()
                + " deleted rows back; "
                + dataGap.newInLive()
                + " rows written since the backup are not in the restored database (kept in "
                + swap.retiredDatabase()
                + ")");
        yield new Recovery(
            "runbook 4.1 swap of the backup before the deletion",
            procedureWorkflowId,
            RestoreResult.RESTORED,
            staged.backup(),
            staged.verification(),
            staged.rpo(),
            now(),
            null,
            plan.targetDatabase(),
            swap.retiredDatabase(),
            dataGap,
            chosen,
            null,
            null,
            actions,
            !restart.configured() || restart.exitCode() == 0,
            false);
      }
      default -> {
        dropStaging(staging);
        actions.add(
            "abandoned by " + chosen.by() + ": nothing changed in " + plan.targetDatabase());
        yield new Recovery(
            "none: the operator chose to change nothing",
            procedureWorkflowId,
            "ABANDONED",
            staged.backup(),
            staged.verification(),
            staged.rpo(),
            now(),
            null,
            plan.targetDatabase(),
            null,
            dataGap,
            chosen,
            null,
            null,
            actions,
            true,
            true);
      }
    };
  }

  /**
   * Workflow.getVersion change id: the live database is fingerprinted when compared, checked by the
   * swap.
   */
  static final String LIVE_FINGERPRINT = "live-fingerprint-before-approved-swap";

  /**
   * The live database as a person is about to judge it; an approved swap checks it is still that
   * (no other database put in its place, no rows written since). Null for runs from before.
   */
  private LiveFingerprint fingerprintLive() {
    if (Workflow.getVersion(LIVE_FINGERPRINT, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      return null;
    }
    LiveFingerprint taken = postgres.fingerprintLiveDatabase(plan.targetDatabase(), null);
    if (taken != null) {
      trail.record(
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
  private SwapOutcome swapStagedIntoLive(
      String staging, String what, LiveFingerprint expectedLive) {
    return Detached.call(
        () ->
            steps.run(
                SWAP,
                () ->
                    postgres.swapIntoLive(
                        new SwapRequest(
                            staging,
                            plan.targetDatabase(),
                            Names.replacedDatabase(plan.targetDatabase(), now()),
                            "flowviz-dr incident " + plan.incidentId() + " " + what,
                            expectedLive),
                        null),
                s ->
                    "live database kept as "
                        + s.retiredDatabase()
                        + "; "
                        + s.terminatedSessions()
                        + " sessions ended"));
  }

  /**
   * What an automation policy asks for: everything up to the irreversible step runs at once (the
   * restore into staging, its verification), then a person approves replacing the live database.
   * Rejected or unanswered within the decision timeout: nothing changes and the staging copy goes.
   */
  private Recovery stageThenSwapOnApproval(
      IdentifiedBackup identified, boolean strictIntegrity, String procedure, List<String> before) {
    RestoreResult staged =
        steps.run(
            PROCEDURE,
            () -> restoreChild(identified, true, strictIntegrity, false),
            this::describe);
    String staging = staged.stagingDatabase();
    LiveFingerprint judged = fingerprintLive();
    awaiting =
        "The restore of "
            + staged.backup().key()
            + " is staged in "
            + staging
            + " and its verification "
            + (staged.verification().passed()
                ? "passed"
                : "FAILED " + staged.verification().failedChecks())
            + ". Approve replacing "
            + plan.targetDatabase()
            + " with it (the current database is kept under a dated name): `flowviz-dr approve "
            + plan.incidentId()
            + " --gate swap --by NAME`, or reject to change nothing.";
    notifier.send(
        "approval-needed",
        "warning",
        "trigger",
        "Incident " + plan.incidentId() + ": approve the swap into " + plan.targetDatabase(),
        Map.of(
            "gate",
            Decision.SWAP,
            "staged",
            staging,
            "backup",
            staged.backup().key(),
            "verification",
            staged.verification().passed() ? "passed" : "FAILED",
            "policy",
            approvalsText()));
    Decision decision =
        steps.run(
            APPROVE_SWAP,
            () -> gates.await(Decision.SWAP, plan.decisionTimeout(), awaiting),
            ApprovalGates::describe);
    awaiting = null;
    List<String> actions = new ArrayList<>(before);
    if (decision == null || !decision.approve()) {
      dropStaging(staging);
      actions.add(
          "swap "
              + ApprovalGates.describe(decision)
              + ": nothing changed in "
              + plan.targetDatabase()
              + "; the staged restore was dropped");
      return new Recovery(
          procedure + " (swap not approved)",
          procedureWorkflowId,
          "SWAP_NOT_APPROVED",
          staged.backup(),
          staged.verification(),
          staged.rpo(),
          now(),
          null,
          plan.targetDatabase(),
          null,
          null,
          null,
          null,
          null,
          actions,
          true,
          true);
    }
    SwapOutcome swap =
        swapStagedIntoLive(
            staging,
            "restore of " + staged.backup().key() + " approved by " + decision.by(),
            judged);
    actions.add(
        "swap approved by "
            + decision.by()
            + ": "
            + plan.targetDatabase()
            + " restored from "
            + staged.backup().key()
            + "; the replaced database is kept as "
            + swap.retiredDatabase());
    RestartOutcome restart =
        plan.scenario() == Scenario.SECURITY_BREACH
            ? null
            : Detached.call(this::restartApplication);
    return new Recovery(
        procedure,
        procedureWorkflowId,
        RestoreResult.RESTORED,
        staged.backup(),
        staged.verification(),
        staged.rpo(),
        now(),
        null,
        plan.targetDatabase(),
        swap.retiredDatabase(),
        null,
        null,
        null,
        null,
        actions,
        restart == null || !restart.configured() || restart.exitCode() == 0,
        false);
  }

  private RecoveryChoice awaitChoice() {
    awaitingChoice = true;
    Workflow.setCurrentDetails(awaiting);
    try {
      if (!Workflow.await(plan.decisionTimeout(), () -> choice != null)) {
        choice =
            new RecoveryChoice(
                RecoveryChoice.ABANDON,
                "flowviz-dr",
                "no choice within " + plan.decisionTimeout(),
                now());
      }
      return choice;
    } finally {
      awaitingChoice = false;
    }
  }

  /** 2.4: the isolated backup, proven intact, then new credentials for everything. */
  private Recovery recoverFromBreach(IdentifiedBackup identified) {
    if (plan.approvals().swapRequired()) {
      Recovery swapped =
          stageThenSwapOnApproval(
              identified,
              true,
              "restore from the isolated backup, rotate all credentials",
              List.of());
      return swapped.abandoned() ? swapped : rotateAfterBreach(swapped, swapped.backup());
    }
    RestoreResult restored =
        steps.run(PROCEDURE, () -> restoreChild(identified, false, true, false), this::describe);
    RotationOutcome rotated =
        Detached.call(
            () ->
                steps.run(
                    ROTATE_CREDENTIALS,
                    () -> rotation.rotateCredentials(null),
                    r ->
                        "new passwords for roles "
                            + r.roles()
                            + "; secrets rewritten: "
                            + r.secrets()));
    RestartOutcome restart = Detached.call(this::restartApplication);
    List<String> actions =
        List.of(
            "restored from the isolated location "
                + restored.backup().uri()
                + " after its integrity was proven",
            "credentials rotated: database roles "
                + rotated.roles()
                + ", secrets "
                + rotated.secrets(),
            restart.configured()
                ? "application restarted with the new credentials (" + restart.command() + ")"
                : "no restart command configured");
    return new Recovery(
        "restore from the isolated backup, rotate all credentials",
        procedureWorkflowId,
        restored.outcome(),
        restored.backup(),
        restored.verification(),
        restored.rpo(),
        now(),
        null,
        plan.targetDatabase(),
        restored.replacedDatabase(),
        null,
        null,
        null,
        rotated,
        actions,
        !restart.configured() || restart.exitCode() == 0,
        false);
  }

  /** 2.4 after an approved swap: the same rotation and restart as without a gate. */
  private Recovery rotateAfterBreach(Recovery swapped, BackupObject restoredBackup) {
    RotationOutcome rotated =
        Detached.call(
            () ->
                steps.run(
                    ROTATE_CREDENTIALS,
                    () -> rotation.rotateCredentials(null),
                    r ->
                        "new passwords for roles "
                            + r.roles()
                            + "; secrets rewritten: "
                            + r.secrets()));
    RestartOutcome restart = Detached.call(this::restartApplication);
    List<String> actions = new ArrayList<>(swapped.actions());
    actions.add(
        "restored from the isolated location "
            + restoredBackup.uri()
            + " after its integrity was proven");
    actions.add(
        "credentials rotated: database roles "
            + rotated.roles()
            + ", secrets "
            + rotated.secrets());
    actions.add(
        restart.configured()
            ? "application restarted with the new credentials (" + restart.command() + ")"
            : "no restart command configured");
    return new Recovery(
        swapped.procedure(),
        procedureWorkflowId,
        swapped.procedureOutcome(),
        swapped.backup(),
        swapped.verification(),
        swapped.rpo(),
        now(),
        null,
        plan.targetDatabase(),
        swapped.replacedDatabase(),
        null,
        null,
        null,
        rotated,
        actions,
        !restart.configured() || restart.exitCode() == 0,
        false);
  }

  /** 2.5: runbook 4.4. Its DNS gate waits on the child; the progress query says where to answer. */
  private Recovery failOverToDrRegion() {
    procedureWorkflowId = plan.incidentId() + "-failover";
    CrossRegionFailoverWorkflow child =
        Workflow.newChildWorkflowStub(
            CrossRegionFailoverWorkflow.class,
            childOptions(
                procedureWorkflowId,
                "Incident " + plan.incidentId() + ": failover to the DR region"));
    awaiting =
        "The failover "
            + procedureWorkflowId
            + " asks for approval before it switches DNS: `flowviz-dr approve "
            + procedureWorkflowId
            + " --gate dns-switch --by NAME` (or reject).";
    FailoverResult result =
        steps.run(
            PROCEDURE,
            () -> child.failover(failoverRequest()),
            r -> "runbook 4.4 (" + procedureWorkflowId + "): " + r.outcome());
    awaiting = null;
    RestoreResult restored = result.restore();
    boolean switched =
        FailoverResult.SWITCHED.equals(result.outcome())
            || FailoverResult.SWITCHED_UNHEALTHY.equals(result.outcome());
    List<String> actions = new ArrayList<>();
    if (result.stack() != null) {
      actions.add("DR stack " + result.stack().workspace() + " in " + result.stack().region());
    }
    actions.add(
        switched
            ? "DNS switched to "
                + result.stack().region()
                + " (change "
                + result.dns().changeId()
                + ")"
            : "DNS not switched: " + result.outcome());
    return new Recovery(
        "runbook 4.4, cross-region failover",
        procedureWorkflowId,
        result.outcome(),
        restored == null ? backup : restored.backup(),
        restored == null ? null : restored.verification(),
        restored == null ? null : restored.rpo(),
        now(),
        result.stack() == null ? null : result.stack().database(),
        failoverRequest().databaseName(),
        null,
        null,
        null,
        null,
        null,
        actions,
        FailoverResult.SWITCHED.equals(result.outcome()),
        !switched);
  }

  private RestoreResult restoreChild(
      IdentifiedBackup identified,
      boolean stageOnly,
      boolean strictIntegrity,
      boolean applicationSteps) {
    procedureWorkflowId = plan.incidentId() + (stageOnly ? "-stage" : "-restore");
    RestoreFromBackupWorkflow child =
        Workflow.newChildWorkflowStub(
            RestoreFromBackupWorkflow.class,
            childOptions(
                procedureWorkflowId,
                "Incident "
                    + plan.incidentId()
                    + ": "
                    + (stageOnly ? "stage " : "restore ")
                    + identified.backup().key()));
    BackupObject b = identified.backup();
    return child.restore(
        RestoreRequest.builder()
            .backupKey(b.key())
            .bucket(b.bucket())
            .targetDatabase(plan.targetDatabase())
            .operator(plan.operator())
            .reason(reason())
            .incidentAt(plan.damageStartedAt().toString())
            .applicationSteps(applicationSteps)
            .bucketRegion(b.region())
            .stageOnly(stageOnly)
            .strictIntegrity(strictIntegrity)
            .build());
  }

  private String describe(RestoreResult r) {
    return procedureWorkflowId
        + ": "
        + r.outcome()
        + " from "
        + r.backup().key()
        + ", verification "
        + (r.verification().passed() ? "passed" : "FAILED")
        + (r.stagingDatabase() == null ? "" : "; staged in " + r.stagingDatabase())
        + (r.replacedDatabase() == null
            ? ""
            : "; replaced database kept as " + r.replacedDatabase());
  }

  private Recovery fromRestore(
      String procedure, RestoreResult r, RotationOutcome rotated, List<String> actions) {
    return new Recovery(
        procedure,
        procedureWorkflowId,
        r.outcome(),
        r.backup(),
        r.verification(),
        r.rpo(),
        now(),
        null,
        plan.targetDatabase(),
        r.replacedDatabase(),
        null,
        null,
        null,
        rotated,
        actions,
        RestoreResult.RESTORED.equals(r.outcome()),
        false);
  }

  private RestartOutcome restartApplication() {
    RestartOutcome restart = application.restartApplication();
    if (restart.configured()) {
      steps.run(RESTART_APPLICATION, () -> restart, r -> r.command() + " exited " + r.exitCode());
    } else {
      steps.skip(RESTART_APPLICATION, "no restart command configured");
    }
    return restart;
  }

  private void dropStaging(String staging) {
    Detached.run(
        () ->
            steps.run(
                DROP_STAGING,
                () -> postgres.dropStagingDatabase(staging, null),
                dropped -> dropped ? "dropped " + staging : "no staging database to drop"));
  }

  private FailoverRequest failoverRequest() {
    FailoverRequest f =
        plan.failover() != null ? plan.failover() : FailoverRequest.failover(null, null);
    return new FailoverRequest(
        "failover",
        f.sourceBucket(),
        f.sourceRegion(),
        f.compareBucket(),
        f.compareRegion(),
        f.terraformWorkspace(),
        f.targetRegion(),
        f.hostedZoneId(),
        f.dnsChangeBatch(),
        f.healthUrl(),
        f.healthDeadline(),
        f.databaseName() != null ? f.databaseName() : plan.targetDatabase(),
        dnsApproval(f),
        f.approvalTimeout(),
        plan.operator(),
        reason(),
        f.incidentAt() != null ? f.incidentAt() : plan.damageStartedAt().toString());
  }

  /** An explicit choice in the failover options wins; otherwise the incident's approvals decide. */
  private DnsApproval dnsApproval(FailoverRequest f) {
    if (f.dnsApproval() != null || plan.approvals().dnsSwitchRequired()) {
      return f.dnsApproval();
    }
    return new DnsApproval(
        DnsApproval.PRE_APPROVED,
        plan.approvals().policy().isEmpty()
            ? plan.operator()
            : "policy " + plan.approvals().policy());
  }

  private ChildWorkflowOptions childOptions(String workflowId, String summary) {
    return ChildWorkflowOptions.newBuilder()
        .setWorkflowId(workflowId)
        .setTaskQueue(TaskQueues.DR)
        .setStaticSummary(summary)
        .build();
  }

  private String reason() {
    return "incident "
        + plan.incidentId()
        + " ("
        + plan.scenario().describe()
        + ")"
        + (plan.notes().isEmpty() ? "" : ": " + plan.notes());
  }

  // ---- Runbook 6.1 and section 7: immediately after the recovery ----

  /** "Confirm all services operational": true unless a configured endpoint is unhealthy. */
  private boolean confirmServicesOperational(List<String> checks) {
    ConnectivityReport services = probes.checkApplicationConnectivity();
    if (!services.configured()) {
      steps.skip(
          SERVICES_OPERATIONAL,
          "no endpoints configured (flowviz.application.base-url or health-endpoints): the services"
              + " were NOT confirmed operational; check the application by hand");
      checks.add("services operational: NOT checked (no endpoints configured)");
      return true;
    }
    steps.runJudged(
        SERVICES_OPERATIONAL,
        () -> services,
        ConnectivityReport::healthy,
        c ->
            c.healthy()
                ? "all " + c.endpoints().size() + " endpoints healthy"
                : "UNHEALTHY: " + c.endpoints());
    checks.add("services operational: " + (services.healthy() ? "yes" : "NO"));
    return services.healthy();
  }

  /** "Test critical user workflows": a lot's traceability, read as the application reads it. */
  private boolean testCriticalWorkflows(Recovery recovery, List<String> checks) {
    TraceabilityCheck traced =
        steps.runJudged(
            CRITICAL_WORKFLOWS,
            () -> verification.checkLotTraceability(recovery.liveDatabase(), recovery.liveServer()),
            TraceabilityCheck::passed,
            TraceabilityCheck::describe);
    checks.add(
        "critical workflows (lot -> QC decisions -> temperature logs): " + traced.describe());
    return traced.passed();
  }

  private IncidentResult finishAfterRecovery(Recovery recovery) {
    RtoAssessment rto = RtoAssessment.of(plan.detectedAt(), recovery.recoveredAt());
    List<String> checks = new ArrayList<>();
    boolean findings = !recovery.healthy();
    if (recovery.abandoned()) {
      steps.skip(SERVICES_OPERATIONAL, "nothing was recovered");
      steps.skip(CRITICAL_WORKFLOWS, "nothing was recovered");
    } else if (notificationChannels == null) {
      ConnectivityReport services =
          steps.run(
              SERVICES_OPERATIONAL,
              probes::checkApplicationConnectivity,
              c ->
                  !c.configured()
                      ? "no endpoints configured"
                      : (c.healthy()
                          ? "all " + c.endpoints().size() + " endpoints healthy"
                          : "UNHEALTHY: " + c.endpoints()));
      checks.add(
          "services operational: "
              + (!services.configured()
                  ? "no endpoints configured"
                  : services.healthy() ? "yes" : "NO"));
      findings |= services.configured() && !services.healthy();
      VerificationReport critical =
          steps.run(
              CRITICAL_WORKFLOWS,
              () ->
                  verification.verifyRestoredDatabase(
                      recovery.liveDatabase(), null, recovery.liveServer()),
              v ->
                  (v.passed()
                          ? "lot traceability and QC decisions readable"
                          : "FAILED: " + v.failedChecks())
                      + " in "
                      + v.database());
      checks.add(
          "critical workflows (lots, QC decisions, runbook 5.2): "
              + (critical.passed() ? "passed" : "FAILED " + critical.failedChecks()));
      findings |= !critical.passed();
    } else {
      findings |= !confirmServicesOperational(checks);
      findings |= !testCriticalWorkflows(recovery, checks);
    }
    notifier.send(
        "resolved",
        "info",
        "resolve",
        "Incident "
            + plan.incidentId()
            + " "
            + (recovery.abandoned() ? "closed without recovery" : "recovered")
            + ": "
            + recovery.procedure()
            + " in "
            + rto.achieved(),
        Map.of(
            "outcome", recovery.procedureOutcome(), "rto", rto.achieved() + " " + rto.verdict()));
    if (notificationChannels != null && notificationChannels.isEmpty()) {
      steps.skip(
          NOTIFY_RESOLUTION,
          "FINDING: no notification channel is configured: tell stakeholders of the resolution by"
              + " hand");
      checks.add("stakeholders NOT notified of the resolution: no notification channel configured");
    } else {
      steps.run(NOTIFY_RESOLUTION, () -> "resolution sent to stakeholders", s -> s);
      checks.add("stakeholders notified of the resolution");
    }
    Map<String, String> gaps =
        steps.run(
            REVIEW_DATA_GAP,
            () -> reviewDataGap(recovery),
            g -> g.isEmpty() ? "no data gap beyond the RPO gap" : g.toString());
    checks.add(
        "data gap reviewed: "
            + (gaps.isEmpty() ? "none beyond the RPO gap" : gaps.size() + " table(s)"));
    String chainText;
    if (Workflow.getVersion("audit-check-notes-pending-entries", Workflow.DEFAULT_VERSION, 1)
        >= 1) {
      // Entries still waiting in the compliance bucket for the audit database are a note about
      // the trail, not a finding about the recovered system; only a broken chain is.
      AuditTrailCheck audit =
          steps.run(
              VERIFY_AUDIT_TRAIL,
              () -> auditReader.checkAuditTrail(plan.incidentId()),
              AuditTrailCheck::describe);
      findings |= audit.broken();
      chainText = audit.describe();
    } else {
      ChainVerification chain =
          steps.run(VERIFY_AUDIT_TRAIL, auditReader::verifyAuditChain, ChainVerification::finding);
      findings |= !chain.intact();
      chainText = (chain.intact() ? "intact: " : "BROKEN: ") + chain.finding();
    }

    String outcome =
        recovery.abandoned()
            ? IncidentResult.ABANDONED
            : findings ? IncidentResult.RECOVERED_WITH_FINDINGS : IncidentResult.RECOVERED;
    RpoAssessment rpo =
        recovery.backup() == null
            ? null
            : RpoAssessment.of(plan.damageStartedAt(), recovery.backup().takenAt());
    trail.record(
        "incident",
        StepRecord.SUCCEEDED,
        outcome
            + " by "
            + recovery.procedure()
            + "; RTO "
            + rto.achieved()
            + " ("
            + rto.verdict()
            + ")"
            + (rpo == null ? "" : "; RPO gap " + rpo.gap() + " (" + rpo.verdict() + ")"));
    // The timeline the report carries is read from the trail: everything so far must be in it.
    trail.awaitAll();
    IncidentReport report =
        new IncidentReport(
            plan.incidentId(),
            plan.scenario().describe(),
            plan.operator(),
            plan.notes(),
            plan.detectedAt(),
            recovery.recoveredAt(),
            outcome,
            recovery.procedure(),
            recovery.procedureWorkflowId(),
            recovery.procedureOutcome(),
            recovery.backup() == null ? null : recovery.backup().uri(),
            recovery.backup() == null ? null : recovery.backup().takenAt(),
            recovery.verification() != null && recovery.verification().passed(),
            recovery.verification() == null
                ? List.of("no verification report")
                : recovery.verification().failedChecks().stream()
                    .map(c -> c.name() + ": expected " + c.expected() + ", found " + c.actual())
                    .toList(),
            rto.achieved(),
            rto.verdict(),
            rpo == null ? null : rpo.gap(),
            rpo == null ? null : rpo.verdict(),
            gaps,
            recovery.actions(),
            checks,
            chainText,
            null);
    ReportLocation location =
        steps.run(
            WRITE_REPORT,
            () -> incident.writeIncidentReport(report),
            l -> "s3://" + l.bucket() + "/" + l.markdownKey() + " and " + l.jsonKey());
    followUpWorkflowId =
        steps.run(
            SCHEDULE_FOLLOW_UP,
            () -> startFollowUp(recovery, rpo, gaps, location),
            id -> "24-hour and 7-day tasks tracked by " + id);
    return new IncidentResult(
        plan.incidentId(),
        plan.scenario().describe(),
        outcome,
        recovery.procedure(),
        recovery.procedureWorkflowId(),
        recovery.procedureOutcome(),
        recovery.backup(),
        rto,
        rpo,
        recovery.dataGap(),
        recovery.choice(),
        recovery.undelete(),
        recovery.rotation(),
        checks,
        location,
        followUpWorkflowId,
        steps.steps());
  }

  /**
   * 2.3: the gap the operator saw. 2.1 and 2.4: what the replaced database holds that the restored
   * one lacks, the transactions lost between the backup and the incident. Others: the RPO gap only.
   */
  private Map<String, String> reviewDataGap(Recovery recovery) {
    Map<String, String> gaps = new LinkedHashMap<>();
    if (recovery.dataGap() != null) {
      for (TableGap t : recovery.dataGap().tables()) {
        if (t.missingFromLive() > 0 || t.newInLive() > 0 || t.changedSinceBackup() > 0) {
          gaps.put(
              t.table(),
              t.missingFromLive()
                  + " rows deleted by the incident, "
                  + t.newInLive()
                  + " rows written since the backup, "
                  + t.changedSinceBackup()
                  + " changed; "
                  + outcomeOf(recovery, t));
        }
      }
      return gaps;
    }
    if (recovery.replacedDatabase() != null) {
      try {
        DataGap lost =
            comparison.compareDatabases(
                recovery.replacedDatabase(), recovery.liveDatabase(), recovery.liveServer());
        for (TableGap t : lost.tables()) {
          if (t.newInLive() > 0 || t.missingFromLive() > 0 || t.changedSinceBackup() > 0) {
            gaps.put(
                t.table(),
                t.newInLive()
                    + " rows written after the backup are not in the restored database (they remain"
                    + " in "
                    + recovery.replacedDatabase()
                    + "), "
                    + t.changedSinceBackup()
                    + " rows differ, "
                    + t.missingFromLive()
                    + " rows missing from the damaged database are back");
          }
        }
      } catch (ActivityFailure e) {
        gaps.put(
            "(all tables)",
            "could not compare with "
                + recovery.replacedDatabase()
                + ": "
                + Failures.rootMessage(e));
      }
    }
    return gaps;
  }

  private static String outcomeOf(Recovery recovery, TableGap t) {
    if (recovery.undelete() != null) {
      return recovery.undelete().inserted().getOrDefault(t.table(), 0L)
          + " put back; rows since the backup kept";
    }
    if (recovery.abandoned()) {
      return "nothing changed";
    }
    return "full restore: rows since the backup are not in the restored database";
  }

  private String startFollowUp(
      Recovery recovery, RpoAssessment rpo, Map<String, String> gaps, ReportLocation report) {
    String id = plan.incidentId() + "-follow-up";
    IncidentFollowUpWorkflow followUp =
        Workflow.newChildWorkflowStub(
            IncidentFollowUpWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(id)
                .setTaskQueue(TaskQueues.DR)
                // The tasks outlive the incident workflow by days.
                .setParentClosePolicy(ParentClosePolicy.PARENT_CLOSE_POLICY_ABANDON)
                .setStaticSummary("Incident " + plan.incidentId() + ": 24-hour and 7-day follow-up")
                .build());
    Async.function(
        followUp::followUp,
        new FollowUpRequest(
            plan.incidentId(),
            plan.scenario().describe(),
            plan.operator(),
            recovery.recoveredAt(),
            gaps.isEmpty()
                ? "no data gap beyond the RPO gap"
                : gaps.entrySet().stream()
                    .map(e -> e.getKey() + ": " + e.getValue())
                    .collect(Collectors.joining("; ")),
            rpo == null
                ? null
                : "backup taken " + rpo.gap() + " before the incident (" + rpo.verdict() + ")",
            "s3://" + report.bucket() + "/" + report.markdownKey(),
            null,
            null));
    Workflow.getWorkflowExecution(followUp).get();
    return id;
  }

  private void recordFailure(RuntimeException e, boolean cancelled) {
    trail.record(
        "incident", cancelled ? StepRecord.CANCELLED : StepRecord.FAILED, Failures.rootMessage(e));
    notifier.send(
        cancelled ? "cancelled" : "failed",
        "critical",
        "trigger",
        "Incident "
            + plan.incidentId()
            + ": recovery "
            + (cancelled ? "cancelled" : "FAILED")
            + ": "
            + Failures.rootMessage(e),
        scopeDetails());
  }

  private static Map<String, String> gapDetails(DataGap gap) {
    Map<String, String> details = new LinkedHashMap<>();
    for (TableGap t : gap.tables()) {
      if (t.missingFromLive() > 0 || t.newInLive() > 0) {
        details.put(
            t.table(),
            t.missingFromLive() + " deleted, " + t.newInLive() + " new since the backup");
      }
    }
    return details;
  }

  // ---- Updates, signals, queries ----

  @Override
  public String chooseRecovery(RecoveryChoice recoveryChoice) {
    this.recoveryChoice(recoveryChoice);
    return switch (choice.choice()) {
      case RecoveryChoice.SURGICAL ->
          "Putting back the "
              + dataGap.missingFromLive()
              + " deleted rows into "
              + plan.targetDatabase()
              + " in one transaction; the "
              + dataGap.newInLive()
              + " rows written since the backup stay.";
      case RecoveryChoice.FULL_RESTORE ->
          "Swapping the backup in for "
              + plan.targetDatabase()
              + "; the current database is kept under a dated name.";
      default -> "Changing nothing; the staging database is dropped.";
    };
  }

  @Override
  public void validateChoice(RecoveryChoice recoveryChoice) {
    if (recoveryChoice == null
        || recoveryChoice.choice() == null
        || !CHOICES.contains(recoveryChoice.choice())) {
      throw new IllegalArgumentException("Choose surgical, full-restore or abandon.");
    }
    if (recoveryChoice.by() == null || recoveryChoice.by().isBlank()) {
      throw new IllegalArgumentException("A choice names who made it (by), for the audit trail.");
    }
    if (!awaitingChoice) {
      throw new IllegalArgumentException(
          choice != null
              ? "The recovery was already chosen: " + choice.choice() + " by " + choice.by() + "."
              : "No choice is pending: the data gap is not known yet (see the progress query).");
    }
  }

  @Override
  public void recoveryChoice(RecoveryChoice recoveryChoice) {
    if (recoveryChoice == null
        || recoveryChoice.choice() == null
        || !CHOICES.contains(recoveryChoice.choice())
        || recoveryChoice.by() == null
        || recoveryChoice.by().isBlank()) {
      return;
    }
    if (!awaitingChoice || choice != null) {
      if (trail == null) {
        return;
      }
      trail.record(
          "recovery-choice-ignored",
          StepRecord.SKIPPED,
          recoveryChoice.choice()
              + " by "
              + recoveryChoice.by()
              + (choice != null
                  ? ": already chosen " + choice.choice() + " by " + choice.by()
                  : ": no choice was pending"));
      return;
    }
    choice =
        new RecoveryChoice(
            recoveryChoice.choice(), recoveryChoice.by(), recoveryChoice.comment(), now());
  }

  @Override
  public String decide(Decision decision) {
    Decision recorded = gates.offer(decision);
    boolean waiting = gates.waitingAt(recorded.gate());
    return (recorded.approve() ? "Approved" : "Rejected")
        + " "
        + recorded.gate()
        + " by "
        + recorded.by()
        + (waiting
            ? (recorded.approve()
                ? "; replacing " + plan.targetDatabase() + " now."
                : "; nothing changes, the staged restore is dropped.")
            : "; it applies when the incident reaches the gate.");
  }

  @Override
  public void validateDecision(Decision decision) {
    gates.validate(decision);
    if (plan != null && !plan.approvals().swapRequired()) {
      throw new IllegalArgumentException(
          "This incident has no swap gate: its approvals let the swap run without one"
              + (plan.scenario() == Scenario.REGIONAL_OUTAGE
                      || plan.scenario() == Scenario.INSTANCE_FAILURE
                  ? "; approve at the procedure's gate, " + procedureWorkflowId
                  : "")
              + ".");
    }
  }

  @Override
  public void decision(Decision decision) {
    gates.offer(decision);
  }

  @Override
  public IncidentProgress progress() {
    return new IncidentProgress(
        plan == null ? Workflow.getInfo().getWorkflowId() : plan.incidentId(),
        plan == null ? null : plan.scenario().describe(),
        steps == null ? null : steps.current(),
        awaiting,
        procedureWorkflowId,
        backup == null ? null : backup.key(),
        dataGap,
        followUpWorkflowId,
        steps == null ? List.of() : steps.steps());
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
