package com.flowviz.dr.activities.lease;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import io.temporal.api.workflowservice.v1.TerminateWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Describes and ends workflows on the worker's Temporal server. */
public class TemporalWorkflows implements RunningWorkflows {

  private static final Logger log = LoggerFactory.getLogger(TemporalWorkflows.class);

  private final WorkflowClient client;

  public TemporalWorkflows(WorkflowClient client) {
    this.client = client;
  }

  /** The latest run of the workflow id, or empty when there is none. */
  public Optional<DescribeWorkflowExecutionResponse> describe(String workflowId, String runId) {
    WorkflowExecution.Builder execution = WorkflowExecution.newBuilder().setWorkflowId(workflowId);
    if (runId != null && !runId.isEmpty()) {
      execution.setRunId(runId);
    }
    try {
      return Optional.of(
          client
              .getWorkflowServiceStubs()
              .blockingStub()
              .describeWorkflowExecution(
                  DescribeWorkflowExecutionRequest.newBuilder()
                      .setNamespace(client.getOptions().getNamespace())
                      .setExecution(execution)
                      .build()));
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return Optional.empty();
      }
      throw e;
    }
  }

  @Override
  public Optional<Boolean> isRunning(String workflowId) {
    try {
      return Optional.of(describe(workflowId, null).map(TemporalWorkflows::running).orElse(false));
    } catch (StatusRuntimeException e) {
      log.warn("Cannot tell whether workflow {} runs: {}", workflowId, e.getStatus());
      return Optional.empty();
    }
  }

  public void terminate(String workflowId, String runId, String reason) {
    try {
      client
          .getWorkflowServiceStubs()
          .blockingStub()
          .terminateWorkflowExecution(
              TerminateWorkflowExecutionRequest.newBuilder()
                  .setNamespace(client.getOptions().getNamespace())
                  .setWorkflowExecution(
                      WorkflowExecution.newBuilder().setWorkflowId(workflowId).setRunId(runId))
                  .setReason(reason)
                  .build());
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() != Status.Code.NOT_FOUND) {
        throw e;
      }
      // Closed meanwhile: what was wanted.
    }
  }

  static boolean running(DescribeWorkflowExecutionResponse d) {
    return d.getWorkflowExecutionInfo().getStatus()
        == WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING;
  }
}
