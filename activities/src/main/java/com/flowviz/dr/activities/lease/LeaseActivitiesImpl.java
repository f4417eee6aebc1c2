package com.flowviz.dr.activities.lease;

import io.temporal.api.workflow.v1.WorkflowExecutionInfo;
import io.temporal.api.workflowservice.v1.DescribeWorkflowExecutionResponse;
import java.time.Instant;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

public class LeaseActivitiesImpl implements LeaseActivities {

  private static final Logger log = LoggerFactory.getLogger(LeaseActivitiesImpl.class);

  private final TemporalWorkflows workflows;

  public LeaseActivitiesImpl(TemporalWorkflows workflows) {
    this.workflows = workflows;
  }

  @Override
  public LeaseHolder describeLease(String leaseWorkflowId) {
    Optional<DescribeWorkflowExecutionResponse> lease = workflows.describe(leaseWorkflowId, null);
    if (lease.isEmpty() || !TemporalWorkflows.running(lease.get())) {
      return LeaseHolder.free(leaseWorkflowId);
    }
    WorkflowExecutionInfo info = lease.get().getWorkflowExecutionInfo();
    if (!info.hasParentExecution()) {
      // Started by hand, not by a procedure: it still guards the database.
      return new LeaseHolder(
          leaseWorkflowId,
          true,
          leaseWorkflowId,
          "started without a procedure; terminate it to free the database",
          startedAt(info),
          null);
    }
    String holderId = info.getParentExecution().getWorkflowId();
    Optional<DescribeWorkflowExecutionResponse> holder =
        workflows.describe(holderId, info.getParentExecution().getRunId());
    if (holder.isEmpty() || !TemporalWorkflows.running(holder.get())) {
      // The server ends a lease with its holder (parent close policy); one that outlived it guards
      // nothing.
      log.warn("Lease {} outlived its holder {}; ending it", leaseWorkflowId, holderId);
      workflows.terminate(
          leaseWorkflowId, info.getExecution().getRunId(), "its holder " + holderId + " is closed");
      return LeaseHolder.free(leaseWorkflowId);
    }
    WorkflowExecutionInfo h = holder.get().getWorkflowExecutionInfo();
    String root = h.hasRootExecution() ? h.getRootExecution().getWorkflowId() : null;
    return new LeaseHolder(
        leaseWorkflowId, true, holderId, h.getType().getName(), startedAt(h), root);
  }

  private static String startedAt(WorkflowExecutionInfo info) {
    return info.hasStartTime()
        ? Instant.ofEpochSecond(info.getStartTime().getSeconds(), info.getStartTime().getNanos())
            .toString()
        : null;
  }
}
