package com.flowviz.dr.workflows.incident;

import static com.flowviz.dr.workflows.incident.IncidentSteps.PROCEDURE;

import com.flowviz.dr.workflows.failover.CrossRegionFailoverWorkflow;
import com.flowviz.dr.workflows.failover.FailoverResult;
import com.flowviz.dr.workflows.restore.RestoreResult;
import io.temporal.workflow.Workflow;
import java.util.ArrayList;
import java.util.List;

/** 2.5: runbook 4.4. Its DNS gate waits on the child; the progress query says where to answer. */
final class RegionalOutageRecovery {
  private final IncidentContext ctx;
  private final IncidentPlan plan;

  RegionalOutageRecovery(IncidentContext ctx) {
    this.ctx = ctx;
    this.plan = ctx.plan;
  }

  Recovery recover() {
    ctx.procedureWorkflowId = plan.incidentId() + "-failover";
    CrossRegionFailoverWorkflow child =
        Workflow.newChildWorkflowStub(
            CrossRegionFailoverWorkflow.class,
            DatabaseRestores.childOptions(
                ctx.procedureWorkflowId,
                "Incident " + plan.incidentId() + ": failover to the DR region"));
    ctx.awaiting = IncidentText.approveDnsSwitch(ctx.procedureWorkflowId);
    FailoverResult result =
        ctx.steps.run(
            PROCEDURE,
            () -> child.failover(plan.failoverRequest()),
            r -> "runbook 4.4 (" + ctx.procedureWorkflowId + "): " + r.outcome());
    ctx.awaiting = null;
    RestoreResult restored = result.restore();
    boolean switched =
        FailoverResult.SWITCHED.equals(result.outcome())
            || FailoverResult.SWITCHED_UNHEALTHY.equals(result.outcome());
    List<String> actions = new ArrayList<>();
    if (result.stack() != null) {
      actions.add("DR stack " + result.stack().workspace() + " in " + result.stack().region());
    }
    actions.add(IncidentText.dnsOutcome(result, switched));
    RecoveryBuilder recovery =
        Recovery.builder()
            .procedure("runbook 4.4, cross-region failover")
            .procedureWorkflowId(ctx.procedureWorkflowId)
            .procedureOutcome(result.outcome())
            .backup(ctx.backup)
            .recoveredAt(IncidentContext.now())
            .liveDatabase(plan.failoverRequest().databaseName())
            .actions(actions)
            .healthy(FailoverResult.SWITCHED.equals(result.outcome()))
            .abandoned(!switched);
    if (restored != null) {
      recovery.backup(restored.backup()).verification(restored.verification()).rpo(restored.rpo());
    }
    if (result.stack() != null) {
      recovery.liveServer(result.stack().database());
    }
    return recovery.build();
  }
}
