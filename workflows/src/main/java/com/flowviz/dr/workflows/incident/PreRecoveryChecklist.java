package com.flowviz.dr.workflows.incident;

import static com.flowviz.dr.workflows.incident.IncidentSteps.ASSESS;
import static com.flowviz.dr.workflows.incident.IncidentSteps.CHECK_CREDENTIALS;
import static com.flowviz.dr.workflows.incident.IncidentSteps.IDENTIFY_BACKUP;
import static com.flowviz.dr.workflows.incident.IncidentSteps.INCIDENT_LOG;
import static com.flowviz.dr.workflows.incident.IncidentSteps.NOTIFY;
import static com.flowviz.dr.workflows.incident.IncidentSteps.PREPARE_TARGET;

import com.flowviz.dr.activities.crypto.ArchiveHeader;
import com.flowviz.dr.activities.crypto.BackupValidity;
import com.flowviz.dr.activities.incident.CredentialCheck;
import com.flowviz.dr.activities.incident.IsolatedLocation;
import com.flowviz.dr.activities.postgres.ServerInfo;
import com.flowviz.dr.activities.storage.BackupManifest;
import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.activities.storage.BackupSelector;
import com.flowviz.dr.activities.storage.BucketFreshness;
import com.flowviz.dr.workflows.Defaults;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.common.Failures;
import com.flowviz.dr.workflows.common.RunSearchAttributes;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.common.StepTracker;
import com.flowviz.dr.workflows.failover.FailoverRequest;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** Runbook section 3, the pre-recovery checklist: assess, notify, log, identify, prepare, check. */
final class PreRecoveryChecklist {

  /**
   * Workflow.getVersion change id: notification and 6.1 steps record only what happened (issue 14).
   */
  static final String STEPS_AS_THEY_HAPPENED = "incident-steps-as-they-happened";

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

  private final IncidentContext ctx;
  private final IncidentPlan plan;
  private final StepTracker steps;
  private final IncidentStubs stubs;

  /**
   * The backups the checklist passed over, each with why: for the step, the trail and the report.
   */
  private final List<String> passedOver = new ArrayList<>();

  PreRecoveryChecklist(IncidentContext ctx) {
    this.ctx = ctx;
    this.plan = ctx.plan;
    this.steps = ctx.steps;
    this.stubs = ctx.stubs;
  }

  IdentifiedBackup run() {
    steps.run(ASSESS, () -> IncidentText.scope(plan), s -> s);
    ctx.notifier.send(
        "declared",
        "critical",
        "trigger",
        IncidentText.declared(plan),
        IncidentText.scopeDetails(plan));
    if (Workflow.getVersion(STEPS_AS_THEY_HAPPENED, Workflow.DEFAULT_VERSION, 1)
        == Workflow.DEFAULT_VERSION) {
      steps.run(NOTIFY, () -> IncidentText.NOTIFIED_BEFORE_ISSUE_14, s -> s);
    } else {
      ctx.notificationChannels = stubs.channels.configuredChannels();
      if (ctx.notificationChannels.isEmpty()) {
        steps.skip(NOTIFY, IncidentText.NO_NOTIFICATION_CHANNEL);
      } else {
        steps.run(NOTIFY, () -> IncidentText.notifiedOn(ctx.notificationChannels), s -> s);
      }
    }
    steps.run(INCIDENT_LOG, () -> IncidentText.incidentLogOpened(plan), s -> s);
    IdentifiedBackup identified = steps.run(IDENTIFY_BACKUP, this::identifyBackup, this::describe);
    prepareTargetEnvironment(identified);
    steps.run(
        CHECK_CREDENTIALS,
        () -> requireCredentials(stubs.incident.checkCredentials()),
        IncidentText::describeCredentials);
    return identified;
  }

  private IdentifiedBackup identifyBackup() {
    BackupObject found;
    if (plan.scenario() == Scenario.REGIONAL_OUTAGE) {
      FailoverRequest failover = plan.failoverRequest();
      String bucket =
          failover.sourceBucket() != null ? failover.sourceBucket() : Defaults.DR_BUCKET;
      String region = failover.sourceRegion() != null ? failover.sourceRegion() : "us-west-2";
      BucketFreshness freshness = stubs.storage.newestBackup(bucket, region, Defaults.DAILY_PREFIX);
      if (freshness.newest() == null) {
        throw ApplicationFailure.newNonRetryableFailure(
            IncidentText.noDrBackup(bucket, region, freshness.problem()),
            FailureTypes.BACKUP_NOT_FOUND);
      }
      found = freshness.newest();
    } else {
      BackupSelector selector = selector();
      // 2.4 reads no byte of a backup before its signature is proven, which its restore does first.
      if (plan.scenario() != Scenario.SECURITY_BREACH
          && Workflow.getVersion(WALK_BACK_PAST_INVALID_BACKUPS, Workflow.DEFAULT_VERSION, 1)
              == 1) {
        return latestValidBackup(selector);
      }
      found = stubs.storage.resolveBackup(selector);
    }
    identified(found);
    BackupManifest manifest = stubs.storage.readManifest(found);
    ArchiveHeader header = stubs.decryption.readArchiveHeader(found, manifest);
    return new IdentifiedBackup(found, manifest, header);
  }

