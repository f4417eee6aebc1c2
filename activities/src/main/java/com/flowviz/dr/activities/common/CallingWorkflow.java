package com.flowviz.dr.activities.common;

import io.temporal.activity.Activity;

/** Who asked: the workflow an activity runs for, as owners of what activities make are named. */
public final class CallingWorkflow {
  private CallingWorkflow() {}

  /**
   * "workflow &lt;id&gt;" inside an activity; outside one (benchmarks, tools) "process
   * &lt;pid&gt;", which then owns what it makes.
   */
  public static String owner() {
    String id = workflowId();
    return id.startsWith("process-") ? "process " + id.substring(8) : "workflow " + id;
  }

  /** The workflow id inside an activity; "process-&lt;pid&gt;" outside one. */
  public static String workflowId() {
    try {
      return Activity.getExecutionContext().getInfo().getWorkflowId();
    } catch (IllegalStateException | NullPointerException outsideAnActivity) {
      return "process-" + ProcessHandle.current().pid();
    }
  }
}
