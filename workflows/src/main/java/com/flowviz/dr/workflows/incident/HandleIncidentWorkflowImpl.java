package com.flowviz.dr.workflows.incident;

import static com.flowviz.dr.workflows.incident.IncidentSteps.CRITICAL_WORKFLOWS;
import static com.flowviz.dr.workflows.incident.IncidentSteps.NOTIFY_RESOLUTION;
import static com.flowviz.dr.workflows.incident.IncidentSteps.REVIEW_DATA_GAP;
import static com.flowviz.dr.workflows.incident.IncidentSteps.SCHEDULE_FOLLOW_UP;
import static com.flowviz.dr.workflows.incident.IncidentSteps.SERVICES_OPERATIONAL;
import static com.flowviz.dr.workflows.incident.IncidentSteps.VERIFY_AUDIT_TRAIL;
import static com.flowviz.dr.workflows.incident.IncidentSteps.WRITE_REPORT;

import com.flowviz.dr.activities.audit.AuditTrailCheck;
import com.flowviz.dr.activities.audit.ChainVerification;
import com.flowviz.dr.activities.incident.IncidentReport;
import com.flowviz.dr.activities.incident.ReportLocation;
import com.flowviz.dr.activities.postgres.DataGap;
import com.flowviz.dr.activities.postgres.TableGap;
import com.flowviz.dr.activities.verify.ConnectivityReport;
import com.flowviz.dr.activities.verify.TraceabilityCheck;
import com.flowviz.dr.activities.verify.VerificationReport;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.common.ApprovalGates;
import com.flowviz.dr.workflows.common.Decision;
import com.flowviz.dr.workflows.common.Detached;
import com.flowviz.dr.workflows.common.Failures;
import com.flowviz.dr.workflows.common.ProcedureEnvelope;
import com.flowviz.dr.workflows.common.RpoAssessment;
import com.flowviz.dr.workflows.common.RtoAssessment;
import com.flowviz.dr.workflows.common.RunSearchAttributes;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.lease.AbandonedDatabases;
import com.flowviz.dr.workflows.lease.DatabaseLease;
import io.temporal.api.enums.v1.ParentClosePolicy;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Async;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Runbook section 2 as one workflow: the pre-recovery checklist (section 3), the scenario's
 * procedure (one class per scenario beside this one), the checks of 6.1, the report and the
 * follow-up of section 7.
 */
public class HandleIncidentWorkflowImpl implements HandleIncidentWorkflow {

  private static final Set<String> CHOICES =
      Set.of(RecoveryChoice.SURGICAL, RecoveryChoice.FULL_RESTORE, RecoveryChoice.ABANDON);

  /** Workflow.getVersion change id: 2.4 refuses to start without trusted signer keys (issue 15). */
  static final String BREACH_NEEDS_TRUSTED_SIGNERS = "breach-needs-trusted-signers";

  /** Workflow.getVersion change id: the audit check notes entries not yet in the database. */
  static final String AUDIT_CHECK_NOTES_PENDING = "audit-check-notes-pending-entries";

  private final IncidentStubs stubs = new IncidentStubs();
  private final ApprovalGates gates = new ApprovalGates(Decision.SWAP);

  private IncidentPlan plan;

  /** Created once the input is accepted; null before (queries and updates may come first). */
  private IncidentContext ctx;

  /** The database lease the incident holds for its whole course; null in runs from before it. */
  private DatabaseLease lease;

  private String followUpWorkflowId;

