package com.flowviz.dr.activities.lease;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Reads the leases procedures hold on databases. A lease is a workflow (DatabaseLease) whose id
 * names the database; what holds it is its parent, which only the Temporal server knows.
 */
@ActivityInterface
public interface LeaseActivities {

  /**
   * Who holds the lease workflow of this id. A lease still running whose holder has closed (a
   * server that did not apply the parent close policy) is stale: it is terminated and reported
   * free, so the caller can take it.
   */
  @ActivityMethod
  LeaseHolder describeLease(String leaseWorkflowId);
}
