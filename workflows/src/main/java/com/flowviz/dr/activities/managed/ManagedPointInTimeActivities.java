package com.flowviz.dr.activities.managed;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/**
 * Point-in-time recovery of a managed PostgreSQL (RDS, Aurora) through the service's own restore:
 * there is no data directory and no WAL to fetch; the service builds a new instance from its
 * backups. The source is only described, never changed.
 */
@ActivityInterface
public interface ManagedPointInTimeActivities {

  /** The source's restorable window; an unknown source is refused, naming it. */
  @ActivityMethod
  ManagedRestoreWindow restorableWindow(ManagedSource source);

  /**
   * Starts the service's restore into {@code spec.target()}, tagged with the workflow that asked; a
   * retry that finds its own restore returns it, an existing database of that name not made by this
   * workflow is refused. A target outside the window is refused naming both bounds.
   */
  @ActivityMethod
  ManagedRestored startRestore(ManagedRestoreSpec spec);

  /**
   * Waits, heartbeating, until the restored database is available; records it in the registry as
   * {@code instance:<target>} with the source server's role and password.
   */
  @ActivityMethod
  ManagedRestored awaitAvailable(ManagedRestoreSpec spec);
}
