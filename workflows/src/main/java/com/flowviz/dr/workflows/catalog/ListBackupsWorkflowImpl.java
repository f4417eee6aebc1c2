package com.flowviz.dr.workflows.catalog;

import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.activities.storage.BackupStorageActivities;
import com.flowviz.dr.workflows.Defaults;
import com.flowviz.dr.workflows.InputValidation;
import com.flowviz.dr.workflows.common.ActivityTimeouts;
import io.temporal.workflow.Workflow;
import java.util.List;

public class ListBackupsWorkflowImpl implements ListBackupsWorkflow {

  private static final int MAX_LIMIT = 1000;

  private final BackupStorageActivities storage =
      Workflow.newActivityStub(BackupStorageActivities.class, ActivityTimeouts.QUICK);

  @Override
  public List<BackupObject> list(ListBackupsRequest request) {
    if (request == null) {
      request = ListBackupsRequest.builder().build();
    }
    String bucket =
        request.bucket() == null
            ? Defaults.BUCKET
            : InputValidation.bucketName("bucket", request.bucket());
    String prefix =
        request.prefix() == null
            ? Defaults.DAILY_PREFIX
            : InputValidation.prefix("prefix", request.prefix());
    int limit = request.limit() == null ? 20 : request.limit();
    if (limit < 1 || limit > MAX_LIMIT) {
      throw InputValidation.invalid(
          "limit " + limit + " is out of range; use 1 to " + MAX_LIMIT + ".");
    }
    return storage.listBackups(bucket, prefix, limit);
  }
}
