package com.flowviz.dr.activities.workhost;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The host whose disk holds a restore's work files. */
@ActivityInterface
public interface WorkHostActivities {

  /** Returns the task queue of the host that ran this activity. */
  @ActivityMethod
  String claimWorkHost();

  /** Removes every work file of the workflow from this host. Safe to call any number of times. */
  @ActivityMethod
  void discardWorkFiles(String workflowId);
}