  @Override
  public IncidentResult handle(IncidentRequest request) {
    // Input first: bad input fails here, having told no one and changed nothing.
    plan = IncidentPlan.from(request, Workflow.getInfo().getWorkflowId(), IncidentContext.now());
    if (plan.scenario() == Scenario.SECURITY_BREACH
        && Workflow.getVersion(BREACH_NEEDS_TRUSTED_SIGNERS, Workflow.DEFAULT_VERSION, 1)
            != Workflow.DEFAULT_VERSION
        && !stubs.decryption.trustedSignersConfigured()) {
      // After a breach only a backup proven authentic may be restored; without signer keys nothing
      // can be proven.
      throw ApplicationFailure.newNonRetryableFailure(
          IncidentText.NO_TRUSTED_SIGNERS, FailureTypes.CONFIGURATION);
    }
    ctx = new IncidentContext(plan, stubs, gates);
    RunSearchAttributes.tag(plan.scenario().section(), plan.operator(), plan.targetDatabase());
    if (plan.trigger() != null) {
      ctx.trail.record("declared-by-trigger", StepRecord.SUCCEEDED, IncidentText.declaredBy(plan));
    }
    try {
      return ProcedureEnvelope.run(
          "IncidentRecoveryFailed",
          () -> {
            lease = takeLease();
            IdentifiedBackup identified = new PreRecoveryChecklist(ctx).run();
            Recovery recovery =
                switch (plan.scenario()) {
                  case DATABASE_CORRUPTION -> new CorruptionRecovery(ctx).recover(identified);
                  case INSTANCE_FAILURE -> new InstanceFailureRecovery(ctx).recover(identified);
                  case ACCIDENTAL_DELETION -> new DeletionRecovery(ctx).recover(identified);
                  case SECURITY_BREACH -> new BreachRecovery(ctx).recover(identified);
                  case REGIONAL_OUTAGE -> new RegionalOutageRecovery(ctx).recover();
                };
            return Detached.call(() -> finishAfterRecovery(recovery));
          },
          failure -> Detached.run(() -> recordFailure(failure)));
    } finally {
      ctx.awaiting = null;
      if (lease != null) {
        lease.release();
      }
      // Deliveries still retrying get an hour more; what is left then is in the audit trail.
      ctx.notifier.awaitDeliveries(Duration.ofHours(1));
      ctx.trail.awaitAll();
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
    DatabaseLease taken =
        DatabaseLease.acquire(
            null, plan.targetDatabase(), "incident " + plan.scenario().section(), plan.leaseWait());
    ctx.trail.record("database-lease", StepRecord.SUCCEEDED, taken.describe());
    if (plan.scenario() != Scenario.INSTANCE_FAILURE
        && plan.scenario() != Scenario.REGIONAL_OUTAGE) {
      AbandonedDatabases.reopen(ctx.trail, plan.targetDatabase(), null);
    }
    return taken;
  }

  // ---- Runbook 6.1 and section 7: immediately after the recovery ----

  /** Runbook 6.1, then the report and the follow-up of section 7. */
  private IncidentResult finishAfterRecovery(Recovery recovery) {
    RtoAssessment rto = RtoAssessment.of(plan.detectedAt(), recovery.recoveredAt());
    List<String> checks = new ArrayList<>();
    boolean findings = !recovery.healthy();
    findings |= !checkRecoveredSystem(recovery, checks);
    notifyResolution(recovery, rto, checks);
    Map<String, String> gaps =
        ctx.steps.run(
            REVIEW_DATA_GAP,
            () -> reviewDataGap(recovery),
            g -> g.isEmpty() ? "no data gap beyond the RPO gap" : g.toString());
    checks.add(
        "data gap reviewed: "
            + (gaps.isEmpty() ? "none beyond the RPO gap" : gaps.size() + " table(s)"));
    AuditVerdict audit = verifyAuditTrail();
    findings |= audit.broken();
    return report(recovery, rto, findings, checks, gaps, audit.text());
  }

  /** "Confirm all services operational" and "test critical user workflows": true when both hold. */
  private boolean checkRecoveredSystem(Recovery recovery, List<String> checks) {
    if (recovery.abandoned()) {
      ctx.steps.skip(SERVICES_OPERATIONAL, "nothing was recovered");
      ctx.steps.skip(CRITICAL_WORKFLOWS, "nothing was recovered");
      return true;
    }
    if (ctx.notificationChannels == null) {
      return checkRecoveredSystemBeforeIssue14(recovery, checks);
    }
    boolean operational = confirmServicesOperational(checks);
    boolean workflows = testCriticalWorkflows(recovery, checks);
    return operational && workflows;
  }

  /** The 6.1 checks as runs from before STEPS_AS_THEY_HAPPENED made them. */
  private boolean checkRecoveredSystemBeforeIssue14(Recovery recovery, List<String> checks) {
    ConnectivityReport services =
        ctx.steps.run(
            SERVICES_OPERATIONAL,
            stubs.probes::checkApplicationConnectivity,
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
    VerificationReport critical =
        ctx.steps.run(
            CRITICAL_WORKFLOWS,
            () ->
                stubs.verification.verifyRestoredDatabase(
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
    return !(services.configured() && !services.healthy()) && critical.passed();
  }

  /** "Confirm all services operational": true unless a configured endpoint is unhealthy. */
  private boolean confirmServicesOperational(List<String> checks) {
    ConnectivityReport services = stubs.probes.checkApplicationConnectivity();
    if (!services.configured()) {
      ctx.steps.skip(
          SERVICES_OPERATIONAL,
          "no endpoints configured (flowviz.application.base-url or health-endpoints): the services"
              + " were NOT confirmed operational; check the application by hand");
      checks.add("services operational: NOT checked (no endpoints configured)");
      return true;
    }
    ctx.steps.runJudged(
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
        ctx.steps.runJudged(
            CRITICAL_WORKFLOWS,
            () ->
                stubs.verification.checkLotTraceability(
                    recovery.liveDatabase(), recovery.liveServer()),
            TraceabilityCheck::passed,
            TraceabilityCheck::describe);
    checks.add(
        "critical workflows (lot -> QC decisions -> temperature logs): " + traced.describe());
    return traced.passed();
  }

  /** "Notify stakeholders of resolution". */
  private void notifyResolution(Recovery recovery, RtoAssessment rto, List<String> checks) {
    ctx.notifier.send(
        "resolved",
        "info",
        "resolve",
        IncidentText.resolved(plan, recovery, rto),
        Map.of(
            "outcome", recovery.procedureOutcome(), "rto", rto.achieved() + " " + rto.verdict()));
    if (ctx.notificationChannels != null && ctx.notificationChannels.isEmpty()) {
      ctx.steps.skip(NOTIFY_RESOLUTION, IncidentText.RESOLUTION_NOT_SENT);
      checks.add("stakeholders NOT notified of the resolution: no notification channel configured");
    } else {
      ctx.steps.run(NOTIFY_RESOLUTION, () -> "resolution sent to stakeholders", s -> s);
      checks.add("stakeholders notified of the resolution");
    }
  }

  /** What the audit trail check found, for the report; broken is a finding. */
  private record AuditVerdict(String text, boolean broken) {}

  /** "Verify audit trail": the incident's entries, hash-chained and complete. */
  private AuditVerdict verifyAuditTrail() {
    if (Workflow.getVersion(AUDIT_CHECK_NOTES_PENDING, Workflow.DEFAULT_VERSION, 1) >= 1) {
      // Entries still waiting in the compliance bucket for the audit database are a note about
      // the trail, not a finding about the recovered system; only a broken chain is.
      AuditTrailCheck audit =
          ctx.steps.run(
              VERIFY_AUDIT_TRAIL,
              () -> stubs.auditReader.checkAuditTrail(plan.incidentId()),
              AuditTrailCheck::describe);
      return new AuditVerdict(audit.describe(), audit.broken());
    }
    ChainVerification chain =
        ctx.steps.run(
            VERIFY_AUDIT_TRAIL, stubs.auditReader::verifyAuditChain, ChainVerification::finding);
    return new AuditVerdict(
        (chain.intact() ? "intact: " : "BROKEN: ") + chain.finding(), !chain.intact());
  }

  /** Section 7: the incident report, the follow-up tasks, and the result. */
  private IncidentResult report(
      Recovery recovery,
      RtoAssessment rto,
      boolean findings,
      List<String> checks,
      Map<String, String> gaps,
      String chainText) {
    String outcome =
        recovery.abandoned()
            ? IncidentResult.ABANDONED
            : findings ? IncidentResult.RECOVERED_WITH_FINDINGS : IncidentResult.RECOVERED;
    RpoAssessment rpo =
        recovery.backup() == null
            ? null
            : RpoAssessment.of(plan.damageStartedAt(), recovery.backup().takenAt());
    ctx.trail.record(
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
    ctx.trail.awaitAll();
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
        ctx.steps.run(
            WRITE_REPORT,
            () -> stubs.incident.writeIncidentReport(report),
            l -> "s3://" + l.bucket() + "/" + l.markdownKey() + " and " + l.jsonKey());
    followUpWorkflowId =
        ctx.steps.run(
            SCHEDULE_FOLLOW_UP,
            () -> startFollowUp(recovery, rpo, gaps, location),
            id -> "24-hour and 7-day tasks tracked by " + id);
    return IncidentResult.builder()
        .incidentId(plan.incidentId())
        .scenario(plan.scenario().describe())
        .outcome(outcome)
        .procedure(recovery.procedure())
        .procedureWorkflowId(recovery.procedureWorkflowId())
        .procedureOutcome(recovery.procedureOutcome())
        .backup(recovery.backup())
        .rto(rto)
        .rpo(rpo)
        .dataGap(recovery.dataGap())
        .choice(recovery.choice())
        .undelete(recovery.undelete())
        .rotation(recovery.rotation())
        .postRecoveryChecks(checks)
        .report(location)
        .followUpWorkflowId(followUpWorkflowId)
        .steps(ctx.steps.steps())
        .build();
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
            stubs.comparison.compareDatabases(
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
        FollowUpRequest.builder()
            .incidentId(plan.incidentId())
            .scenario(plan.scenario().describe())
            .operator(plan.operator())
            .recoveredAt(recovery.recoveredAt())
            .dataGapSummary(
                gaps.isEmpty()
                    ? "no data gap beyond the RPO gap"
                    : gaps.entrySet().stream()
                        .map(e -> e.getKey() + ": " + e.getValue())
                        .collect(Collectors.joining("; ")))
            .rpoSummary(
                rpo == null
                    ? null
                    : "backup taken " + rpo.gap() + " before the incident (" + rpo.verdict() + ")")
            .reportUri("s3://" + report.bucket() + "/" + report.markdownKey())
            .build());
    Workflow.getWorkflowExecution(followUp).get();
    return id;
  }

  private void recordFailure(ProcedureEnvelope.Failure failure) {
    ctx.trail.record("incident", failure.stepStatus(), failure.message());
    ctx.notifier.send(
        failure.cancelled() ? "cancelled" : "failed",
        "critical",
        "trigger",
        IncidentText.recoveryFailed(plan, failure.cancelled(), failure.message()),
        IncidentText.scopeDetails(plan));
  }

  // ---- Updates, signals, queries ----

  @Override
  public String chooseRecovery(RecoveryChoice recoveryChoice) {
    this.recoveryChoice(recoveryChoice);
    return IncidentText.choiceReply(plan, ctx.choice, ctx.dataGap);
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
    if (ctx == null || !ctx.awaitingChoice) {
      RecoveryChoice made = ctx == null ? null : ctx.choice;
      throw new IllegalArgumentException(
          made != null
              ? "The recovery was already chosen: " + made.choice() + " by " + made.by() + "."
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
    if (ctx == null) {
      return; // nothing to choose before the incident has started, nor a trail to note it in
    }
    if (!ctx.awaitingChoice || ctx.choice != null) {
      ctx.trail.record(
          "recovery-choice-ignored",
          StepRecord.SKIPPED,
          IncidentText.choiceIgnored(recoveryChoice, ctx.choice));
      return;
    }
    ctx.choice =
        new RecoveryChoice(
            recoveryChoice.choice(),
            recoveryChoice.by(),
            recoveryChoice.comment(),
            IncidentContext.now());
  }

  @Override
  public String decide(Decision decision) {
    Decision recorded = gates.offer(decision);
    return IncidentText.decisionReply(plan, recorded, gates.waitingAt(recorded.gate()));
  }

  @Override
  public void validateDecision(Decision decision) {
    gates.validate(decision);
    if (plan != null && !plan.approvals().swapRequired()) {
      throw new IllegalArgumentException(
          IncidentText.noSwapGate(plan, ctx == null ? null : ctx.procedureWorkflowId));
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
        ctx == null ? null : ctx.steps.current(),
        ctx == null ? null : ctx.awaiting,
        ctx == null ? null : ctx.procedureWorkflowId,
        ctx == null || ctx.backup == null ? null : ctx.backup.key(),
        ctx == null ? null : ctx.dataGap,
        followUpWorkflowId,
        ctx == null ? List.of() : ctx.steps.steps());
  }
}
