package com.flowviz.dr.activities.provision;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * New PostgreSQL instances (runbook 4.3 step 1), by the provisioner the worker is configured with.
 */
@ActivityInterface
public interface ProvisionActivities {

  /**
   * Provisions the instance, or finds and reuses the one an earlier attempt provisioned under the
   * same name. Its admin password is generated here and kept in the secret store.
   */
  @ActivityMethod
  ProvisionedInstance provisionInstance(InstanceSpec spec);

  /** Removes the instance and its password secret; nothing happens when there is none. */
  @ActivityMethod
  boolean teardownInstance(InstanceSpec spec);
}
