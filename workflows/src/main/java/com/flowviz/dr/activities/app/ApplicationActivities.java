package com.flowviz.dr.activities.app;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The FlowViz application that uses the restored database. */
@ActivityInterface
public interface ApplicationActivities {

  /** Runs the configured restart command (runbook 4.1 step 5, e.g. docker compose restart api). */
  @ActivityMethod
  RestartOutcome restartApplication();
}
