package com.flowviz.dr.workflows.compliance;

import com.flowviz.dr.activities.audit.ChainVerification;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Recomputes the audit trail's hash chain and names the first entry that breaks it (runbook section
 * 7).
 */
@WorkflowInterface
public interface VerifyAuditTrailWorkflow {

  @WorkflowMethod(name = "VerifyAuditTrail")
  ChainVerification verify();
}
