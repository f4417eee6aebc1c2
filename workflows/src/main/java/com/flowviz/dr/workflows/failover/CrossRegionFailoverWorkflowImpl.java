package com.flowviz.dr.workflows.failover;

import static com.flowviz.dr.workflows.failover.FailoverSteps.APPROVE_DNS;
import static com.flowviz.dr.workflows.failover.FailoverSteps.APPROVE_FAILBACK_DATA_LOSS;
import static com.flowviz.dr.workflows.failover.FailoverSteps.APPROVE_STALE_BACKUP;
import static com.flowviz.dr.workflows.failover.FailoverSteps.CHECK_FRESHNESS;
import static com.flowviz.dr.workflows.failover.FailoverSteps.COMPARE_REPLICATION;
import static com.flowviz.dr.workflows.failover.FailoverSteps.PROBE_HEALTH;
import static com.flowviz.dr.workflows.failover.FailoverSteps.PROVISION;
import static com.flowviz.dr.workflows.failover.FailoverSteps.RESTORE;
import static com.flowviz.dr.workflows.failover.FailoverSteps.SWITCH_DNS;
import static com.flowviz.dr.workflows.failover.FailoverSteps.WAIT_IN_SYNC;

import com.flowviz.dr.activities.dns.DnsActivities;
import com.flowviz.dr.activities.dns.DnsChange;
import com.flowviz.dr.activities.dns.DnsChangeRequest;
import com.flowviz.dr.activities.infra.InfrastructureActivities;
import com.flowviz.dr.activities.infra.StackOutputs;
import com.flowviz.dr.activities.infra.StackSpec;
import com.flowviz.dr.activities.storage.BackupStorageActivities;
import com.flowviz.dr.activities.storage.BucketFreshness;
import com.flowviz.dr.activities.verify.HealthReport;
import com.flowviz.dr.activities.verify.VerificationActivities;
import com.flowviz.dr.workflows.Defaults;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.TaskQueues;
import com.flowviz.dr.workflows.common.ActivityTimeouts;
import com.flowviz.dr.workflows.common.ApprovalGates;
import com.flowviz.dr.workflows.common.AuditTrail;
import com.flowviz.dr.workflows.common.Decision;
import com.flowviz.dr.workflows.common.ProcedureEnvelope;
import com.flowviz.dr.workflows.common.RpoAssessment;
import com.flowviz.dr.workflows.common.RunSearchAttributes;
import com.flowviz.dr.workflows.common.StepRecord;
import com.flowviz.dr.workflows.common.StepTracker;
import com.flowviz.dr.workflows.restore.RestoreFromBackupWorkflow;
import com.flowviz.dr.workflows.restore.RestoreRequest;
import com.flowviz.dr.workflows.restore.RestoreResult;
import io.temporal.activity.ActivityOptions;
import io.temporal.common.RetryOptions;
import io.temporal.failure.ActivityFailure;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.ChildWorkflowOptions;
import io.temporal.workflow.Workflow;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

public class CrossRegionFailoverWorkflowImpl implements CrossRegionFailoverWorkflow {

  /** Names the skipped comparison as a step of its own when the compared region cannot be read. */
  private static final String COMPARED_REGION_UNREACHABLE =
      "failover-compared-region-unreachable-step";

  /**
   * Holds a failback at a gate when the DR side has newer backups than the primary's it would
   * restore.
   */
  private static final String FAILBACK_GUARDS_NEWER_DR_DATA = "failback-guards-newer-dr-data";

  private final BackupStorageActivities storage =
      Workflow.newActivityStub(BackupStorageActivities.class, ActivityTimeouts.QUICK);
  private final VerificationActivities verification =
      Workflow.newActivityStub(
          VerificationActivities.class,
          ActivityTimeouts.APPLICATION.toBuilder()
              .setStartToCloseTimeout(Duration.ofHours(2))
              .build());
  private final InfrastructureActivities infrastructure =
      Workflow.newActivityStub(
          InfrastructureActivities.class,
          ActivityOptions.newBuilder()
              .setStartToCloseTimeout(Duration.ofHours(1))
              .setHeartbeatTimeout(Duration.ofSeconds(30))
              .setScheduleToCloseTimeout(Duration.ofHours(3))
              .setRetryOptions(ActivityTimeouts.QUICK.getRetryOptions())
              .build());
  private final DnsActivities dns =
      Workflow.newActivityStub(DnsActivities.class, ActivityTimeouts.QUICK);

  private FailoverPlan plan;
  private StepTracker steps;
  private FreshnessReport freshness;
  private final ApprovalGates gates =
      new ApprovalGates(Decision.DNS_SWITCH, Decision.STALE_BACKUP, Decision.FAILBACK_DATA_LOSS);
  private String restoreWorkflowId;

