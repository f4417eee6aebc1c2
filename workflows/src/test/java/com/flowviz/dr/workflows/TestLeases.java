package com.flowviz.dr.workflows;

import com.flowviz.dr.activities.lease.LeaseActivities;
import com.flowviz.dr.activities.lease.LeaseHolder;
import com.flowviz.dr.workflows.lease.DatabaseLeaseWorkflowImpl;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.temporal.api.common.v1.WorkflowExecution;
import io.temporal.api.enums.v1.WorkflowExecutionStatus;
import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionRequest;
import io.temporal.client.WorkflowClient;
import io.temporal.worker.Worker;

/**
 * Leases in workflow unit tests: the lease workflow itself and a describe of it against the test
 * server, the way the worker's LeaseActivitiesImpl reads the real one.
 */
public final class TestLeases implements LeaseActivities {

  private final WorkflowClient client;

  private TestLeases(WorkflowClient client) {
    this.client = client;
  }

  public static void register(Worker worker, WorkflowClient client) {
    worker.registerWorkflowImplementationTypes(DatabaseLeaseWorkflowImpl.class);
    worker.registerActivitiesImplementations(new TestLeases(client));
  }

  @Override
  public LeaseHolder describeLease(String leaseWorkflowId) {
    WorkflowExecutionInfo lease = describe(leaseWorkflowId, "");
    if (lease == null
        || lease.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      return LeaseHolder.free(leaseWorkflowId);
    }
    String holderId = lease.getParentExecution().getWorkflowId();
    WorkflowExecutionInfo holder = describe(holderId, lease.getParentExecution().getRunId());
    if (holder == null
        || holder.getStatus() != WorkflowExecutionStatus.WORKFLOW_EXECUTION_STATUS_RUNNING) {
      // The activity's contract: a lease that outlived its holder is ended and reported free (the
      // test server, like the dev server, does not apply the parent close policy).
      client
          .newUntypedWorkflowStub(leaseWorkflowId)
          .terminate("its holder " + holderId + " is closed");
      return LeaseHolder.free(leaseWorkflowId);
    }
    return new LeaseHolder(
        leaseWorkflowId,
        true,
        holderId,
        holder.getType().getName(),
        null,
        holder.hasRootExecution() ? holder.getRootExecution().getWorkflowId() : null);
  }

  private WorkflowExecutionInfo describe(String workflowId, String runId) {
    try {
      return client
          .getWorkflowServiceStubs()
          .blockingStub()
          .describeWorkflowExecution(
              DescribeWorkflowExecutionRequest.newBuilder()
                  .setNamespace(client.getOptions().getNamespace())
                  .setExecution(
                      WorkflowExecution.newBuilder().setWorkflowId(workflowId).setRunId(runId))
                  .build())
          .getWorkflowExecutionInfo();
    } catch (StatusRuntimeException e) {
      if (e.getStatus().getCode() == Status.Code.NOT_FOUND) {
        return null;
      }
      throw e;
    }
  }
}
