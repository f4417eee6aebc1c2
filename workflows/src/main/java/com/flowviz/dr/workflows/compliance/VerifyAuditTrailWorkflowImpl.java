package com.flowviz.dr.workflows.compliance;

import com.flowviz.dr.activities.audit.AuditActivities;
import com.flowviz.dr.activities.audit.ChainVerification;
import com.flowviz.dr.workflows.common.ActivityTimeouts;
import io.temporal.workflow.Workflow;

public class VerifyAuditTrailWorkflowImpl implements VerifyAuditTrailWorkflow {

  private final AuditActivities audit =
      Workflow.newActivityStub(AuditActivities.class, ActivityTimeouts.VERIFY);

  @Override
  public ChainVerification verify() {
    return audit.verifyAuditChain();
  }
}
