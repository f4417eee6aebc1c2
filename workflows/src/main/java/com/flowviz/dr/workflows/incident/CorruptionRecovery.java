package com.flowviz.dr.workflows.incident;

import static com.flowviz.dr.workflows.incident.IncidentSteps.PROCEDURE;

import com.flowviz.dr.workflows.restore.RestoreResult;
import java.util.List;

/** 2.1: runbook 4.1 with the newest backup taken before the corruption began. */
final class CorruptionRecovery {
  static final String PROCEDURE_NAME = "runbook 4.1, restore from the backup before the corruption";

  private final IncidentContext ctx;
  private final DatabaseRestores restores;

  CorruptionRecovery(IncidentContext ctx) {
    this.ctx = ctx;
    this.restores = new DatabaseRestores(ctx);
  }

  Recovery recover(IdentifiedBackup identified) {
    if (ctx.plan.approvals().swapRequired()) {
      return new SwapOnApproval(ctx, restores).recover(identified, false, PROCEDURE_NAME, true);
    }
    RestoreResult restored =
        ctx.steps.run(
            PROCEDURE, () -> restores.restore(identified, false, false, true), restores::describe);
    return restores
        .recovery(PROCEDURE_NAME, restored)
        .replacedDatabase(restored.replacedDatabase())
        .actions(List.of())
        .healthy(RestoreResult.RESTORED.equals(restored.outcome()))
        .build();
  }
}