  /**
   * A health URL from the input meets the worker's URL rules before anything is provisioned or
   * switched.
   */
  private void checkHealthUrlOfInput(FailoverRequest request) {
    if (request.healthUrl() == null
        || Workflow.getVersion("failover-health-url-preflight", Workflow.DEFAULT_VERSION, 1) < 1) {
      return;
    }
    try {
      verification.checkHealthUrl(plan.healthUrl());
    } catch (ActivityFailure e) {
      if (e.getCause() instanceof ApplicationFailure refused
          && FailureTypes.INVALID_INPUT.equals(refused.getType())) {
        throw ApplicationFailure.newNonRetryableFailure(
            refused.getOriginalMessage(), refused.getType());
      }
      throw e;
    }
  }

  @Override
  public FailoverResult failover(FailoverRequest request) {
    Instant startedAt = now();
    plan = FailoverPlan.from(request, startedAt);
    checkHealthUrlOfInput(request);
    AuditTrail trail = new AuditTrail(plan.operator());
    RunSearchAttributes.tag("4.4 " + plan.direction(), plan.operator(), plan.database());
    steps = new StepTracker(trail);
    trail.record(
        plan.direction() + "-requested",
        StepRecord.RUNNING,
        plan.direction()
            + " to "
            + plan.targetRegion()
            + " from s3://"
            + plan.sourceBucket()
            + " ("
            + plan.sourceRegion()
            + ")"
            + (plan.reason().isEmpty() ? "" : "; reason: " + plan.reason()));
    try {
      return ProcedureEnvelope.run(
          "FailoverFailed",
          () -> switchRegion(startedAt, trail),
          failure -> trail.record(plan.direction(), failure.stepStatus(), failure.message()));
    } finally {
      trail.awaitAll();
    }
  }

