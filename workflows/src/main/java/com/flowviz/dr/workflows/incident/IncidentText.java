package com.flowviz.dr.workflows.incident;

import com.flowviz.dr.activities.app.RestartOutcome;
import com.flowviz.dr.activities.incident.CredentialCheck;
import com.flowviz.dr.activities.incident.RotationOutcome;
import com.flowviz.dr.activities.postgres.DataGap;
import com.flowviz.dr.activities.postgres.ServerInfo;
import com.flowviz.dr.activities.postgres.SwapOutcome;
import com.flowviz.dr.activities.postgres.TableGap;
import com.flowviz.dr.activities.postgres.UndeleteOutcome;
import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.workflows.common.ApprovalGates;
import com.flowviz.dr.workflows.common.Decision;
import com.flowviz.dr.workflows.common.RpoAssessment;
import com.flowviz.dr.workflows.common.RtoAssessment;
import com.flowviz.dr.workflows.failover.FailoverResult;
import com.flowviz.dr.workflows.newinstance.NewInstanceResult;
import com.flowviz.dr.workflows.restore.RestoreResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What an incident tells its operators, in one place: notifications, what it waits for and how to
 * answer, failures and what to do about them, and what each step and action did. The procedures
 * decide; this class only words it.
 */
final class IncidentText {
  private IncidentText() {}

  // ---- Declaring the incident ----

  static final String NO_TRUSTED_SIGNERS =
      "Scenario 2.4 restores only a backup proven authentic by a trusted signature, and this"
          + " worker has no trusted signer keys. Configure them"
          + " (flowviz.gpg.trusted-signers-file, flowviz.gpg.trusted-signers-secret-id or"
          + " flowviz.gpg.signer-public-key-file; see docs/key-rotation.md) and declare the"
          + " incident again. Nothing was done.";

  static String declaredBy(IncidentPlan plan) {
    return plan.trigger().describe()
        + "; link "
        + plan.trigger().link()
        + "; approvals "
        + approvals(plan.approvals());
  }

  static String approvals(Approvals a) {
    return "swap "
        + a.swap()
        + ", repoint "
        + a.repoint()
        + ", DNS switch "
        + a.dnsSwitch()
        + (a.policy().isEmpty() ? "" : " (policy " + a.policy() + ")");
  }

  static String declared(IncidentPlan plan) {
    return "Incident "
        + plan.incidentId()
        + ": "
        + plan.scenario().describe()
        + " detected "
        + plan.detectedAt();
  }

  static String recoveryFailed(IncidentPlan plan, boolean cancelled, String why) {
    return "Incident "
        + plan.incidentId()
        + ": recovery "
        + (cancelled ? "cancelled" : "FAILED")
        + ": "
        + why;
  }

