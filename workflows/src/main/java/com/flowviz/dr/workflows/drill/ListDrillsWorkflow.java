package com.flowviz.dr.workflows.drill;

import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/** The newest drill reports and the RTO trend they show. Input: {@code {"limit": 10}}. */
@WorkflowInterface
public interface ListDrillsWorkflow {

  @WorkflowMethod(name = "ListDrills")
  DrillHistory list(DrillHistoryRequest request);
}