  /** Runbook 4.4 from the backup's freshness to the health of the switched region. */
  private FailoverResult switchRegion(Instant startedAt, AuditTrail trail) {
    freshness = steps.run(CHECK_FRESHNESS, this::checkFreshness, FailoverText::freshness);
    if (!freshness.compared().reachable()
        && Workflow.getVersion(COMPARED_REGION_UNREACHABLE, Workflow.DEFAULT_VERSION, 1) == 1) {
      // 2.5: the region we fail over from is down. Its bucket is only a comparison, so the
      // failover goes on from the DR side and says which check it could not make.
      steps.skip(COMPARE_REPLICATION, FailoverText.comparisonSkipped(freshness, plan));
    }
    trail.backupKey(freshness.source().newest().key());
    RunSearchAttributes.backupKey(freshness.source().newest().key());
    if (plan.failback()
        && Workflow.getVersion(FAILBACK_GUARDS_NEWER_DR_DATA, Workflow.DEFAULT_VERSION, 1) == 1) {
      String loss = FailoverText.failbackLoss(freshness, plan);
      if (loss != null) {
        // Restoring the primary's backup over what the DR side wrote since is a data loss a
        // person must accept; a pre-approved DNS policy does not cover it.
        Decision lossDecision =
            steps.run(
                APPROVE_FAILBACK_DATA_LOSS,
                () ->
                    gates.await(
                        Decision.FAILBACK_DATA_LOSS,
                        plan.approvalTimeout(),
                        FailoverText.failbackLossQuestion(loss, plan)),
                FailoverText::decision);
        if (lossDecision == null || !lossDecision.approve()) {
          String outcome =
              lossDecision == null
                  ? FailoverResult.APPROVAL_TIMED_OUT
                  : FailoverResult.FAILBACK_DATA_LOSS_REJECTED;
          trail.record(
              plan.direction(),
              outcome,
              FailoverText.decision(lossDecision)
                  + "; "
                  + loss
                  + "; nothing was provisioned or changed");
          return result(startedAt, outcome, null, null, null, null);
        }
      }
    }
    if (freshness.rpo().verdict().equals(RpoAssessment.ABOVE_MAXIMUM)) {
      Decision staleDecision =
          steps.run(
              APPROVE_STALE_BACKUP,
              () ->
                  gates.await(
                      Decision.STALE_BACKUP,
                      plan.approvalTimeout(),
                      FailoverText.staleQuestion(freshness, plan)),
              FailoverText::decision);
      if (staleDecision == null || !staleDecision.approve()) {
        String outcome =
            staleDecision == null
                ? FailoverResult.APPROVAL_TIMED_OUT
                : FailoverResult.STALE_BACKUP_REJECTED;
        trail.record(
            plan.direction(),
            outcome,
            FailoverText.decision(staleDecision) + "; nothing was provisioned or changed");
        return result(startedAt, outcome, null, null, null, null);
      }
    }
    StackOutputs stack =
        steps.run(
            PROVISION,
            () -> infrastructure.applyStack(new StackSpec(plan.workspace(), plan.targetRegion())),
            s ->
                "terraform workspace "
                    + s.workspace()
                    + " in "
                    + s.region()
                    + ": database "
                    + s.database().describe()
                    + ", outputs "
                    + s.outputs().keySet());
    RestoreResult restored =
        steps.run(
            RESTORE,
            () -> restoreWithRunbook41(stack),
            r ->
                r.outcome()
                    + ", verification "
                    + (r.verification().passed() ? "passed" : "FAILED")
                    + ", backup "
                    + r.backup().key());

    Decision dnsDecision;
    if (plan.preApproved()) {
      dnsDecision =
          gates.offer(
              Decision.approve(
                  Decision.DNS_SWITCH, plan.preApprovedBy(), "pre-approved by policy"));
      steps.skip(APPROVE_DNS, "pre-approved by " + plan.preApprovedBy());
    } else {
      dnsDecision =
          steps.run(
              APPROVE_DNS,
              () ->
                  gates.await(
                      Decision.DNS_SWITCH,
                      plan.approvalTimeout(),
                      FailoverText.dnsQuestion(plan, stack, restored)),
              FailoverText::decision);
    }
    if (dnsDecision == null || !dnsDecision.approve()) {
      String outcome =
          dnsDecision == null
              ? FailoverResult.APPROVAL_TIMED_OUT
              : FailoverResult.DNS_SWITCH_REJECTED;
      trail.record(
          plan.direction(),
          outcome,
          FailoverText.decision(dnsDecision)
              + "; DNS unchanged, the "
              + plan.targetRegion()
              + " stack stays up for the operator to decide");
      return result(startedAt, outcome, stack, restored, null, null);
    }

    Map<String, String> variables = new HashMap<>(stack.outputs());
    variables.put("region", plan.targetRegion());
    DnsChange change =
        steps.run(
            SWITCH_DNS,
            () ->
                dns.applyChangeBatch(
                    new DnsChangeRequest(
                        plan.hostedZoneId(),
                        plan.changeBatch(),
                        variables,
                        Workflow.getInfo().getWorkflowId())),
            c ->
                (c.alreadyApplied()
                        ? "records already held the values: "
                        : "UPSERT " + c.changeId() + ": ")
                    + c.records());
    DnsChange synced = steps.run(WAIT_IN_SYNC, () -> awaitInSync(change), c -> c.status());
    HealthReport health =
        steps.run(
            PROBE_HEALTH,
            () -> verification.probeHealth(plan.healthUrl(), plan.healthDeadline()),
            FailoverText::health);
    String outcome = health.healthy() ? FailoverResult.SWITCHED : FailoverResult.SWITCHED_UNHEALTHY;
    trail.record(
        plan.direction(),
        outcome,
        "DNS points at "
            + plan.targetRegion()
            + (health.healthy()
                ? "; healthy"
                : "; the health check never passed ("
                    + FailoverText.health(health)
                    + "); DNS is left as it is for the operator"));
    return result(startedAt, outcome, stack, restored, synced, health);
  }

