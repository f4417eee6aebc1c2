package com.flowviz.dr.workflows.catalog;

import com.flowviz.dr.activities.storage.ArchiveActivities;
import com.flowviz.dr.activities.storage.RetentionReport;
import com.flowviz.dr.workflows.Defaults;
import com.flowviz.dr.workflows.InputValidation;
import com.flowviz.dr.workflows.common.ActivityTimeouts;
import io.temporal.workflow.Workflow;

public class CheckBackupRetentionWorkflowImpl implements CheckBackupRetentionWorkflow {

  private final ArchiveActivities archive =
      Workflow.newActivityStub(ArchiveActivities.class, ActivityTimeouts.QUICK);

  @Override
  public RetentionReport check(RetentionCheckRequest request) {
    String bucket =
        request == null || request.bucket() == null
            ? Defaults.BUCKET
            : InputValidation.bucketName("bucket", request.bucket());
    return archive.checkRetention(bucket);
  }
}
