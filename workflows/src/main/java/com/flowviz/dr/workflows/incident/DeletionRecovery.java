package com.flowviz.dr.workflows.incident;

import static com.flowviz.dr.workflows.incident.IncidentSteps.AWAIT_CHOICE;
import static com.flowviz.dr.workflows.incident.IncidentSteps.COMPARE_DATA;
import static com.flowviz.dr.workflows.incident.IncidentSteps.PROCEDURE;
import static com.flowviz.dr.workflows.incident.IncidentSteps.SURGICAL_UNDELETE;

import com.flowviz.dr.activities.app.RestartOutcome;
import com.flowviz.dr.activities.postgres.DataGap;
import com.flowviz.dr.activities.postgres.LiveFingerprint;
import com.flowviz.dr.activities.postgres.SwapOutcome;
import com.flowviz.dr.activities.postgres.UndeleteOutcome;
import com.flowviz.dr.workflows.common.Detached;
import com.flowviz.dr.workflows.restore.RestoreResult;
import io.temporal.workflow.Workflow;
import java.util.List;

/**
 * 2.3: stage the backup, show the data gap, and do what the operator chooses: put back the deleted
 * rows (surgical undelete), replace the database with the backup (full restore), or change nothing.
 */
final class DeletionRecovery {
  private final IncidentContext ctx;
  private final IncidentPlan plan;
  private final DatabaseRestores restores;

  DeletionRecovery(IncidentContext ctx) {
    this.ctx = ctx;
    this.plan = ctx.plan;
    this.restores = new DatabaseRestores(ctx);
  }

  Recovery recover(IdentifiedBackup identified) {
    RestoreResult staged =
        ctx.steps.run(
            PROCEDURE, () -> restores.restore(identified, true, false, false), restores::describe);
    String staging = staged.stagingDatabase();
    DataGap gap =
        ctx.steps.run(
            COMPARE_DATA,
            () -> ctx.stubs.comparison.compareDatabases(plan.targetDatabase(), staging, null),
            DataGap::describe);
    ctx.dataGap = gap;
    LiveFingerprint compared = restores.fingerprintLive();
    ctx.awaiting = IncidentText.chooseRecovery(plan, gap);
    ctx.notifier.send(
        "decision-needed",
        "warning",
        "trigger",
        IncidentText.chooseRecoveryTitle(plan),
        IncidentText.gapDetails(gap));
    RecoveryChoice chosen =
        ctx.steps.run(AWAIT_CHOICE, this::awaitChoice, c -> IncidentText.describe(c, gap));
    ctx.awaiting = null;
    return switch (chosen.choice()) {
      case RecoveryChoice.SURGICAL -> undelete(staged, gap, chosen);
      case RecoveryChoice.FULL_RESTORE -> fullRestore(staged, gap, chosen, compared);
      default -> abandon(staged, gap, chosen);
    };
  }

  private RecoveryChoice awaitChoice() {
    ctx.awaitingChoice = true;
    Workflow.setCurrentDetails(ctx.awaiting);
    try {
      if (!Workflow.await(plan.decisionTimeout(), () -> ctx.choice != null)) {
        ctx.choice =
            new RecoveryChoice(
                RecoveryChoice.ABANDON,
                "flowviz-dr",
                "no choice within " + plan.decisionTimeout(),
                IncidentContext.now());
      }
      return ctx.choice;
    } finally {
      ctx.awaitingChoice = false;
    }
  }

  /** The deleted rows put back in one transaction; rows written since the backup stay. */
  private Recovery undelete(RestoreResult staged, DataGap gap, RecoveryChoice chosen) {
    // Past the choice the work runs to its end even if a cancellation arrives.
    UndeleteOutcome undelete =
        Detached.call(
            () ->
                ctx.steps.run(
                    SURGICAL_UNDELETE,
                    () ->
                        ctx.stubs.postgres.reinsertMissingRows(
                            plan.targetDatabase(),
                            staged.stagingDatabase(),
                            plan.incidentId(),
                            null),
                    IncidentText::describeUndelete));
    restores.dropStaging(staged.stagingDatabase());
    return restores
        .recovery("surgical undelete from the backup before the deletion", staged)
        .procedureOutcome("UNDELETED")
        .dataGap(gap)
        .choice(chosen)
        .undelete(undelete)
        .actions(List.of(IncidentText.undeleted(chosen, undelete, gap)))
        .healthy(true)
        .build();
  }

  /** The backup swapped in for the live database, which is kept under a dated name. */
  private Recovery fullRestore(
      RestoreResult staged, DataGap gap, RecoveryChoice chosen, LiveFingerprint compared) {
    SwapOutcome swap =
        restores.swapStagedIntoLive(
            staged.stagingDatabase(), "full restore of " + staged.backup().key(), compared);
    RestartOutcome restart = Detached.call(restores::restartApplication);
    return restores
        .recovery("runbook 4.1 swap of the backup before the deletion", staged)
        .procedureOutcome(RestoreResult.RESTORED)
        .replacedDatabase(swap.retiredDatabase())
        .dataGap(gap)
        .choice(chosen)
        .actions(List.of(IncidentText.fullyRestored(chosen, gap, swap)))
        .healthy(DatabaseRestores.restarted(restart))
        .build();
  }

  /** Nothing changed; the staging copy goes. */
  private Recovery abandon(RestoreResult staged, DataGap gap, RecoveryChoice chosen) {
    restores.dropStaging(staged.stagingDatabase());
    return restores
        .recovery("none: the operator chose to change nothing", staged)
        .procedureOutcome("ABANDONED")
        .dataGap(gap)
        .choice(chosen)
        .actions(List.of(IncidentText.abandoned(plan, chosen)))
        .healthy(true)
        .abandoned(true)
        .build();
  }
}
