package com.flowviz.dr.workflows.incident;

import static com.flowviz.dr.workflows.incident.IncidentSteps.PROCEDURE;
import static com.flowviz.dr.workflows.incident.IncidentSteps.ROTATE_CREDENTIALS;

import com.flowviz.dr.activities.app.RestartOutcome;
import com.flowviz.dr.activities.incident.RotationOutcome;
import com.flowviz.dr.workflows.common.Detached;
import com.flowviz.dr.workflows.restore.RestoreResult;
import java.util.ArrayList;
import java.util.List;

/**
 * 2.4: the isolated backup, proven intact, then new credentials for everything and the application
 * restarted with them.
 */
final class BreachRecovery {
  static final String PROCEDURE_NAME = "restore from the isolated backup, rotate all credentials";

  private final IncidentContext ctx;
  private final DatabaseRestores restores;

  BreachRecovery(IncidentContext ctx) {
    this.ctx = ctx;
    this.restores = new DatabaseRestores(ctx);
  }

  Recovery recover(IdentifiedBackup identified) {
    if (ctx.plan.approvals().swapRequired()) {
      Recovery swapped =
          new SwapOnApproval(ctx, restores).recover(identified, true, PROCEDURE_NAME, false);
      return swapped.abandoned() ? swapped : rotateAfterSwap(swapped);
    }
    RestoreResult restored =
        ctx.steps.run(
            PROCEDURE, () -> restores.restore(identified, false, true, false), restores::describe);
    RotationOutcome rotated = rotateCredentials();
    RestartOutcome restart = Detached.call(restores::restartApplication);
    return restores
        .recovery(PROCEDURE_NAME, restored)
        .replacedDatabase(restored.replacedDatabase())
        .rotation(rotated)
        .actions(IncidentText.breachActions(restored.backup(), rotated, restart))
        .healthy(DatabaseRestores.restarted(restart))
        .build();
  }

  /** After an approved swap: the same rotation and restart as without a gate. */
  private Recovery rotateAfterSwap(Recovery swapped) {
    RotationOutcome rotated = rotateCredentials();
    RestartOutcome restart = Detached.call(restores::restartApplication);
    List<String> actions = new ArrayList<>(swapped.actions());
    actions.addAll(IncidentText.breachActions(swapped.backup(), rotated, restart));
    return swapped.toBuilder()
        .procedureWorkflowId(ctx.procedureWorkflowId)
        .recoveredAt(IncidentContext.now())
        .rotation(rotated)
        .actions(actions)
        .healthy(DatabaseRestores.restarted(restart))
        .build();
  }

  /**
   * Runs to its end even when the incident is cancelled: the restore before it already happened.
   */
  private RotationOutcome rotateCredentials() {
    return Detached.call(
        () ->
            ctx.steps.run(
                ROTATE_CREDENTIALS,
                () -> ctx.stubs.rotation.rotateCredentials(null),
                IncidentText::describeRotation));
  }
}