  private FreshnessReport checkFreshness() {
    BucketFreshness source =
        storage.newestBackup(plan.sourceBucket(), plan.sourceRegion(), Defaults.DAILY_PREFIX);
    BucketFreshness compared =
        storage.newestBackup(plan.compareBucket(), plan.compareRegion(), Defaults.DAILY_PREFIX);
    if (!source.reachable()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "The bucket to restore from, s3://"
              + plan.sourceBucket()
              + " in "
              + plan.sourceRegion()
              + ", cannot be read: "
              + source.problem()
              + ". A "
              + plan.direction()
              + " needs it; check the bucket name, region and the worker's access.",
          FailureTypes.BACKUP_ACCESS_DENIED);
    }
    if (source.newest() == null) {
      throw ApplicationFailure.newNonRetryableFailure(
          "There is no daily backup in s3://"
              + plan.sourceBucket()
              + "/daily/ ("
              + plan.sourceRegion()
              + "). Check that cross-region"
              + " replication runs; a "
              + plan.direction()
              + " has nothing to restore.",
          FailureTypes.BACKUP_NOT_FOUND);
    }
    Instant takenAt = source.newest().takenAt();
    Duration age = Duration.between(takenAt, now());
    Duration lag =
        compared.reachable() && compared.newest() != null
            ? Duration.between(takenAt, compared.newest().takenAt())
            : null;
    return new FreshnessReport(
        source,
        compared,
        age.isNegative() ? Duration.ZERO : age,
        RpoAssessment.of(plan.incidentAt(), takenAt),
        lag);
  }

  private RestoreResult restoreWithRunbook41(StackOutputs stack) {
    restoreWorkflowId = Workflow.getInfo().getWorkflowId() + "-restore";
    RestoreFromBackupWorkflow child =
        Workflow.newChildWorkflowStub(
            RestoreFromBackupWorkflow.class,
            ChildWorkflowOptions.newBuilder()
                .setWorkflowId(restoreWorkflowId)
                .setTaskQueue(TaskQueues.DR)
                .setStaticSummary(
                    "Restore "
                        + freshness.source().newest().key()
                        + " into "
                        + plan.database()
                        + " in "
                        + plan.targetRegion())
                .build());
    return child.restore(
        RestoreRequest.builder()
            .backupKey(freshness.source().newest().key())
            .bucket(plan.sourceBucket())
            .targetDatabase(plan.database())
            .operator(plan.operator())
            .reason(
                plan.reason().isEmpty()
                    ? plan.direction() + " to " + plan.targetRegion()
                    : plan.reason())
            .incidentAt(plan.incidentAt().toString())
            .targetServer(stack.database())
            .applicationSteps(false)
            .bucketRegion(plan.sourceRegion())
            .build());
  }

  /** Temporal's infrequent-polling pattern again: one activity, retried every 10 s until INSYNC. */
  private DnsChange awaitInSync(DnsChange change) {
    DnsActivities poller =
        Workflow.newActivityStub(
            DnsActivities.class,
            ActivityOptions.newBuilder()
                .setStartToCloseTimeout(Duration.ofSeconds(30))
                .setScheduleToCloseTimeout(Duration.ofMinutes(30))
                .setRetryOptions(
                    RetryOptions.newBuilder()
                        .setInitialInterval(Duration.ofSeconds(10))
                        .setBackoffCoefficient(1.0)
                        .build())
                .build());
    return poller.checkChangeInSync(change);
  }

  private FailoverResult result(
      Instant startedAt,
      String outcome,
      StackOutputs stack,
      RestoreResult restored,
      DnsChange change,
      HealthReport health) {
    return FailoverResult.builder()
        .direction(plan.direction())
        .outcome(outcome)
        .freshness(freshness)
        .stack(stack)
        .restore(restored)
        .dns(change)
        .health(health)
        .decisions(gates.decisions())
        .steps(steps.steps())
        .elapsed(Duration.between(startedAt, now()))
        .build();
  }

  @Override
  public String decide(Decision decision) {
    Decision recorded = record(decision);
    return (recorded.approve() ? "Approved" : "Rejected")
        + " "
        + recorded.gate()
        + " by "
        + recorded.by()
        + (gates.waitingAt(recorded.gate())
            ? "; the " + plan.direction() + " goes on now."
            : "; it applies when the " + plan.direction() + " reaches the gate.");
  }

  @Override
  public void validateDecision(Decision decision) {
    gates.validate(decision);
    if (decision.gate().equals(Decision.STALE_BACKUP) && !gates.waitingAt(Decision.STALE_BACKUP)) {
      throw new IllegalArgumentException("The stale-backup gate is not waiting for a decision.");
    }
    if (decision.gate().equals(Decision.FAILBACK_DATA_LOSS)
        && !gates.waitingAt(Decision.FAILBACK_DATA_LOSS)) {
      throw new IllegalArgumentException(
          "The failback-data-loss gate is not waiting for a decision: a loss is accepted only once"
              + " it is stated.");
    }
  }

  @Override
  public void decision(Decision decision) {
    record(decision); // a malformed signal cannot be answered; the update validator explains
  }

  private Decision record(Decision decision) {
    if (decision != null
        && Decision.FAILBACK_DATA_LOSS.equals(decision.gate())
        && !gates.waitingAt(Decision.FAILBACK_DATA_LOSS)) {
      return null; // accepting a data loss before it is stated is no decision
    }
    Decision recorded = gates.offer(decision);
    if (recorded != null) {
      Workflow.getLogger(CrossRegionFailoverWorkflowImpl.class)
          .info(
              "{} {} by {}",
              recorded.approve() ? "Approved" : "Rejected",
              recorded.gate(),
              recorded.by());
    }
    return recorded;
  }

  @Override
  public FailoverProgress progress() {
    return new FailoverProgress(
        plan == null ? null : plan.direction(),
        steps == null ? null : steps.current(),
        gates.pendingGate(),
        gates.pendingQuestion(),
        freshness,
        gates.decisions(),
        restoreWorkflowId,
        steps == null ? List.of() : steps.steps());
  }

  private static Instant now() {
    return Instant.ofEpochMilli(Workflow.currentTimeMillis());
  }
}
