package com.flowviz.dr.workflows.incident;

import static com.flowviz.dr.workflows.incident.IncidentSteps.APPROVE_SWAP;
import static com.flowviz.dr.workflows.incident.IncidentSteps.PROCEDURE;

import com.flowviz.dr.activities.app.RestartOutcome;
import com.flowviz.dr.activities.postgres.LiveFingerprint;
import com.flowviz.dr.activities.postgres.SwapOutcome;
import com.flowviz.dr.workflows.common.ApprovalGates;
import com.flowviz.dr.workflows.common.Decision;
import com.flowviz.dr.workflows.common.Detached;
import com.flowviz.dr.workflows.restore.RestoreResult;
import java.util.ArrayList;
import java.util.List;

/**
 * What an automation policy asks for: everything up to the irreversible step runs at once (the
 * restore into staging, its verification), then a person approves replacing the live database.
 * Rejected or unanswered within the decision timeout: nothing changes and the staging copy goes.
 */
final class SwapOnApproval {
  private final IncidentContext ctx;
  private final IncidentPlan plan;
  private final DatabaseRestores restores;

  SwapOnApproval(IncidentContext ctx, DatabaseRestores restores) {
    this.ctx = ctx;
    this.plan = ctx.plan;
    this.restores = restores;
  }

  /**
   * @param restartAfter restart the application once swapped (2.4 restarts it after rotating the
   *     credentials instead)
   */
  Recovery recover(
      IdentifiedBackup identified,
      boolean strictIntegrity,
      String procedure,
      boolean restartAfter) {
    RestoreResult staged =
        ctx.steps.run(
            PROCEDURE,
            () -> restores.restore(identified, true, strictIntegrity, false),
            restores::describe);
    String staging = staged.stagingDatabase();
    LiveFingerprint judged = restores.fingerprintLive();
    ctx.awaiting = IncidentText.approveSwap(plan, staged);
    ctx.notifier.send(
        "approval-needed",
        "warning",
        "trigger",
        IncidentText.approveSwapTitle(plan),
        IncidentText.approveSwapDetails(plan, staged));
    Decision decision =
        ctx.steps.run(
            APPROVE_SWAP,
            () -> ctx.gates.await(Decision.SWAP, plan.decisionTimeout(), ctx.awaiting),
            ApprovalGates::describe);
    ctx.awaiting = null;
    List<String> actions = new ArrayList<>();
    if (decision == null || !decision.approve()) {
      restores.dropStaging(staging);
      actions.add(IncidentText.swapNotApproved(plan, decision));
      return restores
          .recovery(procedure + " (swap not approved)", staged)
          .procedureOutcome("SWAP_NOT_APPROVED")
          .actions(actions)
          .healthy(true)
          .abandoned(true)
          .build();
    }
    SwapOutcome swap =
        restores.swapStagedIntoLive(
            staging,
            "restore of " + staged.backup().key() + " approved by " + decision.by(),
            judged);
    actions.add(IncidentText.swapApproved(plan, decision, staged, swap));
    RestartOutcome restart = restartAfter ? Detached.call(restores::restartApplication) : null;
    return restores
        .recovery(procedure, staged)
        .procedureOutcome(RestoreResult.RESTORED)
        .replacedDatabase(swap.retiredDatabase())
        .actions(actions)
        .healthy(restart == null || DatabaseRestores.restarted(restart))
        .build();
  }
}