  /** The incident as every notification about it describes it. */
  static Map<String, String> scopeDetails(IncidentPlan plan) {
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
      details.put("approvals", approvals(plan.approvals()));
    }
    return details;
  }

  // ---- Section 3, the pre-recovery checklist ----

  static String scope(IncidentPlan plan) {
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

  /** What the notify step said before issue 14, when it claimed more than it knew. */
  static final String NOTIFIED_BEFORE_ISSUE_14 =
      "stakeholders notified on every configured channel (delivery continues in the background)";

  static final String NO_NOTIFICATION_CHANNEL =
      "FINDING: no notification channel is configured (flowviz.notify): nobody was told;"
          + " alert the on-call engineer, team leads and management by hand";

  static String notifiedOn(List<String> channels) {
    return "sent to "
        + String.join(", ", channels)
        + " (delivery goes on in the background; each delivery and failure is in the audit trail)";
  }

  static String incidentLogOpened(IncidentPlan plan) {
    return "incident log "
        + plan.incidentId()
        + " opened; every step of the incident and its procedure is"
        + " appended to the hash-chained audit trail with its UTC time";
  }

  static String noDrBackup(String bucket, String region, String problem) {
    return "No daily backup can be read in the DR bucket s3://"
        + bucket
        + " ("
        + region
        + "): "
        + (problem == null ? "it is empty" : problem)
        + ". A failover has nothing to restore; check the bucket's replication.";
  }

  static String passedOver(BackupObject candidate, String problem) {
    return candidate.uri() + " is not a valid backup: " + problem + "; trying the next older one";
  }

  static String noValidBackup(IncidentPlan plan, List<String> passedOver, String why) {
    return "No valid backup of "
        + plan.targetDatabase()
        + " was found: passed over "
        + String.join("; ", passedOver)
        + "; "
        + why
        + ". Nothing was changed. Find out what damaged the backups; restore an older one by"
        + " its key or from the weekly backups (runbook 4.2).";
  }

  static String describe(IdentifiedBackup b, IncidentPlan plan, List<String> passedOver) {
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

  static final String TARGET_IS_A_NEW_INSTANCE =
      "runbook 4.3 provisions a new instance and waits until it is ready";
  static final String TARGET_IS_THE_DR_STACK =
      "runbook 4.4 provisions the DR stack with terraform and restores into it";

  static String targetReady(ServerInfo s, boolean headerRead) {
    return "PostgreSQL "
        + s.version()
        + " accepts connections"
        + (headerRead ? " and can take this backup" : "");
  }

  static String targetNotReady(String why) {
    return "The target database server is not ready: "
        + why
        + " If the instance itself is lost, declare a complete"
        + " instance failure (scenario 2.2) instead; nothing was changed.";
  }

  static String credentialsNotReady(List<String> problems) {
    return "The credentials the recovery needs are not ready: "
        + String.join("; ", problems)
        + ". Fix them (runbook section 8) and declare the incident again; nothing was"
        + " changed.";
  }

  static String describeCredentials(CredentialCheck c) {
    return "backup key ready from "
        + c.keySource()
        + " ("
        + String.join(", ", c.keyIds())
        + ")"
        + (c.databaseReachable()
            ? "; database credentials work"
            : "; the database is not reachable (expected: the procedure builds a new one)");
  }

  // ---- The restore (4.1), the swap and its gate ----

  static String restoreSummary(IncidentPlan plan, boolean stageOnly, BackupObject backup) {
    return "Incident "
        + plan.incidentId()
        + ": "
        + (stageOnly ? "stage " : "restore ")
        + backup.key();
  }

  static String describe(String procedureWorkflowId, RestoreResult r) {
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

  static String describeSwap(SwapOutcome s) {
    return "live database kept as "
        + s.retiredDatabase()
        + "; "
        + s.terminatedSessions()
        + " sessions ended";
  }

  /** The swap gate's question, as the progress query and the workflow's details show it. */
  static String approveSwap(IncidentPlan plan, RestoreResult staged) {
    return "The restore of "
        + staged.backup().key()
        + " is staged in "
        + staged.stagingDatabase()
        + " and its verification "
        + (staged.verification().passed()
            ? "passed"
            : "FAILED " + staged.verification().failedChecks())
        + ". Approve replacing "
        + plan.targetDatabase()
        + " with it (the current database is kept under a dated name): `flowviz-dr approve "
        + plan.incidentId()
        + " --gate swap --by NAME`, or reject to change nothing.";
  }

  static String approveSwapTitle(IncidentPlan plan) {
    return "Incident " + plan.incidentId() + ": approve the swap into " + plan.targetDatabase();
  }

  static Map<String, String> approveSwapDetails(IncidentPlan plan, RestoreResult staged) {
    return Map.of(
        "gate",
        Decision.SWAP,
        "staged",
        staged.stagingDatabase(),
        "backup",
        staged.backup().key(),
        "verification",
        staged.verification().passed() ? "passed" : "FAILED",
        "policy",
        approvals(plan.approvals()));
  }

  static String swapNotApproved(IncidentPlan plan, Decision decision) {
    return "swap "
        + ApprovalGates.describe(decision)
        + ": nothing changed in "
        + plan.targetDatabase()
        + "; the staged restore was dropped";
  }

  static String swapApproved(
      IncidentPlan plan, Decision decision, RestoreResult staged, SwapOutcome swap) {
    return "swap approved by "
        + decision.by()
        + ": "
        + plan.targetDatabase()
        + " restored from "
        + staged.backup().key()
        + "; the replaced database is kept as "
        + swap.retiredDatabase();
  }

  /** The reply to a decision at the swap gate. */
  static String decisionReply(IncidentPlan plan, Decision recorded, boolean waiting) {
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

  static String noSwapGate(IncidentPlan plan, String procedureWorkflowId) {
    return "This incident has no swap gate: its approvals let the swap run without one"
        + (plan.scenario() == Scenario.REGIONAL_OUTAGE
                || plan.scenario() == Scenario.INSTANCE_FAILURE
            ? "; approve at the procedure's gate, " + procedureWorkflowId
            : "")
        + ".";
  }

  // ---- 2.2, a new instance ----

  static String newInstanceSummary(IncidentPlan plan, BackupObject backup) {
    return "Incident " + plan.incidentId() + ": restore " + backup.key() + " to a new instance";
  }

  static String approveRepoint(String procedureWorkflowId) {
    return "The restore to a new instance "
        + procedureWorkflowId
        + " asks for approval before it repoints the application: `flowviz-dr approve "
        + procedureWorkflowId
        + " --gate repoint --by NAME` (or reject).";
  }

  static String describe(String procedureWorkflowId, NewInstanceResult r) {
    return "runbook 4.3 ("
        + procedureWorkflowId
        + "): "
        + r.outcome()
        + " on instance "
        + r.instance().name()
        + " at "
        + r.instance().server().describe();
  }

  static String newInstanceRepointed(NewInstanceResult result) {
    return "new instance "
        + result.instance().name()
        + " ("
        + result.instance().provisioner()
        + ") at "
        + result.instance().server().describe()
        + (result.published().configured()
            ? "; application repointed via " + result.published().locations()
            : "");
  }

  static String newInstanceNotRepointed(NewInstanceResult result) {
    return "new instance "
        + result.instance().name()
        + " at "
        + result.instance().server().describe()
        + " holds the restore; the application"
        + " was NOT repointed ("
        + ApprovalGates.describe(result.repointDecision())
        + ")";
  }

  // ---- 2.3, the deleted rows ----

  /** The choice the operator is asked for, with the data gap it rests on. */
  static String chooseRecovery(IncidentPlan plan, DataGap gap) {
    return "Data gap: "
        + gap.describe()
        + ". Choose with `flowviz-dr choose "
        + plan.incidentId()
        + " surgical|full-restore|abandon --by NAME`: surgical puts back the "
        + gap.missingFromLive()
        + " deleted rows and keeps the "
        + gap.newInLive()
        + " rows written since the backup; full-restore replaces the database with the backup"
        + " and loses them.";
  }

  static String chooseRecoveryTitle(IncidentPlan plan) {
    return "Incident " + plan.incidentId() + ": choose how to recover the deleted rows";
  }

  static String abandoned(IncidentPlan plan, RecoveryChoice chosen) {
    return "abandoned by " + chosen.by() + ": nothing changed in " + plan.targetDatabase();
  }

  static Map<String, String> gapDetails(DataGap gap) {
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

  static String describe(RecoveryChoice c, DataGap gap) {
    return c.choice()
        + " chosen by "
        + c.by()
        + " at "
        + c.at()
        + (c.comment() == null || c.comment().isBlank() ? "" : ": " + c.comment())
        + "; data gap was "
        + gap.describe();
  }

  /** The reply to the choose update: what the incident does now. */
  static String choiceReply(IncidentPlan plan, RecoveryChoice choice, DataGap gap) {
    return switch (choice.choice()) {
      case RecoveryChoice.SURGICAL ->
          "Putting back the "
              + gap.missingFromLive()
              + " deleted rows into "
              + plan.targetDatabase()
              + " in one transaction; the "
              + gap.newInLive()
              + " rows written since the backup stay.";
      case RecoveryChoice.FULL_RESTORE ->
          "Swapping the backup in for "
              + plan.targetDatabase()
              + "; the current database is kept under a dated name.";
      default -> "Changing nothing; the staging database is dropped.";
    };
  }

  static String choiceIgnored(RecoveryChoice offered, RecoveryChoice made) {
    return offered.choice()
        + " by "
        + offered.by()
        + (made != null
            ? ": already chosen " + made.choice() + " by " + made.by()
            : ": no choice was pending");
  }

  static String describeUndelete(UndeleteOutcome u) {
    return "put back "
        + u.total()
        + " deleted rows in one transaction "
        + u.inserted()
        + (u.alreadyApplied() ? " (committed by an earlier attempt)" : "")
        + "; rows written since the backup kept";
  }

  static String undeleted(RecoveryChoice chosen, UndeleteOutcome undelete, DataGap gap) {
    return "surgical undelete chosen by "
        + chosen.by()
        + ": "
        + undelete.total()
        + " rows put back "
        + undelete.inserted()
        + "; "
        + gap.newInLive()
        + " rows written since the backup kept";
  }

  static String fullyRestored(RecoveryChoice chosen, DataGap gap, SwapOutcome swap) {
    return "full restore chosen by "
        + chosen.by()
        + ": "
        + gap.missingFromLive()
        + " deleted rows back; "
        + gap.newInLive()
        + " rows written since the backup are not in the restored database (kept in "
        + swap.retiredDatabase()
        + ")";
  }

  // ---- 2.4, the breach ----

  static String describeRotation(RotationOutcome r) {
    return "new passwords for roles " + r.roles() + "; secrets rewritten: " + r.secrets();
  }

  static List<String> breachActions(
      BackupObject restored, RotationOutcome rotated, RestartOutcome restart) {
    return List.of(
        "restored from the isolated location " + restored.uri() + " after its integrity was proven",
        "credentials rotated: database roles " + rotated.roles() + ", secrets " + rotated.secrets(),
        restart.configured()
            ? "application restarted with the new credentials (" + restart.command() + ")"
            : "no restart command configured");
  }

  // ---- 2.5, the failover ----

  static String approveDnsSwitch(String procedureWorkflowId) {
    return "The failover "
        + procedureWorkflowId
        + " asks for approval before it switches DNS: `flowviz-dr approve "
        + procedureWorkflowId
        + " --gate dns-switch --by NAME` (or reject).";
  }

  static String dnsOutcome(FailoverResult result, boolean switched) {
    return switched
        ? "DNS switched to " + result.stack().region() + " (change " + result.dns().changeId() + ")"
        : "DNS not switched: " + result.outcome();
  }

  // ---- Runbook 6.1 ----

  static String resolved(IncidentPlan plan, Recovery recovery, RtoAssessment rto) {
    return "Incident "
        + plan.incidentId()
        + " "
        + (recovery.abandoned() ? "closed without recovery" : "recovered")
        + ": "
        + recovery.procedure()
        + " in "
        + rto.achieved();
  }

  static final String RESOLUTION_NOT_SENT =
      "FINDING: no notification channel is configured: tell stakeholders of the resolution by"
          + " hand";
}
