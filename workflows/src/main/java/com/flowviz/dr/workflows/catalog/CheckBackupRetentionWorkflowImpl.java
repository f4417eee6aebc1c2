package com.flowviz.dr.workflows.catalog;

import com.flowviz.dr.activities.storage.ArchiveActivities;
import com.flowviz.dr.activities.storage.RetentionReport;
import com.flowviz.dr.workflows.common.ActivityTimeouts;
import io.temporal.workflow.Workflow;

public class CheckBackupRetentionWorkflowImpl implements CheckBackupRetentionWorkflow {

  private final ArchiveActivities archive =
      Workflow.newActivityStub(ArchiveActivities.class, ActivityTimeouts.QUICK);

  @Override
  public RetentionReport check(RetentionCheckRequest request) {
    return archive.checkRetention(RetentionCheckPlan.from(request).bucket());
  }
}
