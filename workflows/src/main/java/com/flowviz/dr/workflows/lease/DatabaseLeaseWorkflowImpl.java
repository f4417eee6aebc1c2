package com.flowviz.dr.workflows.lease;

import io.temporal.workflow.Workflow;

public class DatabaseLeaseWorkflowImpl implements DatabaseLeaseWorkflow {

  private LeaseRequest request;
  private boolean released;

  @Override
  public void hold(LeaseRequest request) {
    this.request = request;
    // No timeout of its own: a holder may wait days for an approval. Its end ends the lease.
    Workflow.await(() -> released);
  }

  @Override
  public void release() {
    released = true;
  }

  @Override
  public LeaseRequest lease() {
    return request;
  }
}
