package com.flowviz.dr.workflows.restore;

import com.flowviz.dr.activities.storage.BackupManifest;
import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.activities.verify.JudgementRequest;
import com.flowviz.dr.activities.verify.RestoreJudgement;
import com.flowviz.dr.activities.verify.RowLoss;
import com.flowviz.dr.activities.verify.VerificationActivities;
import com.flowviz.dr.activities.verify.VerificationCheck;
import com.flowviz.dr.activities.verify.VerificationReport;
import com.flowviz.dr.workflows.FailureTypes;
import com.flowviz.dr.workflows.common.ApprovalGates;
import com.flowviz.dr.workflows.common.Decision;
import com.flowviz.dr.workflows.common.StepTracker;
import io.temporal.failure.ApplicationFailure;
import io.temporal.workflow.Workflow;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * A verification that judges (issue 15): runbook 5.2's results are judged, not only listed, and a
 * restore without a manifest is measured against the live database it would replace. When the swap
 * would empty tables (a backup of a nearly empty database over a full one), it waits at the
 * "row-loss" gate for a person, who is told which tables lose how many rows; rejected or
 * unanswered, nothing is swapped and the staging database goes as after any refused swap.
 */
final class RowLossGate {

  /**
   * Workflow.getVersion change id: the restore's 5.2 results are judged and its row loss measured.
   */
  static final String CHANGE_ID = "restore-judges-results-and-row-loss";

  static final String GATE = "row-loss";
  static final String STEP = RestoreSteps.APPROVE_ROW_LOSS;

  private final VerificationActivities verification;
  private final ApprovalGates gates = new ApprovalGates(GATE);
  private RestoreJudgement judgement;

  RowLossGate(VerificationActivities verification) {
    this.verification = verification;
  }

  /**
   * The verification's report with the judgement's checks and findings added. Runs from version 1
   * of {@link #CHANGE_ID} on; a staging-only restore's caller compares with the live database
   * itself.
   */
  VerificationReport judge(
      VerificationReport report, RestorePlan plan, BackupObject backup, BackupManifest manifest) {
    if (Workflow.getVersion(CHANGE_ID, Workflow.DEFAULT_VERSION, 1) == Workflow.DEFAULT_VERSION) {
      return report;
    }
    String live = manifest == null && !plan.stageOnly() ? plan.targetDatabase() : null;
    Instant takenAt =
        manifest != null && manifest.takenAt() != null ? manifest.takenAt() : backup.takenAt();
    judgement =
        verification.judgeRestoredDatabase(
            new JudgementRequest(plan.stagingDatabase(), takenAt, live, plan.server()));
    List<VerificationCheck> checks = new ArrayList<>(report.checks());
    checks.addAll(judgement.checks());
    List<String> findings = new ArrayList<>(report.findings());
    findings.addAll(judgement.findings());
    return new VerificationReport(
        report.database(),
        report.passed() && judgement.passed(),
        report.comparedWithManifest(),
        checks,
        report.tableCounts(),
        report.latestLots(),
        report.qcDecisionsByType(),
        findings);
  }

  /**
   * Before the swap: when it would lose more than the worker's share of a table's rows, waits for a
   * person. Throws a non-retryable {@code SwapNotApproved} when rejected or unanswered.
   */
  void holdSwapIfRowsWouldBeLost(StepTracker steps, String targetDatabase) {
    if (judgement == null || judgement.rowLosses().isEmpty()) {
      return;
    }
    String losses =
        judgement.rowLosses().stream().map(RowLoss::describe).collect(Collectors.joining("; "));
    String question =
        "The backup has no manifest, so the restore was compared with the live database "
            + targetDatabase
            + ": swapping it in would lose more than "
            + Math.round(judgement.maxRowLoss() * 100)
            + "% of the rows of "
            + losses
            + ". Approve the swap (the live database is kept under a dated name) with `flowviz-dr"
            + " approve "
            + Workflow.getInfo().getWorkflowId()
            + " --gate "
            + GATE
            + " --by NAME`, or reject it to change nothing; no answer within "
            + judgement.decisionTimeout()
            + " changes nothing.";
    Decision decision =
        steps.run(
            STEP,
            () -> gates.await(GATE, judgement.decisionTimeout(), question),
            d -> ApprovalGates.describe(d) + "; would lose " + losses);
    if (decision == null || !decision.approve()) {
      throw ApplicationFailure.newNonRetryableFailure(
          "The swap into "
              + targetDatabase
              + " was not approved ("
              + ApprovalGates.describe(decision)
              + "): it would have lost "
              + losses
              + ". The live database was not touched. Restore a backup with a manifest, or one"
              + " taken before the data was lost.",
          FailureTypes.SWAP_NOT_APPROVED);
    }
  }

  /** What a person is asked while the restore waits at the gate, else null. */
  String awaiting() {
    return gates.pendingQuestion();
  }

  String decide(Decision decision) {
    Decision recorded = gates.offer(decision);
    boolean waiting = gates.waitingAt(GATE);
    return (recorded.approve() ? "Approved" : "Rejected")
        + " "
        + recorded.gate()
        + " by "
        + recorded.by()
        + (waiting
            ? (recorded.approve()
                ? "; swapping the restore in now."
                : "; nothing is swapped, the staging database is dropped.")
            : "; it applies if the restore reaches the gate.");
  }

  void validate(Decision decision) {
    gates.validate(decision);
  }

  void offer(Decision decision) {
    gates.offer(decision);
  }
}
