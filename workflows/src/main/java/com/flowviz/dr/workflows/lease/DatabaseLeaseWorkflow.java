package com.flowviz.dr.workflows.lease;

import io.temporal.workflow.QueryMethod;
import io.temporal.workflow.SignalMethod;
import io.temporal.workflow.WorkflowInterface;
import io.temporal.workflow.WorkflowMethod;

/**
 * One procedure at a time per database: a procedure that changes a database starts this workflow as
 * its child under an id that names the database. Temporal runs one workflow per id, so a second
 * procedure's start fails while the first holds it, and the parent close policy ends the lease with
 * its holder, even a holder that is terminated.
 */
@WorkflowInterface
public interface DatabaseLeaseWorkflow {

  @WorkflowMethod(name = "DatabaseLease")
  void hold(LeaseRequest request);

  /** The holder is done with the database. */
  @SignalMethod
  void release();

  @QueryMethod
  LeaseRequest lease();
}
