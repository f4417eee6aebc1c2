package com.flowviz.dr.workflows.catalog;

import com.flowviz.dr.activities.storage.RetentionReport;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Runbook section 7's retention table held against the bucket's lifecycle configuration, rule by
 * rule: a finding for compliance, never a failure, when the bucket does not keep what it must.
 */
@WorkflowInterface
public interface CheckBackupRetentionWorkflow {

  @WorkflowMethod(name = "CheckBackupRetention")
  RetentionReport check(RetentionCheckRequest request);
}
