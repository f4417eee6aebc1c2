package com.flowviz.dr.activities.infra;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** A region's infrastructure, as terraform describes it (runbook 4.4 step 2). */
@ActivityInterface
public interface InfrastructureActivities {

  /**
   * init, workspace, apply with the region; returns the outputs. Applying twice changes nothing.
   */
  @ActivityMethod
  StackOutputs applyStack(StackSpec spec);
}
