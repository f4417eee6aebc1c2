package com.flowviz.dr.workflows.catalog;

import com.flowviz.dr.activities.storage.BackupObject;
import com.flowviz.dr.activities.storage.BackupStorageActivities;
import com.flowviz.dr.workflows.common.ActivityTimeouts;
import io.temporal.workflow.Workflow;
import java.util.List;

public class ListBackupsWorkflowImpl implements ListBackupsWorkflow {

  private final BackupStorageActivities storage =
      Workflow.newActivityStub(BackupStorageActivities.class, ActivityTimeouts.QUICK);

  @Override
  public List<BackupObject> list(ListBackupsRequest request) {
    ListBackupsPlan plan = ListBackupsPlan.from(request);
    return storage.listBackups(plan.bucket(), plan.prefix(), plan.limit());
  }
}
