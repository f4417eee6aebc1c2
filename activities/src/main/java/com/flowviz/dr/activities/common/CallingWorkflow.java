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
    try {
      return "workflow " + Activity.getExecutionContext().getInfo().getWorkflowId();
    } catch (IllegalStateException | NullPointerException outsideAnActivity) {
      return "process " + ProcessHandle.current().pid();
    }
  }
}
