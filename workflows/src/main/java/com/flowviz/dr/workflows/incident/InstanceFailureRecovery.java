package com.flowviz.dr.workflows.incident;

import static com.flowviz.dr.workflows.incident.IncidentSteps.PROCEDURE;

import com.flowviz.dr.workflows.newinstance.NewInstanceRequest;
import com.flowviz.dr.workflows.newinstance.NewInstanceResult;
import com.flowviz.dr.workflows.newinstance.RestoreToNewInstanceWorkflow;
import com.flowviz.dr.workflows.restore.RestoreResult;
import io.temporal.workflow.Workflow;
import java.util.List;

/** 2.2: runbook 4.3, the newest backup restored to a new instance the application is pointed at. */
final class InstanceFailureRecovery {
  private final IncidentContext ctx;
  private final IncidentPlan plan;

  InstanceFailureRecovery(IncidentContext ctx) {
    this.ctx = ctx;
    this.plan = ctx.plan;
  }

  Recovery recover(IdentifiedBackup identified) {
    ctx.procedureWorkflowId = plan.incidentId() + "-new-instance";
    RestoreToNewInstanceWorkflow child =
        Workflow.newChildWorkflowStub(
            RestoreToNewInstanceWorkflow.class,
            DatabaseRestores.childOptions(
                ctx.procedureWorkflowId,
                IncidentText.newInstanceSummary(plan, identified.backup())));
    if (plan.approvals().repointRequired()) {
      ctx.awaiting = IncidentText.approveRepoint(ctx.procedureWorkflowId);
    }
    NewInstanceResult result =
        ctx.steps.run(
            PROCEDURE,
            () -> child.restore(request(identified)),
            r -> IncidentText.describe(ctx.procedureWorkflowId, r));
    ctx.awaiting = null;
    RestoreResult restored = result.restore();
    boolean repointed = !NewInstanceResult.NOT_REPOINTED.equals(result.outcome());
    return Recovery.builder()
        .procedure(
            repointed
                ? "runbook 4.3, restore to a new instance"
                : "runbook 4.3, restore to a new instance (repoint not approved)")
        .procedureWorkflowId(ctx.procedureWorkflowId)
        .procedureOutcome(result.outcome())
        .backup(restored.backup())
        .verification(restored.verification())
        .rpo(restored.rpo())
        .recoveredAt(IncidentContext.now())
        .liveServer(result.instance().server())
        .liveDatabase(plan.targetDatabase())
        .actions(
            List.of(
                repointed
                    ? IncidentText.newInstanceRepointed(result)
                    : IncidentText.newInstanceNotRepointed(result)))
        .healthy(!repointed || RestoreResult.RESTORED.equals(result.outcome()))
        .abandoned(!repointed)
        .build();
  }

  private NewInstanceRequest request(IdentifiedBackup identified) {
    boolean repointGate = plan.approvals().repointRequired();
    return NewInstanceRequest.builder()
        .backupKey(identified.backup().key())
        .bucket(identified.backup().bucket())
        .databaseName(plan.targetDatabase())
        .operator(plan.operator())
        .reason(plan.reason())
        .incidentAt(plan.damageStartedAt().toString())
        .repointApproval(repointGate ? Approvals.REQUIRED : null)
        .approvalTimeout(repointGate ? plan.decisionTimeout().toString() : null)
        .build();
  }
}
