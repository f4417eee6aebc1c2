package com.flowviz.dr.activities.postgres;

import io.temporal.activity.ActivityInterface;
import io.temporal.activity.ActivityMethod;

/** The target PostgreSQL server, reached with the PG* settings of the worker. */
@ActivityInterface
public interface PostgresActivities {

  /**
   * Creates (or re-creates, when an earlier attempt left one) the staging database and the
   * extensions the application needs (runbook 4.3 step 3).
   */
  @ActivityMethod
  void prepareStagingDatabase(String stagingDatabase);

  /**
   * {@code pg_restore --no-owner --no-privileges} of a local archive into the staging database.
   * A retry starts from a fresh staging database. Runs on the host queue.
   */
  @ActivityMethod
  PgRestoreOutcome restoreIntoStaging(String dumpPath, String stagingDatabase);

  /**
   * Ends the sessions on the live database, renames it to the retired name and renames staging
   * to the live name, in one transaction.
   */
  @ActivityMethod
  SwapOutcome swapIntoLive(SwapRequest request);

  /** Drops a staging database this workflow created. Only names of staging databases are accepted. */
  @ActivityMethod
  boolean dropStagingDatabase(String stagingDatabase);
}
