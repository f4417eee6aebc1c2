package com.flowviz.dr.activities.lease;

import java.util.Optional;

/** Whether a workflow is still running, as the Temporal server says. */
public interface RunningWorkflows {

  /** Empty when it cannot be told (no Temporal connection): the caller must not assume either. */
  Optional<Boolean> isRunning(String workflowId);

  /** No Temporal at hand: nothing can be told. */
  RunningWorkflows UNKNOWN = workflowId -> Optional.empty();
}
