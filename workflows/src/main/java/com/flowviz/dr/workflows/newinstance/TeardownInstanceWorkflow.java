package com.flowviz.dr.workflows.newinstance;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * Removes an instance a restore made (a drill's, or one that is no longer needed), with an audit
 * entry.
 */
@WorkflowInterface
public interface TeardownInstanceWorkflow {

  /**
   * @return true when there was an instance to remove
   */
  @WorkflowMethod(name = "TeardownInstance")
  boolean teardown(TeardownInstanceRequest request);
}