  /** Which backups may be restored: in 2.4 only the isolated ones, in 2.2 the newest. */
  private BackupSelector selector() {
    if (plan.scenario() == Scenario.SECURITY_BREACH) {
      // After a breach only backups the attacker could not reach are trusted.
      IsolatedLocation isolated = stubs.incident.isolatedBackupLocation();
      return new BackupSelector(
          isolated.bucket(),
          isolated.prefix(),
          null,
          plan.damageStartedAt(),
          isolated.region(),
          plan.targetDatabase());
    }
    if (plan.scenario() == Scenario.INSTANCE_FAILURE) {
      // The data was sound when the instance died: the newest backup is the best one.
      return new BackupSelector(
          plan.bucket(), Defaults.DAILY_PREFIX, null, null, null, plan.targetDatabase());
    }
    return new BackupSelector(
        plan.bucket(),
        Defaults.DAILY_PREFIX,
        null,
        plan.damageStartedAt(),
        null,
        plan.targetDatabase());
  }

  private void identified(BackupObject found) {
    ctx.backup = found;
    ctx.trail.backupKey(found.key());
    RunSearchAttributes.backupKey(found.key());
  }

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
        candidate = stubs.storage.resolveBackup(looking);
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
        manifest = stubs.storage.readManifest(candidate);
        BackupValidity validity = stubs.wholeReads.checkBackupValidity(candidate, manifest);
        problem = validity.valid() ? null : validity.problem();
      } catch (ActivityFailure e) {
        if (!FailureTypes.BACKUP_CORRUPT.equals(Failures.rootType(e))) {
          throw e;
        }
        problem = Failures.rootMessage(e); // its manifest is unreadable
      }
      if (problem == null) {
        identified(candidate);
        ArchiveHeader header = stubs.decryption.readArchiveHeader(candidate, manifest);
        return new IdentifiedBackup(candidate, manifest, header);
      }
      passedOver.add(candidate.key() + " (taken " + candidate.takenAt() + "): " + problem);
      ctx.trail.record(
          "backup-passed-over", StepRecord.FAILED, IncidentText.passedOver(candidate, problem));
      looking = looking.olderThan(candidate.takenAt());
    }
    throw noValidBackup(
        "the checklist stops after " + WALK_BACK_LIMIT + " invalid backups in a row", null);
  }

  private ApplicationFailure noValidBackup(String why, Exception cause) {
    String message = IncidentText.noValidBackup(plan, passedOver, why);
    return cause == null
        ? ApplicationFailure.newNonRetryableFailure(message, FailureTypes.BACKUP_INTEGRITY_FAILED)
        : ApplicationFailure.newNonRetryableFailureWithCause(
            message, FailureTypes.BACKUP_INTEGRITY_FAILED, cause);
  }

  private String describe(IdentifiedBackup b) {
    return IncidentText.describe(b, plan, passedOver);
  }

  private void prepareTargetEnvironment(IdentifiedBackup identified) {
    switch (plan.scenario()) {
      case INSTANCE_FAILURE -> steps.skip(PREPARE_TARGET, IncidentText.TARGET_IS_A_NEW_INSTANCE);
      case REGIONAL_OUTAGE -> steps.skip(PREPARE_TARGET, IncidentText.TARGET_IS_THE_DR_STACK);
      default ->
          steps.run(
              PREPARE_TARGET,
              () -> checkTargetServer(identified.header()),
              s -> IncidentText.targetReady(s, identified.header() != null));
    }
  }

  private ServerInfo checkTargetServer(ArchiveHeader header) {
    try {
      ServerInfo server = stubs.postgres.awaitServerReady(null, Duration.ofSeconds(30));
      stubs.postgres.checkRestoreCompatibility(header, null);
      return server;
    } catch (ActivityFailure e) {
      throw ApplicationFailure.newNonRetryableFailureWithCause(
          IncidentText.targetNotReady(Failures.rootMessage(e)), FailureTypes.CONFIGURATION, e);
    }
  }

  private CredentialCheck requireCredentials(CredentialCheck check) {
    boolean needsDatabase =
        plan.scenario() != Scenario.INSTANCE_FAILURE && plan.scenario() != Scenario.REGIONAL_OUTAGE;
    if (!check.backupKeyReady() || (needsDatabase && !check.databaseReachable())) {
      throw ApplicationFailure.newNonRetryableFailure(
          IncidentText.credentialsNotReady(check.problems()), FailureTypes.CREDENTIALS_UNAVAILABLE);
    }
    return check;
  }
}
